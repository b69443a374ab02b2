import type { Browser } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Past the per-address limit of new chats (RATE_LIMIT_IP_WEBCHAT_SESSIONS) the session answer is a 429 with when to
 * retry: the real page in Chromium says why and how long to wait, in the customer's language, not "Unable to connect".
 */
describeBrowser('web chat page in Chromium: a refused start is said as a sentence', () => {
  let running: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    // One new chat per address per ten minutes.
    running = await startTestApp({ RATE_LIMIT_IP_WEBCHAT_SESSIONS: '1/600' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  test('the first visitor chats; the next ones from the same network are told why and for how long, in English and Spanish', async () => {
    const first = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await first.goto(`${running.url}/chat`);
    await first.locator('[data-id="webchat-sendbox-input"]').first().waitFor({ timeout: 30_000 });
    await first.context().close();

    for (const [locale, sentence, retry] of [
      ['en-US', 'Too many new chats have been started from this network. Please try again in 10 minutes.', 'Try again'],
      ['es-ES', 'Se han abierto demasiados chats nuevos desde esta red. Vuelve a intentarlo en 10 minutos.', 'Reintentar'],
    ]) {
      const page = await (await browser.newContext({ locale })).newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`${running.url}/chat`);
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.locator('p').textContent()).toBe(sentence);
      expect(await alert.getByRole('button').textContent()).toBe(retry);
      expect(await page.getByText('Unable to connect').count()).toBe(0);
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });
});
