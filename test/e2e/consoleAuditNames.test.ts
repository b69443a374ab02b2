import type { Browser } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { say as visitorSays, webChatSession } from '../helpers/directLineStream';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The audit log's details name what their ids point at: a reassignment by its supervisor and agents, a merge and a
 * suggestion by their customers, an order refusal by its order number, its customer and its chat; the raw record
 * stays in the cell's tooltip. A real reassignment (the handoff service writes its line); the merge, suggestion and
 * order lines are written as their services write them (profile/identityResolution.ts, commerce/orderService.ts).
 */
describeBrowser('names, not ids, in Chromium: audit details and contact points', () => {
  let running: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    running = await startTestApp({});
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  test('reassignedBy, agents, absorbedId, candidateId and conversationId read as names; an order refusal shows its number', async () => {
    const { auth, handoff } = running.app.services;
    const make = (email: string, name: string, role: 'agent' | 'supervisor' | 'admin') =>
      auth.createUser({ email, name, password: PASSWORD, role, capacity: 3, languages: ['en'] });
    const ann = await make('ann@test.local', 'Ann Agent', 'agent');
    const bob = await make('bob@test.local', 'Bob Agent', 'agent');
    // A reassignment goes only to someone online (an offline agent is refused: HANDOFF_AGENT_OFFLINE).
    await running.app.store.updateUser(bob.id, { presence: 'online' });
    const sam = await make('sam@test.local', 'Sam Supervisor', 'supervisor');
    await make('ada@test.local', 'Ada Admin', 'admin');
    const store = running.app.store;
    const say = (conv: string, name: string, text: string) =>
      post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}`, name }, text }));
    await say('rosa-1', 'Rosa Reassigned', 'I want to talk to a human');
    await say('mia-1', 'Mia Merged', 'hello');
    await say('cy-1', 'Cy Candidate', 'hello');
    const rosa = (await store.findConversationByChannel('test', 'rosa-1'))!;
    const mia = (await store.findConversationByChannel('test', 'mia-1'))!;
    const cy = (await store.findConversationByChannel('test', 'cy-1'))!;
    await handoff.claim(ann.id, rosa.id);
    await handoff.reassign(sam.id, rosa.id, { agentId: bob.id });
    await store.appendAudit({
      actorId: sam.id,
      action: 'profile.merge',
      targetType: 'customer',
      targetId: rosa.customerId,
      data: { absorbedId: mia.customerId, mergeId: crypto.randomUUID(), reason: 'same email' },
    });
    await store.appendAudit({
      actorId: sam.id,
      action: 'profile.suggestion_reject',
      targetType: 'customer',
      targetId: rosa.customerId,
      data: { candidateId: cy.customerId },
    });
    await store.appendAudit({
      actorId: `customer:${rosa.customerId}`,
      action: 'order.access_refused',
      targetType: 'order',
      targetId: '48213',
      data: { operation: 'status', reason: 'not_owner', conversationId: rosa.id, channelId: 'test', verified: false },
    });

    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', 'ada@test.local');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    await page.click('#tab-audit');
    const row = (action: string) => page.locator('#audit tbody tr', { hasText: action }).first();

    await row('chat.reassign').locator('.details', { hasText: 'reassigned by: Sam Supervisor · from: Ann Agent · to: Bob Agent' }).waitFor();
    await row('profile.merge').locator('.details', { hasText: 'merged profile: Mia Merged · reason: same email' }).waitFor();
    await row('profile.suggestion_reject').locator('.details', { hasText: 'suggested match: Cy Candidate' }).waitFor();
    const order = row('order.access_refused');
    await order.locator('.target', { hasText: 'order #48213' }).waitFor();
    await order.locator('.actor', { hasText: 'Rosa Reassigned' }).waitFor();
    await order.locator('.details', { hasText: 'chat: chat with Rosa Reassigned · test · ' }).waitFor();
    expect(await order.locator('.details').textContent()).toContain('reason: not_owner');

    expect(await page.locator('#audit tbody').textContent()).not.toMatch(UUID);
    // The raw record is one hover away for whoever must trace an id.
    expect(await row('profile.merge').locator('.details').getAttribute('title')).toContain(mia.customerId);
    await page.context().close();
  });

  test("a web chat visitor's contact point reads as the channel and a stable visitor label; the raw id stays in its tooltip", async () => {
    const { auth, handoff } = running.app.services;
    const dee = await auth.createUser({ email: 'dee@test.local', name: 'Dee Agent', password: PASSWORD, role: 'agent', capacity: 3, languages: ['en'] });
    const visitor = await webChatSession(running.url);
    expect(await visitorSays(running.url, visitor, 'I want to talk to a human')).toBe(200);
    const conv = (await running.app.store.listConversations({ limit: 50 })).find((c) => c.channelId === 'webchat')!;
    await handoff.claim(dee.id, conv.id);

    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', 'dee@test.local');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    const identity = async () => {
      await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${conv.id}"] .item-open`).click();
      const shown = page.locator('#profile .identity').first();
      await shown.waitFor();
      return { text: (await shown.textContent())!, title: await shown.getAttribute('title') };
    };
    const first = await identity();
    expect(first.text).toMatch(/^web chat · Visitor \d{4}$/);
    // One visitor, one label: the profile's name and its contact point carry the same number.
    const name = (await page.locator('#profile-name').textContent())!;
    expect(name).toMatch(/^Visitor \d{4}$/);
    expect(first.text).toBe(`web chat · ${name}`);
    expect(first.text).not.toContain(visitor.userId);
    expect(first.title).toBe(visitor.userId);
    expect(await page.locator('#profile').textContent()).not.toMatch(UUID);
    // Stable: the same visitor reads the same after a reload (the console keeps its session).
    await page.reload();
    expect((await identity()).text).toBe(first.text);
    await page.context().close();
  });
});
