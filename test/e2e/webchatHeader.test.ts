import type { Browser } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** The /chat page's header said "Customer support" on a Spanish page (an outside tester, 2026-11-30). */
describeBrowser('web chat page in Chromium: header and page language follow the locale', () => {
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

  test.each([
    ['en-US', 'en', 'Customer support', 'Support chat'],
    ['es-ES', 'es', 'Atención al cliente', 'Chat de atención al cliente'],
  ])('%s: header %j', async (locale, lang, header, title) => {
    const page = await (await browser.newContext({ locale })).newPage();
    await page.goto(`${running.url}/chat`);
    await page.locator('[data-id="webchat-sendbox-input"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('body > header').textContent()).toBe(header);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await page.title()).toBe(title);
    await page.context().close();
  });
});
