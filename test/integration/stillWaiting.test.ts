import { createStaff, type Staff } from '../helpers/consoleClient';
import { storedConversation } from '../helpers/storedConversation';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester M6: the dashboard's waiting time counted only chats a person took, so a long queue looked fine.
 * GET /api/stats now answers, beside it, the chats of the range still waiting for a person, measured to now.
 */
describe('the dashboard counts the chats still waiting', () => {
  let running: RunningApp;
  let sup: Staff;
  beforeAll(async () => {
    running = await startTestApp({ QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
    sup = await createStaff(running.app, { role: 'supervisor' });
  });
  afterAll(async () => running.stop());

  test('two chats queued 10 and 40 minutes ago show beside one taken after a minute', async () => {
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const store = running.app.store;
    await storedConversation(store, { state: 'queued', queuedAt: ago(10) }, 'still');
    await storedConversation(store, { state: 'queued', queuedAt: ago(40) }, 'still');
    const agent = await createStaff(running.app, { capacity: 5 });
    await storedConversation(
      store,
      { state: 'agent', agentId: agent.id, queuedAt: ago(3), assignedAt: ago(2), firstQueuedAt: ago(3), firstAssignedAt: ago(2) },
      'still',
    );
    const day = new Date(now).toISOString().slice(0, 10);
    const r = await fetch(`${running.url}/api/stats?from=${day}&to=${day}&channel=test`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(r.status).toBe(200);
    const stats = (await r.json()) as {
      times: { waiting: { n: number; p90: number } };
      stillWaiting: { n: number; p50: number; p90: number; longest: number };
    };
    expect(stats.times.waiting.n).toBe(1);
    expect(stats.times.waiting.p90).toBe(60);
    expect(stats.stillWaiting.n).toBe(2);
    // Measured to the moment of the request: at least the minutes they had waited when it was made.
    expect(stats.stillWaiting.p50).toBeGreaterThanOrEqual(600);
    expect(stats.stillWaiting.p50).toBeLessThan(2400);
    expect(stats.stillWaiting.p90).toBeGreaterThanOrEqual(2400);
    expect(stats.stillWaiting.longest).toBe(stats.stillWaiting.p90);
  });
});
