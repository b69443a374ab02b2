import { loadConfig, parseStoreUrl } from '../../core/config';
import { randomBytes } from 'node:crypto';
import { isAppError } from '../../core/errors';
import { TrustedServiceUrls } from '../../core/serviceUrls';

const STRONG = 'q7Vd0rX2kP9mZs4LwT8yBn3HcJ6fGa1E';

describe('config', () => {
  test('defaults: port 3978, embedded store under ./data, anonymous bot, frozen', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.store).toMatchObject({ kind: 'sqlite', file: 'data/crm.sqlite', synchronous: 'full' });
    expect(c.bot.anonymous).toBe(true);
    expect(c.env).toBe('development');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.store)).toBe(true);
  });

  test.each([
    ['mongodb://db:27017/crm', { kind: 'mongo', uri: 'mongodb://db:27017/crm' }],
    ['mongodb+srv://u:p@cluster/crm', { kind: 'mongo', uri: 'mongodb+srv://u:p@cluster/crm' }],
    ['file:/var/lib/crm.sqlite', { kind: 'sqlite', file: '/var/lib/crm.sqlite' }],
    ['file:///var/lib/crm.sqlite', { kind: 'sqlite', file: '/var/lib/crm.sqlite' }],
    ['./x.db', { kind: 'sqlite', file: './x.db' }],
  ])('DATABASE_URL %s selects the right store', (url, expected) => {
    expect(parseStoreUrl(url, 'full', 1000)).toMatchObject(expected);
  });

  test('lists every problem at once', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', SESSION_SECRET: 'short' });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
    const details = (err as { details: string[] }).details;
    expect(details.some((d) => d.startsWith('PORT'))).toBe(true);
    expect(details.some((d) => d.startsWith('LOG_LEVEL'))).toBe(true);
    expect(details.some((d) => d.startsWith('SESSION_SECRET'))).toBe(true);
  });

  test('production refuses to start without Bot Framework credentials or a session secret', () => {
    let err: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (e) {
      err = e;
    }
    const msg = (err as Error).message;
    expect(msg).toContain('MicrosoftAppId');
    expect(msg).toContain('MicrosoftAppPassword');
    expect(msg).toContain('SESSION_SECRET');
    expect(msg).toContain('PUBLIC_URL');
    const ok = loadConfig({
      NODE_ENV: 'production',
      MicrosoftAppId: 'id',
      MicrosoftAppPassword: 'pw',
      SESSION_SECRET: STRONG,
      PUBLIC_URL: 'https://bot.example',
    });
    expect(ok.bot.anonymous).toBe(false);
    expect(ok.demoAccounts).toBe(false);
  });

  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      expect(isAppError(e, 'CONFIG_INVALID')).toBe(true);
      return (e as { details: string[] }).details;
    }
  };
  const PROD = { NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', SESSION_SECRET: STRONG, PUBLIC_URL: 'https://bot.example' };

  test.each([
    ['DEMO_ACCOUNTS in production', { ...PROD, DEMO_ACCOUNTS: 'true' }, 'DEMO_ACCOUNTS'],
    ['a plain-http PUBLIC_URL in production', { ...PROD, PUBLIC_URL: 'http://bot.example' }, 'PUBLIC_URL'],
    ['Bot Framework credentials without PUBLIC_URL', { MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw' }, 'PUBLIC_URL'],
    [
      'UserAssignedMSI without a tenant',
      { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'id', PUBLIC_URL: 'https://bot.example' },
      'MicrosoftAppTenantId',
    ],
    ['UserAssignedMSI without a client id', { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 'tid' }, 'MicrosoftAppId'],
    [
      'SingleTenant without a tenant',
      { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', PUBLIC_URL: 'https://bot.example' },
      'MicrosoftAppTenantId',
    ],
    ['a session secret of 32 spaces', { SESSION_SECRET: ' '.repeat(32) }, 'SESSION_SECRET'],
    ['a session secret of one repeated character', { SESSION_SECRET: 'x'.repeat(40) }, 'SESSION_SECRET'],
    ['a session secret of two alternating characters', { SESSION_SECRET: 'ab'.repeat(20) }, 'SESSION_SECRET'],
    ['a webhook secret of spaces', { WEBHOOK_URL: 'https://hooks.example/crm', WEBHOOK_SECRET: ' '.repeat(40) }, 'WEBHOOK_SECRET'],
    ['a site token secret of one character', { SITE_TOKEN_SECRET: 'a'.repeat(64) }, 'SITE_TOKEN_SECRET'],
    ['a mentions key of one character', { MENTIONS_API_KEY: 'k'.repeat(30) }, 'MENTIONS_API_KEY'],
    ['Teams SSO without allowed tenants', { TEAMS_APP_ID: 'app' }, 'TEAMS_ALLOWED_TENANTS'],
    ['an allowed tenant that is not a GUID', { TEAMS_APP_ID: 'app', TEAMS_ALLOWED_TENANTS: 'contoso.com' }, 'TEAMS_ALLOWED_TENANTS'],
    ['a trusted service URL that is not a pattern', { TRUSTED_SERVICE_URLS: 'default,smba.trafficmanager.net' }, 'TRUSTED_SERVICE_URLS'],
    ['a plain-http trusted service URL in production', { ...PROD, TRUSTED_SERVICE_URLS: 'default,http://channel.example' }, 'TRUSTED_SERVICE_URLS'],
    ['plain-http channel signing keys in production', { ...PROD, BOT_OPENID_METADATA_URL: 'http://keys.example/openid' }, 'BOT_OPENID_METADATA_URL'],
    ['a rate that is not points/seconds', { RATE_LIMIT_IP_MESSAGES: 'fast' }, 'RATE_LIMIT_IP_MESSAGES'],
    ['a zero rate', { RATE_LIMIT_SOCKET_PRESENCE: '0/10' }, 'RATE_LIMIT_SOCKET_PRESENCE'],
    ['a message limit of zero', { MAX_MESSAGE_CHARS: '0' }, 'MAX_MESSAGE_CHARS'],
    ['a web chat token outliving its session', { WEBCHAT_TOKEN_SECONDS: '7200', WEBCHAT_SESSION_MAX_SECONDS: '3600' }, 'WEBCHAT_TOKEN_SECONDS'],
  ])('refuses %s, naming the setting', (_name, env, setting) => {
    expect(problems(env).some((p) => p.startsWith(setting))).toBe(true);
  });

  test('defaults: 10,000-character messages, Bot Framework service URLs (and loopback only without credentials), graceful shutdown, limits', () => {
    const c = loadConfig({});
    expect(c.maxMessageChars).toBe(10_000);
    expect(c.trustedServiceUrls).toEqual(expect.arrayContaining(['https://*.botframework.com', 'https://smba.trafficmanager.net', 'http://localhost:*']));
    expect(c.shutdown).toEqual({ delaySeconds: 5, graceSeconds: 25 });
    expect(c.rateLimits.socket.presence).toEqual({ points: 5, seconds: 10 });
    expect(c.trustProxy).toBe(0);
    const withCredentials = loadConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', PUBLIC_URL: 'https://bot.example' });
    expect(withCredentials.trustedServiceUrls.some((u) => u.startsWith('http://'))).toBe(false);
    // "default" stands for the built-in list; anything else replaces it.
    expect(loadConfig({ TRUSTED_SERVICE_URLS: 'https://channel.example/bot' }).trustedServiceUrls).toEqual(['https://channel.example/bot']);
    expect(loadConfig({ TRUSTED_SERVICE_URLS: 'default,https://channel.example' }).trustedServiceUrls).toEqual(
      expect.arrayContaining(['https://*.botframework.com', 'https://channel.example']),
    );
  });

  test('an invalid setting does not hide the problems between settings', () => {
    const found = problems({
      NODE_ENV: 'production',
      SESSION_SECRET: ' '.repeat(32),
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: 'id',
      TEAMS_APP_ID: 'tab',
    });
    for (const setting of ['SESSION_SECRET', 'MicrosoftAppTenantId', 'PUBLIC_URL', 'TEAMS_ALLOWED_TENANTS'])
      expect(found.some((p) => p.startsWith(setting))).toBe(true);
    // The invalid secret is reported as invalid, not also as missing.
    expect(found.filter((p) => p.includes('required in production') && p.startsWith('SESSION_SECRET'))).toEqual([]);
  });

  test('a random secret passes the entropy check', () => {
    expect(problems({ SESSION_SECRET: randomBytes(24).toString('base64'), MENTIONS_API_KEY: randomBytes(18).toString('base64url') })).toEqual([]);
  });

  test.each([
    ['https://smba.trafficmanager.net/emea/', true],
    ['https://webchat.botframework.com/', true],
    ['https://europe.directline.botframework.com/v3/', true],
    ['https://botframework.com/', false], // "*." means a subdomain
    ['http://webchat.botframework.com/', false], // scheme is part of the pattern
    ['https://webchat.botframework.com:8443/', false], // so is the port
    ['https://smba.trafficmanager.net@evil.example/', false],
    ['https://user:pw@smba.trafficmanager.net/', false],
    ['https://smba.trafficmanager.net.evil.example/', false],
    ['https://evilbotframework.com/', false],
    ['https://channel.example/bot/v3/conversations', true],
    ['https://channel.example/botnet', false], // a path prefix ends at a segment boundary
    ['http://localhost:3979/', false], // loopback only when listed
    ['not a url', false],
  ])('TRUSTED_SERVICE_URLS: %s trusted: %s', (url, trusted) => {
    const list = loadConfig({
      MicrosoftAppId: 'id',
      MicrosoftAppPassword: 'pw',
      PUBLIC_URL: 'https://bot.example',
      TRUSTED_SERVICE_URLS: 'default,https://channel.example/bot',
    }).trustedServiceUrls;
    expect(new TrustedServiceUrls(list).isTrusted(url)).toBe(trusted);
  });
});
