import { randomUUID } from 'node:crypto';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import type { Socket } from 'socket.io-client';

/**
 * What a console socket refuses, over a real Socket.IO client: a chat the agent may not see answers exactly like one
 * that does not exist; a transfer to oneself; a message of only spaces.
 */
describe('console socket refusals', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: { id: string; token: string };
  let socket: Socket;
  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
    agent = await createStaff(running.app, { name: 'Ria Agent' });
    socket = await online(running.app, running.url, agent);
  });
  afterAll(async () => {
    socket?.disconnect();
    await running.stop();
    await channel.stop();
  });

  let n = 0;
  async function conversation(): Promise<string> {
    const customer = await running.app.store.createCustomer({});
    const id = `r-${++n}`;
    const { conversation: c } = await running.app.store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: id,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: channel.url, conversation: { id } },
    });
    return c.id;
  }
  async function queued(): Promise<string> {
    const id = await conversation();
    await running.app.services.handoff.escalate(id, { reason: 'customer_asked', detail: 'test', priorityBoost: 0 });
    return id;
  }

  test('claiming a bot-state or closed chat the agent never held answers exactly like a random id', async () => {
    const missing = await request(socket, 'conversation:claim', { conversationId: randomUUID() });
    expect(missing.ok).toBe(false);
    const bot = await conversation();
    // Closed by a colleague who held it.
    const other = await createStaff(running.app, { name: 'Otto Other' });
    const closed = await queued();
    await running.app.services.handoff.claim(other.id, closed);
    await running.app.services.handoff.close(other.id, closed);
    for (const id of [bot, closed]) {
      const r = await request(socket, 'conversation:claim', { conversationId: id });
      expect(r).toEqual(missing);
    }
    expect(missing.error?.code).toBe('HANDOFF_NOT_FOUND');
    // Every other event on such a chat answers the same.
    for (const [event, extra] of [
      ['conversation:transfer', { skill: 'orders' }],
      ['conversation:return', {}],
      ['conversation:close', {}],
      ['message:send', { text: 'hello', clientMessageId: 'm1' }],
      ['typing:start', {}],
    ] as const) {
      const none = await request(socket, event, { conversationId: randomUUID(), ...extra });
      for (const id of [bot, closed]) expect(await request(socket, event, { conversationId: id, ...extra })).toEqual(none);
    }
  });

  test('a chat the agent held, now closed, still says why it cannot be claimed', async () => {
    const id = await queued();
    expect((await request(socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    expect((await request(socket, 'conversation:close', { conversationId: id })).ok).toBe(true);
    const r = await request(socket, 'conversation:claim', { conversationId: id });
    expect(r.error?.code).toBe('HANDOFF_INVALID_TRANSITION');
  });

  test('a transfer to oneself is refused with HANDOFF_TRANSFER_TO_SELF; the customer is told nothing', async () => {
    const id = await queued();
    expect((await request(socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    const before = (await running.app.store.listMessages(id, { afterSeq: 0 })).length;
    const r = await request(socket, 'conversation:transfer', { conversationId: id, toAgentId: agent.id });
    expect(r.error?.code).toBe('HANDOFF_TRANSFER_TO_SELF');
    expect((await running.app.store.listMessages(id, { afterSeq: 0 })).length).toBe(before);
    expect(await running.app.store.getConversation(id)).toMatchObject({ state: 'agent', agentId: agent.id });
  });

  test.each([' ', '   \n\t  ', '\u00a0\u3000', '\u200b', '\u200b\u200b', '\u00ad', '\u2800', '\ufeff\u3164'])(
    'a message of only spaces or invisible characters (%j) is refused and nothing is stored or sent',
    async (text) => {
      const id = await queued();
      expect((await request(socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
      const before = (await running.app.store.listMessages(id, { afterSeq: 0 })).length;
      const r = await request(socket, 'message:send', { conversationId: id, text, clientMessageId: randomUUID() });
      expect(r.error?.code).toBe('VALIDATION_FAILED');
      expect((await running.app.store.listMessages(id, { afterSeq: 0 })).length).toBe(before);
      await expect(running.app.services.handoff.agentMessage(agent.id, id, text)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await request(socket, 'conversation:close', { conversationId: id })).ok).toBe(true);
    },
  );
});
