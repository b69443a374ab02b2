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

/**
 * Where a channel's attachment (`activity.attachments[].contentUrl`) may be fetched from, for an agent, through the
 * service: a trusted service URL (the channel's connector; the bot's token may go there, when the channel needs it)
 * or an attachment host (ATTACHMENT_HOSTS: a channel's file CDN; fetched without any token). Anything else is never
 * fetched. The address a host resolves to is checked too (isPublicAddress), and redirects are checked as new URLs.
 */
export class AttachmentSources {
  private readonly service: TrustedServiceUrls;
  private readonly hosts: TrustedServiceUrls;

  constructor(serviceUrls: readonly string[], attachmentHosts: readonly string[]) {
    this.service = new TrustedServiceUrls(serviceUrls);
    this.hosts = new TrustedServiceUrls(attachmentHosts);
  }

  /** 'service': a trusted service URL (a token may go there); 'host': an attachment host (never a token); or refused. */
  classify(url: unknown): 'service' | 'host' | undefined {
    if (this.service.isTrusted(url)) return 'service';
    if (this.hosts.isTrusted(url)) return 'host';
    return undefined;
  }

  /**
   * Whether a resolved address may be connected to. Private, loopback, link-local (cloud metadata at
   * 169.254.169.254), shared, multicast and reserved ranges are refused, unless the URL names this machine
   * literally (localhost, 127.0.0.1, [::1]) and a trusted pattern names it so too (local channels, tests).
   */
  static addressAllowed(address: string, hostname: string): boolean {
    const literalLoopback = LOOPBACK.has(hostname.toLowerCase()) || hostname === '::1';
    if (literalLoopback) return isLoopbackAddress(address);
    return isPublicAddress(address);
  }
}

function isLoopbackAddress(a: string): boolean {
  return a === '::1' || a.startsWith('127.') || a === '::ffff:127.0.0.1';
}

/** True for a globally routable unicast address (IPv4 or IPv6, IPv4-mapped included). */
export function isPublicAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [x, y] = [Number(v4[1]), Number(v4[2])];
    return !(
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      (x === 192 && y === 0) ||
      (x === 198 && (y === 18 || y === 19)) ||
      x >= 224
    );
  }
  if (!a.includes(':')) return false;
  // IPv6: unspecified, loopback, unique local (fc00::/7), link-local (fe80::/10), multicast, NAT64 and mapped forms.
  return !(a === '::' || a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a.startsWith('ff') || a.startsWith('64:ff9b') || a.startsWith('::'));
}
