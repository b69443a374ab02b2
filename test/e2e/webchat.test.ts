import http from 'node:http';
import type { Browser } from 'playwright-core';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { shot } from './screenshots';

const PASSWORD = 'correct horse battery';

describeBrowser('web chat in headless Chromium', () => {
  let running: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    running = await startTestApp();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  const sendBox = '[data-id="webchat-sendbox-input"], [aria-label*="Message input" i]';

  test('/chat shows the official Web Chat; a typed message gets the bot answer through the connector path', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${running.url}/`);
    await page.click('a[href="/chat"]');
    const input = page.locator(`input${sendBox.split(', ')[0]}, textarea${sendBox.split(', ')[0]}, ${sendBox.split(', ')[1]}`).first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill('where is my order 12345');
    await input.press('Enter');
    // Orders belong to customers: an anonymous visitor proves this one with the e-mail it was placed with.
    await page
      .getByText(/e-mail address the order was placed with/)
      .first()
      .waitFor({ timeout: 30_000 });
    await input.fill('ana@example.com');
    await input.press('Enter');
    await page
      .getByText(/12345 has shipped with DHL/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifact('webchat.png') });
    // The page's own greeting, once: the stored copy is never sent back to it (Web Chat writes each message's text
    // in its bubble and for screen readers, as it does the bot's question).
    const shown = async (text: string | RegExp) => page.getByText(text).count();
    expect(await shown('I can track your order, handle refunds and returns')).toBe(await shown(/e-mail address the order was placed with/));
    expect(errors).toEqual([]);
    const conv = (await running.app.store.listConversations({ limit: 50 })).find((c) => c.channelId === 'webchat');
    expect(conv?.reference.serviceUrl).toBe(`${running.url}/webchat/connector`);
    const stored = await running.app.store.listMessages(conv!.id);
    expect(stored.map((m) => [m.role, m.text.slice(0, 23)])).toEqual([
      // The greeting the page showed, stored with its buttons once the customer wrote (and shown once, checked below).
      ['bot', 'Hi! I am the support as'],
      ['customer', 'where is my order 12345'],
      ['bot', 'To show you order 12345'],
      ['customer', 'ana@example.com'],
      ['bot', 'Order 12345 has shipped'],
    ]);
    await page.context().close();
  });

  test('the page greets with what the bot can do; a suggested action asks for a person; the agent sees the customer typing', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${running.url}/chat`);
    await page.getByText('I can track your order, handle refunds and returns').first().waitFor({ timeout: 30_000 });
    const suggested = page.getByRole('toolbar', { name: 'Suggested actions' });
    for (const title of ['Track my order', 'I want a refund', 'Talk to a person']) await suggested.getByRole('button', { name: title }).waitFor();
    await shot(page, 'webchat-greeting');

    await running.app.services.auth.createUser({ email: 'wendy@test.local', name: 'Wendy Agent', password: PASSWORD, role: 'agent', capacity: 3 });
    const agent = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await agent.goto(`${running.url}/console`);
    await agent.fill('#email', 'wendy@test.local');
    await agent.fill('#password', PASSWORD);
    await agent.click('#sign-in');
    await agent.locator('#inbox').waitFor();
    await suggested.getByRole('button', { name: 'Talk to a person' }).click();
    await page
      .getByText(/in the queue/)
      .first()
      .waitFor({ timeout: 30_000 });
    await agent.click('#view-offered');
    await agent.locator('[data-accept]').first().click();
    await agent.locator('#chat-title', { hasText: /^Visitor \d{4}$/ }).waitFor();

    const input = page.locator(`input${sendBox.split(', ')[0]}, textarea${sendBox.split(', ')[0]}, ${sendBox.split(', ')[1]}`).first();
    await input.pressSequentially('my parcel never', { delay: 50 });
    await agent.locator('#typing', { hasText: 'The customer is typing…' }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
    await agent.context().close();
  });

  test('the Web Chat script is the minimal bundle, compressed, and revalidated by ETag', async () => {
    /** Raw bytes on the wire (fetch would decompress them). */
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }>((resolve, reject) => {
        http
          .get(`${running.url}/chat/webchat.js`, { headers }, (res) => {
            let bytes = 0;
            res.on('data', (d: Buffer) => (bytes += d.length));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
          })
          .on('error', reject);
      });
    // Compression runs in the background from the app's start; until it is done the script goes out as it is.
    let br = await get({ 'accept-encoding': 'gzip, deflate, br' });
    while (!br.headers['content-encoding']) br = await get({ 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(br.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.bytes).toBeLessThan(600_000);
    const gzip = await get({ 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.bytes).toBeLessThan(600_000);
    const plain = await get({});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes).toBeLessThan(2_500_000);
    const again = await get({ 'if-none-match': String(br.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.bytes).toBe(0);
  });
});
