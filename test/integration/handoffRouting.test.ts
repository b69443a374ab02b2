import { channelConversations } from '../../bot/supportBot';
import { withinBusinessHours } from '../../handoff/handoffService';
import { messageActivity, post, say } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff } from '../helpers/consoleClient';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

describe('routing, offers and queue notices', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '30', QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    await running.stop();
    await channel.stop();
  });
  const online = async (over: Parameters<typeof createStaff>[1] = {}) => {
    const s = await createStaff(running.app, over);
    await running.app.store.updateUser(s.id, { presence: 'online' });
    return s;
  };

  test('a new chat is offered to the least busy fitting agent; unaccepted, it goes one priority up to the next agent', async () => {
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
    const busy = await online({ capacity: 2 });
    const free = await online({ capacity: 2 });
    // busy holds one chat already
    await post(running.url, messageActivity({ conversation: { id: 'hold-1' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }));
    await running.app.services.handoff.claim(busy.id, (await running.app.store.findConversationByChannel('test', 'hold-1'))!.id);

    const offers: string[] = [];
    const off = running.app.services.events.on('conversation.offered', ({ agentId }) => offers.push(agentId));
    await post(running.url, messageActivity({ conversation: { id: 'offer-1' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }));
    const c = (await running.app.store.findConversationByChannel('test', 'offer-1'))!;
    expect(offers).toEqual([free.id]);
    const soon = await running.app.services.handoff.sweep(new Date(Date.now() + 5_000));
    expect(soon.reoffered).toEqual([]);
    const later = await running.app.services.handoff.sweep(new Date(Date.now() + 31_000));
    expect(later.reoffered).toEqual([c.id]);
    expect(offers).toEqual([free.id, busy.id]);
    expect((await running.app.store.getConversation(c.id))!.priority).toBe(c.priority + 1);
    off();
  });

  test('queued customers are told again when their position improves', async () => {
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
    const agent = await online({ capacity: 1 });
    for (const id of ['pos-1', 'pos-2'])
      await post(running.url, messageActivity({ conversation: { id }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }));
    const first = (await running.app.store.findConversationByChannel('test', 'pos-1'))!;
    const second = (await running.app.store.findConversationByChannel('test', 'pos-2'))!;
    const queueBefore = (await running.app.services.handoff.queue()).map((q) => q.id);
    expect(queueBefore.indexOf(first.id)).toBeLessThan(queueBefore.indexOf(second.id));
    await running.app.services.handoff.claim(agent.id, first.id);
    const r = await running.app.services.handoff.sweep();
    expect(r.notified).toContain(second.id);
    const told = channel.texts('pos-2');
    expect(told[told.length - 1]).toMatch(/You are number \d+ in the queue/);
    // Nothing changed since: no new notice.
    expect((await running.app.services.handoff.sweep()).notified).not.toContain(second.id);
  });

  test('business hours: open and closed times in the configured time zone', () => {
    const h = { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', timeZone: 'Europe/Madrid' };
    expect(withinBusinessHours(h, new Date('2026-11-23T09:30:00Z'))).toBe(true); // Monday 10:30 Madrid
    expect(withinBusinessHours(h, new Date('2026-11-23T17:30:00Z'))).toBe(false); // Monday 18:30 Madrid
    expect(withinBusinessHours(h, new Date('2026-11-22T11:00:00Z'))).toBe(false); // Sunday
    expect(withinBusinessHours(undefined, new Date())).toBe(true);
  });

  test('outside business hours the customer is told the team is away and may leave a message', async () => {
    const closed = await startTestApp({ BUSINESS_HOURS: '1-7 00:00-00:00', BUSINESS_TIMEZONE: 'Pacific/Kiritimati' }); // an empty window: never open;
    try {
      const s = await createStaff(closed.app);
      await closed.app.store.updateUser(s.id, { presence: 'online' });
      const r = await say(closed.url, 'after-hours', 'talk to a human');
      expect(r.replies.join(' ')).toMatch(/outside business hours.*Leave your message/);
      expect((await closed.app.store.findConversationByChannel('test', 'after-hours'))?.tags).toContain('offline_message');
    } finally {
      await closed.stop();
    }
  });
});

describe('Bot Framework handoff protocol', () => {
  test('an external contact centre channel gets handoff.initiate with transcript and context, and handoff.status ends it', async () => {
    const running = await startTestApp({ EXTERNAL_HANDOFF_CHANNELS: 'contactcentre' });
    try {
      const changes: string[] = [];
      running.app.services.events.on('conversation.changed', (e) => changes.push(`${e.previous.state}>${e.conversation.state}:${e.cause}`));
      const over = { channelId: 'contactcentre', conversation: { id: 'cc-1' }, from: { id: 'cc-user' } };
      await post(running.url, messageActivity({ ...over, text: 'where is my order 12345' }));
      const r = await post(running.url, messageActivity({ ...over, text: 'I want to talk to a human' }));
      const initiate = r.body.activities?.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
      expect(initiate?.value).toMatchObject({ reason: 'customer_asked' });
      const transcript = initiate!.attachments![0];
      expect(transcript.contentType).toBe('application/vnd.microsoft.activity.transcript');
      expect((transcript.content as { text?: string }[]).map((a) => a.text)).toEqual(
        expect.arrayContaining(['where is my order 12345', 'I want to talk to a human']),
      );
      const c = await running.app.store.findConversationByChannel('contactcentre', 'cc-1');
      expect(c?.state).toBe('external');
      // The bot says nothing while the contact centre has the customer.
      const silent = await post(running.url, messageActivity({ ...over, text: 'hello?' }));
      expect(silent.replies).toEqual([]);
      await post(running.url, messageActivity({ ...over, type: 'event', name: 'handoff.status', value: { state: 'completed' }, text: undefined }));
      expect((await running.app.store.getConversation(c!.id))?.state).toBe('closed');
      // Both changes went through the state machine: recorded in the transcript and announced as domain events.
      const recorded = (await running.app.store.listMessages(c!.id)).filter((m) => m.kind === 'event' && m.data?.type === 'state');
      expect(recorded.map((m) => `${m.data!.from as string}>${m.data!.to as string}`)).toEqual(['bot>external', 'external>closed']);
      expect(changes).toEqual(['bot>external:external_started', 'external>closed:external_ended']);
      // The customer writing again does not reopen it: a follow-up conversation with the bot starts, and the closed
      // one keeps its times (no state change, so nothing is recorded or announced on it).
      await post(running.url, messageActivity({ ...over, text: 'one more thing' }));
      expect(changes).toHaveLength(2);
      expect((await running.app.store.getConversation(c!.id))?.state).toBe('closed');
      const chain = await channelConversations(running.app.store, 'contactcentre', 'cc-1');
      expect(chain.map((x) => x.state)).toEqual(['closed', 'bot']);
    } finally {
      await running.stop();
    }
  });
});
