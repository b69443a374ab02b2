import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
/** The longest message the server takes here (MAX_MESSAGE_CHARS), small so the test types little. */
const MAX = 200;

/**
 * The console knows the server's longest message (settings:get): the composer counts down near it, and a reply
 * over it is refused before sending with a sentence that says by how much and what the limit is, in the console's
 * language, instead of "Something went wrong"; the draft stays to shorten.
 */
describeBrowser('the console composer in Chromium: the message limit shown before sending and said as a sentence', () => {
  let running: RunningApp;
  let browser: Browser;
  let channel: http.Server;
  let channelUrl = '';
  const delivered: string[] = [];

  beforeAll(async () => {
    running = await startTestApp({ MAX_MESSAGE_CHARS: String(MAX), OFFER_TIMEOUT_SECONDS: '300' });
    // The customer's channel (serviceUrl): takes every message and keeps its text.
    channel = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const a = JSON.parse(body || '{}') as { type?: string; text?: string };
        if (a.type === 'message') delivered.push(String(a.text ?? ''));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `ch-${delivered.length}` }));
      });
    });
    await new Promise<void>((r) => channel.listen(0, '127.0.0.1', r));
    channelUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    channel?.closeAllConnections();
    await new Promise<void>((r) => (channel ? channel.close(() => r()) : r()));
  });

  test('a counter near the limit; over it, the send is refused with the numbers, in English and Spanish, and the draft kept', async () => {
    await running.app.services.auth.createUser({
      email: 'lena@test.local',
      name: 'Lena Agent',
      password: PASSWORD,
      role: 'agent',
      capacity: 3,
      languages: ['en'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', 'lena@test.local');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    await post(
      running.url,
      messageActivity({
        conversation: { id: 'long-1' },
        from: { id: 'u-long-1', name: 'Lars Long' },
        text: 'I want to talk to a human',
        serviceUrl: channelUrl,
        deliveryMode: undefined,
      }),
    );
    const c = (await running.app.store.findConversationByChannel('test', 'long-1'))!;
    await page.click('#view-offered');
    await page.locator(`#inbox-list [data-conversation="${c.id}"] .item-open`).click();
    await page.click('#accept');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${c.id}"]`).waitFor();

    // Far from the limit: no counter. Near it: what is left.
    await page.fill('#composer-text', 'Hello');
    expect(await page.locator('#char-count').count()).toBe(0);
    await page.fill('#composer-text', 'a'.repeat(MAX - 10));
    await page.locator('#char-count', { hasText: '10 characters left' }).waitFor();

    // Over it: the counter says by how much, and sending is refused here with a sentence; nothing reaches the customer.
    const long = 'b'.repeat(MAX + 30);
    await page.fill('#composer-text', long);
    await page.locator('#char-count[data-over]', { hasText: '30 characters over the limit of 200' }).waitFor();
    await page.press('#composer-text', 'Enter');
    await page
      .locator('#error', { hasText: 'This message is 30 characters too long: messages can be up to 200 characters. Shorten it and send again.' })
      .waitFor();
    expect(await page.textContent('#error')).not.toContain('Something went wrong');
    expect(await page.inputValue('#composer-text')).toBe(long);
    expect(delivered).not.toContain(long);

    // In the console's language, the error line and the counter alike.
    await page.selectOption('select.language', 'es');
    await page
      .locator('#error', { hasText: 'Este mensaje tiene 30 caracteres de más: los mensajes pueden tener hasta 200 caracteres. Acórtalo y envíalo de nuevo.' })
      .waitFor();
    await page.locator('#char-count', { hasText: '30 caracteres por encima del límite de 200' }).waitFor();
    await page.selectOption('select.language', 'en');

    // A note over the limit is refused the same way.
    await page.click('#mode-note');
    await page.fill('#note-text', 'n'.repeat(MAX + 1));
    await page.press('#note-text', 'Enter');
    await page.locator('#error', { hasText: 'This message is 1 character too long: messages can be up to 200 characters.' }).waitFor();
    expect(await page.inputValue('#note-text')).toBe('n'.repeat(MAX + 1));

    // Shortened, the reply goes.
    await page.click('#mode-reply');
    await page.fill('#composer-text', long.slice(0, MAX));
    await page.press('#composer-text', 'Enter');
    await page.locator('#messages .msg.agent', { hasText: long.slice(0, MAX) }).waitFor();
    expect(delivered).toContain(long.slice(0, MAX));
    await page.context().close();
  });
});
