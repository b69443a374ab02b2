import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { connect, connected, createStaff, request } from '../helpers/consoleClient';
import { storedConversation } from '../helpers/storedConversation';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { formatWaitRange } from '../../handoff/handoffService';
import { heldToWhatWasSaid, noticeOf } from '../../handoff/queueEstimate';

/**
 * An outside tester was told "about 1 minute", then "about 3 minutes" with nothing they could see in between (the
 * only agent had passed on the chat: its cool-down). A wait told is a promise of a time: later figures count down to
 * it and a place told never goes back, unless something real happened (agents went away) or the time ran out.
 */
describe('the wait told to a queued customer', () => {
  let running: RunningApp;
  let channel: ChannelServer;

  beforeAll(async () => {
    channel = await new ChannelServer().start();
  });
  beforeEach(async () => {
    running = await startTestApp({ OFFER_COOLDOWN_SECONDS: '120' });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterEach(async () => running.stop());
  afterAll(async () => channel.stop());

  const says = (conv: string, text: string) =>
    post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}` }, text, serviceUrl: channel.url, deliveryMode: undefined }));
  const conversation = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;
  /** The waits told to the customer so far, as they read them. */
  const waits = (conv: string) => channel.texts(conv).flatMap((t) => /[Ee]stimated wait: ([^.)]+)/.exec(t)?.[1] ?? []);
  async function agent(capacity = 1, skills?: string[]) {
    const a = await createStaff(running.app, { capacity, languages: ['en'], skills });
    await running.app.store.updateUser(a.id, { presence: 'online' });
    return a;
  }

  test('the only agent passes on the chat: the next reminder does not say a longer wait than the first notice', async () => {
    const ann = await agent();
    await says('promise-1', 'I want to talk to a human');
    await channel.waitForText('promise-1', /number 1 in the queue/);
    expect(waits('promise-1')).toEqual(['under 1 minute']);
    await running.app.services.handoff.decline(ann.id, (await conversation('promise-1')).id);
    // The fresh figure now waits for Ann's cool-down (about 3 minutes): not a reason the customer can see.
    const fresh = await running.app.services.handoff.ticket(await conversation('promise-1'));
    expect(fresh.estimatedWaitSeconds).toBeGreaterThan(60);
    await says('promise-1', 'hello? still there?');
    await channel.waitForText('promise-1', /Your request for a person stands/);
    expect(waits('promise-1')).toEqual(['under 1 minute', 'under 1 minute']);
    expect(channel.texts('promise-1').filter((t) => /number 2|number 3/.test(t))).toEqual([]);
  });

  test('agents going away is a real reason: the reminder then tells the longer wait', async () => {
    const [ann, ben] = [await agent(), await agent()];
    // Both busy: the customer waits for a slot, one frees up every handling time ÷ 2 places.
    for (const a of [ann, ben]) await storedConversation(running.app.store, { state: 'agent', agentId: a.id, assignedAt: new Date().toISOString() }, 'busy');
    await says('promise-2', 'I want to talk to a human');
    await channel.waitForText('promise-2', /number 1 in the queue/);
    const first = waits('promise-2')[0];
    await running.app.store.updateUser(ben.id, { presence: 'away' });
    const fresh = await running.app.services.handoff.ticket(await conversation('promise-2'));
    expect(formatWaitRange(fresh, 'en')).not.toBe(first);
    await says('promise-2', 'hello? still there?');
    await channel.waitForText('promise-2', /Your request for a person stands/);
    expect(waits('promise-2')).toEqual([first, formatWaitRange(fresh, 'en')]);
  });

  /** Recent chats of other customers, closed after `minutes` each: what the handling times are read from. */
  async function closedChats(minutes: number[]) {
    const now = Date.now();
    for (const m of minutes)
      await storedConversation(
        running.app.store,
        { state: 'closed', assignedAt: new Date(now - (m + 1) * 60_000).toISOString(), closedAt: new Date(now - 60_000).toISOString() },
        'done',
      );
  }
  /** As if `seconds` had gone by since the customer was last told their wait (the rule reads the time told from the chat). */
  async function toldAgo(conv: string, seconds: number) {
    const c = await conversation(conv);
    const last = c.queueInfo!.lastNotice!;
    await running.app.store.updateConversation(c.id, {
      queueInfo: { ...c.queueInfo!, lastNotice: { ...last, at: new Date(Date.parse(last.at!) - seconds * 1000).toISOString() } },
    });
  }

  test('"2 to 4 minutes" is a promise until 4 minutes have passed, not until the unrounded figure behind it', async () => {
    const ann = await agent();
    await storedConversation(running.app.store, { state: 'agent', agentId: ann.id, assignedAt: new Date().toISOString() }, 'busy');
    // Handling times 2 to 3.2 minutes (quartiles): told "2 to 4 minutes", the top rounded up from 3.2.
    await closedChats([2, 2, 2.5, 3.2, 4]);
    await says('promise-3', 'I want to talk to a human');
    await channel.waitForText('promise-3', /number 1 in the queue/);
    expect(waits('promise-3')).toEqual(['2 to 4 minutes']);
    // Other customers' chats, which this one cannot see, took longer: the fresh figure is longer.
    await closedChats([9, 9, 9, 9, 9]);
    expect(formatWaitRange(await running.app.services.handoff.ticket(await conversation('promise-3')), 'en')).toBe('2 to 9 minutes');
    // 3 min 15 s later the customer asks: 4 minutes have not passed, so the wait is what is left of the 4 minutes.
    await toldAgo('promise-3', 195);
    await says('promise-3', 'how long now?');
    await channel.waitForText('promise-3', /Your request for a person stands/);
    expect(waits('promise-3')).toEqual(['2 to 4 minutes', 'under 1 minute']);
  });

  test('a supervisor moving a queued chat to a skill group (nothing the customer sees) keeps what they were told', async () => {
    const [ann, ben] = [await agent(1, ['billing']), await agent()];
    for (const a of [ann, ben]) await storedConversation(running.app.store, { state: 'agent', agentId: a.id, assignedAt: new Date().toISOString() }, 'busy');
    await closedChats([2, 2, 2.5, 3.2, 4]);
    await says('promise-4', 'I want to talk to a human');
    await channel.waitForText('promise-4', /number 1 in the queue/);
    const first = waits('promise-4')[0];
    expect(first).toBe('about 1 minute');
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const socket = connect(running.url, sup.token);
    try {
      await connected(socket);
      const r = await request(socket, 'conversation:reassign', { conversationId: (await conversation('promise-4')).id, skill: 'billing' });
      expect(r.ok).toBe(true);
    } finally {
      socket.disconnect();
    }
    await closedChats([9, 9, 9, 9, 9]);
    expect(formatWaitRange(await running.app.services.handoff.ticket(await conversation('promise-4')), 'en')).toBe('1 to 5 minutes');
    await says('promise-4', 'hello? still there?');
    await channel.waitForText('promise-4', /Your request for a person stands/);
    expect(waits('promise-4')).toEqual([first, first]);
  });

  test('the rule: counts down to the time told, never past it; the place never goes back; fresh figures once the time ran out or places went', () => {
    const at = Date.parse('2026-11-30T12:00:00Z');
    const told = { position: 2, waitSeconds: 60, waitHigh: 90, capacity: 3, at: new Date(at).toISOString() };
    const fresh = { position: 3, estimatedWaitSeconds: 180, waitRange: { low: 120, high: 240 }, agentsOnline: 2 };
    expect(heldToWhatWasSaid(fresh, told, 3, at + 30_000)).toEqual({
      position: 2,
      estimatedWaitSeconds: 30,
      waitRange: { low: 30, high: 60 },
      agentsOnline: 2,
    });
    // A better fresh figure is said as it is.
    const better = { position: 1, estimatedWaitSeconds: 10, waitRange: { low: 0, high: 20 }, agentsOnline: 2 };
    expect(heldToWhatWasSaid(better, told, 3, at + 30_000)).toEqual(better);
    // Fewer places than when it was told, or the time told has run out: the fresh figures.
    expect(heldToWhatWasSaid(fresh, told, 2, at + 30_000)).toEqual(fresh);
    expect(heldToWhatWasSaid(fresh, told, 3, at + 91_000)).toEqual(fresh);
    // Nothing told before, or nobody online: the fresh figures.
    expect(heldToWhatWasSaid(fresh, undefined, 3, at)).toEqual(fresh);
    const nobody = { position: 3, estimatedWaitSeconds: -1, agentsOnline: 0 };
    expect(heldToWhatWasSaid(nobody, told, 0, at + 1000)).toEqual(nobody);
  });

  test('the promise kept is the top the customer read, and a reminder rounded up again does not put it off', () => {
    const at = Date.parse('2026-11-30T12:00:00Z');
    const fresh = { position: 1, estimatedWaitSeconds: 150, waitRange: { low: 120, high: 192 }, agentsOnline: 1 };
    expect(formatWaitRange(fresh, 'en')).toBe('2 to 4 minutes');
    const first = noticeOf(fresh, 1, at);
    expect(first.waitHigh).toBe(240);
    // 30 s later the held figure is said again ("up to 4 minutes", rounded up): still by 12:04, not 12:04:30.
    const later = heldToWhatWasSaid({ ...fresh, waitRange: { low: 120, high: 540 } }, first, 1, at + 30_000);
    expect(formatWaitRange(later, 'en')).toMatch(/4 minutes/);
    expect(noticeOf(later, 1, at + 30_000, first).waitHigh).toBe(210);
  });
});
