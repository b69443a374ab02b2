import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, nextEvent, online, request, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * What a supervisor's move of a chat answers, from outside (real app, real sockets, a local channel): a skill group
 * nobody has is refused before anything moves, and whoever lost a chat to a supervisor is told so by a specific code
 * when they act on it, while they may still read it.
 */
describe('reassignment outcomes', () => {
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

  const says = (conv: string, text: string) =>
    post(
      running.url,
      messageActivity({ conversation: { id: conv }, from: { id: `c-${conv}`, name: 'Cleo' }, text, serviceUrl: channel.url, deliveryMode: undefined }),
    );
  const staff = async (over: Parameters<typeof createStaff>[1]): Promise<Staff & { socket: Socket }> => {
    const s = await createStaff(running.app, over);
    const socket = await online(running.app, running.url, s);
    sockets.push(socket);
    return { ...s, socket };
  };
  async function queuedChat(conv: string): Promise<string> {
    await says(conv, 'I want to talk to a human');
    await channel.waitForText(conv, /in the queue|No agent/);
    return (await running.app.store.findConversationByChannel('test', conv))!.id;
  }
  const transcript = (who: Staff, id: string) => fetch(`${running.url}/api/transcripts/${id}`, { headers: { authorization: `Bearer ${who.token}` } });
  async function heldChat(conv: string, agent: Staff & { socket: Socket }): Promise<string> {
    const id = await queuedChat(conv);
    expect((await request(agent.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    return id;
  }

  test('a reassignment (or transfer) to a skill group no agent has is refused with HANDOFF_UNKNOWN_SKILL, and nothing moves; one an agent has is offered to them', async () => {
    const ann = await staff({ name: 'Ann Orders', capacity: 5, skills: ['orders'] });
    const sue = await staff({ name: 'Sue Lead', role: 'supervisor', skills: ['warranty'] });
    const held = await heldChat('skill-held', ann);
    const queued = await queuedChat('skill-queued');
    const before = await running.app.store.getConversation(held);

    // Nobody has it; a supervisor having it does not count (routing offers chats to agents only).
    for (const [id, skill] of [
      [held, 'astrology'],
      [queued, 'astrology'],
      [held, 'warranty'],
    ]) {
      const r = await request(sue.socket, 'conversation:reassign', { conversationId: id, skill });
      expect(r.error?.code).toBe('HANDOFF_UNKNOWN_SKILL');
    }
    expect(await running.app.store.getConversation(held)).toMatchObject({ state: 'agent', agentId: ann.id, version: before!.version });
    expect((await running.app.store.getConversation(queued))?.skill).toBeUndefined();
    expect(await running.app.store.listAudit({ action: 'chat.reassign', targetId: held })).toEqual([]);
    expect((await request(ann.socket, 'message:send', { conversationId: held, text: 'still mine', clientMessageId: 'k1' })).ok).toBe(true);
    // The agent's own transfer to such a group is refused the same way; the chat stays hers.
    expect((await request(ann.socket, 'conversation:transfer', { conversationId: held, skill: 'astrology' })).error?.code).toBe('HANDOFF_UNKNOWN_SKILL');
    expect(await running.app.store.getConversation(held)).toMatchObject({ state: 'agent', agentId: ann.id });

    // An agent with the skill makes the group real: the chat is queued for it and offered to that agent.
    const bea = await staff({ name: 'Bea Billing', capacity: 5, skills: ['billing'] });
    const offered = nextEvent<{ conversation: { id: string } }>(bea.socket, 'conversation:offered', (p) => p.conversation.id === queued);
    const r = await request<{ conversation: { state: string; skill?: string } }>(sue.socket, 'conversation:reassign', {
      conversationId: queued,
      skill: 'billing',
    });
    expect(r.data?.conversation).toMatchObject({ state: 'queued', skill: 'billing' });
    await offered;
    expect((await running.app.store.getConversation(queued))?.queueInfo?.offeredTo.at(-1)).toBe(bea.id);
  });

  test('whoever lost a chat to a reassignment or a takeover gets HANDOFF_REASSIGNED or HANDOFF_TAKEN_OVER when they act on it, and may still read its transcript', async () => {
    const ann = await staff({ name: 'Ann Former', capacity: 5 });
    const bob = await staff({ name: 'Bob Next', capacity: 5 });
    const cal = await staff({ name: 'Cal Taken', capacity: 5 });
    const dan = await staff({ name: 'Dan Giver', capacity: 5 });
    const sue = await staff({ name: 'Sue Mover', role: 'supervisor' });

    const reassigned = await heldChat('outcome-reassigned', ann);
    const released = nextEvent<{ conversationId: string; reason: string }>(ann.socket, 'conversation:released', (p) => p.conversationId === reassigned);
    expect((await request(sue.socket, 'conversation:reassign', { conversationId: reassigned, toAgentId: bob.id })).ok).toBe(true);
    expect((await released).reason).toBe('reassigned');
    for (const [event, payload] of [
      ['message:send', { conversationId: reassigned, text: 'hello?', clientMessageId: 'o1' }],
      ['typing:start', { conversationId: reassigned }],
      ['conversation:close', { conversationId: reassigned }],
      ['conversation:return', { conversationId: reassigned }],
      ['conversation:transfer', { conversationId: reassigned, toAgentId: dan.id }],
    ] as const) {
      const r = await request(ann.socket, event, payload);
      expect({ event, code: r.error?.code }).toEqual({ event, code: 'HANDOFF_REASSIGNED' });
    }
    // Read-only for her: the transcript still opens (the transcript rule: she served it); nothing she tried reached
    // the customer or moved the chat.
    expect((await transcript(ann, reassigned)).status).toBe(200);
    expect(channel.texts('outcome-reassigned')).not.toContain('hello?');
    expect(await running.app.store.getConversation(reassigned)).toMatchObject({ state: 'agent', agentId: bob.id });

    const taken = await heldChat('outcome-taken', cal);
    expect((await request(sue.socket, 'conversation:takeover', { conversationId: taken })).ok).toBe(true);
    expect((await request(cal.socket, 'message:send', { conversationId: taken, text: 'hi', clientMessageId: 'o2' })).error?.code).toBe('HANDOFF_TAKEN_OVER');
    expect((await transcript(cal, taken)).status).toBe(200);

    // Gave it away himself: no longer his to watch, so it answers like a chat that does not exist.
    const given = await heldChat('outcome-given', dan);
    expect((await request(dan.socket, 'conversation:transfer', { conversationId: given, toAgentId: bob.id })).ok).toBe(true);
    expect((await request(dan.socket, 'message:send', { conversationId: given, text: 'hi', clientMessageId: 'o3' })).error?.code).toBe('HANDOFF_NOT_FOUND');

    // The chat comes back to Ann by a transfer: hers again, and what she does works.
    expect((await request(bob.socket, 'conversation:transfer', { conversationId: reassigned, toAgentId: ann.id })).ok).toBe(true);
    expect((await request(ann.socket, 'message:send', { conversationId: reassigned, text: 'back with you', clientMessageId: 'o4' })).ok).toBe(true);
  });

  test('erasing the customer of a held chat tells its agent "erased", not "transferred" (review 21)', async () => {
    const ann = await staff({ name: 'Ann Holder', capacity: 5 });
    const admin = await createStaff(running.app, { role: 'admin' });
    const held = await heldChat('outcome-erased', ann);
    const released = nextEvent<{ conversationId: string; reason: string }>(ann.socket, 'conversation:released', (p) => p.conversationId === held);
    const customerId = (await running.app.store.getConversation(held))!.customerId;
    const r = await fetch(`${running.url}/api/customers/${customerId}/erase`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.status).toBe(200);
    expect(await released).toMatchObject({ conversationId: held, reason: 'erased' });
  });

  test('a queued chat whose customer is erased leaves every console\'s queue saying "erased"; one claimed says "claimed"', async () => {
    const sue = await staff({ name: 'Sue Watcher', role: 'supervisor' });
    const cal = await staff({ name: 'Cal Queue', capacity: 5 });
    const admin = await createStaff(running.app, { role: 'admin' });
    type Delta = { added: { channelConversationId: string }[]; removed: string[]; reasons?: Record<string, string> };
    const leaves = (socket: Socket, id: string) => nextEvent<Delta>(socket, 'queue:changed', (d) => d.removed.includes(id));
    // Consoles list a chat once their queue feed read it (changes are gathered for 25 ms): a chat erased before any
    // console listed it leaves nothing to remove, so both chats are first seen listed.
    const listed = (socket: Socket, conv: string) => nextEvent<Delta>(socket, 'queue:changed', (d) => d.added.some((c) => c.channelConversationId === conv));
    const shown = [listed(sue.socket, 'queue-erased'), listed(cal.socket, 'queue-erased'), listed(sue.socket, 'queue-claimed')];
    const queued = await queuedChat('queue-erased');
    const taken = await queuedChat('queue-claimed');
    await Promise.all(shown);
    const seen = [leaves(sue.socket, queued), leaves(cal.socket, queued)];
    const customerId = (await running.app.store.getConversation(queued))!.customerId;
    const r = await fetch(`${running.url}/api/customers/${customerId}/erase`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.status).toBe(200);
    for (const d of await Promise.all(seen)) expect(d.reasons?.[queued]).toBe('erased');
    const claimed = leaves(sue.socket, taken);
    expect((await request(cal.socket, 'conversation:claim', { conversationId: taken })).ok).toBe(true);
    expect((await claimed).reasons?.[taken]).toBe('claimed');
  });
});
