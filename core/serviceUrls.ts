/**
 * Where the bot may send. botbuilder attaches the bot's own Entra ID token to every request it makes to a
 * conversation's serviceUrl, whatever the host (its isTrustedServiceUrl answers true for anything), so a service
 * URL is a place the bot's credentials go. Every send is checked against this list first.
 *
 * A pattern is `scheme://host[:port][/path]`: the host may start with `*.` (one or more subdomain labels), the
 * port may be `*` (any; without it, the scheme's default), and a path makes it a prefix at a segment boundary.
 */

/** The Bot Framework channel services (https://learn.microsoft.com/azure/bot-service/bot-service-resources-bot-framework-faq). */
export const BOT_FRAMEWORK_SERVICE_URLS: readonly string[] = [
  'https://*.botframework.com', // Direct Line, Web Chat, Facebook, Slack, Telegram, … (public cloud)
  'https://smba.trafficmanager.net', // Microsoft Teams
  'https://smba.infra.gcc.teams.microsoft.com', // Teams GCC
  'https://smba.infra.gov.teams.microsoft.us', // Teams GCC High
  'https://smba.infra.dod.teams.microsoft.us', // Teams DoD
  'https://*.botframework.azure.us', // US Government cloud
  'https://*.botframework.azure.cn', // Azure China
];

/** The Bot Framework Emulator and local channels; trusted by default only when the bot has no credentials to leak. */
export const LOCAL_SERVICE_URLS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

interface Pattern {
  scheme: 'http:' | 'https:';
  host: string;
  /** `*.host`: any subdomain of host (not host itself). */
  subdomains: boolean;
  /** undefined: any port. */
  port?: string;
  /** '' or a path without trailing slash. */
  path: string;
}

const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?(\/[^?#\s]*)?$/i;
const DEFAULT_PORT = { 'http:': '80', 'https:': '443' } as const;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Parses one pattern; a string describing the problem when it is not one. */
export function parseServiceUrlPattern(text: string): Pattern | string {
  const m = PATTERN.exec(text.trim());
  if (!m) return `"${text}" is not a service URL pattern (scheme://host[:port][/path], host may start with *., port may be *)`;
  const scheme = `${m[1].toLowerCase()}:` as Pattern['scheme'];
  return {
    scheme,
    host: m[3].toLowerCase(),
    subdomains: !!m[2],
    port: m[4] === '*' ? undefined : (m[4] ?? DEFAULT_PORT[scheme]),
    path: (m[5] ?? '').replace(/\/+$/, ''),
  };
}

/** True when the pattern sends in clear text to a host other than this machine. */
export function isCleartextRemote(text: string): boolean {
  const p = parseServiceUrlPattern(text);
  return typeof p !== 'string' && p.scheme === 'http:' && !LOOPBACK.has(p.host);
}

export class TrustedServiceUrls {
  private readonly patterns: Pattern[];

  constructor(readonly list: readonly string[]) {
    this.patterns = list.map((t) => {
      const p = parseServiceUrlPattern(t);
      if (typeof p === 'string') throw new Error(p);
      return p;
    });
  }

  isTrusted(url: unknown): boolean {
    if (typeof url !== 'string' || url.length > 2048) return false;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    // Credentials in a URL are a classic way to dress one host up as another.
    if (u.username || u.password || (u.protocol !== 'http:' && u.protocol !== 'https:')) return false;
    const host = u.hostname.toLowerCase();
    const port = u.port || DEFAULT_PORT[u.protocol];
    return this.patterns.some(
      (p) =>
        p.scheme === u.protocol &&
        (p.subdomains ? host.endsWith(`.${p.host}`) : host === p.host) &&
        (p.port === undefined || p.port === port) &&
        (p.path === '' || u.pathname === p.path || u.pathname.startsWith(`${p.path}/`)),
    );
  }

  /** For log lines: the origin of a URL, never its path (which may carry ids). */
  static describe(url: unknown): string {
    try {
      return new URL(String(url)).origin;
    } catch {
      return typeof url === 'string' ? `${url.slice(0, 60)}…` : typeof url;
    }
  }
}
