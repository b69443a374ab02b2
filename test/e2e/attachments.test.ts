import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launch } from '../helpers/browser';
import { PDF } from '../helpers/multipart';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { shot } from './screenshots';

const PASSWORD = 'correct horse battery';
/** A 48×32 blue PNG (visible in the screenshots). */
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAMUlEQVR42u3OQQ0AAAgEoEtiMNMZ1RbOBxsBSPW8EiEhISEhISEhISEhISEhISGhSwuCN5BbduSx0QAAAABJRU5ErkJggg==',
  'base64',
);

/** Files both ways in real Chromium: the official Web Chat's upload to the agent console, and back. */
describeBrowser('attachments in the web chat and the console (Chromium)', () => {
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

  /** Page errors and CSP violations: either would mean a blocked feature. */
  const watch = (page: Page) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    return problems;
  };

  test('a picture goes from the web chat to the agent, a PDF back; a disallowed file is refused with a sentence the customer reads', async () => {
    await running.app.services.auth.createUser({ email: 'fiona@test.local', name: 'Fiona Agent', password: PASSWORD, role: 'agent', capacity: 3 });
    const agent = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const agentProblems = watch(agent);
    await agent.goto(`${running.url}/console`);
    await agent.fill('#email', 'fiona@test.local');
    await agent.fill('#password', PASSWORD);
    await agent.click('#sign-in');
    await agent.locator('#inbox').waitFor();

    const page = await (await browser.newContext({ viewport: { width: 800, height: 900 }, locale: 'en-US' })).newPage();
    const customerProblems = watch(page);
    await page.goto(`${running.url}/chat`);
    const suggested = page.getByRole('toolbar', { name: 'Suggested actions' });
    await suggested.getByRole('button', { name: 'Talk to a person' }).click({ timeout: 30_000 });
    await page
      .getByText(/in the queue/)
      .first()
      .waitFor({ timeout: 30_000 });
    await agent.click('#view-offered');
    await agent.locator('[data-accept]').first().click();
    await agent.locator('#chat-title', { hasText: /^Visitor \d{4}$/ }).waitFor();

    // The customer picks a picture with Web Chat's own upload button and sends it.
    const send = page.getByRole('button', { name: 'Send' });
    await page.locator('input[type="file"]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PICTURE });
    await send.click();
    const file = agent.locator('.attachment', { hasText: 'receipt.png' });
    await file.waitFor({ timeout: 30_000 });
    await file.locator('[data-preview]').click();
    const preview = file.locator('img.attachment-preview');
    await preview.waitFor();
    await agent.waitForFunction((img) => (img as { naturalWidth?: number } | null)?.naturalWidth === 48, await preview.elementHandle());
    await file.getByText(`image/png · ${PICTURE.length} B`).waitFor();
    const conv = (await running.app.store.listConversations({ limit: 10 })).find((c) => c.channelId === 'webchat')!;
    const [stored] = await running.app.store.listAttachments(conv.id);
    expect(stored).toMatchObject({ name: 'receipt.png', contentType: 'image/png', size: PICTURE.length });

    // The agent sends a PDF back; the customer's Web Chat shows it as a file to download.
    await agent.locator('#attach-file').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByText('invoice.pdf').first().waitFor({ timeout: 30_000 });
    await agent.locator('.attachment', { hasText: 'invoice.pdf' }).waitFor();
    const link = await page.locator('a', { hasText: 'invoice.pdf' }).first().getAttribute('href');
    expect(link).toMatch(/\/attachments\/[\w-]+\?exp=\d+&sig=/);
    const downloaded = await page.evaluate(async (href) => {
      const r = await fetch(href!);
      return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
    }, link);
    expect(downloaded).toEqual({ status: 200, type: 'application/pdf', size: PDF.length });

    // An HTML page dressed as a picture: refused, and the customer is told why in their language.
    const before = (await running.app.store.listMessages(conv.id)).length;
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
    await send.click();
    await page
      .getByText(/cannot accept that kind of file/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await running.app.store.listAttachments(conv.id)).toHaveLength(2);
    expect(await running.app.store.listMessages(conv.id)).toHaveLength(before);
    await shot(page, 'webchat-attachments');
    await shot(agent, 'console-attachments');
    expect(customerProblems).toEqual([]);
    expect(agentProblems).toEqual([]);
    await page.context().close();
    await agent.context().close();
  });
});
