import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, nextEvent, online, request, type Staff } from '../helpers/consoleClient';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (wave 24): a transfer to an Away colleague went through and the customer read "I am passing you
 * to a colleague", while one to an offline colleague was refused. Routing offers an away agent nothing, so a chat
 * pushed to them waits unanswered: refused like offline (HANDOFF_AGENT_AWAY), for a transfer and a reassignment,
 * changing nothing for the customer or the agent. Real HTTP on port 0, Bot Framework activities, Socket.IO consoles.
 */
describe('a transfer or reassignment to an away agent', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp({ QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
  });
  afterAll(async () => {
    sockets.splice(0).forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });
  const staff = async (over: Parameters<typeof createStaff>[1]): Promise<Staff & { socket: Socket }> => {
    const s = await createStaff(running.app, over);
    const socket = await online(running.app, running.url, s);
    sockets.push(socket);
    return { ...s, socket };
  };

  test('is refused with HANDOFF_AGENT_AWAY; the customer is told nothing and the chat stays with its agent', async () => {
    const ann = await staff({ name: 'Ann Agent', capacity: 3 });
    const offered = nextEvent<{ conversation: { id: string } }>(ann.socket, 'conversation:offered');
    await post(
      running.url,
      messageActivity({
        conversation: { id: 'away-1' },
        from: { id: 'c-away-1', name: 'Pat' },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    const id = (await offered).conversation.id;
    expect((await request(ann.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await channel.waitForText('away-1', /Ann Agent/);
    // Online first (so offers could reach them), then away, as the tester's colleague was.
    const bob = await staff({ name: 'Bob Away', capacity: 3 });
    expect((await request(bob.socket, 'presence:set', { presence: 'away' })).ok).toBe(true);
    const sue = await staff({ name: 'Sue Lead', role: 'supervisor' });
    const before = await running.app.store.getConversation(id);
    const told = channel.texts('away-1').length;

    const transfer = await request(ann.socket, 'conversation:transfer', { conversationId: id, toAgentId: bob.id, note: 'billing question' });
    expect(transfer).toMatchObject({ ok: false, error: { code: 'HANDOFF_AGENT_AWAY' } });
    expect(transfer.error!.message).toMatch(/Bob Away is away/);
    const reassign = await request(sue.socket, 'conversation:reassign', { conversationId: id, toAgentId: bob.id });
    expect(reassign).toMatchObject({ ok: false, error: { code: 'HANDOFF_AGENT_AWAY' } });

    expect(await running.app.store.getConversation(id)).toMatchObject({ state: 'agent', agentId: ann.id, version: before!.version });
    expect(channel.texts('away-1')).toHaveLength(told);

    // Back online, the same transfer goes through (the refusal was about presence only).
    expect((await request(bob.socket, 'presence:set', { presence: 'online' })).ok).toBe(true);
    expect((await request(ann.socket, 'conversation:transfer', { conversationId: id, toAgentId: bob.id })).ok).toBe(true);
    expect(await running.app.store.getConversation(id)).toMatchObject({ state: 'agent', agentId: bob.id });
  });
});
