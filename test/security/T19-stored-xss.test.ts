/**
 * T19: stored XSS, in a real browser. Markup a customer writes (in a message and in their name) and markup an
 * agent writes must show as text in every view that displays it: the agent's chat and profile panel, the
 * supervisor's transcript, and the customer's web chat. Each payload would change the page title if it ran; the
 * title must stay, no dialog may open, our own views build no element from the payloads, and Web Chat (which
 * renders markdown) keeps no handler, script or script URL.
 */
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { startSecurityApp, until, type SecurityApp } from './helpers';

const PASSWORD = 'correct horse battery';
const PAYLOAD = `xylophone <img src=x onerror="document.title='pwned'"> <script>document.title='pwned'</script> <svg onload="document.title='pwned'"></svg> [click](javascript:document.title='pwned')`;
const NAME = `<img src=x onerror="document.title='pwned'">`;
/** Elements our own views must never build from text. */
const BUILT = 'img[src="x"], svg[onload], script:not([src]), a[href^="javascript:"]';
/** What must not exist anywhere, even where Web Chat renders markdown (it keeps a plain <img> to our own origin, which CSP confines). */
const ACTIVE = '[onerror], [onload], [onclick], script:not([src]), a[href^="javascript:"], iframe, object, embed';

describeBrowser('T19 stored XSS in every console and supervisor view and in web chat', () => {
  let s: SecurityApp;
  let channel: ChannelServer;
  let browser: Browser;
  const dialogs: string[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    s = await startSecurityApp();
    channel = await new ChannelServer().start();
    browser = await launch();
    await s.app.services.auth.createUser({ email: 'xss-agent@test.local', name: 'Agent', password: PASSWORD, role: 'agent', capacity: 3, languages: ['en'] });
    await s.app.services.auth.createUser({ email: 'xss-lead@test.local', name: 'Lead', password: PASSWORD, role: 'supervisor', capacity: 3 });
  });
  afterAll(async () => {
    sockets.forEach((x) => x.disconnect());
    await browser?.close();
    await s?.stop();
    await channel?.stop();
  });

  async function page(): Promise<Page> {
    const p = await (await browser.newContext()).newPage();
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return p;
  }
  async function signInConsole(email: string): Promise<Page> {
    const p = await page();
    await p.goto(`${s.url}/console`);
    await p.fill('#email', email);
    await p.fill('#password', PASSWORD);
    await p.click('#sign-in');
    await p.locator('#inbox').waitFor();
    return p;
  }
  async function untouched(p: Page, selector = BUILT): Promise<void> {
    expect(await p.title()).not.toBe('pwned');
    expect(await p.locator(selector).evaluateAll((els: { outerHTML: string }[]) => els.map((e) => e.outerHTML.slice(0, 200)))).toEqual([]);
    expect(dialogs).toEqual([]);
  }

  test('agent chat and profile, then the supervisor transcript: customer and agent markup is text', async () => {
    const customer = (text: string) =>
      post(
        s.url,
        messageActivity({ conversation: { id: 't19' }, from: { id: 't19-customer', name: NAME }, text, serviceUrl: channel.url, deliveryMode: undefined }),
      );
    const agent = await signInConsole('xss-agent@test.local');
    await customer('I want to talk to a human');
    // The only agent online: the chat is offered to them.
    await agent.click('#view-offered');
    await agent.locator('#inbox-list [data-conversation] .item-open').first().click();
    await agent.click('#accept');
    await agent.click('#view-mine');
    await agent.locator('#inbox-list[data-view="mine"] [data-conversation]').first().waitFor();
    await customer(PAYLOAD);
    await agent.getByText(PAYLOAD).waitFor();
    await agent.locator('#profile-name', { hasText: NAME }).waitFor();
    await agent.fill('#composer-text', `agent says ${PAYLOAD}`);
    await agent.click('#send');
    await channel.waitForText('t19', /agent says xylophone/);
    await agent.getByText(`agent says ${PAYLOAD}`).waitFor();
    await untouched(agent);

    const lead = await signInConsole('xss-lead@test.local');
    await lead.click('#tab-transcripts');
    await lead.fill('#f-q', 'xylophone');
    await lead.click('#search');
    await lead.locator('#results tbody tr').first().click();
    await lead.locator('#t-messages', { hasText: `agent says ${PAYLOAD}` }).waitFor();
    expect(await lead.locator('#t-messages').textContent()).toContain(PAYLOAD);
    await untouched(lead);
  });

  test("web chat: the customer's own markup and an agent's markup are sanitized markdown; nothing runs", async () => {
    const staff = await createStaff(s.app);
    const socket = await online(s.app, s.url, staff);
    sockets.push(socket);
    const chat = await page();
    await chat.goto(`${s.url}/chat`);
    const input = chat.locator('input[data-id="webchat-sendbox-input"], textarea[data-id="webchat-sendbox-input"], [aria-label*="Message input" i]').first();
    await input.waitFor();
    await input.fill('I want to talk to a human');
    await input.press('Enter');
    await input.fill(PAYLOAD);
    await input.press('Enter');
    let conversationId = '';
    await until(async () => {
      const c = (await s.app.store.listConversations({ states: ['queued'], limit: 50 })).find((x) => x.channelId === 'webchat');
      conversationId = c?.id ?? '';
      return !!c;
    });
    expect((await ask(socket, 'conversation:claim', { conversationId })).ok).toBe(true);
    expect((await ask(socket, 'message:send', { conversationId, text: `agent says ${PAYLOAD}`, clientMessageId: 'x1' })).ok).toBe(true);
    await chat
      .getByText(/agent says xylophone/)
      .first()
      .waitFor();
    // Web Chat renders markdown: sanitized, with no handler, script or script URL surviving; CSP keeps images to our origin.
    await untouched(chat, ACTIVE);
    expect(String((await chat.request.get(`${s.url}/chat`)).headers()['content-security-policy'])).toMatch(/img-src 'self' data: blob:/);
  });
});
