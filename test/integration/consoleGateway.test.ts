import type { Socket } from 'socket.io-client';
import type { Message, SentimentPoint } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { connect, connected, createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

async function refusal(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
  });
}

describe('console gateway security', () => {
  let running: RunningApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    running = await startTestApp({ SESSION_TTL_SECONDS: '3600' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
  });
  const open = (token: string | undefined, extra: Record<string, unknown> = {}) => {
    const s = connect(running.url, token, { reconnection: false, ...extra });
    sockets.push(s);
    return s;
  };

  test('no token, tampered token, revoked token, expired token and foreign Origin are refused with a code', async () => {
    const agent = await createStaff(running.app);
    expect(await refusal(open(undefined))).toBe('AUTH_REQUIRED');
    expect(await refusal(open(agent.token.slice(0, -2) + 'xx'))).toBe('AUTH_INVALID');
    expect(await refusal(open('forged.signature'))).toBe('AUTH_INVALID');
    expect(await refusal(open(agent.token, { extraHeaders: { origin: 'https://evil.example' } }))).toBe('AUTH_ORIGIN_FORBIDDEN');
    const expired = await running.app.store.createSession({
      id: 'expired-session',
      userId: agent.id,
      createdAt: '2020-01-01T00:00:00Z',
      expiresAt: '2020-01-01T01:00:00Z',
    });
    expect(await refusal(open(running.app.services.auth.tokenFor(expired)))).toBe('AUTH_EXPIRED');
    const other = await createStaff(running.app);
    const [sessionId] = other.token.split('.');
    await running.app.services.auth.revoke(sessionId);
    expect(await refusal(open(other.token))).toBe('AUTH_REVOKED');
    expect(await refusal(open(agent.token))).toBe('connected');
  });

  test('sign-in is rate limited per email after repeated failures', async () => {
    const login = (password: string) =>
      fetch(`${running.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'limited@test.local', password }),
      });
    await running.app.services.auth.createUser({ email: 'limited@test.local', name: 'L', password: 'right password 123', role: 'agent' });
    for (let i = 0; i < 5; i++) expect((await login('wrong')).status).toBe(401);
    const blocked = await login('right password 123');
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('AUTH_RATE_LIMITED');
  });

  test('revoking a connected session disconnects its socket at once', async () => {
    const agent = await createStaff(running.app);
    const s = open(agent.token);
    await connected(s);
    const ended = nextEvent<{ code: string }>(s, 'session:ended');
    const gone = new Promise<string>((r) => s.once('disconnect', (reason) => r(reason)));
    await running.app.services.auth.revoke(agent.token.split('.')[0]);
    expect((await ended).code).toBe('AUTH_REVOKED');
    expect(await gone).toBe('io server disconnect');
  });

  test('every payload is validated before its handler runs', async () => {
    const agent = await createStaff(running.app);
    const s = open(agent.token);
    await connected(s);
    for (const [event, payload] of [
      ['conversation:claim', {}],
      ['conversation:claim', { conversationId: { $ne: null } }],
      ['message:send', { conversationId: 'x', text: '', clientMessageId: 'a' }],
      ['presence:set', { presence: 'sleeping' }],
      ['conversation:transfer', { conversationId: 'x', toAgentId: 'a', skill: 'b' }],
      ['sync', { cursors: { x: -1 } }],
      ['queue:list', { extra: true }],
    ] as const) {
      const r = await request(s, event, payload);
      expect({ event, ok: r.ok, code: r.error?.code }).toEqual({ event, ok: false, code: 'VALIDATION_FAILED' });
    }
    // Past the one message limit of every intake path (MAX_MESSAGE_CHARS, 10,000 by default).
    expect((await request(s, 'message:send', { conversationId: 'x', text: 'a'.repeat(10_001), clientMessageId: 'a' })).error?.code).toBe('MESSAGE_TOO_LONG');
  });

  test('an agent cannot read a chat that is neither theirs nor queued; a supervisor reads but writes only after taking over', async () => {
    const channel = await new ChannelServer().start();
    try {
      const [owner, outsider] = await Promise.all([createStaff(running.app), createStaff(running.app)]);
      const sup = await createStaff(running.app, { role: 'supervisor' });
      const so = await online(running.app, running.url, owner);
      const sx = await online(running.app, running.url, outsider);
      const ss = await online(running.app, running.url, sup);
      sockets.push(so, sx, ss);
      await post(
        running.url,
        messageActivity({ conversation: { id: 'private-1' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }),
      );
      const c = (await running.app.store.findConversationByChannel('test', 'private-1'))!;
      expect((await request(so, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
      const denied = await request(sx, 'conversation:join', { conversationId: c.id });
      expect(denied.error?.code).toBe('HANDOFF_NOT_FOUND');
      expect((await request(sx, 'conversation:join', { conversationId: 'no-such-id' })).error?.code).toBe('HANDOFF_NOT_FOUND');
      expect((await request<{ messages: Message[] }>(sx, 'sync', { cursors: { [c.id]: 0 } })).data?.messages).toEqual([]);
      // A chat the agent may not see answers like one that does not exist (PROTOCOL.md: ids cannot be probed).
      expect((await request(sx, 'message:send', { conversationId: c.id, text: 'hi', clientMessageId: 'x' })).error?.code).toBe('HANDOFF_NOT_FOUND');
      expect((await request(sx, 'message:send', { conversationId: 'no-such-id', text: 'hi', clientMessageId: 'x2' })).error?.code).toBe('HANDOFF_NOT_FOUND');
      const read = await request<{ messages: Message[]; sentiment: SentimentPoint[] }>(ss, 'conversation:join', { conversationId: c.id });
      expect(read.ok).toBe(true);
      expect(read.data?.messages.some((m) => m.text === 'talk to a human')).toBe(true);
      // The profile's chart: the customer's history, read apart from the record (one point per customer message).
      expect(read.data?.sentiment).toEqual(await running.app.store.listSentiment(c.customerId));
      expect(read.data?.sentiment.map((p) => p.conversationId)).toContain(c.id);
      expect((await request(ss, 'message:send', { conversationId: c.id, text: 'hi', clientMessageId: 'y' })).error?.code).toBe('HANDOFF_NOT_OWNER');
      // A whisper reaches the owning agent, never the customer, and is audited.
      const sentBefore = channel.texts('private-1').length;
      const heard = nextEvent<{ message: Message }>(so, 'message:new', (p) => p.message.kind === 'whisper');
      expect((await request(ss, 'note:add', { conversationId: c.id, text: 'Offer the voucher', whisper: true })).ok).toBe(true);
      expect((await heard).message).toMatchObject({ text: 'Offer the voucher', authorId: sup.id });
      expect(channel.texts('private-1').length).toBe(sentBefore);
      const released = nextEvent<{ reason: string }>(so, 'conversation:released');
      expect((await request(ss, 'conversation:takeover', { conversationId: c.id })).ok).toBe(true);
      expect((await released).reason).toBe('taken_over');
      expect((await request(ss, 'message:send', { conversationId: c.id, text: 'Supervisor here.', clientMessageId: 'z' })).ok).toBe(true);
      await channel.waitForText('private-1', /Supervisor here/);
      expect((await running.app.store.listAudit({ actorId: sup.id })).map((e) => e.action)).toEqual(
        expect.arrayContaining(['chat.takeover', 'transcript.view', 'chat.whisper']),
      );
      expect((await request(sx, 'conversation:takeover', { conversationId: c.id })).error?.code).toBe('FORBIDDEN');
    } finally {
      await channel.stop();
    }
  });
});

describe('delivery to agents survives lost connections', () => {
  test('the agent misses 3 messages while disconnected, then sees each once, in order, after reconnecting', async () => {
    const running = await startTestApp();
    const channel = await new ChannelServer().start();
    try {
      const agent = await createStaff(running.app);
      const s = await online(running.app, running.url, agent);
      await post(running.url, messageActivity({ conversation: { id: 'flaky-1' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }));
      const c = (await running.app.store.findConversationByChannel('test', 'flaky-1'))!;
      await request(s, 'conversation:claim', { conversationId: c.id });
      const joined = await request<{ messages: Message[] }>(s, 'conversation:join', { conversationId: c.id });
      // What the console keeps: messages by sequence number, so replays and live pushes merge without duplicates.
      const bySeq = new Map<number, Message>(joined.data!.messages.map((m) => [m.seq, m]));
      const known = new Set(bySeq.keys());
      s.on('message:new', (p: { message: Message }) => bySeq.set(p.message.seq, p.message));
      const down = new Promise((r) => s.once('disconnect', r));
      s.io.engine.close(); // the transport drops; socket.io reconnects by itself
      await down;
      for (const text of ['one', 'two', 'three'])
        await post(running.url, messageActivity({ conversation: { id: 'flaky-1' }, text, serviceUrl: channel.url, deliveryMode: undefined }));
      if (!s.connected) await new Promise<void>((r) => s.once('connect', () => r()));
      // What the console does on every (re)connect: tell the server the last sequence number it has.
      const sync = await request<{ messages: Message[] }>(s, 'sync', { cursors: { [c.id]: Math.max(...known) } });
      for (const m of sync.data!.messages) bySeq.set(m.seq, m);
      const fresh = [...bySeq.values()].filter((m) => !known.has(m.seq)).sort((a, b) => a.seq - b.seq);
      expect(fresh.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['one', 'two', 'three']);
      expect(fresh.map((m) => m.seq)).toEqual(fresh.map((_, i) => Math.max(...known) + i + 1));
      s.disconnect();
    } finally {
      await running.stop();
      await channel.stop();
    }
  });

  test('after a server restart the agent reconnects, re-authenticates, and gets what arrived meanwhile', async () => {
    const first = await startTestApp();
    const file = first.app.config.store.kind === 'sqlite' ? first.app.config.store.file : '';
    const port = first.port;
    const agent = await createStaff(first.app);
    const s = await online(first.app, first.url, agent);
    await post(first.url, messageActivity({ conversation: { id: 'restart-2' }, text: 'talk to a human' }));
    const c = (await first.app.store.findConversationByChannel('test', 'restart-2'))!;
    await request(s, 'conversation:claim', { conversationId: c.id });
    const lastSeq = (await first.app.store.getConversation(c.id))!.lastSeq;
    const down = new Promise((r) => s.once('disconnect', r));
    await first.app.close();
    await down;
    const { buildApp } = await import('../../app/app');
    const { loadConfig } = await import('../../core/config');
    const { createLogger } = await import('../../core/logger');
    const { sharedRecognizer } = await import('../helpers/sharedRecognizer');
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: file, LOG_LEVEL: 'silent', SQLITE_SYNCHRONOUS: 'normal' });
    const second = await buildApp(config, createLogger('silent'), { recognizer: await sharedRecognizer() });
    await new Promise<void>((r) => second.httpServer.listen(port, '127.0.0.1', r));
    try {
      for (const text of ['a', 'b', 'c']) await post(`http://127.0.0.1:${port}`, messageActivity({ conversation: { id: 'restart-2' }, text }));
      if (!s.connected) await new Promise<void>((r) => s.once('connect', () => r()));
      const sync = await request<{ messages: Message[] }>(s, 'sync', { cursors: { [c.id]: lastSeq } });
      expect(sync.data!.messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['a', 'b', 'c']);
    } finally {
      s.disconnect();
      await second.close();
      await first.stop();
    }
  });
});
