import { isAppError } from '../../core/errors';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

describe('handoff rules through the handoff service', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    await running.stop();
    await channel.stop();
  });

  let n = 0;
  async function queuedConversation(): Promise<string> {
    const customer = await running.app.store.createCustomer({});
    const id = `q-${++n}`;
    const { conversation } = await running.app.store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: id,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: channel.url, conversation: { id } },
    });
    await running.app.services.handoff.escalate(conversation.id, { reason: 'customer_asked', detail: 'test', priorityBoost: 0 });
    return conversation.id;
  }

  async function codeOf(p: Promise<unknown>): Promise<string> {
    return p.then(
      () => 'resolved',
      (e) => (isAppError(e) ? e.code : String(e)),
    );
  }

  test('1,000 rounds of 5 agents claiming one queued chat at once: exactly one winner each round', async () => {
    const agents = await Promise.all(Array.from({ length: 5 }, () => createStaff(running.app, { capacity: 1_000_000 })));
    const handoff = running.app.services.handoff;
    for (let round = 0; round < 1000; round++) {
      const id = await queuedConversation();
      const results = await Promise.allSettled(agents.map((a) => handoff.claim(a.id, id)));
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('HANDOFF_ALREADY_CLAIMED');
    }
  }, 240_000);

  test('an agent with capacity 3 never holds a fourth chat', async () => {
    const agent = await createStaff(running.app, { capacity: 3 });
    const ids = await Promise.all(Array.from({ length: 6 }, () => queuedConversation()));
    const results = await Promise.allSettled(ids.map((id) => running.app.services.handoff.claim(agent.id, id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'HANDOFF_AT_CAPACITY')).toHaveLength(3);
    expect(await running.app.store.countActiveChats(agent.id)).toBe(3);
  });

  test('bad requests get a clear code and change nothing', async () => {
    const [a, b] = await Promise.all([createStaff(running.app), createStaff(running.app)]);
    const h = running.app.services.handoff;
    const id = await queuedConversation();
    expect(await codeOf(h.claim(a.id, 'does-not-exist'))).toBe('HANDOFF_NOT_FOUND');
    await h.claim(a.id, id);
    const snapshot = await running.app.store.getConversation(id);
    expect(await codeOf(h.claim(b.id, id))).toBe('HANDOFF_ALREADY_CLAIMED');
    // b may not see a chat a holds: answered like one that does not exist.
    expect(await codeOf(h.agentMessage(b.id, id, 'hi'))).toBe('HANDOFF_NOT_FOUND');
    expect(await codeOf(h.transfer(a.id, id, { agentId: 'nobody' }))).toBe('HANDOFF_UNKNOWN_AGENT');
    expect(await codeOf(h.transfer(b.id, id, { agentId: a.id }))).toBe('HANDOFF_NOT_FOUND');
    expect(await codeOf(h.returnToBot(b.id, id))).toBe('HANDOFF_NOT_FOUND');
    expect(await running.app.store.getConversation(id)).toEqual(snapshot);
    await h.close(a.id, id);
    // b never held it: a closed chat they may not see answers like one that does not exist; a, who held it, is told why.
    expect(await codeOf(h.claim(b.id, id))).toBe('HANDOFF_NOT_FOUND');
    expect(await codeOf(h.claim(a.id, id))).toBe('HANDOFF_INVALID_TRANSITION');
    expect(await codeOf(h.claim('no-such-agent', id))).toBe('HANDOFF_UNKNOWN_AGENT');
  });

  test('the customer is told an honest position and wait from live capacity', async () => {
    const agent = await createStaff(running.app, { capacity: 1 });
    await running.app.store.updateUser(agent.id, { presence: 'online' });
    const first = await queuedConversation();
    const t1 = await running.app.services.handoff.ticket((await running.app.store.getConversation(first))!);
    expect(t1.agentsOnline).toBeGreaterThanOrEqual(1);
    expect(t1.position).toBeGreaterThanOrEqual(1);
    expect(t1.estimatedWaitSeconds).toBeGreaterThan(0);
    await running.app.store.updateUser(agent.id, { presence: 'offline' });
  });

  test('with no agent online the customer is offered to leave a message; the chat is kept for agents', async () => {
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
    const r = await post(running.url, messageActivity({ conversation: { id: 'offline-1' }, text: 'talk to a human' }));
    expect(r.replies.join(' ')).toMatch(/No agent is online.*Leave your message/);
    const c = await running.app.store.findConversationByChannel('test', 'offline-1');
    expect(c).toMatchObject({ state: 'queued', tags: ['offline_message'] });
  });
});
