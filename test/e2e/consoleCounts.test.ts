import type { Browser, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch, signInConsole } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';

/** Polls an expression in the page (waitForFunction compiles strings with eval, which the console's CSP forbids). */
async function until(page: Page, expression: string): Promise<void> {
  while (!(await page.evaluate(expression))) await new Promise((r) => setTimeout(r, 25));
}

describeBrowser('console list counts follow the queue', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;

  // One app per test: each starts from an empty queue.
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    browser = await launch();
  });
  beforeEach(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300', QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
  });
  afterEach(async () => {
    await running?.stop();
  });
  afterAll(async () => {
    await browser?.close();
    await channel?.stop();
  });

  const says = (conv: string, text: string, name: string) =>
    post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}`, name }, text, serviceUrl: channel.url, deliveryMode: undefined }));
  const conversation = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;
  const counts = (page: Page) =>
    page.evaluate<Record<string, number>>(
      `Object.fromEntries(['mine', 'offered', 'unassigned'].map((v) => [v, Number(document.querySelector('#view-' + v + ' .count').textContent)]))`,
    );
  const rows = (page: Page, view: string) => page.locator(`#inbox-list[data-view="${view}"] [data-conversation]`).count();

  test('accepting a chat from Unassigned while another is offered: every tab count is the length of its list, as the queue stands', async () => {
    const user = await running.app.services.auth.createUser({
      email: 'olga@test.local',
      name: 'Olga Agent',
      password: PASSWORD,
      role: 'agent',
      capacity: 1,
      languages: ['en'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
    await signInConsole(page, running.url, 'olga@test.local', PASSWORD);

    await says('count-1', 'I want to talk to a human', 'Otto Offered');
    const offered = await conversation('count-1');
    expect(offered.queueInfo?.offeredTo.at(-1)).toBe(user.id);
    await says('count-2', 'I want to talk to a human', 'Una Unassigned');
    const waiting = await conversation('count-2');
    await until(
      page,
      `document.querySelector('#view-offered .count').textContent === '1' && document.querySelector('#view-unassigned .count').textContent === '1'`,
    );

    await page.click('#view-unassigned');
    await page.locator(`#inbox-list [data-conversation="${waiting.id}"] .item-open`).click();
    await page.locator('#accept').click();
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${waiting.id}"]`).waitFor();
    // Olga's one slot is taken: the offer she could no longer accept is withdrawn, and it waits under Unassigned.
    await until(page, `document.querySelector('#view-offered .count').textContent === '0'`);
    expect(await counts(page)).toEqual({ mine: 1, offered: 0, unassigned: 1 });
    expect((await conversation('count-1')).queueInfo?.offeredAt).toBeUndefined();
    for (const view of ['mine', 'offered', 'unassigned'] as const) {
      await page.click(`#view-${view}`);
      await until(page, `document.querySelector('#inbox-list').dataset.view === '${view}'`);
      expect(await rows(page, view)).toBe((await counts(page))[view]);
    }
    await page.locator(`#inbox-list[data-view="unassigned"] [data-conversation="${offered.id}"][data-kind="queue"]`).waitFor();
    expect(await page.title()).toBe('Agent console');
    await page.context().close();
  });

  test('a chat transferred to a skill group waits under Unassigned for the agent who sent it there, counted', async () => {
    // Billing's only agent is away: nobody is offered the chat, so it stays queued as the transfer left it.
    const bill = await running.app.services.auth.createUser({
      email: 'bill@test.local',
      name: 'Bill Billing',
      password: PASSWORD,
      role: 'agent',
      capacity: 2,
      skills: ['billing'],
    });
    await running.app.store.updateUser(bill.id, { presence: 'away' });
    await running.app.services.auth.createUser({
      email: 'tess@test.local',
      name: 'Tess Agent',
      password: PASSWORD,
      role: 'agent',
      capacity: 1,
      languages: ['en'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
    await signInConsole(page, running.url, 'tess@test.local', PASSWORD);
    await says('count-3', 'I want to talk to a human', 'Tom Transfer');
    const c = await conversation('count-3');
    await page.click('#view-offered');
    await page.locator(`[data-accept="${c.id}"]`).click();
    await page.locator('#transfer-open').click();
    await page.selectOption('#transfer-target', 'skill:billing');
    await page.click('#transfer');
    await page.click('#view-unassigned');
    await page.locator(`#inbox-list[data-view="unassigned"] [data-conversation="${c.id}"][data-kind="queue"]`).waitFor();
    expect((await counts(page)).unassigned).toBe(await rows(page, 'unassigned'));
    // Not offered back to Tess, who just passed it on (its offer from before she took it ended then).
    expect(await counts(page)).toEqual({ mine: 0, offered: 0, unassigned: 1 });
    expect((await conversation('count-3')).queueInfo?.offeredAt).toBeUndefined();
    await page.context().close();
  });

  test('a chat whose customer has gone leaves Unassigned for Gone, and comes back when the customer writes', async () => {
    await running.app.services.auth.createUser({
      email: 'gail@test.local',
      name: 'Gail Agent',
      password: PASSWORD,
      role: 'agent',
      capacity: 1,
      languages: ['en'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
    await signInConsole(page, running.url, 'gail@test.local', PASSWORD);
    await page.selectOption('#presence', 'away');
    await says('count-4', 'I want to talk to a human', 'Greta Gone');
    const c = await conversation('count-4');
    await until(page, `document.querySelector('#view-unassigned .count').textContent === '1'`);
    // An hour without a word from a channel that tells nothing else: gone (QUEUE_IDLE_AWAY_SECONDS).
    expect((await running.app.services.handoff.sweep(new Date(Date.now() + 3_601_000))).gone).toEqual([c.id]);
    await until(page, `document.querySelector('#view-gone .count').textContent === '1'`);
    expect(await counts(page)).toEqual({ mine: 0, offered: 0, unassigned: 0 });
    await page.click('#view-gone');
    await page.locator(`#inbox-list[data-view="gone"] [data-conversation="${c.id}"][data-kind="gone"] .meta`, { hasText: /customer gone since/ }).waitFor();
    await says('count-4', 'sorry, back now', 'Greta Gone');
    await until(
      page,
      `document.querySelector('#view-gone .count').textContent === '0' && document.querySelector('#view-unassigned .count').textContent === '1'`,
    );
    await page.context().close();
  });
});
