import type { Conversation } from '../../models/records';
import { createStaff } from '../helpers/consoleClient';
import { storedConversation } from '../helpers/storedConversation';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * A chat got six "You are number 1 in the queue" notices in 4 minutes, the estimate flipping between "about 2 min",
 * "under 1 min" and "1 to 3 min" (an outside tester, 2026-11-30). A queued customer is told again only when their
 * place improves, or after QUEUE_NOTICE_QUIET_SECONDS, with the same wording.
 */
describe('queue notices', () => {
  let running: RunningApp;
  const start = Date.now();
  const at = (seconds: number) => new Date(start + seconds * 1000);

  beforeEach(async () => {
    running = await startTestApp({ QUEUE_NOTICE_QUIET_SECONDS: '600', QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterEach(async () => running.stop());

  const conversation = (patch: Partial<Conversation>) => storedConversation(running.app.store, patch, 'notice');

  test('a place that does not improve is not told again within the quiet interval, however the estimate moves', async () => {
    const agent = await createStaff(running.app, { capacity: 1 });
    await running.app.store.updateUser(agent.id, { presence: 'online' });
    await conversation({ state: 'agent', agentId: agent.id, assignedAt: at(-60).toISOString() });
    await conversation({ state: 'queued', queuedAt: at(-120).toISOString() });
    const mine = await conversation({ state: 'queued', queuedAt: at(0).toISOString() });
    const told: number[] = [];
    // Every 30 s for 9 minutes: the chat ahead waits longer and longer, so the estimate keeps moving.
    for (let s = 0; s <= 540; s += 30) if ((await running.app.services.handoff.sweep(at(s))).notified.includes(mine.id)) told.push(s);
    expect(told).toEqual([0]);
    // After the quiet interval: told once more, in the same words.
    expect((await running.app.services.handoff.sweep(at(600))).notified).toContain(mine.id);
    expect((await running.app.services.handoff.sweep(at(630))).notified).not.toContain(mine.id);
    const notices = (await running.app.store.listMessages(mine.id, { limit: 100 })).filter((m) => m.role === 'system').map((m) => m.text);
    expect(notices).toHaveLength(2);
    for (const text of notices) expect(text).toMatch(/^You are number 2 in the queue/);
  });

  test('a better place is told at once', async () => {
    const agent = await createStaff(running.app, { capacity: 1 });
    await running.app.store.updateUser(agent.id, { presence: 'online' });
    const ahead = await conversation({ state: 'queued', queuedAt: at(-120).toISOString() });
    const mine = await conversation({ state: 'queued', queuedAt: at(0).toISOString() });
    await running.app.services.handoff.sweep(at(0));
    expect((await running.app.services.handoff.ticket(mine, at(5).getTime())).position).toBe(2);
    await running.app.services.handoff.claim(agent.id, ahead.id);
    expect((await running.app.services.handoff.sweep(at(20))).notified).toContain(mine.id);
  });
});
