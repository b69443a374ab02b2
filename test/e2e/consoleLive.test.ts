import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { SocialReplyTarget } from '../../bot/socialChannel';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { shot } from './screenshots';

const PASSWORD = 'correct horse battery';
const MENTIONS_KEY = 'listening-tool-key-0123456789';

/** Serious and critical axe-core findings (WCAG 2.1 A and AA) on the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** How far the document is wider than the viewport (0: no horizontal scrolling). */
async function horizontalOverflow(page: Page): Promise<number> {
  return await page.evaluate<number>('Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth');
}

describeBrowser('console live collaboration in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;
  const posted: { target: SocialReplyTarget; text: string }[] = [];

  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp(
      { OFFER_TIMEOUT_SECONDS: '600', MENTIONS_API_KEY: MENTIONS_KEY },
      {
        social: {
          reply: (target, text) => {
            posted.push({ target, text });
            return Promise.resolve();
          },
        },
      },
    );
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  const users = new Map<string, string>();
  async function signIn(email: string, name: string, role: 'agent' | 'supervisor' = 'agent', width = 1280): Promise<Page> {
    if (!users.has(email))
      users.set(email, (await running.app.services.auth.createUser({ email, name, password: PASSWORD, role, capacity: 3, languages: ['en'] })).id);
    const page = await (await browser.newContext({ viewport: { width, height: 760 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return page;
  }
  const idOf = (email: string) => users.get(email)!;
  const says = (conv: string, text: string, name = 'Cora Customer') =>
    post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}`, name }, text, serviceUrl: channel.url, deliveryMode: undefined }));
  /** A chat from the test channel held by `agentEmail`. */
  async function held(conv: string, agentEmail: string, name: string): Promise<string> {
    await says(conv, 'I want to talk to a human', name);
    await channel.waitForText(conv, /in the queue|No agent/);
    const c = (await running.app.store.findConversationByChannel('test', conv))!;
    await running.app.services.handoff.claim(idOf(agentEmail), c.id);
    return c.id;
  }
  const openFrom = async (page: Page, view: 'mine' | 'all', id: string) => {
    await page.click(`#view-${view}`);
    await page.locator(`#inbox-list [data-conversation="${id}"] .item-open`).click();
  };

  test('typing shows both ways: the customer typing in the web chat reaches the agent, the agent typing reaches the web chat', async () => {
    const wendy = await signIn('wendy@live.test', 'Wendy Agent');
    await wendy.selectOption('#presence', 'online');
    const chat = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await chat.goto(`${running.url}/chat`);
    const suggested = chat.getByRole('toolbar', { name: 'Suggested actions' });
    await suggested.getByRole('button', { name: 'Talk to a person' }).click({ timeout: 30_000 });
    await chat
      .getByText(/in the queue/)
      .first()
      .waitFor({ timeout: 30_000 });
    await wendy.click('#view-offered');
    await wendy.locator('[data-accept]').first().click();
    await wendy.locator('#chat-title', { hasText: /^Visitor \d{4}$/ }).waitFor();

    await chat.locator('[data-id="webchat-sendbox-input"], [aria-label*="Message input" i]').first().pressSequentially('my parcel', { delay: 60 });
    await wendy.locator('#typing', { hasText: 'The customer is typing…' }).waitFor();

    await wendy.locator('#composer-text').pressSequentially('Let me check', { delay: 60 });
    // Web Chat renders an incoming typing activity as its typing indicator.
    await chat.locator('[class*="typing-indicator"], [class*="typingIndicator"]').first().waitFor({ timeout: 15_000 });
    await shot(chat, 'webchat-agent-typing');
    await chat.context().close();
    await wendy.context().close();
  });

  test('collision signals appear for colleagues with the chat open and clear when they leave; a supervisor reassigns the chat and the former agent stops receiving it', async () => {
    const ann = await signIn('ann@live.test', 'Ann Agent');
    const bob = await signIn('bob@live.test', 'Bob Agent');
    const id = await held('live-collide', 'ann@live.test', 'Carl Collide');
    await openFrom(ann, 'mine', id);
    await ann.locator('#chat-title', { hasText: 'Carl Collide' }).waitFor();

    const sam = await signIn('sam@live.test', 'Sam Supervisor', 'supervisor');
    await openFrom(sam, 'all', id);
    await sam.locator('#chat-title', { hasText: 'Carl Collide' }).waitFor();
    await ann.locator('#collision', { hasText: 'Sam Supervisor viewing' }).waitFor();
    await sam.locator('#collision', { hasText: 'Ann Agent viewing' }).waitFor();

    // Sam writes a whisper; Ann sees who. Ann types a reply; Sam sees that too.
    await sam.locator('#composer-text').pressSequentially('Try the', { delay: 60 });
    await ann.locator('#collision', { hasText: 'Sam Supervisor is writing a note…' }).waitFor();
    await ann.locator('#composer-text').pressSequentially('Hello Carl', { delay: 60 });
    await sam.locator('#collision', { hasText: 'Ann Agent is typing…' }).waitFor();

    // The reassign menu lists agents with presence and load against capacity.
    await sam.click('#reassign-open');
    const option = sam.locator(`#reassign-target option[value="agent:${idOf('bob@live.test')}"]`);
    expect(await option.textContent()).toMatch(/^Bob Agent · (Online|Offline|Away) · \d+\/3/);
    expect(await sam.locator('#reassign-target option[value="skill:billing"]').count()).toBe(1);
    expect(await horizontalOverflow(sam)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(sam)).toEqual([]);
    await shot(sam, 'console-live-reassign');

    // Sam leaves (signs out): Ann's line clears.
    await sam.context().close();
    await ann.locator('#collision:empty').waitFor({ state: 'attached' });
    expect(await ann.locator('#collision').textContent()).toBe('');

    // Reassigned by another supervisor to Bob: Ann is told, the chat leaves her, Bob gets it.
    const sue = await signIn('sue@live.test', 'Sue Supervisor', 'supervisor');
    await openFrom(sue, 'all', id);
    await sue.click('#reassign-open');
    await sue.selectOption('#reassign-target', `agent:${idOf('bob@live.test')}`);
    await sue.click('#reassign');
    await ann.locator('#released-banner', { hasText: 'Reassigned by Sue Supervisor' }).waitFor();
    await bob.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"]`).waitFor();
    await channel.waitForText('live-collide', /Bob Agent from our team has joined the chat/);
    await says('live-collide', 'are you still there?', 'Carl Collide');
    await openFrom(bob, 'mine', id);
    await bob.locator('#messages .msg.customer', { hasText: 'are you still there?' }).waitFor();
    expect(await ann.locator('#messages .msg.customer', { hasText: 'are you still there?' }).count()).toBe(0);
    expect(await ann.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"]`).count()).toBe(0);
    for (const p of [ann, bob, sue]) await p.context().close();
  });

  test('a mention chat is answered from the console through the social port, never the Bot Framework connector', async () => {
    const mia = await signIn('mia@live.test', 'Mia Agent');
    await mia.selectOption('#presence', 'online');
    const res = await fetch(`${running.url}/api/mentions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': MENTIONS_KEY },
      body: JSON.stringify({ network: 'x', handle: '@AngryAl', text: 'Terrible service, my order never arrived. Worst shop ever!', reach: 400_000 }),
    });
    const { conversationId } = (await res.json()) as { conversationId: string };
    await running.app.services.handoff.claim(idOf('mia@live.test'), conversationId);
    await openFrom(mia, 'mine', conversationId);
    await mia.locator('#chat-title', { hasText: '@angryal' }).waitFor();
    const before = channel.received.length;
    await mia.fill('#composer-text', 'So sorry, Al! Please DM us your order number.');
    await mia.press('#composer-text', 'Enter');
    await mia.locator('#messages .msg.agent', { hasText: 'Please DM us your order number' }).waitFor();
    while (!posted.some((p) => p.text === 'So sorry, Al! Please DM us your order number.')) await new Promise((r) => setTimeout(r, 25));
    expect(posted.find((p) => p.text.startsWith('So sorry'))?.target).toMatchObject({ network: 'x', conversationId });
    expect(channel.received.length).toBe(before);
    expect(await mia.locator('[data-undelivered]').count()).toBe(0);
    await mia.context().close();
  });

  test('merge undo from the sidebar: supervisors see it and undo; agents do not; an erased side is refused with a sentence', async () => {
    const nora = await signIn('nora@live.test', 'Nora Agent');
    const id = await held('live-merge', 'nora@live.test', 'Mara Merge');
    const c = (await running.app.store.getConversation(id))!;
    const { identity } = running.app.services;
    const twin = await running.app.store.createCustomer({ displayName: 'Mara on X' });
    await identity.merge(twin.id, c.customerId, 'test', idOf('nora@live.test'));
    await openFrom(nora, 'mine', id);
    await nora.locator('#profile-name').waitFor();
    expect(await nora.locator('[data-undo-merge]').count()).toBe(0);

    const sue = await signIn('sue@live.test', 'Sue Supervisor', 'supervisor', 820);
    await openFrom(sue, 'all', id);
    await sue.click('#show-profile');
    const row = sue.locator('#merges .item', { hasText: 'Mara on X' });
    await row.waitFor();
    expect(await horizontalOverflow(sue)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(sue)).toEqual([]);
    await shot(sue, 'console-merge-undo');
    await row.locator('[data-undo-merge]').click();
    await row.locator('.meta', { hasText: 'undone' }).waitFor();

    const gone = await running.app.store.createCustomer({ displayName: 'Erin Erased' });
    await identity.merge(gone.id, c.customerId, 'test', idOf('nora@live.test'));
    await running.app.store.updateCustomer(gone.id, { erasedAt: new Date().toISOString() });
    await sue.reload();
    await openFrom(sue, 'all', id);
    await sue.click('#show-profile');
    const erased = sue.locator('#merges .item', { hasText: 'Merged with —' });
    await erased.locator('[data-undo-merge]').click();
    await sue.locator('#error', { hasText: 'One of these profiles was erased, so this merge cannot be undone.' }).waitFor();
    await nora.context().close();
    await sue.context().close();
  });

  test('the not-understood list shows real requests with their language; an addition is removed again', async () => {
    const store = running.app.store;
    const customer = await store.createCustomer({ displayName: 'Nils' });
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: 'nu-e2e',
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://localhost', conversation: { id: 'nu-e2e' } },
    });
    const say = (role: 'customer' | 'bot', text: string, language = 'en') =>
      store.appendMessage({ conversationId: conversation.id, role, kind: 'message', text, ...(role === 'customer' ? { intent: 'none', language } : {}) });
    await say('customer', 'do you sell gift wrapping paper');
    await say('bot', 'What is the email address of your account?');
    await say('customer', 'the usual one');
    await say('customer', '¿tenéis tienda en Sevilla?', 'es');

    const sue = await signIn('sue@live.test', 'Sue Supervisor', 'supervisor', 390);
    await sue.click('#tab-dashboard');
    const table = sue.locator('#unrecognized');
    await table.locator('tr', { hasText: 'do you sell gift wrapping paper' }).waitFor();
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('the usual one'))).toBe(false);
    const es = table.locator('tr', { hasText: '¿tenéis tienda en Sevilla?' });
    expect(await es.locator('td[data-language]').textContent()).toBe('es');
    await es.locator('[data-intent-for]').selectOption('none');
    await es.locator('[data-add]').click();
    const added = sue.locator('#additions [data-addition="¿tenéis tienda en Sevilla?"]');
    await added.waitFor();
    expect(await horizontalOverflow(sue)).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(sue)).toEqual([]);
    await shot(sue, 'console-not-understood', true);
    await added.locator('[data-remove]').click();
    await added.waitFor({ state: 'detached' });
    expect((await store.listCorpusAdditions()).some((a) => a.text === '¿tenéis tienda en Sevilla?')).toBe(false);
    await sue.context().close();
  });
});
