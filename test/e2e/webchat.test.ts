import type { Browser } from 'playwright-core';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

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

  test('/chat shows the official Web Chat; a typed message gets the bot answer through the connector path', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${running.url}/`);
    await page.click('a[href="/chat"]');
    const input = page.locator('input[data-id="webchat-sendbox-input"], textarea[data-id="webchat-sendbox-input"], [aria-label*="Message input" i]').first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill('where is my order 12345');
    await input.press('Enter');
    // Orders belong to customers: an anonymous visitor proves this one with the e-mail it was placed with.
    await page.getByText(/e-mail address the order was placed with/).first().waitFor({ timeout: 30_000 });
    await input.fill('ana@example.com');
    await input.press('Enter');
    await page.getByText(/12345 has shipped with DHL/).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifact('webchat.png') });
    expect(errors).toEqual([]);
    const conv = (await running.app.store.listConversations({ limit: 50 })).find((c) => c.channelId === 'webchat');
    expect(conv?.reference.serviceUrl).toBe(`${running.url}/webchat/connector`);
    const stored = await running.app.store.listMessages(conv!.id);
    expect(stored.map((m) => [m.role, m.text.slice(0, 23)])).toEqual([
      ['customer', 'where is my order 12345'],
      ['bot', 'To show you order 12345'],
      ['customer', 'ana@example.com'],
      ['bot', 'Order 12345 has shipped'],
    ]);
  });
});
