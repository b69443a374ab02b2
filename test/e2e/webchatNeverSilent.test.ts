import type { Browser, Page } from 'playwright-core';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Must hold, through the web chat in the browser: after a request for a person that nobody can take now, five
 * different follow-ups each get a reply reminding the customer that the request stands; the bot asks for an e-mail
 * (web chat cannot reach the customer later) and takes it; the "Withdraw my request" button works.
 */
const FOLLOW_UPS = ['where is my order 12345?', 'hello?', 'how long does shipping take', 'is anyone there?', 'asdf qwer zxcv'];
const STANDS = 'Your request for a person stands';

describeBrowser('web chat: never silent while waiting for a person', () => {
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

  // Runs in the page (this project's TypeScript has no DOM types, and the page's CSP forbids evaluating strings).
  const until = (page: Page, text: string, n: number) =>
    page.waitForFunction(
      ([t, k]) => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.split(t).length - 1 >= k,
      [text, n] as [string, number],
      { timeout: 30_000 },
    );

  test('five follow-ups after an unanswered request for a person each get a reply; e-mail taken; withdraw button', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${running.url}/chat`);
    const input = page.locator('input[data-id="webchat-sendbox-input"], textarea[data-id="webchat-sendbox-input"], [aria-label*="Message input" i]').first();
    await input.waitFor({ timeout: 30_000 });
    const send = async (text: string) => {
      await input.fill(text);
      await input.press('Enter');
    };

    await send('I want to talk to a human');
    await page
      .getByText(/No agent is online right now/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .getByText(/What e-mail address should we answer to\?/)
      .first()
      .waitFor();
    const reminders = async () => {
      const conv = (await running.app.store.listConversations({ limit: 50 })).find((c) => c.channelId === 'webchat')!;
      return (await running.app.store.listMessages(conv.id)).filter((m) => m.role === 'bot' && m.text.startsWith(STANDS)).length;
    };
    for (let i = 0; i < FOLLOW_UPS.length; i++) {
      await send(FOLLOW_UPS[i]);
      // Each follow-up's reply is stored before it is shown; wait for it there, then on the page.
      await page.waitForTimeout(0);
      for (let tries = 0; (await reminders()) < i + 1 && tries < 300; tries++) await page.waitForTimeout(100);
      expect({ followUp: FOLLOW_UPS[i], reminders: await reminders() }).toEqual({ followUp: FOLLOW_UPS[i], reminders: i + 1 });
      // Web Chat also keeps a screen-reader copy of each message, so the page shows the text at least once per reply.
      await until(page, STANDS, i + 1);
    }
    await send('carla@example.com');
    // (Web Chat wraps the address in a link between zero-width spaces.)
    await page
      .getByText(/Thanks, we will answer to/)
      .first()
      .waitFor();
    await page.screenshot({ path: artifact('webchat-never-silent.png') });

    // The suggested action under the last reminder withdraws the request.
    await page.getByRole('button', { name: 'Withdraw my request' }).last().click();
    await page
      .getByText(/I withdrew your request for a person/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);

    const conv = (await running.app.store.listConversations({ limit: 50 })).find((c) => c.channelId === 'webchat')!;
    expect(conv.state).toBe('bot');
    const stored = (await running.app.store.listMessages(conv.id)).filter((m) => m.kind === 'message');
    // Every customer message was followed by at least one bot message.
    stored.forEach((m, i) => {
      if (m.role === 'customer') expect({ text: m.text, next: stored[i + 1]?.role }).toEqual({ text: m.text, next: 'bot' });
    });
    const customer = await running.app.services.profiles.get(conv.customerId);
    expect(customer.contacts).toEqual([expect.objectContaining({ type: 'email', value: 'carla@example.com', verified: false })]);
  });
});
