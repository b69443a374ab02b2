/**
 * T30 (web chat token refresh): a web chat token ends up in the page's storage, logs and shared screens. The attack:
 * keep using a token after the page refreshed it, to read the chat or write as the customer until it expires. A
 * refresh retires the token presented: it keeps working for WEBCHAT_REFRESH_GRACE_SECONDS (requests already in
 * flight), then every Direct Line call with it is 401 WEBCHAT_TOKEN_RETIRED, on every instance sharing Redis.
 */
import { startSecurityApp, twoInstances, type SecurityApp } from './helpers';

jest.setTimeout(120_000);

const SECRET = 'webchat-refresh-test-secret-0123456789abcdefXYZ';

interface Answer {
  status: number;
  body: { token?: string; conversationId?: string; error?: { code?: string }; activities?: { text?: string }[] };
}
async function call(url: string, path_: string, token: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path_}`, {
    method: body === undefined && !path_.endsWith('refresh') && !path_.endsWith('conversations') ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function session(url: string): Promise<{ token: string; conversationId: string }> {
  const r = await fetch(`${url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return (await r.json()) as { token: string; conversationId: string };
}

const dl = '/v3/directline';

describe('T30 a refresh retires the web chat token it replaced', () => {
  let s: SecurityApp;
  // The clock of sessions and web chat tokens (AppDeps.clock), moved past the grace instead of waiting.
  let skew = 0;
  beforeAll(async () => {
    s = await startSecurityApp({ SESSION_SECRET: SECRET }, { clock: () => Date.now() + skew });
  });
  afterAll(() => s.stop());

  test('the old token works during the grace only; the new one goes on; nothing is stored through the old one', async () => {
    const v = await session(s.url);
    const activities = `${dl}/conversations/${v.conversationId}/activities`;
    expect((await call(s.url, activities, v.token, { type: 'message', text: 'hello, where is my order 12345?' })).status).toBe(200);

    const refreshed = await call(s.url, `${dl}/tokens/refresh`, v.token);
    expect(refreshed.status).toBe(200);
    const fresh = refreshed.body.token!;
    expect(fresh).not.toBe(v.token);
    // In flight at the moment of the refresh (within the grace): still answered.
    expect((await call(s.url, activities, v.token)).status).toBe(200);

    skew = 31_000;
    try {
      for (const [p, body] of [
        [activities, undefined],
        [activities, { type: 'message', text: 'written with the old token' }],
        [`${dl}/tokens/refresh`, undefined],
        [`${dl}/conversations`, undefined],
        [`${dl}/conversations/${v.conversationId}`, undefined],
      ] as const) {
        const r = await call(s.url, p, v.token, body);
        expect([p, r.status, r.body.error?.code]).toEqual([p, 401, 'WEBCHAT_TOKEN_RETIRED']);
      }
      const read = await call(s.url, activities, fresh);
      expect(read.status).toBe(200);
      expect(read.body.activities!.map((a) => a.text)).toContain('hello, where is my order 12345?');
      expect(read.body.activities!.map((a) => a.text)).not.toContain('written with the old token');
      // The new token refreshes in turn (and is then retired itself).
      const next = await call(s.url, `${dl}/tokens/refresh`, fresh);
      expect(next.status).toBe(200);
      expect((await call(s.url, activities, next.body.token!)).status).toBe(200);
    } finally {
      skew = 0;
    }
  });

  test('a second refresh with the same token is refused and does not extend its grace', async () => {
    const v = await session(s.url);
    expect((await call(s.url, `${dl}/tokens/refresh`, v.token)).status).toBe(200);
    skew = 20_000;
    try {
      // Within the grace, a retired token mints nothing (wave 24: it answered 200 with a token that outlived it).
      const again = await call(s.url, `${dl}/tokens/refresh`, v.token);
      expect([again.status, again.body.error?.code, again.body.token]).toEqual([401, 'WEBCHAT_TOKEN_RETIRED', undefined]);
      skew = 31_000;
      expect((await call(s.url, `${dl}/conversations/${v.conversationId}/activities`, v.token)).body.error?.code).toBe('WEBCHAT_TOKEN_RETIRED');
    } finally {
      skew = 0;
    }
  });

  test('two refreshes with one token at the same moment: one mints a token, the other is refused', async () => {
    const v = await session(s.url);
    const both = await Promise.all([1, 2, 3].map(() => call(s.url, `${dl}/tokens/refresh`, v.token)));
    expect(both.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    expect(both.filter((r) => r.status === 401).map((r) => r.body.error?.code)).toEqual(['WEBCHAT_TOKEN_RETIRED', 'WEBCHAT_TOKEN_RETIRED']);
  });

  test('a conversation start or resume with a retired token answers that token, no new one, and a stream that ends with the grace', async () => {
    const v = await session(s.url);
    const activities = `${dl}/conversations/${v.conversationId}/activities`;
    const refreshedAt = Date.now();
    expect((await call(s.url, `${dl}/tokens/refresh`, v.token)).status).toBe(200);
    const graceEnd = Date.now() + 30_000;
    skew = 10_000;
    try {
      const minted: string[] = [];
      for (const p of [`${dl}/conversations/${v.conversationId}?watermark=1`, `${dl}/conversations`]) {
        const r = (await call(s.url, p, v.token)) as Answer & { body: { expires_in?: number; streamUrl?: string } };
        // Reads may finish within the grace: the resume answers, with the very token presented and the grace left.
        expect([p, r.status, r.body.token === v.token]).toEqual([p, 200, true]);
        expect(r.body.expires_in).toBeLessThanOrEqual(20);
        // The stream it may open lasts no longer than the grace (its token says until when, in seconds).
        expect(r.body.streamUrl).toMatch(/^ws:/);
        const claims = JSON.parse(Buffer.from(new URL(r.body.streamUrl!).searchParams.get('t')!.split('.')[0], 'base64url').toString()) as { until: number };
        expect(claims.until * 1000).toBeGreaterThanOrEqual(refreshedAt + 29_000);
        expect(claims.until * 1000).toBeLessThanOrEqual(graceEnd);
        if (r.body.token) minted.push(r.body.token);
      }
      skew = 31_000;
      // Nothing it answered works past the grace.
      for (const t of minted) expect((await call(s.url, activities, t)).body.error?.code).toBe('WEBCHAT_TOKEN_RETIRED');
    } finally {
      skew = 0;
    }
  });
});

describe('T30 a retired web chat token is refused on every instance (REDIS_URL)', () => {
  // No grace here: the retirement must be seen by the other instance at once.
  const both = twoInstances({ SESSION_SECRET: SECRET, WEBCHAT_REFRESH_GRACE_SECONDS: '0' }, { shareStore: true });
  let a: SecurityApp;
  let b: SecurityApp;
  beforeAll(() => ({ a, b } = both));

  test('refreshed on one instance, the old token is refused on the other, both ways', async () => {
    const v = await session(a.url);
    const activities = `${dl}/conversations/${v.conversationId}/activities`;
    expect((await call(b.url, activities, v.token)).status).toBe(200);
    const onA = await call(a.url, `${dl}/tokens/refresh`, v.token);
    expect(onA.status).toBe(200);
    expect((await call(b.url, activities, v.token)).body.error?.code).toBe('WEBCHAT_TOKEN_RETIRED');

    const onB = await call(b.url, `${dl}/tokens/refresh`, onA.body.token!);
    expect(onB.status).toBe(200);
    expect((await call(a.url, activities, onA.body.token!)).body.error?.code).toBe('WEBCHAT_TOKEN_RETIRED');
    expect((await call(a.url, activities, onB.body.token!)).status).toBe(200);
  });

  test('refreshes with one token at the same moment on both instances: exactly one mints a token', async () => {
    const v = await session(a.url);
    const all = await Promise.all([a, b, a, b].map((x) => call(x.url, `${dl}/tokens/refresh`, v.token)));
    expect(all.filter((r) => r.status === 200)).toHaveLength(1);
    expect(all.filter((r) => r.status !== 200).map((r) => [r.status, r.body.error?.code])).toEqual(Array(3).fill([401, 'WEBCHAT_TOKEN_RETIRED']));
  });
});
