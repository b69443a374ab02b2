import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A channel (serviceUrl) that refuses agent messages while told to, with a 403 a connector does not retry. */
class RefusingChannel {
  refuse = false;
  readonly texts: string[] = [];
  private server!: http.Server;
  url = '';
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const activity = JSON.parse(body || '{}') as { type?: string; text?: string };
        if (this.refuse && activity.type === 'message') {
          res.writeHead(403, { 'content-type': 'application/json' });
          res.end('{"error":{"code":"Forbidden"}}');
          return;
        }
        if (activity.type === 'message') this.texts.push(String(activity.text ?? ''));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `ch-${this.texts.length}` }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describeBrowser('a readable console in headless Chromium', () => {
  let running: RunningApp;
  let channel: RefusingChannel;
  let browser: Browser;

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
    channel = await new RefusingChannel().start();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function signIn(email: string, name: string, role: 'agent' | 'supervisor' | 'admin' = 'agent', capacity = 3): Promise<Page> {
    if (!(await running.app.store.getUserByEmail(email)))
      await running.app.services.auth.createUser({ email, name, password: PASSWORD, role, capacity, languages: ['en'] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return page;
  }
  const says = (conv: string, text: string, from: { id: string; name?: string }) =>
    post(running.url, messageActivity({ conversation: { id: conv }, from, text, serviceUrl: channel.url, deliveryMode: undefined }));
  const conversation = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;

  async function accept(page: Page, conv: string): Promise<void> {
    const c = await conversation(conv);
    const user = await running.app.store.getUser(c.queueInfo!.offeredTo.at(-1)!);
    await page.click(`#view-${(await page.textContent('.who-am-i')) === user?.name ? 'offered' : 'unassigned'}`);
    await page.locator(`#inbox-list [data-conversation="${c.id}"] .item-open`).click();
    await page.click('#accept');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${c.id}"]`).waitFor();
  }

  test('a refused delivery marks the message itself, Retry delivers it; errors read as sentences in the console language', async () => {
    const faye = await signIn('faye@test.local', 'Faye Agent', 'agent', 1);
    await says('fail-1', 'I want to talk to a human', { id: 'u-fail-1', name: 'Rosa Refused' });
    await accept(faye, 'fail-1');

    channel.refuse = true;
    await faye.fill('#composer-text', 'Your refund is on its way');
    await faye.press('#composer-text', 'Enter');
    const failed = faye.locator('#messages .msg.failed', { hasText: 'Your refund is on its way' });
    await failed.locator('[data-undelivered]', { hasText: 'Not delivered' }).waitFor();
    expect(await faye.locator('#error').count()).toBe(0); // the message says it; no code in the top bar
    expect(await faye.inputValue('#composer-text')).toBe('');
    await faye.screenshot({ path: artifact('console-undelivered.png') });
    // Its only reply never reached the customer: the inbox does not call the chat answered, it says the reply failed.
    const rosa = await conversation('fail-1');
    const clock = faye.locator(`#inbox-list[data-view="mine"] [data-conversation="${rosa.id}"] .clock`);
    await clock.and(faye.locator('[data-reply="failed"]')).waitFor();
    expect(await clock.textContent()).toContain('reply not delivered');
    expect(await clock.textContent()).not.toContain('answered');
    // The failure is a stored fact, not this console's memory: a fresh sign-in (new browser context) reads it too.
    const again = await signIn('faye@test.local', 'Faye Agent', 'agent', 1);
    const clockAgain = again.locator(`#inbox-list[data-view="mine"] [data-conversation="${rosa.id}"] .clock`);
    await clockAgain.and(again.locator('[data-reply="failed"]')).waitFor();
    expect(await clockAgain.textContent()).toContain('reply not delivered');
    await again.locator(`#inbox-list[data-view="mine"] [data-conversation="${rosa.id}"] .item-open`).click();
    await again.locator('#messages .msg.failed', { hasText: 'Your refund is on its way' }).locator('[data-undelivered]').waitFor();
    await again.context().close();

    channel.refuse = false;
    await failed.locator('[data-retry]').click();
    await failed.getByText('sent again').waitFor();
    await faye.locator('#messages .msg.agent:not(.failed)', { hasText: 'Your refund is on its way' }).waitFor();
    expect(channel.texts).toContain('Your refund is on its way');
    await clock.and(faye.locator('[data-reply="answered"]')).waitFor();
    expect(await clock.textContent()).toContain('answered');

    // At capacity (1): accepting another chat is refused, and the console says why, in Spanish once chosen.
    await faye.selectOption('select.language', 'es');
    await says('fail-2', 'I want to talk to a human', { id: 'u-fail-2', name: 'Otto Other' });
    const other = await conversation('fail-2');
    await faye.click('#view-unassigned');
    await faye.locator(`#inbox-list [data-conversation="${other.id}"] .item-open`).click();
    await faye.click('#accept');
    await faye.locator('#error', { hasText: 'Ya tienes el máximo de chats. Cierra uno antes.' }).waitFor();
    expect(await faye.textContent('#error')).not.toMatch(/HANDOFF_|[A-Z]+_[A-Z]+/);
    await faye.selectOption('select.language', 'en');
    await faye.locator('#error', { hasText: 'You already have as many chats as you can take. Close one first.' }).waitFor();
    await faye.context().close();
  });

  test('names, not ids: visitors get a stable label, scores show out of 100 with counts, the sentiment trend is drawn, the transfer list has live presence; audit log and filters name people', async () => {
    const gus = await signIn('gus@test.local', 'Gus Agent');
    const anon = { id: 'anon-visitor-77' };
    for (const text of ['this is terrible, my order never came', 'thanks, that is great', 'I want to talk to a human']) await says('anon-1', text, anon);
    const c = await conversation('anon-1');
    await running.app.services.profiles.setReach(c.customerId, 12_000, 'test');
    await accept(gus, 'anon-1');

    const label = (await gus.textContent(`#inbox-list [data-conversation="${c.id}"] .item-title strong`))!;
    // One label for the visitor everywhere (the channel is its own fact beside it, shown once).
    expect(label).toMatch(/^Visitor \d{4}$/);
    expect(await gus.textContent('#chat-title')).toBe(label);
    expect(await gus.textContent('#profile-name')).toBe(label);
    // A customer's message says whose it is, whatever name the customer gave.
    expect(await gus.locator('#messages .msg.customer .who').first().textContent()).toMatch(new RegExp(`^${label} · Customer · `));

    await gus.locator('#engagement .score-value', { hasText: /^\d{1,3} of 100$/ }).waitFor();
    expect(await gus.textContent('#engagement .meta')).toBe('conversations: 1 · messages: 3');
    expect(await gus.textContent('#reach .score-value')).toBe('82 of 100');
    expect(await gus.textContent('#reach .meta')).toBe('followers: 12,000');
    const chart = gus.locator('#sentiment-chart svg');
    expect(Number(await chart.getAttribute('data-points'))).toBe(3);
    expect(await gus.locator('#sentiment-chart path.trend').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
    expect(await gus.locator('#sentiment-chart circle.neg').count()).toBeGreaterThanOrEqual(1);
    expect(await gus.locator('#sentiment-chart circle.pos').count()).toBeGreaterThanOrEqual(1);

    // A colleague signs in after Gus loaded the board: the transfer list still shows them online.
    const hal = await signIn('hal@test.local', 'Hal Agent');
    await gus.click('#transfer-open');
    const halId = (await running.app.store.getUserByEmail('hal@test.local'))!.id;
    await gus.locator(`#transfer-target option[value="agent:${halId}"]`, { hasText: 'Hal Agent · Online · 0/3' }).waitFor({ state: 'attached' });
    await gus.screenshot({ path: artifact('console-readable.png') });
    await gus.fill('#composer-text', 'Hello from Gus');
    await gus.press('#composer-text', 'Enter');
    await gus.locator('#messages .msg.agent', { hasText: 'Hello from Gus' }).waitFor();

    const admin = await signIn('ada@test.local', 'Ada Admin', 'admin');
    await admin.click('#tab-transcripts');
    await admin.locator('#f-agent option', { hasText: 'Gus Agent' }).waitFor({ state: 'attached' });
    await admin.selectOption('#f-agent', { label: 'Gus Agent' });
    await admin.click('#search');
    // The table names the filters it answers: wait for the agent-filtered results, not the first load's.
    const row = admin.locator(`#results[data-query*="agent="] tr[data-conversation="${c.id}"]`);
    await row.waitFor();
    expect(await admin.locator('#results tbody tr').count()).toBe(1);
    expect(await row.textContent()).toContain(label.split(' · ')[0]);
    await row.click();
    await admin.locator('#t-agents', { hasText: 'Gus Agent' }).waitFor();
    expect(await admin.textContent('#transcript')).not.toMatch(UUID);

    await admin.click('#tab-audit');
    await admin.locator('#audit tbody tr').first().waitFor();
    const audit = await admin.locator('#audit tbody').textContent();
    expect(audit).toContain('Ada Admin');
    expect(audit).not.toMatch(UUID);
    // The transcript Ada read is named by its customer's friendly label, channel and start, not "a conversation".
    const visitor = label.split(' · ')[0];
    await admin
      .locator('#audit tbody tr', { hasText: 'transcript.view' })
      .first()
      .locator('.target', { hasText: `chat with ${visitor} · test · ` })
      .waitFor();
    expect(await admin.locator('#audit tbody tr .target').allTextContents()).not.toContain('a conversation');
    await admin.selectOption('#a-actor', { label: 'Ada Admin' });
    await admin.click('#audit-search');
    // The table names the filters it answers: wait for the actor-filtered lines, not the first load's.
    await admin.locator('#audit[data-query*="actor="] tbody tr .actor', { hasText: 'Ada Admin' }).first().waitFor();
    expect(new Set(await admin.locator('#audit tbody tr .actor').allTextContents())).toEqual(new Set(['Ada Admin']));
    await admin.screenshot({ path: artifact('console-audit.png') });
    for (const p of [gus, hal, admin]) await p.context().close();
  });

  test('an erased customer reads as "Erased customer" in the audit log: not a visitor label, not an id, nothing to open', async () => {
    await says('erase-1', 'please delete everything you know about me', { id: 'u-erase-1', name: 'Eva Erased' });
    const { customerId } = await conversation('erase-1');
    const admin = await signIn('ada@test.local', 'Ada Admin', 'admin');
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@test.local', password: PASSWORD }),
    });
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    // Exported while she was a customer, then erased: two audit lines about her; her profile now answers 404.
    expect((await fetch(`${running.url}/api/customers/${customerId}/export`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${running.url}/api/customers/${customerId}/erase`, { method: 'POST', headers: auth })).status).toBe(200);
    expect((await fetch(`${running.url}/api/customers/${customerId}`, { headers: auth })).status).toBe(404);

    await admin.click('#tab-audit');
    for (const action of ['privacy.export', 'privacy.erase'])
      await admin.locator('#audit tbody tr', { hasText: action }).first().locator('.target .erased', { hasText: 'Erased customer' }).waitFor();
    const audit = (await admin.locator('#audit tbody').textContent())!;
    expect(audit).not.toMatch(UUID);
    expect(audit).not.toContain('Eva Erased');
    expect(await admin.locator('#audit tbody tr .target a').count()).toBe(0);
    expect(await admin.locator('#error').count()).toBe(0);
    await admin.context().close();
  });

  test('a queued chat whose customer is erased leaves the queue saying so: "customer\'s data erased", without their name', async () => {
    await says('erase-queued', 'I want to talk to a human', { id: 'u-erase-queued', name: 'Quentin Queued' });
    const c = await conversation('erase-queued');
    expect(c.state).toBe('queued');
    const sup = await signIn('sam@test.local', 'Sam Supervisor', 'supervisor');
    await sup.click('#view-unassigned');
    const row = sup.locator(`#inbox-list [data-conversation="${c.id}"]`);
    await row.waitFor();
    // An admin erases her (the admin of the audit test, made here when this test runs alone).
    if (!(await running.app.store.getUserByEmail('ada@test.local')))
      await running.app.services.auth.createUser({ email: 'ada@test.local', name: 'Ada Admin', password: PASSWORD, role: 'admin', capacity: 3 });
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@test.local', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const erased = await fetch(`${running.url}/api/customers/${c.customerId}/erase`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(erased.status).toBe(200);
    const notice = sup.locator(`#queue-notices li[data-conversation="${c.id}"]`);
    await notice.waitFor();
    expect(await notice.getAttribute('data-reason')).toBe('erased');
    expect(await notice.textContent()).toBe("A queued chat left the queue: customer's data erased");
    await row.waitFor({ state: 'detached' });
    expect(await sup.locator('#inbox').textContent()).not.toContain('Quentin');
    await sup.screenshot({ path: artifact('console-queue-erased.png') });
    await sup.context().close();
  });
});
