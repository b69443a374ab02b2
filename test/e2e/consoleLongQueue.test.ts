import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import type { Conversation, Customer } from '../../models/records';
import { buildConversation, buildCustomer } from '../../store/recordBuilders';

const PASSWORD = 'correct horse battery';
const QUEUED = 150;

/** Polls an expression in the page (waitForFunction compiles strings with eval, which the console's CSP forbids). */
async function until(page: Page, expression: string): Promise<void> {
  while (!(await page.evaluate(expression))) await new Promise((r) => setTimeout(r, 25));
}

/** The chat of the row that holds the focus, if any. */
const focusedRow = (page: Page) =>
  page.evaluate<string | null>(`document.activeElement?.closest('#inbox-list [data-conversation]')?.getAttribute('data-conversation') ?? null`);

/**
 * A long queue in the console (InboxList.tsx): only the rows in sight are drawn, yet the list reads as whole (its
 * size on every row, the scroll bar as long as all rows), scrolls to any chat, and keeps the focused and open
 * chat's rows through scrolling and live queue changes, so keyboard navigation works anywhere in it.
 */
describeBrowser('a long queue in the console (windowed list) in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;
  const queued: Conversation[] = [];

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
    channel = await new ChannelServer().start();
    browser = await launch();
    const customers: Customer[] = [];
    const start = Date.now() - QUEUED * 1000;
    for (let i = 0; i < QUEUED; i++) {
      const customer = buildCustomer({ displayName: `Long ${String(i + 1).padStart(3, '0')}` });
      customers.push(customer);
      const c = buildConversation({
        channelId: 'test',
        channelConversationId: `long-${i}`,
        customerId: customer.id,
        reference: { channelId: 'test', serviceUrl: channel.url, conversation: { id: `long-${i}` } },
      });
      // Asked for a person one second apart: the queue's order is theirs.
      queued.push({ ...c, state: 'queued', handoffReason: 'customer_asked', queuedAt: new Date(start + i * 1000).toISOString(), queueInfo: { offeredTo: [] } });
    }
    await running.app.store.importRecords({ customers, conversations: queued });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  test('rows in sight only, each with its place in the whole; scrolling reaches the last; focus and the open chat survive scrolling, a queue change and keyboard steps', async () => {
    const email = 'lena@test.local';
    const user = await running.app.services.auth.createUser({ email, name: 'Lena Long', password: PASSWORD, role: 'agent', capacity: 0, languages: ['en'] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    // No capacity and away: nothing is offered to Lena, the whole queue is Unassigned.
    await page.selectOption('#presence', 'away');
    while ((await running.app.store.getUser(user.id))?.presence !== 'away') await new Promise((r) => setTimeout(r, 20));
    await page.click('#view-unassigned');
    await page.locator('#view-unassigned .count', { hasText: String(QUEUED) }).waitFor();

    const list = page.locator('#inbox-list[data-windowed="true"]');
    await list.waitFor();
    const first = page.locator(`#inbox-list [data-conversation="${queued[0].id}"]`);
    await first.waitFor();
    expect(await first.getAttribute('aria-posinset')).toBe('1');
    expect(await first.getAttribute('aria-setsize')).toBe(String(QUEUED));
    const drawn = await page.locator('#inbox-list > li[data-conversation]').count();
    expect(drawn).toBeGreaterThan(3);
    expect(drawn).toBeLessThan(QUEUED / 2);
    // The scroll bar is as long as the whole list: the pane scrolls far beyond the rows drawn.
    expect(await page.evaluate<number>(`document.getElementById('inbox').scrollHeight`)).toBeGreaterThan(QUEUED * 40);

    // Focus on the first row; scrolled to the end, the last chat is drawn in its place and the focused row stays.
    await first.locator('.item-open').focus();
    await page.evaluate(`document.getElementById('inbox').scrollTop = 1e9`);
    const last = page.locator(`#inbox-list [data-conversation="${queued[QUEUED - 1].id}"]`);
    await last.waitFor();
    expect(await last.getAttribute('aria-posinset')).toBe(String(QUEUED));
    await expect(last.textContent()).resolves.toContain(`Long ${QUEUED}`);
    expect(await focusedRow(page)).toBe(queued[0].id);

    // A queue change while scrolled away: a chat asks for a person with nobody online, so it goes first (one priority
    // up). The count and every place move by one; what the agent looks at stays where it was, and so does focus.
    const lastRowTop = `document.querySelector('#inbox-list [data-conversation="${queued[QUEUED - 1].id}"]').getBoundingClientRect().top`;
    const before = await page.evaluate<number>(lastRowTop);
    const customer = buildCustomer({ displayName: 'Newest Nell' });
    const fresh = buildConversation({
      channelId: 'test',
      channelConversationId: 'long-new',
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: channel.url, conversation: { id: 'long-new' } },
    });
    await running.app.store.importRecords({ customers: [customer], conversations: [fresh] });
    await running.app.services.handoff.escalate(fresh.id, { reason: 'customer_asked', detail: 'test', priorityBoost: 0 });
    await page.locator('#view-unassigned .count', { hasText: String(QUEUED + 1) }).waitFor();
    await page.locator(`#inbox-list [data-conversation="${queued[QUEUED - 1].id}"][aria-posinset="${QUEUED + 1}"]`).waitFor();
    expect(await page.evaluate<number>(lastRowTop)).toBeCloseTo(before, 0);
    expect(await focusedRow(page)).toBe(queued[0].id);

    // Open the first chat, scroll away, step with the keyboard: the next chat opens, its row is drawn, focused and in sight.
    await first.locator('.item-open').click();
    await page.locator(`#inbox-list [data-conversation="${queued[0].id}"].active`).waitFor();
    await page.evaluate(`document.getElementById('inbox').scrollTop = 1e9`);
    await until(page, `!document.querySelector('#inbox-list [data-conversation="${queued[2].id}"]')`);
    await first.locator('.item-open').focus();
    await page.keyboard.press('j');
    await page.locator(`#inbox-list [data-conversation="${queued[1].id}"].active`).waitFor();
    await until(page, `document.activeElement?.closest('[data-conversation]')?.getAttribute('data-conversation') === ${JSON.stringify(queued[1].id)}`);
    const inSight = await page.evaluate<boolean>(`(() => {
      const pane = document.getElementById('inbox').getBoundingClientRect();
      const row = document.querySelector('#inbox-list [data-conversation="${queued[1].id}"]').getBoundingClientRect();
      return row.top >= pane.top - 1 && row.bottom <= pane.bottom + 1;
    })()`);
    expect(inSight).toBe(true);

    // The search reaches chats out of sight: one match, drawn whole (a short list is not windowed).
    await page.fill('#inbox-search', `Long ${QUEUED - 1}`);
    await page.locator(`#inbox-list:not([data-windowed]) [data-conversation="${queued[QUEUED - 2].id}"]`).waitFor();
    expect(await page.locator('#inbox-list > li[data-conversation]').count()).toBe(1);
    await page.context().close();
  });
});
