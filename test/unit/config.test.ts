import { loadConfig, parseStoreUrl } from '../../core/config';
import { isAppError } from '../../core/errors';

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
    const ok = loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', SESSION_SECRET: 'x'.repeat(32) });
    expect(ok.bot.anonymous).toBe(false);
    expect(ok.demoAccounts).toBe(false);
  });
});
