import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { appWithChannel } from '../helpers/appWithChannel';

/** Customer on a real channel (local serviceUrl), agents on real Socket.IO clients, the real app on port 0. */
describe('handoff end to end', () => {
  const t = appWithChannel();

  const customerSays = (conv: string, text: string) =>
    post(
      t.running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: `cust-${conv}`, name: 'Carla Customer' },
        text,
        serviceUrl: t.channel.url,
        deliveryMode: undefined,
      }),
    );

  test('ask for a person → queued with position → accept → both ways → transfer → return to bot → bot answers; transcript complete', async () => {
    const a = await createStaff(t.running.app, { name: 'Alice' });
    const b = await createStaff(t.running.app, { name: 'Bob' });
    const sa = await online(t.running.app, t.running.url, a);
    const sb = await online(t.running.app, t.running.url, b);
    t.sockets.push(sa, sb);
    const conv = 'e2e-1';

    const queuedSeen = nextEvent<{ added: { id: string }[] }>(sb, 'queue:changed', (p) => p.added.length > 0);
    expect((await customerSays(conv, 'I want to talk to a human')).status).toBe(200);
    await t.channel.waitForText(conv, /number 1 in the queue/);
    const conversation = (await t.running.app.store.findConversationByChannel('test', conv))!;
    expect(conversation).toMatchObject({ state: 'queued', handoffReason: 'customer_asked' });
    expect((await queuedSeen).added.map((q) => q.id)).toContain(conversation.id);

    // A accepts; B's queue no longer shows it.
    const goneForB = nextEvent<{ removed: string[] }>(sb, 'queue:changed', (p) => p.removed.includes(conversation.id));
    const claim = await request(sa, 'conversation:claim', { conversationId: conversation.id });
    expect(claim.ok).toBe(true);
    await goneForB;
    await t.channel.waitForText(conv, /Alice from our team has joined/);

    // Customer → agent in real time; the bot stays silent.
    const seenByA = nextEvent<{ message: Message }>(sa, 'message:new', (p) => p.message.text === 'my parcel is late');
    const sentBefore = t.channel.texts(conv).length;
    await customerSays(conv, 'my parcel is late');
    expect((await seenByA).message).toMatchObject({ role: 'customer', conversationId: conversation.id });
    expect(t.channel.texts(conv).length).toBe(sentBefore);

    // Agent → customer through the connector.
    const send = await request(sa, 'message:send', { conversationId: conversation.id, text: 'Hi Carla, let me check.', clientMessageId: 'm1' });
    expect(send.ok).toBe(true);
    await t.channel.waitForText(conv, /^Hi Carla, let me check\.$/);
    // A retried send (same clientMessageId) is stored and delivered once.
    await request(sa, 'message:send', { conversationId: conversation.id, text: 'Hi Carla, let me check.', clientMessageId: 'm1' });
    expect(t.channel.texts(conv).filter((t) => t === 'Hi Carla, let me check.')).toHaveLength(1);

    // Transfer to B with a note.
    const assignedB = nextEvent<{ conversation: { id: string } }>(sb, 'conversation:assigned');
    const releasedA = nextEvent<{ reason: string }>(sa, 'conversation:released');
    const transfer = await request(sa, 'conversation:transfer', { conversationId: conversation.id, toAgentId: b.id, note: 'Late parcel, order unknown' });
    expect(transfer.ok).toBe(true);
    expect((await assignedB).conversation.id).toBe(conversation.id);
    expect((await releasedA).reason).toBe('transferred');
    const bJoin = await request<{ messages: Message[] }>(sb, 'conversation:join', { conversationId: conversation.id });
    expect(bJoin.data!.messages.some((m) => m.kind === 'note' && m.text === 'Late parcel, order unknown')).toBe(true);

    // B returns it to the bot; the bot answers again.
    expect((await request(sb, 'conversation:return', { conversationId: conversation.id })).ok).toBe(true);
    await t.channel.waitForText(conv, /back with the assistant/);
    await customerSays(conv, 'how long does shipping take');
    await t.channel.waitForText(conv, /3-5 working days/);

    const transcript = await t.running.app.store.listMessages(conversation.id);
    expect(transcript.map((m) => m.seq)).toEqual(transcript.map((_, i) => i + 1));
    const states = transcript.filter((m) => m.kind === 'event' && m.data?.type === 'state').map((m) => `${m.data!.from as string}>${m.data!.to as string}`);
    expect(states).toEqual(['bot>queued', 'queued>agent', 'agent>agent', 'agent>bot']);
    const customerTexts = transcript.filter((m) => m.role === 'customer').map((m) => m.text);
    expect(customerTexts).toEqual(['I want to talk to a human', 'my parcel is late', 'how long does shipping take']);
    expect(transcript.filter((m) => m.role === 'agent' && m.kind === 'message').map((m) => m.text)).toEqual(['Hi Carla, let me check.']);
    const queuedEvent = transcript.find((m) => m.data?.to === 'queued')!;
    expect(queuedEvent.data).toMatchObject({ reason: 'customer_asked' });
    const at = (pred: (m: Message) => boolean) => transcript.findIndex(pred);
    const queuedAt = at((m) => m.kind === 'event' && m.data?.to === 'queued');
    const parcelAt = at((m) => m.role === 'customer' && m.text === 'my parcel is late');
    const replyAt = at((m) => m.role === 'agent' && m.kind === 'message');
    expect(queuedAt).toBeGreaterThan(-1);
    expect(queuedAt).toBeLessThan(parcelAt);
    expect(parcelAt).toBeLessThan(replyAt);
  });

  test('while an agent owns the chat the bot sends no answer of its own, whatever the customer writes', async () => {
    const a = await createStaff(t.running.app);
    const sa = await online(t.running.app, t.running.url, a);
    t.sockets.push(sa);
    const conv = 'silent-1';
    await customerSays(conv, 'agent please');
    const c = (await t.running.app.store.findConversationByChannel('test', conv))!;
    expect((await request(sa, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    // The claim's notice is delivered in the background: count from after it.
    await t.channel.waitForText(conv, /has joined/);
    const before = (await t.running.app.store.listMessages(c.id)).filter((m) => m.role === 'bot').length;
    const sentBefore = t.channel.texts(conv).length;
    // The last two are empty, one of invisible characters only: not relayed, and not answered by the bot either.
    for (const text of ['hello', 'where is my order 12345', 'talk to a human', 'I hate this, terrible!', 'blorp', '', '\u200b\u200d'])
      await customerSays(conv, text);
    const after = await t.running.app.store.listMessages(c.id);
    expect(after.filter((m) => m.role === 'bot').length).toBe(before);
    expect(t.channel.texts(conv).length).toBe(sentBefore);
    expect(after.filter((m) => m.role === 'customer').length).toBe(8);
  });

  test('close asks for a rating; the rating and comment are stored', async () => {
    const a = await createStaff(t.running.app);
    const sa = await online(t.running.app, t.running.url, a);
    t.sockets.push(sa);
    const conv = 'close-1';
    await customerSays(conv, 'talk to a human');
    const c = (await t.running.app.store.findConversationByChannel('test', conv))!;
    await request(sa, 'conversation:claim', { conversationId: c.id });
    expect((await request(sa, 'conversation:close', { conversationId: c.id })).ok).toBe(true);
    await t.channel.waitForText(conv, /rate it from 1/);
    await customerSays(conv, '5 very helpful');
    await t.channel.waitForText(conv, /Thank you for your feedback/);
    const closed = await t.running.app.store.getConversation(c.id);
    expect(closed).toMatchObject({ state: 'closed', satisfaction: { score: 5, comment: 'very helpful' } });
  });

  test('typing goes both ways, and a transfer to a skill group puts the chat back in the queue for that skill', async () => {
    const a = await createStaff(t.running.app, { skills: ['orders'] });
    const billing = await createStaff(t.running.app, { skills: ['billing'] });
    const sa = await online(t.running.app, t.running.url, a);
    const sb = await online(t.running.app, t.running.url, billing);
    t.sockets.push(sa, sb);
    const conv = 'skill-1';
    await customerSays(conv, 'talk to a human');
    const c = (await t.running.app.store.findConversationByChannel('test', conv))!;
    expect((await request(sa, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    // Customer typing reaches the agent; agent typing reaches the channel as a typing activity.
    const typingSeen = nextEvent<{ conversationId: string; from: string }>(sa, 'typing');
    await post(
      t.running.url,
      messageActivity({
        type: 'typing',
        conversation: { id: conv },
        from: { id: `cust-${conv}` },
        serviceUrl: t.channel.url,
        text: undefined,
        deliveryMode: undefined,
      }),
    );
    expect(await typingSeen).toEqual({ conversationId: c.id, from: 'customer' });
    expect((await request(sa, 'typing:start', { conversationId: c.id })).ok).toBe(true);
    await t.channel.waitFor((x) => x.conversationId === conv && x.activity.type === 'typing');
    // Transfer to the billing group: queued again with that skill, offered to the billing agent.
    // In the queue again: a new entry, or a changed one when its leaving and coming back fell in one coalesced delta.
    const offered = nextEvent<{ added: { id: string }[]; changed: { id: string }[] }>(sb, 'queue:changed', (p) =>
      [...p.added, ...p.changed].some((q) => q.id === c.id),
    );
    const r = await request(sa, 'conversation:transfer', { conversationId: c.id, skill: 'billing', note: 'invoice question' });
    expect(r.ok).toBe(true);
    await offered;
    expect(await t.running.app.store.getConversation(c.id)).toMatchObject({ state: 'queued', skill: 'billing', agentId: null });
    expect(await t.running.app.services.handoff.pickAgent((await t.running.app.store.getConversation(c.id))!)).toMatchObject({ id: billing.id });
  });
});
