import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { shot } from './screenshots';

const PASSWORD = 'correct horse battery';

/** Serious and critical axe-core findings (WCAG 2.1 A and AA rules) on the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/** Polls an expression in the page (waitForFunction compiles strings with eval, which the console's CSP forbids). */
async function until(page: Page, expression: string): Promise<void> {
  while (!(await page.evaluate(expression))) await new Promise((r) => setTimeout(r, 25));
}

/** No horizontal scrolling: the document is never wider than the viewport. */
async function horizontalOverflow(page: Page): Promise<number> {
  return await page.evaluate<number>('Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth');
}

describeBrowser('console at every size, by keyboard, accessible (axe-core), in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;
  const problems: string[] = [];
  let held = '';
  let offered = '';

  const says = (conv: string, text: string, from: { id: string; name?: string }) =>
    post(running.url, messageActivity({ conversation: { id: conv }, from, text, serviceUrl: channel.url, deliveryMode: undefined }));
  const conversation = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '600' });
    channel = await new ChannelServer().start();
    browser = await launch();
    const layla = await running.app.services.auth.createUser({
      email: 'layla@test.local',
      name: 'Layla Agent',
      password: PASSWORD,
      role: 'agent',
      capacity: 4,
      languages: ['en'],
    });
    await running.app.services.auth.createUser({ email: 'sam@test.local', name: 'Sam Supervisor', password: PASSWORD, role: 'supervisor', capacity: 3 });
    await running.app.services.auth.createUser({ email: 'ada@test.local', name: 'Ada Admin', password: PASSWORD, role: 'admin', capacity: 3 });
    // Layla is online (routing offers to her) and holds one chat with some history.
    await running.app.store.updateUser(layla.id, { presence: 'online' });
    for (const text of ['my parcel arrived damaged, this is awful', 'the box was crushed and the mug is broken', 'I want to talk to a human'])
      await says('lay-1', text, { id: 'u-lay-1', name: 'Marta Mug' });
    held = (await conversation('lay-1')).id;
    await running.app.services.handoff.claim(layla.id, held);
    await running.app.services.profiles.setReach((await conversation('lay-1')).customerId, 2500, 'test');
    await says('lay-2', 'I want to talk to a human', { id: 'u-lay-2' });
    offered = (await conversation('lay-2')).id;
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height }, acceptDownloads: true })).newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`${width}px: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${width}px: ${String(e)}`));
    await page.goto(`${running.url}/console`);
    return page;
  }
  async function signIn(page: Page, email: string): Promise<void> {
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
  }

  test('at 390 px: one column, moving between list, chat and customer; every action reachable; no horizontal scroll; axe clean', async () => {
    const page = await open(390, 844);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'phone-sign-in');
    await signIn(page, 'layla@test.local');
    await page.locator(`#inbox-list [data-conversation="${held}"]`).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await page.isVisible('#inbox')).toBe(true);
    expect(await page.isVisible('#main')).toBe(false);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'phone-inbox');

    await page.click('#view-offered');
    await page.locator(`[data-accept="${offered}"]`).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-offer');

    await page.click('#view-mine');
    await page.locator(`#inbox-list [data-conversation="${held}"] .item-open`).click();
    await page.locator('#chat-title', { hasText: 'Marta Mug' }).waitFor();
    expect(await page.isVisible('#inbox')).toBe(false);
    for (const id of ['#back-to-list', '#transfer-open', '#return', '#close', '#composer-text', '#send', '#mode-note', '#canned-open', '#nav-profile'])
      expect({ id, visible: await page.isVisible(id) }).toEqual({ id, visible: true });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'phone-chat');

    await page.click('#transfer-open');
    await page.locator('#transfer-panel').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.click('#transfer-open');

    await page.click('#nav-profile');
    await page.locator('#profile-name', { hasText: 'Marta Mug' }).waitFor();
    expect(await page.isVisible('#main')).toBe(false);
    expect(await page.isVisible('#tags-save')).toBe(true);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'phone-customer');

    await page.click('#nav-list');
    expect(await page.isVisible('#inbox')).toBe(true);
    await page.click('#help-open');
    await page.locator('#help').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator('#help').waitFor({ state: 'detached' });
    await page.context().close();
  });

  test('at 820 px: list and chat side by side, the customer on demand; no horizontal scroll; axe clean', async () => {
    const page = await open(820, 1180);
    await signIn(page, 'layla@test.local');
    await page.locator(`#inbox-list [data-conversation="${held}"] .item-open`).click();
    await page.locator('#chat-title', { hasText: 'Marta Mug' }).waitFor();
    expect(await page.isVisible('#inbox')).toBe(true);
    expect(await page.isVisible('#main')).toBe(true);
    expect(await page.isVisible('#profile')).toBe(false);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'tablet-chat');
    await page.click('#show-profile');
    await page.locator('#profile-name', { hasText: 'Marta Mug' }).waitFor();
    expect(await page.isVisible('#main')).toBe(false);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'tablet-customer');
    await page.click('#back-to-chat');
    await page.locator('#main').waitFor();
    await page.context().close();
  });

  test('keyboard only: sign in, accept the offer, reply with a canned response, write a note, move between chats, read the shortcuts, close a chat', async () => {
    const page = await open(1280, 800);
    // Sign in without a mouse.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('email');
    await page.keyboard.type('layla@test.local');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#inbox').waitFor();
    await page.locator(`#inbox-list [data-conversation="${held}"]`).waitFor();
    await page.locator('#view-offered .count', { hasText: '1' }).waitFor();

    // Alt+A accepts the chat offered to me.
    await page.keyboard.press('Alt+A');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${offered}"]`).waitFor();
    await page.locator('#chat-title', { hasText: /^Visitor \d{4}$/ }).waitFor();

    // R writes a reply; "/" opens the canned replies, arrows choose, Enter inserts, Enter sends.
    await page.keyboard.press('r');
    await until(page, `document.activeElement.id === 'composer-text'`);
    await page.keyboard.type('/');
    await page.locator('#canned-menu').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#composer-text')).toBe('Thanks for your patience, there. One moment please.');
    await page.keyboard.press('Enter');
    await channel.waitForText('lay-2', /Thanks for your patience, there/);

    // Alt+N writes an internal note; Enter adds it; the customer never gets it.
    await page.keyboard.press('Alt+N');
    await until(page, `document.activeElement.id === 'note-text'`);
    await page.keyboard.type('Visitor without a name, ask for the order number');
    await page.keyboard.press('Enter');
    await page.locator('#messages .msg.note', { hasText: 'ask for the order number' }).waitFor();

    // Alt+↓ moves to the next chat of the view, and focus follows.
    await page.keyboard.press('Alt+ArrowDown');
    await page.locator('#chat-title', { hasText: 'Marta Mug' }).waitFor();
    await until(page, `document.activeElement.closest('[data-conversation]')?.dataset.conversation === ${JSON.stringify(held)}`);
    await page.keyboard.press('Alt+ArrowUp');
    await page.locator('#chat-title', { hasText: /^Visitor/ }).waitFor();

    // ? shows the shortcuts (focus moves into the dialog), Escape closes it and gives focus back.
    await page.keyboard.press('Escape');
    await page.evaluate('document.activeElement.blur()');
    await page.keyboard.press('?');
    await page.locator('#help').waitFor();
    await until(page, `document.activeElement.id === 'help-close'`);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'desktop-shortcuts');
    await page.keyboard.press('Escape');
    await page.locator('#help').waitFor({ state: 'detached' });

    // Alt+C closes the open chat.
    await page.keyboard.press('Alt+C');
    await channel.waitForText('lay-2', /rate|1 to 5/i);
    expect((await conversation('lay-2')).state).toBe('closed');
    await page.context().close();
  });

  test('every console view at 1280 px: axe finds no serious or critical violation, no horizontal scroll; screenshots for README', async () => {
    const agent = await open(1280, 800);
    await signIn(agent, 'layla@test.local');
    await agent.locator(`#inbox-list [data-conversation="${held}"] .item-open`).click();
    await agent.locator('#profile-name', { hasText: 'Marta Mug' }).waitFor();
    await agent.locator('#sentiment-chart svg').waitFor();
    expect(await accessibilityProblems(agent)).toEqual([]);
    expect(await horizontalOverflow(agent)).toBeLessThanOrEqual(0);
    await shot(agent, 'desktop-chat');
    await agent.context().close();

    const sam = await open(1280, 800);
    await signIn(sam, 'sam@test.local');
    await sam.click('#view-all');
    await sam.locator(`#inbox-list [data-conversation="${held}"][data-kind="held"]`).waitFor();
    await sam.locator('#agents [data-agent]').first().waitFor();
    expect(await accessibilityProblems(sam)).toEqual([]);
    await shot(sam, 'supervisor-all-chats');

    await sam.click('#tab-transcripts');
    await sam.locator('#results tbody tr').first().waitFor();
    await sam.locator(`#results tr[data-conversation="${held}"]`).click();
    await sam.locator('#t-messages').waitFor();
    expect(await accessibilityProblems(sam)).toEqual([]);
    expect(await horizontalOverflow(sam)).toBeLessThanOrEqual(0);
    await shot(sam, 'supervisor-transcripts');

    await sam.click('#tab-dashboard');
    await sam.locator('#review[data-charts="5"]').waitFor();
    expect(await accessibilityProblems(sam)).toEqual([]);
    expect(await horizontalOverflow(sam)).toBeLessThanOrEqual(0);
    await shot(sam, 'supervisor-dashboard', true);
    await sam.setViewportSize({ width: 390, height: 844 });
    await sam.locator('#review[data-charts="5"]').waitFor();
    expect(await horizontalOverflow(sam)).toBeLessThanOrEqual(0);
    await sam.click('#tab-transcripts');
    await sam.locator('#results').waitFor();
    expect(await horizontalOverflow(sam)).toBeLessThanOrEqual(0);
    await sam.context().close();

    const ada = await open(1280, 800);
    await signIn(ada, 'ada@test.local');
    await ada.click('#tab-audit');
    await ada.locator('#audit tbody tr').first().waitFor();
    expect(await accessibilityProblems(ada)).toEqual([]);
    expect(await horizontalOverflow(ada)).toBeLessThanOrEqual(0);
    await shot(ada, 'admin-audit');
    await ada.context().close();
    // No script errors and no CSP violations on any page of this file.
    expect(problems).toEqual([]);
  });
});
