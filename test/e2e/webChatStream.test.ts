import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** The web chat page on the Direct Line stream, and on polling when the server offers no stream. */
describeBrowser('web chat page: stream, polling fallback', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function chat(running: RunningApp) {
    const page: Page = await browser.newPage();
    const problems: string[] = [];
    const sockets: string[] = [];
    const polls: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    page.on('request', (r) => r.method() === 'GET' && r.url().includes('/activities') && polls.push(r.url()));
    await page.goto(`${running.url}/chat`);
    const input = page.locator('input[data-id="webchat-sendbox-input"], textarea[data-id="webchat-sendbox-input"], [aria-label*="Message input" i]').first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill('where is my order 12345');
    await input.press('Enter');
    // An anonymous visitor is first asked to prove the order (orders belong to customers): that answer is pushed.
    await page
      .getByText(/e-mail address the order was placed with/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.close();
    return { problems, sockets, polls };
  }

  test('the page takes the stream (no polling) and the answer is pushed; the CSP allows it', async () => {
    const running = await startTestApp();
    try {
      const r = await chat(running);
      expect(r.problems).toEqual([]);
      expect(r.sockets.length).toBeGreaterThan(0);
      expect(r.sockets.every((p) => /^\/v3\/directline\/conversations\/wc-[^/]+\/stream$/.test(p))).toBe(true);
      expect(r.polls).toEqual([]);
    } finally {
      await running.stop();
    }
  });

  test('with streaming off on the server the page polls and still gets the answer', async () => {
    const running = await startTestApp({ WEBCHAT_STREAM: 'false' });
    try {
      const r = await chat(running);
      expect(r.problems).toEqual([]);
      expect(r.sockets).toEqual([]);
      expect(r.polls.length).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
  });
});
