/**
 * T17: revoked and expired credentials stop working everywhere at once: console sessions over REST and sockets
 * (including a socket that is connected when its session ends), and web chat tokens, whose refreshes never carry a
 * session past its absolute end, nor a verified visitor past the site token that proved them.
 */
import { WebChatTokens } from '../../bot/webChatChannel';
import { signSiteToken } from '../../auth/siteToken';
import { connect, connected, createStaff, nextEvent } from '../helpers/consoleClient';
import { request, startSecurityApp, type SecurityApp } from './helpers';

const SECRET = 'q7Vd0rX2kP9mZs4LwT8yBn3HcJ6fGa1E';
const SITE_SECRET = 'site-secret-for-tests-0123456789abcdef';
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { exp: number; max: number; conversationId: string; userId: string };
const refusal = (socket: ReturnType<typeof connect>) =>
  new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
  });

describe('T17 console sessions', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp({ SESSION_SECRET: SECRET });
  });
  afterAll(async () => s.stop());

  test('signing out ends the session for REST and the connected socket at once, and it cannot reconnect', async () => {
    const agent = await createStaff(s.app);
    const socket = connect(s.url, agent.token, { reconnection: false });
    await connected(socket);
    const ended = nextEvent<{ code: string }>(socket, 'session:ended');
    const gone = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    expect((await request(`${s.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${agent.token}` } })).status).toBe(204);
    expect((await ended).code).toBe('AUTH_REVOKED');
    expect(await gone).toBe('io server disconnect');
    const me = await request(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${agent.token}` } });
    expect(me.status).toBe(401);
    expect(me.body.error?.code).toBe('AUTH_REVOKED');
    const again = connect(s.url, agent.token, { reconnection: false });
    expect(await refusal(again)).toBe('AUTH_REVOKED');
    again.disconnect();
  });

  test('an expired session is refused over REST and sockets', async () => {
    const agent = await createStaff(s.app);
    const old = await s.app.store.createSession({ id: 't17-expired', userId: agent.id, createdAt: '2020-01-01T00:00:00Z', expiresAt: '2020-01-01T08:00:00Z' });
    const token = s.app.services.auth.tokenFor(old);
    const me = await request(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.body.error?.code).toBe('AUTH_EXPIRED');
    const socket = connect(s.url, token, { reconnection: false });
    expect(await refusal(socket)).toBe('AUTH_EXPIRED');
    socket.disconnect();
  });
});

test('T17 a connected socket is ended when its session expires', async () => {
  const s = await startSecurityApp({ SESSION_SECRET: SECRET, SESSION_TTL_SECONDS: '1' });
  try {
    const agent = await createStaff(s.app);
    const socket = connect(s.url, agent.token, { reconnection: false });
    const ended = nextEvent<{ code: string }>(socket, 'session:ended');
    await connected(socket).catch(() => undefined);
    expect((await ended).code).toBe('AUTH_EXPIRED');
    expect((await request(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${agent.token}` } })).body.error?.code).toBe('AUTH_EXPIRED');
  } finally {
    await s.stop();
  }
});

describe('T17 web chat tokens', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp({ SESSION_SECRET: SECRET, SITE_TOKEN_SECRET: SITE_SECRET, WEBCHAT_TOKEN_SECONDS: '600', WEBCHAT_SESSION_MAX_SECONDS: '3600' });
  });
  afterAll(async () => s.stop());
  const refresh = (token: string) => request(`${s.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  test("refreshing gives a fresh token but never moves the session's absolute end", async () => {
    const first = (await request(`${s.url}/chat/session`, { body: {} })).body;
    const start = claimsOf(first.token!);
    expect(start.max - start.exp).toBeGreaterThan(0);
    let token = first.token as string;
    for (let i = 0; i < 3; i++) {
      const r = await refresh(token);
      expect(r.status).toBe(200);
      token = r.body.token!;
      expect(claimsOf(token).max).toBe(start.max);
      expect(claimsOf(token).exp).toBeLessThanOrEqual(start.max);
    }
  });

  test('a session past its absolute end (issued by this server two hours ago) is refused and cannot be refreshed', async () => {
    const tokens = new WebChatTokens(SECRET, { tokenSeconds: 600, sessionMaxSeconds: 3600 });
    const twoHoursAgo = Date.now() - 2 * 3600 * 1000;
    const stale = tokens.start({ userId: 'web-stale', conversationId: 'wc-stale' }, undefined, twoHoursAgo);
    // Even re-signed with a fresh exp by an old refresh, the session's end has passed.
    const refreshedLate = tokens.issue({ ...claimsOf(stale), max: claimsOf(stale).max }, Date.now() - 3600 * 1000 - 1000);
    for (const t of [stale, refreshedLate]) {
      const r = await refresh(t);
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe('AUTH_EXPIRED');
      const post = await request(`${s.url}/v3/directline/conversations/wc-stale/activities`, {
        headers: { authorization: `Bearer ${t}` },
        body: { type: 'message', text: 'still me?' },
      });
      expect(post.status).toBe(401);
    }
    expect(await s.app.store.findConversationByChannel('webchat', 'wc-stale')).toBeNull();
  });

  test("a verified visitor's session ends with the site token that proved them", async () => {
    const siteExp = Math.floor(Date.now() / 1000) + 120;
    const r = await request(`${s.url}/chat/session`, {
      body: { siteToken: signSiteToken({ sub: 'site-17', email: 'v17@example.com', exp: siteExp }, SITE_SECRET) },
    });
    expect(r.status).toBe(200);
    expect(claimsOf(r.body.token!).max).toBe(siteExp);
    const refreshed = await refresh(r.body.token!);
    expect(claimsOf(refreshed.body.token!).exp).toBeLessThanOrEqual(siteExp);
    // The same session two minutes on (issued by this server, as a refresh would have been): over.
    const tokens = new WebChatTokens(SECRET, { tokenSeconds: 600, sessionMaxSeconds: 3600 });
    const verifiedThen = tokens.start(
      { userId: 'site-site-17', conversationId: 'wc-verified-old', verified: { sub: 'site-17', email: 'v17@example.com' } },
      Math.floor(Date.now() / 1000) - 1,
      Date.now() - 120_000,
    );
    const late = await request(`${s.url}/v3/directline/conversations/wc-verified-old/activities`, {
      headers: { authorization: `Bearer ${verifiedThen}` },
      body: { type: 'message', text: 'hello' },
    });
    expect(late.status).toBe(401);
    expect(await s.app.store.findConversationByChannel('webchat', 'wc-verified-old')).toBeNull();
  });
});
