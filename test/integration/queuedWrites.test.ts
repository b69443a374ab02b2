import type { Conversation, ConversationPatch } from '../../models/records';
import { createStaff } from '../helpers/consoleClient';
import { storedConversation } from '../helpers/storedConversation';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * A queued chat is written by several hands at once: routing's offers, the place told to its customer, the customer's
 * streams and messages, a withdrawal. Each is a read, then a write of what it read: a write landing in between must be
 * neither overwritten nor the reason the second one is silently dropped. The interleaving is forced: the store holds
 * the second write until the first has landed (no timing).
 */
describe('writes to a queued chat made at the same moment', () => {
  let running: RunningApp;
  beforeEach(async () => {
    running = await startTestApp();
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await running.stop();
  });

  const handoff = () => running.app.services.handoff;
  const fresh = async (c: Conversation) => (await running.app.store.getConversation(c.id))!;
  const agentOnline = async () => {
    const a = await createStaff(running.app, { capacity: 1 });
    await running.app.store.updateUser(a.id, { presence: 'online' });
    return a;
  };
  const offersHeard = () => {
    const offers: string[] = [];
    running.app.services.events.on('conversation.offered', ({ agentId }) => offers.push(agentId));
    return offers;
  };

  /** The first write to a conversation whose patch matches `which` runs only after `meanwhile` has finished. */
  function beforeWrite(which: (patch: ConversationPatch) => boolean, meanwhile: () => Promise<unknown>): { ran: () => boolean } {
    const store = running.app.store;
    const update = store.updateConversation.bind(store);
    let armed = true;
    jest.spyOn(store, 'updateConversation').mockImplementation(async (id, patch, expect) => {
      if (armed && which(patch)) {
        armed = false;
        await meanwhile();
      }
      return update(id, patch, expect);
    });
    return { ran: () => !armed };
  }

  test('an offer made while the customer is told their place stands (the notice does not write back the chat it read)', async () => {
    const agent = await agentOnline();
    const c = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date().toISOString() }, 'qw');
    const gate = beforeWrite(
      (p) => !!p.queueInfo?.lastNotice,
      () => handoff().offerWaiting(),
    );
    await handoff().tellTicket(c);
    expect(gate.ran()).toBe(true);
    const after = await fresh(c);
    expect(after.queueInfo?.offeredTo).toEqual([agent.id]);
    expect(after.queueInfo?.offeredAt).toBeDefined();
    expect(after.queueInfo?.lastNotice?.position).toBe(1);
  });

  test('an agent coming online while a chat is being queued is offered it once, and the offer stands', async () => {
    const agent = await agentOnline();
    const c = await storedConversation(running.app.store, { state: 'bot' }, 'qw');
    const offers = offersHeard();
    const gate = beforeWrite(
      (p) => !!p.queueInfo?.lastNotice,
      () => handoff().offerWaiting(),
    );
    await handoff().escalate(c.id, { reason: 'customer_asked', detail: 'asked for a person', priorityBoost: 0 });
    expect(gate.ran()).toBe(true);
    expect(offers).toEqual([agent.id]);
    const after = await fresh(c);
    expect(after.queueInfo?.offeredTo).toEqual([agent.id]);
    expect(after.queueInfo?.offeredAt).toBeDefined();
    expect(after.queueInfo?.lastNotice?.position).toBe(1);
  });

  test("a customer's stream opening while the chat is offered is kept (the customer is watching), and so is the offer", async () => {
    const agent = await agentOnline();
    const c = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date().toISOString() }, 'qw');
    const gate = beforeWrite(
      (p) => !!p.queueInfo?.watching,
      () => handoff().offerWaiting(),
    );
    await handoff().streamOpened(c.id);
    expect(gate.ran()).toBe(true);
    const after = await fresh(c);
    expect(after.queueInfo?.watching).toBe(true);
    expect(after.queueInfo?.seenAt).toBeDefined();
    expect(after.queueInfo?.offeredTo).toEqual([agent.id]);
  });

  test("a customer's last stream closing while the chat is offered is kept (their leaving is counted from then)", async () => {
    const agent = await agentOnline();
    const c = await storedConversation(
      running.app.store,
      { state: 'queued', queuedAt: new Date().toISOString(), queueInfo: { offeredTo: [], watching: true } },
      'qw',
    );
    const gate = beforeWrite(
      (p) => !!p.queueInfo?.leftAt,
      () => handoff().offerWaiting(),
    );
    await handoff().streamsClosed(c.id);
    expect(gate.ran()).toBe(true);
    const after = await fresh(c);
    expect(after.queueInfo?.leftAt).toBeDefined();
    expect(after.queueInfo?.watching).toBeUndefined();
    expect(after.queueInfo?.offeredTo).toEqual([agent.id]);
  });

  test('a chat offered while its customer is seen is offered all the same (the offer is not dropped for the other write)', async () => {
    const agent = await agentOnline();
    const c = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date().toISOString() }, 'qw');
    const offers = offersHeard();
    const gate = beforeWrite(
      (p) => !!p.queueInfo?.offeredAt,
      () => handoff().streamOpened(c.id),
    );
    expect(await handoff().offer(c.id)).toBe(agent.id);
    expect(gate.ran()).toBe(true);
    expect(offers).toEqual([agent.id]);
    const after = await fresh(c);
    expect(after.queueInfo?.offeredTo).toEqual([agent.id]);
    expect(after.queueInfo?.watching).toBe(true);
  });

  test('a customer withdrawing while their chat is offered goes back to the bot (not refused as if an agent had taken it)', async () => {
    await agentOnline();
    const c = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date().toISOString() }, 'qw');
    // The withdrawal's first read of the chat answers; the offer lands before it goes on.
    const store = running.app.store;
    const get = store.getConversation.bind(store);
    let armed = true;
    jest.spyOn(store, 'getConversation').mockImplementation(async (id) => {
      const read = await get(id);
      if (armed && id === c.id) {
        armed = false;
        await handoff().offerWaiting();
      }
      return read;
    });
    const back = await handoff().withdraw(c.id);
    expect(armed).toBe(false);
    expect(back?.state).toBe('bot');
    expect((await fresh(c)).state).toBe('bot');
  });
});
