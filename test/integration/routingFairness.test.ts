import type { Socket } from 'socket.io-client';
import { formatWaitRange } from '../../handoff/handoffService';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, nextEvent, online, request, type Staff } from '../helpers/consoleClient';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * What an outside tester found on the running product (issues 16 and 17), reproduced from outside: real HTTP on port
 * 0, Bot Framework activities from customers, real Socket.IO consoles. Declines must free the agent's slot at once
 * and a declined chat must come back to the only agent after the cool-down, oldest first, with an honest wait;
 * an online supervisor is nobody to queue for; a reassignment to an offline agent is refused and changes nothing.
 * The queue sweep is called with a later clock instead of waiting for the cool-down.
 */
describe('routing after declines, availability and reassignment to someone absent', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeEach(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '60', OFFER_COOLDOWN_SECONDS: '120', QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
  });
  afterEach(async () => {
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
  const says = (conv: string, text: string) =>
    post(
      running.url,
      messageActivity({ conversation: { id: conv }, from: { id: `c-${conv}`, name: conv }, text, serviceUrl: channel.url, deliveryMode: undefined }),
    );
  const idOf = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!.id;
  const standingOfferOf = async (id: string) => {
    const info = (await running.app.store.getConversation(id))!.queueInfo;
    return info?.offeredAt ? info.offeredTo.at(-1) : undefined;
  };
  /** A customer asks for a person; resolves once the offer reaches `agent`'s console. */
  async function offeredTo(agent: { socket: Socket }, conv: string): Promise<string> {
    const pushed = nextEvent<{ conversation: { id: string } }>(agent.socket, 'conversation:offered');
    await says(conv, 'I want to talk to a human');
    const { conversation } = await pushed;
    expect(conversation.id).toBe(await idOf(conv));
    return conversation.id;
  }

  test("declines free the only agent's slots at once; a declined chat comes back to her after the cool-down, oldest first, with an honest wait", async () => {
    const agent2 = await staff({ name: 'Agent Two', capacity: 3 });
    const held = await offeredTo(agent2, 'held');
    expect((await request(agent2.socket, 'conversation:claim', { conversationId: held })).ok).toBe(true);

    // Two customers ask for a person; she declines both: nobody else is online, so no offer stands.
    const first = await offeredTo(agent2, 'declined-1');
    const second = await offeredTo(agent2, 'declined-2');
    for (const id of [first, second]) {
      expect(await request(agent2.socket, 'offer:decline', { conversationId: id })).toEqual({ ok: true, data: { offeredTo: null } });
      expect(await standingOfferOf(id)).toBeUndefined();
      // Declined: not hers to decline again.
      expect((await request(agent2.socket, 'offer:decline', { conversationId: id })).error?.code).toBe('HANDOFF_NOT_FOUND');
    }

    // A third customer is offered to her at once: the declines hold no slot (she holds one chat of three).
    const third = await offeredTo(agent2, 'third');
    expect((await request(agent2.socket, 'conversation:claim', { conversationId: third })).ok).toBe(true);
    const declinedAt = Date.now();

    // Within the cool-down the declined chats are not offered to her again, though she has a free slot; the first
    // customer, number 1 with nobody ahead, is not told "under 1 minute": the slot is hers only after the cool-down.
    await running.app.services.handoff.sweep(new Date(declinedAt + 30_000));
    expect(await standingOfferOf(first)).toBeUndefined();
    expect(await standingOfferOf(second)).toBeUndefined();
    const ticket = await running.app.services.handoff.ticket((await running.app.store.getConversation(first))!, declinedAt + 30_000);
    expect(ticket.position).toBe(1);
    expect(ticket.estimatedWaitSeconds).toBeGreaterThanOrEqual(60);
    expect(formatWaitRange(ticket, 'en')).not.toBe('under 1 minute');

    // After the cool-down, her one free slot goes to the chat that waited longest; the other waits for the next.
    const back = nextEvent<{ conversation: { id: string } }>(agent2.socket, 'conversation:offered');
    const swept = await running.app.services.handoff.sweep(new Date(declinedAt + 125_000));
    expect(swept.reoffered).toEqual([first]);
    expect((await back).conversation.id).toBe(first);
    expect(await standingOfferOf(second)).toBeUndefined();

    // She closes a chat: the freed slot takes the other declined chat (at the next sweep, the cool-down being past
    // only on the sweep's clock).
    expect((await request(agent2.socket, 'conversation:close', { conversationId: held })).ok).toBe(true);
    const again = nextEvent<{ conversation: { id: string } }>(agent2.socket, 'conversation:offered');
    expect((await running.app.services.handoff.sweep(new Date(declinedAt + 130_000))).reoffered).toEqual([second]);
    expect((await again).conversation.id).toBe(second);
  });

  test('a decline moves the offer to the next agent at once, and the decliner is offered the next chat', async () => {
    const ann = await staff({ name: 'Ann', capacity: 1 });
    const ben = await staff({ name: 'Ben', capacity: 1 });
    await says('next-1', 'I want to talk to a human');
    const id = await idOf('next-1');
    const holder = (await standingOfferOf(id)) === ann.id ? ann : ben;
    const other = holder === ann ? ben : ann;
    const moved = nextEvent<{ conversation: { id: string } }>(other.socket, 'conversation:offered');
    expect(await request(holder.socket, 'offer:decline', { conversationId: id })).toEqual({ ok: true, data: { offeredTo: other.id } });
    expect((await moved).conversation.id).toBe(id);
    // Her only slot is free again: the next customer is offered to her at once.
    expect(await offeredTo(holder, 'next-2')).toBe(await idOf('next-2'));
  });

  test('with only a supervisor online the customer gets the nobody-online path, not a queue position', async () => {
    await staff({ name: 'Sue Lead', role: 'supervisor', capacity: 5 });
    await says('sup-only', 'I want to talk to a human');
    await channel.waitForText('sup-only', /No agent is online/);
    expect(channel.texts('sup-only').join('\n')).not.toMatch(/number \d+ in the queue|connecting you/i);
    expect((await running.app.store.getConversation(await idOf('sup-only')))!.tags).toContain('offline_message');
  });

  test('a reassignment to an offline agent is refused with HANDOFF_AGENT_OFFLINE and changes nothing for the customer or the agent', async () => {
    const ann = await staff({ name: 'Ann Online', capacity: 3 });
    const sue = await staff({ name: 'Sue Lead', role: 'supervisor' });
    const alex = await createStaff(running.app, { name: 'Alex Agent', capacity: 3 }); // never online
    const id = await offeredTo(ann, 'reassign-offline');
    expect((await request(ann.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await channel.waitForText('reassign-offline', /Ann Online/);
    const before = await running.app.store.getConversation(id);
    const told = channel.texts('reassign-offline').length;

    const r = await request(sue.socket, 'conversation:reassign', { conversationId: id, toAgentId: alex.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'HANDOFF_AGENT_OFFLINE' } });
    expect(r.error!.message).toMatch(/Alex Agent is offline/);
    // An agent's own transfer to them is refused the same way.
    expect((await request(ann.socket, 'conversation:transfer', { conversationId: id, toAgentId: alex.id })).error?.code).toBe('HANDOFF_AGENT_OFFLINE');

    const after = await running.app.store.getConversation(id);
    expect(after).toMatchObject({ state: 'agent', agentId: ann.id, version: before!.version });
    expect(channel.texts('reassign-offline')).toHaveLength(told);
    expect(await running.app.store.listAudit({ action: 'chat.reassign' })).toEqual([]);

    // Online, the same reassignment goes through.
    const alexSocket = await online(running.app, running.url, alex);
    sockets.push(alexSocket);
    expect((await request(sue.socket, 'conversation:reassign', { conversationId: id, toAgentId: alex.id })).ok).toBe(true);
    expect((await running.app.store.getConversation(id))!.agentId).toBe(alex.id);
  });
});
