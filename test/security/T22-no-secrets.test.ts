/**
 * T22: no secret reaches an answer or a log line. The service runs with known secrets (session, Bot Framework,
 * site token, webhook and listening keys) at the most verbose log level; sign-ins (right and wrong), Teams-less
 * console use, web chat with a signed visitor, mentions, forged channel tokens and a server error are played from
 * outside; then every answer and every log line is searched for each secret, password, token and hash.
 */
import { signSiteToken } from '../../auth/siteToken';
import { AppError } from '../../core/errors';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity, post } from '../helpers/activities';
import { connect, connected, request as ask } from '../helpers/consoleClient';
import { request, startSecurityApp, webChatVisitor, type Answer } from './helpers';

const SECRETS = {
  SESSION_SECRET: 'q7Vd0rX2kP9mZs4LwT8yBn3HcJ6fGa1E-session',
  MicrosoftAppPassword: 'bot-app-password-Zx81kQ0pLm3Vb7Nc2',
  SITE_TOKEN_SECRET: 'site-secret-Hy6Tr4Ew2Qa9Sd1Fg5Jk8Lz',
  WEBHOOK_SECRET: 'webhook-secret-Pm4Nb7Vc1Xz8Lk2Jh5Gf',
  MENTIONS_API_KEY: 'mentions-key-Rt5Yu8Io2Pa4Sd',
};
const PASSWORD = 'Staff password: maple-orbit-7-violet';

test('T22 no secret, password, token or hash in any answer or log line', async () => {
  class BrokenOnce extends SqliteStore {
    broken = false;
    override async searchMessages(q: string, limit?: number) {
      if (this.broken) throw new Error('driver failure');
      return super.searchMessages(q, limit);
    }
  }
  const store = new BrokenOnce(':memory:');
  const s = await startSecurityApp(
    {
      ...SECRETS,
      LOG_LEVEL: 'trace',
      MicrosoftAppId: '00000000-0000-0000-0000-0000000000c2',
      PUBLIC_URL: 'https://bot.example',
      WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    },
    { store },
  );
  const answers: Answer[] = [];
  const keep = async (p: Promise<Answer>) => {
    const a = await p;
    answers.push(a);
    return a;
  };
  const leaked: string[] = [];
  try {
    const user = await s.app.services.auth.createUser({ email: 'lead@test.local', name: 'Lead', password: PASSWORD, role: 'supervisor' });
    const wrong = await keep(request(`${s.url}/api/auth/login`, { body: { email: 'lead@test.local', password: `${PASSWORD}x` } }));
    expect(wrong.status).toBe(401);
    const login = await keep(request(`${s.url}/api/auth/login`, { body: { email: 'lead@test.local', password: PASSWORD } }));
    const issuedAt = answers.length - 1;
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    await keep(request(`${s.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }));
    const socket = connect(s.url, token, { reconnection: false });
    await connected(socket);
    const agents = await ask(socket, 'agents:list', {});
    answers.push({ status: 200, headers: {}, body: agents });
    socket.disconnect();

    const siteToken = signSiteToken({ sub: 'site-22', email: 'v22@example.com', exp: Math.floor(Date.now() / 1000) + 600 }, SECRETS.SITE_TOKEN_SECRET);
    const visitor = await webChatVisitor(s.url, { siteToken });
    await keep(visitor.say('hello, my password is hunter2'));
    await keep(request(`${s.url}/api/mentions`, { headers: { 'x-api-key': SECRETS.MENTIONS_API_KEY }, body: { network: 'x', handle: '@t22', text: 'hello' } }));
    await keep(
      request(`${s.url}/api/mentions`, {
        headers: { 'x-api-key': `${SECRETS.MENTIONS_API_KEY}-wrong` },
        body: { network: 'x', handle: '@t22', text: 'hello' },
      }),
    );
    const forged = `Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJ4In0.${'A'.repeat(40)}`;
    const r = await post(s.url, messageActivity({ serviceUrl: 'https://webchat.botframework.com/', conversation: { id: 't22' } }), { authorization: forged });
    answers.push({ status: r.status, headers: {}, body: r.body });
    store.broken = true;
    const failed = await keep(request(`${s.url}/api/transcripts/search?q=hello`, { headers: { authorization: `Bearer ${token}` } }));
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toMatch(/driver failure|at .+\.ts:\d+/);
    await keep(request(`${s.url}/readyz`));
    await keep(request(`${s.url}/api/openapi.json`));

    const stored = (await s.app.store.getUser(user.id))!.passwordHash;
    const needles: [string, string][] = [
      ...Object.entries(SECRETS),
      ['staff password', PASSWORD],
      ['password hash', stored],
      ['session token', token],
      ['session token signature', token.split('.')[1]],
      ['site token', siteToken],
      ['web chat token', visitor.token],
      ['forged authorization', forged.slice(7)],
    ];
    const haystacks: [string, string][] = [
      ...answers.map((a, i) => [`answer ${i}`, JSON.stringify(a.body) + JSON.stringify(a.headers)] as [string, string]),
      ...s.rawLogs.map((l, i) => [`log line ${i}`, l] as [string, string]),
    ];
    for (const [what, needle] of needles) for (const [where, hay] of haystacks) if (hay.includes(needle)) leaked.push(`${what} in ${where}`);
    // A token is in the one answer that issues it (sign-in) and nowhere else, never in a log.
    const issued = (l: string) => l === `session token in answer ${issuedAt}` || l === `session token signature in answer ${issuedAt}`;
    expect(leaked.filter((l) => !issued(l))).toEqual([]);
    expect(haystacks.filter(([, h]) => /scrypt\$|passwordHash/.test(h)).map(([w]) => w)).toEqual([]);
    expect(s.rawLogs.length).toBeGreaterThan(10);
  } finally {
    await s.stop();
  }
});

test('T22 an error from inside a turn answers a code, never its message or stack', async () => {
  class Failing extends SqliteStore {
    override appendMessage(): never {
      throw new AppError('STORE_UNAVAILABLE', 'disk full at /var/lib/secret/path');
    }
  }
  const s = await startSecurityApp({}, { store: new Failing(':memory:') });
  try {
    const r = await post(s.url, messageActivity({ conversation: { id: 't22-fail' } }));
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: expect.any(String) as unknown } });
    expect(JSON.stringify(r.body)).not.toMatch(/\.ts:\d+|node_modules/);
  } finally {
    await s.stop();
  }
});
