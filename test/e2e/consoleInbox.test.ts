import type { Browser, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import type { Conversation } from '../../models/records';
import { buildConversation, buildCustomer } from '../../store/recordBuilders';
import { shot } from './screenshots';

const PASSWORD = 'correct horse battery';

/**
 * Records what the console does to get attention: beeps (oscillators started) and desktop notifications,
 * with notification permission granted. Runs in the page before the console's script.
 */
const RECORD_ALERTS = `
  window.__alerts = { beeps: 0, notifications: [] };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...a) { window.__alerts.beeps++; return start.apply(this, a); };
  class RecordingNotification { constructor(title, o) { window.__alerts.notifications.push({ title, body: o && o.body }); } }
  RecordingNotification.permission = 'granted';
  RecordingNotification.requestPermission = () => Promise.resolve('granted');
  window.Notification = RecordingNotification;
`;

/** Polls an expression in the page (waitForFunction compiles strings with eval, which the console's CSP forbids). */
async function until(page: Page, expression: string): Promise<void> {
  while (!(await page.evaluate(expression))) await new Promise((r) => setTimeout(r, 25));
}

describeBrowser('console inbox in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
    channel = await new ChannelServer().start();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function agent(email: string, name: string): Promise<{ page: Page; id: string }> {
    const user = await running.app.services.auth.createUser({ email, name, password: PASSWORD, role: 'agent', capacity: 3, languages: ['en'] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
    await page.addInitScript(RECORD_ALERTS);
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return { page, id: user.id };
  }

  const says = (conv: string, text: string, name = 'Rita Reader') =>
    post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}`, name }, text, serviceUrl: channel.url, deliveryMode: undefined }));
  const conversation = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;
  const signOut = async (...agents: { page: Page; id: string }[]) => {
    for (const { page: p, id } of agents) {
      // Offline first: a closed socket keeps its presence for a grace period, and routing would still pick them.
      await p.selectOption('#presence', 'offline');
      while ((await running.app.store.getUser(id))?.presence !== 'offline') await new Promise((r) => setTimeout(r, 20));
      await p.click('#sign-out');
      await p.context().close();
    }
  };

  test('with two agents online the chat is offered to the routed one (countdown, beep, notification, title), who accepts it; the other sees it only under Unassigned; a decline moves the offer on', async () => {
    const ann = await agent('ann@test.local', 'Ann Agent');
    const ben = await agent('ben@test.local', 'Ben Agent');
    await says('route-1', 'I want to talk to a human');
    const c = await conversation('route-1');
    const routedId = c.queueInfo!.offeredTo.at(-1);
    const [routed, other] = routedId === ann.id ? [ann.page, ben.page] : [ben.page, ann.page];

    await routed.click('#view-offered');
    const offer = routed.locator(`#inbox-list [data-conversation="${c.id}"][data-kind="offered"]`);
    await offer.waitFor();
    await offer.locator('.countdown', { hasText: /offer ends in \d+:\d\d/ }).waitFor();
    await offer.locator(`[data-decline="${c.id}"]`).waitFor();
    await until(routed, 'document.title.startsWith("(1) ")');
    const alerts = await routed.evaluate<{ beeps: number; notifications: { title: string; body: string }[] }>('window.__alerts');
    expect(alerts.beeps).toBeGreaterThanOrEqual(1);
    expect(alerts.notifications).toContainEqual({ title: 'Chat offered to you', body: 'Rita Reader · asked for a person' });
    await shot(routed, 'desktop-offer');

    // The other agent: not offered to them, so under Unassigned only, and no alert.
    await other.click('#view-unassigned');
    await other.locator(`#inbox-list [data-conversation="${c.id}"][data-kind="queue"]`).waitFor();
    await other.click('#view-offered');
    await other.locator('#inbox-list .empty').waitFor();
    expect(await other.locator(`[data-conversation="${c.id}"]`).count()).toBe(0);
    expect((await other.evaluate<{ notifications: unknown[] }>('window.__alerts')).notifications).toEqual([]);
    expect(await other.title()).toBe('Agent console');

    await offer.locator(`[data-accept="${c.id}"]`).click();
    await routed.locator(`#inbox-list[data-view="mine"] [data-conversation="${c.id}"][data-kind="mine"]`).waitFor();
    await routed.locator('#chat-title', { hasText: 'Rita Reader' }).waitFor();
    expect((await conversation('route-1')).agentId).toBe(routedId);
    await other.click('#view-unassigned');
    await other.locator('#inbox-list .empty').waitFor();
    await until(routed, 'document.title === "Agent console"');

    // A second chat: the routed agent declines, and the offer goes to the other agent at once.
    await says('route-2', 'I want to talk to a human', 'Dora Decline');
    const d = await conversation('route-2');
    const first = d.queueInfo!.offeredTo.at(-1) === ann.id ? ann.page : ben.page;
    const second = first === ann.page ? ben.page : ann.page;
    await first.click('#view-offered');
    await first.locator(`[data-decline="${d.id}"]`).click();
    await second.click('#view-offered');
    await second.locator(`#inbox-list [data-conversation="${d.id}"][data-kind="offered"]`).waitFor();
    await first.click('#view-unassigned');
    await first.locator(`#inbox-list [data-conversation="${d.id}"][data-kind="queue"]`).waitFor();
    expect((await conversation('route-2')).queueInfo!.offeredTo).toHaveLength(2);
    await signOut(ann, ben);
  });

  test('a reply and a note half-typed survive three customer messages and a queue change: text, focus, selection, scroll position and an open menu stay', async () => {
    const cleo = await agent('cleo@test.local', 'Cleo Agent');
    const page = cleo.page;
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    for (let i = 1; i <= 12; i++) await says('keep-1', `line ${i} of my long story about order ${1000 + i}`, 'Kim Keeper');
    await says('keep-1', 'I want to talk to a human', 'Kim Keeper');
    const c = await conversation('keep-1');
    await page.click('#view-offered');
    await page.locator(`[data-accept="${c.id}"]`).click();
    await page.locator('#composer-text').waitFor();

    await page.fill('#composer-text', 'Hi Kim, I am checking your ord');
    await page.click('#mode-note');
    await page.fill('#note-text', 'Customer was charged twice, refund');
    await page.click('#transfer-open');
    await page.locator('#transfer-panel').waitFor();
    await page.fill('#note-input', 'Prefers phone calls in the morni');
    // Mark the elements: a re-render that replaced them would lose the marks.
    await page.evaluate(
      `for (const id of ['composer-text', 'note-text', 'note-input', 'messages', 'transfer-panel']) document.getElementById(id).dataset.mark = 'kept'`,
    );
    // The reader scrolled up to read the history; the note has focus and a selection.
    await page.evaluate(`document.getElementById('messages').scrollTop = 0`);
    await page.focus('#note-text');
    await page.evaluate(`document.getElementById('note-text').setSelectionRange(9, 16)`);

    for (const text of ['are you there?', 'hello??', 'it was charged twice']) {
      await says('keep-1', text, 'Kim Keeper');
      await page.locator('#messages .msg', { hasText: text }).waitFor();
    }
    // A queue change: someone else asks for a person, and the inbox counts it.
    const waiting = `Number(document.querySelector('#view-offered .count').textContent) + Number(document.querySelector('#view-unassigned .count').textContent)`;
    const before = await page.evaluate<number>(waiting);
    await says('keep-2', 'I want to talk to a human', 'Queue Changer');
    await until(page, `${waiting} === ${before + 1}`);

    expect(await page.inputValue('#composer-text')).toBe('Hi Kim, I am checking your ord');
    expect(await page.inputValue('#note-text')).toBe('Customer was charged twice, refund');
    expect(await page.inputValue('#note-input')).toBe('Prefers phone calls in the morni');
    expect(await page.evaluate(`document.activeElement.id`)).toBe('note-text');
    expect(await page.evaluate(`[document.activeElement.selectionStart, document.activeElement.selectionEnd]`)).toEqual([9, 16]);
    expect(
      await page.evaluate(`['composer-text', 'note-text', 'note-input', 'messages', 'transfer-panel'].map((id) => document.getElementById(id)?.dataset.mark)`),
    ).toEqual(['kept', 'kept', 'kept', 'kept', 'kept']);
    expect(await page.evaluate(`document.getElementById('messages').scrollTop`)).toBe(0);
    expect(await page.isVisible('#transfer-panel')).toBe(true);
    await page.screenshot({ path: artifact('inbox-drafts-kept.png') });

    // Sending the note clears only the note; the reply is still there.
    await page.press('#note-text', 'End');
    await page.type('#note-text', ' issued');
    await page.press('#note-text', 'Enter');
    await page.locator('#messages .msg.note', { hasText: 'Customer was charged twice, refund issued' }).waitFor();
    expect(await page.inputValue('#note-text')).toBe('');
    await page.click('#mode-reply');
    expect(await page.inputValue('#composer-text')).toBe('Hi Kim, I am checking your ord');
    expect(problems).toEqual([]);
    await signOut(cleo);
  });

  test('a supervisor opens a held chat from All, whispers to its agent (the customer never sees it) and takes it over; the agent reads who took it', async () => {
    const dan = await agent('dan@test.local', 'Dan Agent');
    await running.app.services.auth.createUser({ email: 'sue@test.local', name: 'Sue Supervisor', password: PASSWORD, role: 'supervisor', capacity: 3 });
    await says('live-1', 'I want to talk to a human', 'Lena Live');
    const c = await conversation('live-1');
    await running.app.services.handoff.claim(dan.id, c.id);
    await dan.page.locator(`#inbox-list[data-view="mine"] [data-conversation="${c.id}"] .item-open`).click();
    await dan.page.locator('#chat-title', { hasText: 'Lena Live' }).waitFor();

    const sue = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
    await sue.goto(`${running.url}/console`);
    await sue.fill('#email', 'sue@test.local');
    await sue.fill('#password', PASSWORD);
    await sue.click('#sign-in');
    await sue.click('#view-all');
    const held = sue.locator(`#inbox-list [data-conversation="${c.id}"][data-kind="held"]`);
    await held.locator('.meta', { hasText: 'with Dan Agent' }).waitFor();
    await held.locator('.item-open').click();
    await sue.locator('#chat-title', { hasText: 'Lena Live' }).waitFor();
    await sue.fill('#composer-text', 'Offer her the express replacement');
    await sue.press('#composer-text', 'Enter');
    await dan.page.locator('#messages .msg.whisper', { hasText: 'Offer her the express replacement' }).waitFor();
    expect(channel.texts('live-1')).not.toContain('Offer her the express replacement');

    // Dan sees Sue looking in, and is halfway through a reply when she takes over.
    await dan.page.locator('#collision[data-viewers="Sue Supervisor"]').waitFor();
    await dan.page.locator('.chat-title .clock').waitFor();
    await dan.page.fill('#composer-text', 'Let me check the tracking for y');
    await sue.click('#takeover');
    await sue.locator(`#inbox-list[data-view="all"] [data-conversation="${c.id}"][data-kind="mine"]`).waitFor();
    await dan.page.locator('#released-banner', { hasText: 'Taken over by Sue Supervisor' }).waitFor();
    // Read-only for Dan: no composer, no clock, no collision line; his half-typed reply stays, to copy.
    expect(await dan.page.inputValue('#kept-draft-text')).toBe('Let me check the tracking for y');
    expect(await dan.page.locator('#kept-draft-text').getAttribute('readonly')).not.toBeNull();
    expect(await dan.page.locator('#composer-text').count()).toBe(0);
    expect(await dan.page.locator('.chat-title .clock').count()).toBe(0);
    expect(await dan.page.locator('#collision').count()).toBe(0);
    // The customer is told a colleague continues (locale/replies.ts takenOver).
    await channel.waitForText('live-1', /My colleague Sue Supervisor continues this chat with you/);
    expect(await dan.page.locator(`#inbox-list[data-view="mine"] [data-conversation="${c.id}"]`).count()).toBe(0);
    await sue.fill('#composer-text', 'Hi Lena, I am Sue and I will finish this for you.');
    await sue.press('#composer-text', 'Enter');
    await channel.waitForText('live-1', /I am Sue and I will finish this/);
    // Closed: said so, and a closed chat has no service-level clock (never "overdue").
    await sue.click('#close');
    await sue.locator('#released-banner', { hasText: 'This chat is closed.' }).waitFor();
    expect(await sue.locator('.chat-title .clock').count()).toBe(0);
    expect(await sue.locator('[data-sla="breach"]').count()).toBe(0);
    await signOut(dan);
    await sue.context().close();
  });

  test('the queue arrives as numbered deltas, not whole; a console that misses one fetches the whole queue again and goes on with deltas', async () => {
    const cara = await agent('cara@test.local', 'Cara Agent');
    const page = cara.page;
    // What the console receives of the queue, frame by frame.
    const frames: { epoch: string; seq: number; added: { id: string }[]; bytes: number }[] = [];
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const text = String(payload);
        if (text.startsWith('42["queue:changed"')) frames.push({ ...(JSON.parse(text.slice(2)) as [string, (typeof frames)[number]])[1], bytes: text.length });
      }),
    );
    // Listening from the start of a connection: a reload (the session stays) opens a new one.
    await page.reload();
    await page.locator('#inbox').waitFor();
    // Away: nothing is offered to Cara, new chats show under Unassigned.
    await page.selectOption('#presence', 'away');
    while ((await running.app.store.getUser(cara.id))?.presence !== 'away') await new Promise((r) => setTimeout(r, 20));
    await page.click('#view-unassigned');
    await says('delta-1', 'I want to talk to a human', 'Della Delta');
    const first = await conversation('delta-1');
    await page.locator(`#inbox-list [data-conversation="${first.id}"]`).waitFor();
    const delta = frames.find((f) => f.added.some((c) => c.id === first.id))!;
    // Only the new chat travelled, whatever else waits in the queue.
    expect(delta.added.map((c) => c.id)).toEqual([first.id]);

    // A chat the feed never announced (written straight to the store), then a delta numbered past the next one:
    // the console sees the gap, fetches the whole queue, and so shows the chat it was never told about.
    const customer = buildCustomer({ displayName: 'Gap Gina' });
    const hidden: Conversation = {
      ...buildConversation({
        channelId: 'test',
        channelConversationId: 'delta-gap',
        customerId: customer.id,
        reference: { channelId: 'test', serviceUrl: channel.url, conversation: { id: 'delta-gap' } },
      }),
      state: 'queued',
      queuedAt: new Date().toISOString(),
      queueInfo: { offeredTo: [] },
    };
    await running.app.store.importRecords({ customers: [customer], conversations: [hidden] });
    const last = frames.at(-1)!;
    const server = [...running.app.io.of('/').sockets.values()].find((s) => s.data.userId === cara.id)!;
    server.emit('queue:changed', { epoch: last.epoch, seq: last.seq + 2, added: [], changed: [], removed: [] });
    await page.locator(`#inbox-list [data-conversation="${hidden.id}"]`).waitFor();
    await expect(page.locator(`#inbox-list [data-conversation="${hidden.id}"]`).textContent()).resolves.toContain('Gap Gina');

    // Back in step: the next change comes as a delta again and shows.
    await says('delta-2', 'I want to talk to a human', 'Dora Delta');
    const second = await conversation('delta-2');
    await page.locator(`#inbox-list [data-conversation="${second.id}"]`).waitFor();
    expect(frames.find((f) => f.added.some((c) => c.id === second.id))?.added).toHaveLength(1);
    await signOut(cara);
  });
});
