import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { shot } from './screenshots';

/** A 48×32 blue PNG. */
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAMUlEQVR42u3OQQ0AAAgEoEtiMNMZ1RbOBxsBSPW8EiEhISEhISEhISEhISEhISGhSwuCN5BbduSx0QAAAABJRU5ErkJggg==',
  'base64',
);
const MAX = 40;
/** Customer messages per conversation in the test's rate window (RATE_LIMIT_CONVERSATION_MESSAGES). */
const PER_WINDOW = 3;

/**
 * What the customer sees when a send is refused, and their own picture, in the real page in Chromium: the page
 * knows the longest message (MAX_MESSAGE_CHARS, from its session answer) and refuses before sending, keeping the
 * text, and says why in the customer's language instead of Web Chat's bare "Send failed".
 */
describeBrowser('web chat sends in Chromium: refusals said as sentences (too long, too fast, too large), pictures inline', () => {
  let running: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    running = await startTestApp({ MAX_MESSAGE_CHARS: String(MAX), RATE_LIMIT_CONVERSATION_MESSAGES: `${PER_WINDOW}/10`, ATTACHMENT_MAX_BYTES: '2048' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  const open = async (locale: string) => {
    const page = await (await browser.newContext({ viewport: { width: 800, height: 900 }, locale })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    await page.goto(`${running.url}/chat`);
    const input = page.locator('[data-id="webchat-sendbox-input"]').first();
    await input.waitFor({ timeout: 30_000 });
    return { page, input, problems };
  };
  const customerTexts = async () => {
    const texts: string[] = [];
    for (const c of (await running.app.store.listConversations({ limit: 50 })).filter((x) => x.channelId === 'webchat'))
      texts.push(...(await running.app.store.listMessages(c.id)).filter((m) => m.role === 'customer').map((m) => m.text));
    return texts;
  };
  const notices = (page: Page) => page.locator('[role="log"], [role="feed"], body').first();

  test('an over-long message is refused before sending, in English and Spanish; the text stays to shorten; nothing stored', async () => {
    const long = 'my order number is 12345 and it has not arrived yet, please help';
    expect(long.length).toBeGreaterThan(MAX);
    for (const [locale, sentence] of [
      ['en-US', `Sorry, that message is too long: messages can be up to ${MAX} characters.`],
      ['es-ES', `Lo siento, ese mensaje es demasiado largo: los mensajes pueden tener hasta ${MAX} caracteres.`],
    ]) {
      const { page, input, problems } = await open(locale);
      const posted: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && /\/activities$/.test(r.url()) && /"type":"message"/.test(r.postData() ?? '')) posted.push(r.postData()!);
      });
      await input.fill(long);
      await input.press('Enter');
      await notices(page).getByText(sentence).first().waitFor({ timeout: 30_000 });
      expect(await input.inputValue()).toBe(long);
      expect(posted).toEqual([]);
      expect(await customerTexts()).not.toContain(long);
      // Shortened, it goes.
      await input.fill('my order 12345 has not arrived');
      await input.press('Enter');
      await page.getByText(/order/i).nth(1).waitFor();
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  test("the customer's own picture shows inline, from the service's own signed link, within the page's CSP", async () => {
    const { page, problems } = await open('en-US');
    await page.locator('input[type="file"]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PICTURE });
    await page.getByRole('button', { name: 'Send' }).click();
    const signed = new RegExp(`^${running.url.replace(/[.]/g, '\\.')}/attachments/[^?]+\\?exp=\\d+&sig=`);
    const img = page.locator('img[src*="/attachments/"]').first();
    await img.waitFor({ timeout: 30_000 });
    expect(await img.getAttribute('src')).toMatch(signed);
    await page.waitForFunction((el) => (el as { naturalWidth?: number } | null)?.naturalWidth === 48, await img.elementHandle());
    // Not a download link to the file any more.
    expect(await page.locator('a[href*="/attachments/"]', { hasText: 'receipt.png' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test('too fast (429): the refused message is marked "Send failed" with Retry and the customer is told why; a retry sends it once', async () => {
    const { page, input, problems } = await open('en-US');
    const texts = ['first question', 'second question', 'third question', 'fourth question'];
    expect(texts.length).toBeGreaterThan(PER_WINDOW);
    for (const text of texts) {
      await input.fill(text);
      await input.press('Enter');
    }
    await notices(page)
      .getByText('You are sending messages faster than I can take them. Please wait a moment and send that one again.')
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByText('Send failed.').first().waitFor();
    // The window's first ones are stored; the refused one is not, and stays on the page as the customer wrote it.
    let stored = await customerTexts();
    while (texts.filter((t) => stored.includes(t)).length < PER_WINDOW) stored = await customerTexts();
    const missing = texts.filter((t) => !stored.includes(t));
    expect(missing).toHaveLength(texts.length - PER_WINDOW);
    for (const t of missing) await page.getByText(t).first().waitFor();
    await shot(page, 'webchat-rate-limited');
    // Retry (Web Chat's own button) once the window has passed: refused again meanwhile, the button comes back.
    while (!(await customerTexts()).includes(missing[missing.length - 1])) {
      const retry = page.getByRole('button', { name: 'Retry' }).first();
      if (await retry.isVisible()) await retry.click();
      await page.waitForTimeout(1000);
    }
    // Sent: no message is left marked failed (no Retry on the page).
    await page.getByRole('button', { name: 'Retry' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    // Nothing lost, nothing twice: stored once each, and shown once each (the failed copy gave way to the sent one).
    const all = await customerTexts();
    for (const t of texts) expect(all.filter((x) => x === t)).toHaveLength(1);
    for (const t of missing) expect(await page.locator('.webchat__bubble--from-user', { hasText: t }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  test('too large (413), in Spanish: the file is marked "Send failed" and the customer is told the limit; nothing kept', async () => {
    const { page, problems } = await open('es-ES');
    const big = Buffer.concat([PICTURE, Buffer.alloc(4096, 1)]);
    await page.locator('input[type="file"]').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    await page.getByRole('button', { name: /Enviar|Send/ }).click();
    await notices(page)
      .getByText(/ese archivo es demasiado grande/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .getByText(/Error al enviar|No se pudo enviar|Send failed/)
      .first()
      .waitFor();
    for (const c of (await running.app.store.listConversations({ limit: 50 })).filter((x) => x.channelId === 'webchat'))
      expect((await running.app.store.listAttachments(c.id)).map((a) => a.name)).not.toContain('big.png');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
