/**
 * T25: rate limits per identity. Each attack floods one path past its (small, configured) limit and checks the
 * answer is 429 RATE_LIMITED with Retry-After (or a coded socket refusal) and that nothing past the limit was
 * stored or broadcast.
 */
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { connect, connected, createStaff, online, request as ask } from '../helpers/consoleClient';
import { request, startSecurityApp, until, webChatVisitor, type SecurityApp } from './helpers';

describe('T25 rate limits', () => {
  let s: SecurityApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    s = await startSecurityApp({
      RATE_LIMIT_CONVERSATION_MESSAGES: '3/600',
      RATE_LIMIT_IP_MESSAGES: '8/600',
      RATE_LIMIT_IP_WEBCHAT_SESSIONS: '4/600',
      RATE_LIMIT_SOCKET_PRESENCE: '3/600',
      RATE_LIMIT_SOCKET_MESSAGES: '2/600',
      RATE_LIMIT_SOCKET_OTHER: '5/600',
    });
  });
  afterAll(async () => {
    sockets.forEach((x) => x.disconnect());
    await s.stop();
  });

  test('Bot Framework: a fourth customer message in one conversation gets 429 with Retry-After and is not stored', async () => {
    for (let i = 0; i < 3; i++) expect((await post(s.url, messageActivity({ conversation: { id: 't25-conv' }, text: `hello ${i}` }))).status).toBe(200);
    const r = await post(s.url, messageActivity({ conversation: { id: 't25-conv' }, text: 'hello 3' }));
    expect(r.status).toBe(429);
    expect(r.body.error?.code).toBe('RATE_LIMITED');
    expect(r.body.error?.details).toMatchObject({ limit: 'conversationMessages' });
    const conv = (await s.app.store.findConversationByChannel('test', 't25-conv'))!;
    expect((await s.app.store.listMessages(conv.id)).filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['hello 0', 'hello 1', 'hello 2']);
    // Another conversation has its own budget.
    expect((await post(s.url, messageActivity({ conversation: { id: 't25-other' }, text: 'hi' }))).status).toBe(200);
  });

  test('web chat: sessions and messages per client address; a forged X-Forwarded-For does not buy more', async () => {
    const visitors = [];
    for (let i = 0; i < 3; i++) visitors.push(await webChatVisitor(s.url));
    // Without TRUST_PROXY the header is the client's own claim: the same address, the same budget of 4.
    const fourth = await request(`${s.url}/chat/session`, { body: {}, headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(fourth.status).toBe(200);
    const fifth = await request(`${s.url}/chat/session`, { body: {}, headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(fifth.status).toBe(429);
    expect(fifth.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(0);

    // Messages: 8 per address across conversations (each conversation also has its own 3).
    let accepted = 0;
    const refused: string[] = [];
    for (let i = 0; i < 9; i++) {
      const v = visitors[i % 3];
      const r = await v.say(`web ${i}`);
      if (r.status === 200) accepted++;
      else refused.push(`${r.status} ${r.body.error?.code}`);
    }
    expect(accepted).toBe(8);
    expect(refused).toEqual(['429 RATE_LIMITED']);
    let stored = 0;
    for (const v of visitors) {
      const conv = await s.app.store.findConversationByChannel('webchat', v.conversationId);
      stored += conv ? (await s.app.store.listMessages(conv.id)).filter((m) => m.role === 'customer').length : 0;
    }
    expect(stored).toBe(8);
  });

  test('console sockets: presence, messages and other requests each have a budget per person; over it nothing runs', async () => {
    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent); // one presence change spent
    sockets.push(socket);
    expect((await ask(socket, 'presence:set', { presence: 'away' })).ok).toBe(true);
    expect((await ask(socket, 'presence:set', { presence: 'online' })).ok).toBe(true);
    const over = await ask(socket, 'presence:set', { presence: 'away' });
    expect(over.error?.code).toBe('RATE_LIMITED');
    expect((await s.app.store.getUser(agent.id))?.presence).toBe('online');

    await post(s.url, messageActivity({ conversation: { id: 't25-console' }, from: { id: 't25-console-user' }, text: 'talk to a human' }));
    const conv = (await s.app.store.findConversationByChannel('test', 't25-console'))!;
    await until(async () => (await s.app.store.getConversation(conv.id))?.state === 'queued');
    expect((await ask(socket, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);
    for (let i = 0; i < 2; i++) expect((await ask(socket, 'note:add', { conversationId: conv.id, text: `note ${i}` })).ok).toBe(true);
    expect((await ask(socket, 'note:add', { conversationId: conv.id, text: 'note 2' })).error?.code).toBe('RATE_LIMITED');
    expect((await s.app.store.listMessages(conv.id)).filter((m) => m.kind === 'note').map((m) => m.text)).toEqual(['note 0', 'note 1']);

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await ask(socket, 'queue:list', {})).error?.code ?? 'ok');
    // One "other" request (the claim) was spent already.
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  test("console budgets are per person: a second socket with the same token shares the first one's; another agent keeps their own", async () => {
    const queued = async (id: string) => {
      await post(s.url, messageActivity({ conversation: { id }, from: { id: `${id}-user` }, text: 'talk to a human' }));
      const c = (await s.app.store.findConversationByChannel('test', id))!;
      await until(async () => (await s.app.store.getConversation(c.id))?.state === 'queued');
      return c;
    };
    const [agent, other] = [await createStaff(s.app), await createStaff(s.app)];
    const first = await online(s.app, s.url, agent);
    const second = connect(s.url, agent.token);
    sockets.push(first, second);
    await connected(second);
    const conv = await queued('t25-per-user');
    expect((await ask(first, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);

    // Two notes in all (RATE_LIMIT_SOCKET_MESSAGES=2), whichever socket asks; a fresh socket does not reset it.
    expect((await ask(first, 'note:add', { conversationId: conv.id, text: 'one' })).ok).toBe(true);
    expect((await ask(second, 'note:add', { conversationId: conv.id, text: 'two' })).ok).toBe(true);
    expect((await ask(second, 'note:add', { conversationId: conv.id, text: 'three' })).error?.code).toBe('RATE_LIMITED');
    const third = connect(s.url, agent.token);
    sockets.push(third);
    await connected(third);
    expect((await ask(third, 'note:add', { conversationId: conv.id, text: 'four' })).error?.code).toBe('RATE_LIMITED');
    expect((await s.app.store.listMessages(conv.id)).filter((m) => m.kind === 'note').map((m) => m.text)).toEqual(['one', 'two']);

    // Another agent's budget is untouched.
    const theirs = await online(s.app, s.url, other);
    sockets.push(theirs);
    const conv2 = await queued('t25-per-user-2');
    expect((await ask(theirs, 'conversation:claim', { conversationId: conv2.id })).ok).toBe(true);
    expect((await ask(theirs, 'note:add', { conversationId: conv2.id, text: 'mine' })).ok).toBe(true);
    expect((await s.app.store.listMessages(conv2.id)).filter((m) => m.kind === 'note').map((m) => m.text)).toEqual(['mine']);
  });
});

describe('T25 handshakes and broadcasts', () => {
  test('behind a trusted proxy (TRUST_PROXY=1) the address the proxy saw is the identity, not the peer', async () => {
    const s = await startSecurityApp({ TRUST_PROXY: '1', RATE_LIMIT_IP_WEBCHAT_SESSIONS: '1/600' });
    try {
      const session = (forwarded: string) => request(`${s.url}/chat/session`, { body: {}, headers: { 'x-forwarded-for': forwarded } });
      expect((await session('198.51.100.1')).status).toBe(200);
      expect((await session('198.51.100.2')).status).toBe(200);
      // What a client writes further left is its own claim: the rightmost entry (added by the proxy) counts.
      expect((await session('198.51.100.3, 198.51.100.1')).status).toBe(429);
    } finally {
      await s.stop();
    }
  });

  test('console handshakes per client address: past the limit the connection is refused with a code', async () => {
    const s = await startSecurityApp({ RATE_LIMIT_IP_HANDSHAKES: '3/600' });
    const sockets: Socket[] = [];
    try {
      const agent = await createStaff(s.app);
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const socket = connect(s.url, agent.token, { reconnection: false });
        sockets.push(socket);
        outcomes.push(
          await new Promise<string>((resolve) => {
            socket.once('connect', () => resolve('connected'));
            socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
          }),
        );
      }
      expect(outcomes).toEqual(['connected', 'connected', 'connected', 'RATE_LIMITED']);
    } finally {
      sockets.forEach((x) => x.disconnect());
      await s.stop();
    }
  });

  test('a burst of presence changes reaches supervisors as a few coalesced snapshots, ending with the last state', async () => {
    const s = await startSecurityApp({ RATE_LIMIT_SOCKET_PRESENCE: '1000/600' });
    const sockets: Socket[] = [];
    try {
      const [agent, sup] = [await createStaff(s.app), await createStaff(s.app, { role: 'supervisor' })];
      const a = await online(s.app, s.url, agent);
      const watcher = await online(s.app, s.url, sup);
      sockets.push(a, watcher);
      // Every snapshot from here is counted (a sign-in's, still coalescing, is one more: well within the bound). None is
      // awaited with a listener added after the fact: a snapshot that came before it was missed and the wait never
      // ended (the sign-ins' one when signing in took over the coalescing second, the last one before the acks came).
      const shown: string[] = [];
      const heard: (() => void)[] = [];
      watcher.on('agents:updated', (p: { agents: { id: string; presence: string }[] }) => {
        shown.push(p.agents.find((x) => x.id === agent.id)?.presence ?? 'missing');
        heard.splice(0).forEach((w) => w());
      });
      const CHANGES = 40;
      const acks = [];
      for (let i = 0; i < CHANGES; i++) acks.push(ask(a, 'presence:set', { presence: i % 2 === 0 ? 'away' : 'online' }));
      expect((await Promise.all(acks)).every((r) => r.ok)).toBe(true);
      // The last change was 'online': a snapshot sent after it shows it, and none can show otherwise after it.
      while (shown.at(-1) !== 'online') await new Promise<void>((r) => heard.push(r));
      expect(shown.length).toBeGreaterThanOrEqual(1);
      expect(shown.length).toBeLessThan(CHANGES / 4);
    } finally {
      sockets.forEach((x) => x.disconnect());
      await s.stop();
    }
  });
});

test('T25 sign-in: failures lock one (account, address) pair with growing delays; other addresses and accounts are not locked', async () => {
  let now = Date.now();
  const s = await startSecurityApp({ TRUST_PROXY: '1' }, { clock: () => now });
  try {
    for (const email of ['t25-a@test.local', 't25-b@test.local'])
      await s.app.services.auth.createUser({ email, name: 'T25', password: 'correct horse battery', role: 'agent' });
    const login = (email: string, password: string, from: string) =>
      request(`${s.url}/api/auth/login`, { body: { email, password }, headers: { 'x-forwarded-for': from } });
    for (let i = 0; i < 5; i++) expect((await login('t25-a@test.local', `wrong ${i}`, '203.0.113.5')).status).toBe(401);
    const locked = await login('t25-a@test.local', 'correct horse battery', '203.0.113.5');
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('AUTH_RATE_LIMITED');
    const first = Number(locked.headers['retry-after']);
    expect(first).toBeGreaterThan(0);
    // The owner elsewhere, and another account from the same address, sign in.
    expect((await login('t25-a@test.local', 'correct horse battery', '198.51.100.8')).status).toBe(200);
    expect((await login('t25-b@test.local', 'correct horse battery', '203.0.113.5')).status).toBe(200);
    // After the delay, one more failure locks the pair for longer.
    now += (first + 1) * 1000;
    expect((await login('t25-a@test.local', 'wrong again', '203.0.113.5')).status).toBe(401);
    const longer = await login('t25-a@test.local', 'correct horse battery', '203.0.113.5');
    expect(longer.status).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThan(first);
    // Once it passes, the right password works and the count starts over.
    now += (Number(longer.headers['retry-after']) + 1) * 1000;
    expect((await login('t25-a@test.local', 'correct horse battery', '203.0.113.5')).status).toBe(200);
    expect((await login('t25-a@test.local', 'wrong once', '203.0.113.5')).status).toBe(401);
    expect((await login('t25-a@test.local', 'correct horse battery', '203.0.113.5')).status).toBe(200);
  } finally {
    await s.stop();
  }
});
