import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * A chat an agent gave away (or that was closed) is no longer one they may watch: every console request on it
 * answers exactly like a random id (README "Need-to-know in the console"), so ids cannot be probed. The holder and
 * supervisors are unaffected.
 */
describe('a chat given away answers like one that does not exist', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  const staff = async (over: Parameters<typeof createStaff>[1]): Promise<Staff & { socket: Socket }> => {
    const s = await createStaff(running.app, over);
    const socket = await online(running.app, running.url, s);
    sockets.push(socket);
    return { ...s, socket };
  };
  async function heldChat(conv: string, agent: Staff & { socket: Socket }): Promise<string> {
    await post(
      running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: `c-${conv}`, name: 'Cleo' },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    await channel.waitForText(conv, /in the queue|No agent/);
    const id = (await running.app.store.findConversationByChannel('test', conv))!.id;
    expect((await request(agent.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    return id;
  }
  const answers = async (s: Socket, conversationId: string) => ({
    send: (await request(s, 'message:send', { conversationId, text: 'hi', clientMessageId: randomUUID() })).error,
    close: (await request(s, 'conversation:close', { conversationId })).error,
    typing: (await request(s, 'typing:start', { conversationId })).error,
    transfer: (await request(s, 'conversation:transfer', { conversationId, skill: 'orders' })).error,
    back: (await request(s, 'conversation:return', { conversationId })).error,
    note: (await request(s, 'note:add', { conversationId, text: 'x' })).error,
    join: (await request(s, 'conversation:join', { conversationId })).error,
  });

  test('after a transfer, and after a close, the former holder gets the answers of a random id; the new holder and a supervisor do not', async () => {
    const ann = await staff({ name: 'Ann Given', capacity: 5 });
    const bob = await staff({ name: 'Bob Taker', capacity: 5 });
    const sue = await staff({ name: 'Sue Lead', role: 'supervisor' });
    const given = await heldChat('probe-given', ann);
    expect((await request(ann.socket, 'conversation:transfer', { conversationId: given, toAgentId: bob.id })).ok).toBe(true);

    const missing = await answers(ann.socket, randomUUID());
    expect(missing.send?.code).toBe('HANDOFF_NOT_FOUND');
    expect(await answers(ann.socket, given)).toEqual(missing);

    // The holder is unaffected; a supervisor is told it is not theirs (they may watch it).
    expect((await request(bob.socket, 'message:send', { conversationId: given, text: 'hello', clientMessageId: 'b1' })).ok).toBe(true);
    expect((await request(sue.socket, 'message:send', { conversationId: given, text: 'hi', clientMessageId: 's1' })).error?.code).toBe('HANDOFF_NOT_OWNER');

    // Closed by its holder: no longer anyone's to watch (supervisors apart).
    expect((await request(bob.socket, 'conversation:close', { conversationId: given })).ok).toBe(true);
    expect(await answers(bob.socket, given)).toEqual(await answers(bob.socket, randomUUID()));
    expect(await answers(ann.socket, given)).toEqual(await answers(ann.socket, randomUUID()));
    expect(await running.app.store.getConversation(given)).toMatchObject({ state: 'closed' });
  });
});
