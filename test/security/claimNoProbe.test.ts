import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import type { ClaimInput } from '../../store/store';

/**
 * An outside tester claimed a chat another agent held and got HANDOFF_ALREADY_CLAIMED, where a random id gets
 * HANDOFF_NOT_FOUND: a probe for which chats exist. An agent who may not see a chat gets exactly the answer of a
 * missing one, on every socket action; the loser of a real race (the chat was queued when they asked, or offered to
 * them) and supervisors keep the precise answer.
 */
describe('claiming a chat one may not see answers like a missing one', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  let n = 0;
  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  async function signedIn(over: Parameters<typeof createStaff>[1] = {}): Promise<Staff & { socket: Socket }> {
    const s = await createStaff(running.app, over);
    sockets.push(await online(running.app, running.url, s));
    return s as Staff & { socket: Socket };
  }
  async function queuedChat() {
    const conv = `probe-${++n}`;
    await post(
      running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: `u-${conv}` },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    return (await running.app.store.findConversationByChannel('test', conv))!;
  }
  /** The chat left the queue long ago (no console still shows it queued): moved in the data, not by waiting. */
  const longAgo = (id: string) => running.app.store.updateConversation(id, { assignedAt: new Date(Date.now() - 3_600_000).toISOString() });
  const answer = async (s: Socket, event: string, payload: Record<string, unknown>) => (await request(s, event, payload)).error;

  test('an agent probing a chat another agent holds: every action answers as for an id that does not exist', async () => {
    const ann = await signedIn({ name: 'Ann' });
    const c = await queuedChat();
    expect((await request(ann.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    await longAgo(c.id);
    const eve = await signedIn({ name: 'Eve' });
    const before = await running.app.store.getConversation(c.id);
    const actions: [string, (id: string) => Record<string, unknown>][] = [
      ['conversation:claim', (id) => ({ conversationId: id })],
      ['conversation:join', (id) => ({ conversationId: id })],
      ['conversation:transfer', (id) => ({ conversationId: id, toAgentId: eve.id })],
      ['conversation:return', (id) => ({ conversationId: id })],
      ['conversation:close', (id) => ({ conversationId: id })],
      ['message:send', (id) => ({ conversationId: id, text: 'hi', clientMessageId: randomUUID() })],
      ['note:add', (id) => ({ conversationId: id, text: 'a note' })],
      ['typing:start', (id) => ({ conversationId: id })],
    ];
    for (const [event, payload] of actions) {
      const missing = await answer(eve.socket, event, payload(randomUUID()));
      expect(missing?.code).toBe('HANDOFF_NOT_FOUND');
      expect([event, await answer(eve.socket, event, payload(c.id))]).toEqual([event, missing]);
    }
    expect(await running.app.store.getConversation(c.id)).toEqual(before);
    // A supervisor keeps the precise answer.
    const sam = await signedIn({ role: 'supervisor', name: 'Sam' });
    expect((await answer(sam.socket, 'conversation:claim', { conversationId: c.id }))?.code).toBe('HANDOFF_ALREADY_CLAIMED');
  });

  test('the loser of a race for a queued chat is told it was taken: it was queued when they asked, or offered to them', async () => {
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
    const [ann, ben] = [await signedIn({ name: 'Ann R' }), await signedIn({ name: 'Ben R' })];
    // Ben's claim reads the chat queued; Ann's claim lands before Ben's reaches the store (held there, no timing).
    const c = await queuedChat();
    const store = running.app.store;
    const claimInStore = store.claimConversation.bind(store);
    store.claimConversation = async (input: ClaimInput) => {
      if (input.agentId === ben.id) {
        store.claimConversation = claimInStore;
        expect((await request(ann.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
        await longAgo(c.id);
      }
      return claimInStore(input);
    };
    expect((await answer(ben.socket, 'conversation:claim', { conversationId: c.id }))?.code).toBe('HANDOFF_ALREADY_CLAIMED');
    store.claimConversation = claimInStore;

    // Offered to Ben, taken by Ann from the queue: Ben knew of it.
    const d = await queuedChat();
    const offeredTo = (await store.getConversation(d.id))!.queueInfo!.offeredTo;
    const [holder, loser] = offeredTo.includes(ben.id) ? [ann, ben] : [ben, ann];
    expect(offeredTo).toContain(loser.id);
    expect((await request(holder.socket, 'conversation:claim', { conversationId: d.id })).ok).toBe(true);
    await longAgo(d.id);
    expect((await answer(loser.socket, 'conversation:claim', { conversationId: d.id }))?.code).toBe('HANDOFF_ALREADY_CLAIMED');
  });
});
