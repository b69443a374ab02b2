import { formatWaitRange } from '../../handoff/handoffService';
import type { Conversation } from '../../models/records';
import { createStaff } from '../helpers/consoleClient';
import { storedConversation } from '../helpers/storedConversation';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Must hold: the wait a queued customer is told comes from the real queue (waits of the chats ahead, agents' free
 * capacity, recent handling times), is never below what the chats ahead have already waited, and is a range when
 * unsure. ("You are number 4 … under 1 minute" was once shown while the chats ahead had waited 4–6 minutes.)
 */
describe('an honest wait estimate', () => {
  let running: RunningApp;
  const now = Date.now();
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();

  beforeEach(async () => {
    running = await startTestApp();
  });
  afterEach(async () => running.stop());

  const conversation = (patch: Partial<Conversation>) => storedConversation(running.app.store, patch, 'wait');

  async function agent(capacity: number, busy: number) {
    const a = await createStaff(running.app, { capacity });
    await running.app.store.updateUser(a.id, { presence: 'online' });
    for (let i = 0; i < busy; i++) await conversation({ state: 'agent', agentId: a.id, assignedAt: ago(1) });
    return a;
  }

  /** Closed chats with these handling times (minutes): the recent handling times the estimate uses. */
  async function handled(minutes: number[]) {
    for (const m of minutes) await conversation({ state: 'closed', assignedAt: ago(60 + m), closedAt: ago(60) });
  }

  test('number 4 behind chats that waited 4 to 6 minutes is never told "under 1 minute"', async () => {
    await agent(1, 1);
    for (const m of [6, 5, 4]) await conversation({ state: 'queued', queuedAt: ago(m) });
    const mine = await conversation({ state: 'queued', queuedAt: ago(0) });
    const ticket = await running.app.services.handoff.ticket(mine, now);
    expect(ticket.position).toBe(4);
    expect(ticket.estimatedWaitSeconds).toBeGreaterThanOrEqual(6 * 60);
    expect(ticket.waitRange!.low).toBeGreaterThanOrEqual(6 * 60);
    expect(ticket.waitRange!.high).toBeGreaterThan(ticket.waitRange!.low);
    expect(formatWaitRange(ticket, 'en')).toMatch(/^\d+ to \d+ minutes$/);
    expect(formatWaitRange(ticket, 'es')).toMatch(/^entre \d+ y \d+ minutos$/);
  });

  test('a free slot and nobody ahead: under a minute', async () => {
    await agent(3, 1);
    const mine = await conversation({ state: 'queued', queuedAt: ago(0) });
    const ticket = await running.app.services.handoff.ticket(mine, now);
    expect(ticket).toMatchObject({ position: 1, agentsOnline: 1 });
    expect(formatWaitRange(ticket, 'en')).toBe('under 1 minute');
  });

  test('all slots busy: the recent handling times and the capacity give the wait', async () => {
    await handled([8, 9, 10, 10, 10, 11, 12]);
    await agent(2, 2);
    await conversation({ state: 'queued', queuedAt: ago(0.1) });
    const mine = await conversation({ state: 'queued', queuedAt: ago(0) });
    const ticket = await running.app.services.handoff.ticket(mine, now);
    // Two chats need a slot each; with two slots, one frees up every 10 min ÷ 2: about 10 minutes.
    expect(ticket.position).toBe(2);
    expect(ticket.estimatedWaitSeconds).toBe(600);
    expect(ticket.waitRange).toEqual({ low: 540, high: 660 });
    // A spread this narrow is said as one figure.
    expect(formatWaitRange(ticket, 'en')).toBe('about 10 minutes');
  });

  test('with few handling times to go by, the estimate is a wide range', async () => {
    await agent(1, 1);
    const mine = await conversation({ state: 'queued', queuedAt: ago(0) });
    const ticket = await running.app.services.handoff.ticket(mine, now);
    // The configured default handling time (5 minutes), from half to double.
    expect(ticket.waitRange).toEqual({ low: 150, high: 600 });
    expect(formatWaitRange(ticket, 'en')).toBe('2 to 10 minutes');
  });

  test('nobody online: no estimate at all', async () => {
    const mine = await conversation({ state: 'queued', queuedAt: ago(0) });
    const ticket = await running.app.services.handoff.ticket(mine, now);
    expect(ticket).toEqual({ position: 1, estimatedWaitSeconds: -1, agentsOnline: 0 });
  });
});
