import type { Socket } from 'socket.io-client';
import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { connect, createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * T16: the console's Socket.IO handshake and room authorization, attacked from outside with real clients. Every
 * credential that is not a live console session is refused at the handshake with a code; a signed-in agent cannot
 * read, write into, or subscribe to a chat that is not theirs, and the refusals look exactly like a chat or customer
 * that does not exist. (test/integration/consoleGateway.test.ts covers the everyday refusals; this is the attack.)
 */
describe('T16 socket handshake and room authorization', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    running = await startTestApp({ SESSION_TTL_SECONDS: '3600' });
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  /** Connects without retrying; resolves 'connected' or the refusal's code. */
  function attempt(token: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    const s = connect(running.url, undefined, { reconnection: false, auth: token === undefined ? {} : { token }, ...extra });
    sockets.push(s);
    return new Promise((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? `no code: ${err.message}`));
    });
  }

  test('the handshake refuses everything that is not a live console session, each with its code', async () => {
    const agent = await createStaff(running.app);
    const [sessionId, signature] = agent.token.split('.');
    const webChat = (await (
      await fetch(`${running.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as { token: string };
    const loggedIn = await running.app.services.auth.verify(agent.token);
    const ticket = running.app.services.auth.ticketFor(loggedIn, '/api/transcripts/export?format=csv');
    const cases: [string, Promise<string>, string][] = [
      ['no credentials', attempt(undefined), 'AUTH_REQUIRED'],
      ['token in the query string', attempt(undefined, { query: { token: agent.token } }), 'AUTH_REQUIRED'],
      ['token in an Authorization header', attempt(undefined, { extraHeaders: { authorization: `Bearer ${agent.token}` } }), 'AUTH_REQUIRED'],
      ['operator-shaped token', attempt({ $ne: null }), 'AUTH_REQUIRED'],
      ['numeric token', attempt(12345), 'AUTH_REQUIRED'],
      ['session id without signature', attempt(sessionId), 'AUTH_INVALID'],
      ['tampered signature', attempt(`${sessionId}.${signature.slice(0, -2)}${signature.endsWith('aa') ? 'bb' : 'aa'}`), 'AUTH_INVALID'],
      ['another session id under this signature', attempt(`00000000-0000-4000-8000-000000000000.${signature}`), 'AUTH_INVALID'],
      ['a web chat customer token', attempt(webChat.token), 'AUTH_INVALID'],
      ['a download ticket of this session', attempt(ticket), 'AUTH_INVALID'],
      ['a foreign Origin', attempt(agent.token, { extraHeaders: { origin: 'https://evil.example' } }), 'AUTH_ORIGIN_FORBIDDEN'],
    ];
    for (const [name, result, code] of cases) expect({ name, code: await result }).toEqual({ name, code });
    // Positive control: the same token, as the console sends it, connects.
    expect(await attempt(agent.token)).toBe('connected');
    await running.app.services.auth.revoke(sessionId);
    expect(await attempt(agent.token)).toBe('AUTH_REVOKED');
    const expired = await running.app.store.createSession({
      id: 't16-expired',
      userId: agent.id,
      createdAt: '2020-01-01T00:00:00Z',
      expiresAt: '2020-01-01T01:00:00Z',
    });
    expect(await attempt(running.app.services.auth.tokenFor(expired))).toBe('AUTH_EXPIRED');
  });

  test('a signed-in agent cannot open, subscribe to, write into or act on a chat or customer that is not theirs', async () => {
    const owner = await createStaff(running.app);
    const attacker = await createStaff(running.app);
    const so = await online(running.app, running.url, owner);
    const sx = await online(running.app, running.url, attacker);
    sockets.push(so, sx);
    const heard: string[] = [];
    sx.on('message:new', (p: { message: Message }) => heard.push(p.message.text));
    sx.on('typing', (p: { conversationId: string }) => heard.push(`typing:${p.conversationId}`));
    const says = (text: string) =>
      post(
        running.url,
        messageActivity({
          conversation: { id: 't16-private' },
          from: { id: 't16-customer', name: 'Pia Private' },
          text,
          serviceUrl: channel.url,
          deliveryMode: undefined,
        }),
      );
    await says('I want to talk to a human');
    const c = (await running.app.store.findConversationByChannel('test', 't16-private'))!;
    expect((await request(so, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    const before = { messages: (await running.app.store.listMessages(c.id)).length, customer: await running.app.store.getCustomer(c.customerId) };

    // Reads: the same answer as for ids that do not exist.
    for (const id of [c.id, 'no-such-conversation']) {
      expect((await request(sx, 'conversation:join', { conversationId: id })).error?.code).toBe('HANDOFF_NOT_FOUND');
      expect((await request(sx, 'note:add', { conversationId: id, text: 'sneaky note' })).error?.code).toBe('HANDOFF_NOT_FOUND');
    }
    expect((await request<{ messages: Message[] }>(sx, 'sync', { cursors: { [c.id]: 0 } })).data!.messages).toEqual([]);
    for (const id of [c.customerId, 'no-such-customer']) {
      expect((await request(sx, 'customer:update', { customerId: id, tags: ['pwned'] })).error?.code).toBe('NOT_FOUND');
      expect((await request(sx, 'customer:consent', { customerId: id, purpose: 'marketing', channel: 'test', granted: true })).error?.code).toBe('NOT_FOUND');
    }
    // Writes and actions reserved to the owner or to reviewers: on a chat the agent may not see, the same answer as
    // for an id that does not exist (no probing).
    expect((await request(sx, 'message:send', { conversationId: c.id, text: 'hello from an intruder', clientMessageId: 'x1' })).error?.code).toBe(
      'HANDOFF_NOT_FOUND',
    );
    expect((await request(sx, 'typing:start', { conversationId: c.id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    expect((await request(sx, 'conversation:transfer', { conversationId: c.id, toAgentId: attacker.id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    expect((await request(sx, 'conversation:return', { conversationId: c.id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    expect((await request(sx, 'conversation:close', { conversationId: c.id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    expect((await request(sx, 'conversation:claim', { conversationId: c.id })).error?.code).toBe('HANDOFF_ALREADY_CLAIMED');
    expect((await request(sx, 'conversation:takeover', { conversationId: c.id })).error?.code).toBe('FORBIDDEN');
    // Events the protocol does not have, shaped like room joins, do nothing (no ack ever comes for them).
    sx.emit('join', convRoomName(c.id));
    sx.emit('subscribe', { room: convRoomName(c.id) });
    sx.emit('conversation:join', [c.id]);

    // Positive control: the owner receives the customer's next message and typing; the attacker heard nothing.
    const got = nextEvent<{ message: Message }>(so, 'message:new', (p) => p.message.text === 'my new card is 5555');
    await says('my new card is 5555');
    await got;
    expect((await request(sx, 'queue:list', {})).ok).toBe(true);
    expect(heard).toEqual([]);
    // Nothing was stored, sent or changed by any of it.
    const after = await running.app.store.listMessages(c.id);
    expect(after.filter((m) => m.authorId === attacker.id)).toEqual([]);
    expect(after.length).toBe(before.messages + 1);
    expect(channel.texts('t16-private').some((t) => t.includes('intruder'))).toBe(false);
    const profile = (await running.app.store.getCustomer(c.customerId))!;
    expect({ tags: profile.tags, consent: profile.consent, attributes: profile.attributes }).toEqual({
      tags: before.customer!.tags,
      consent: before.customer!.consent,
      attributes: before.customer!.attributes,
    });
    expect(await running.app.store.getConversation(c.id)).toMatchObject({ state: 'agent', agentId: owner.id });
    expect(await running.app.store.listAudit({ actorId: attacker.id })).toEqual(expect.not.arrayContaining([expect.objectContaining({ targetId: c.id })]));
  });
});

/** What a room would be called if a client could name one (it cannot: rooms are server-side only). */
function convRoomName(id: string): string {
  return `conv:${id}`;
}
