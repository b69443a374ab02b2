import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** A 48×32 blue PNG. */
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAMUlEQVR42u3OQQ0AAAgEoEtiMNMZ1RbOBxsBSPW8EiEhISEhISEhISEhISEhISGhSwuCN5BbduSx0QAAAABJRU5ErkJggg==',
  'base64',
);
const MAX = 40;

/**
 * What the customer sees when a send is refused, and their own picture, in the real page in Chromium: the page
 * knows the longest message (MAX_MESSAGE_CHARS, from its session answer) and refuses before sending, keeping the
 * text, and says why in the customer's language instead of Web Chat's bare "Send failed".
 */
describeBrowser('web chat sends in Chromium: an over-long message refused with a sentence, pictures inline', () => {
  let running: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    running = await startTestApp({ MAX_MESSAGE_CHARS: String(MAX) });
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
});
