import type { Browser, BrowserContext, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
const REPLY = 'Hola, siento lo del pedido; te ayudo ahora mismo y';

/**
 * An outside tester (wave 24) in headless Chromium: a reload emptied every draft (reply and internal note), and the
 * first key typed after clicking the "Internal note" tab was taken by the N shortcut ("note draft A" became "ote
 * draft A"). Drafts are kept in the browser per user and chat, come back after a reload, and are forgotten when sent,
 * when the chat is closed, and on sign-out (the next person at this browser sees nothing).
 */
describeBrowser('console drafts across a reload, in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
    channel = await new ChannelServer().start();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function signIn(context: BrowserContext, email: string, name: string): Promise<Page> {
    if (!(await running.app.store.getUserByEmail(email)))
      await running.app.services.auth.createUser({ email, name, password: PASSWORD, role: 'agent', capacity: 3, languages: ['en', 'es'] });
    const page = await context.newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return page;
  }
  const conversation = async (conv: string) => (await running.app.store.findConversationByChannel('test', conv))!;
  async function queued(conv: string, name: string): Promise<string> {
    await post(
      running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: `u-${conv}`, name },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    return (await conversation(conv)).id;
  }
  async function accept(page: Page, id: string): Promise<void> {
    await page.click('#view-offered');
    await page.locator(`#inbox-list [data-conversation="${id}"] .item-open`).click();
    await page.click('#accept');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"]`).waitFor();
  }
  async function openChat(page: Page, id: string): Promise<void> {
    await page.click('#view-mine');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"] .item-open`).click();
    await page.locator('#composer').waitFor();
  }
  const stored = (page: Page) =>
    page.evaluate<Record<string, string>>(`Object.fromEntries(Object.entries(localStorage).filter(([k]) => k.startsWith('console-drafts:')))`);

  test('reply and note drafts survive a reload, per chat; the note tab takes its first key; sent, closed and signed-out drafts are gone', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await signIn(context, 'agent1@test.local', 'Agent One');
    const first = await queued('drafts-1', 'Marta Pedido');
    await accept(page, first);
    const second = await queued('drafts-2', 'Luis Segundo');
    await accept(page, second);

    await openChat(page, first);
    await page.click('#composer-text');
    await page.keyboard.type(REPLY);
    // Clicked, then typed at once: every key goes to the note, the first one too.
    await page.click('#mode-note');
    await page.keyboard.type('note draft A');
    expect(await page.inputValue('#note-text')).toBe('note draft A');
    expect(await page.evaluate(`document.activeElement.id`)).toBe('note-text');
    await openChat(page, second);
    await page.click('#mode-reply');
    await page.keyboard.type('second chat reply');

    await page.reload();
    await page.locator('#inbox').waitFor();
    await openChat(page, first);
    // A chat whose only draft is a note opens on it; this one has both: the reply shows, the note is one click away.
    expect(await page.inputValue('#composer-text')).toBe(REPLY);
    await page.click('#mode-note');
    expect(await page.inputValue('#note-text')).toBe('note draft A');
    await openChat(page, second);
    expect(await page.inputValue('#composer-text')).toBe('second chat reply');
    expect(await page.inputValue('#note-text')).toBe('');
    await page.screenshot({ path: artifact('console-drafts-after-reload.png') });

    // Sent: the reply draft is forgotten, the note draft stays.
    await openChat(page, first);
    await page.click('#mode-reply');
    await page.press('#composer-text', 'Enter');
    await page.locator('#messages .msg.agent', { hasText: REPLY }).waitFor();
    await page.reload();
    await page.locator('#inbox').waitFor();
    await openChat(page, first);
    // Only the note is left: the chat opens on it.
    expect(await page.inputValue('#note-text')).toBe('note draft A');
    expect(await page.inputValue('#composer-text')).toBe('');

    // Closed: its drafts leave the browser; the other chat's stay.
    await page.click('#close');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${first}"]`).waitFor({ state: 'detached' });
    const kept = Object.values(await stored(page)).join('');
    expect(kept).not.toContain('note draft A');
    expect(kept).toContain('second chat reply');

    // Signed out: nothing of theirs is left, and the next person signing in at this browser sees no draft.
    await page.click('#sign-out');
    await page.locator('#sign-in').waitFor();
    expect(await stored(page)).toEqual({});
    await page.close();
    const next = await signIn(context, 'agent3@test.local', 'Agent Three');
    expect(await stored(next)).toEqual({});
    await context.close();
  });

  test('a shortcut letter typed in a text field is text; Option+N on a Mac keyboard (a dead key) types, it does not switch to the note', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await signIn(context, 'agent2@test.local', 'Agent Two');
    const id = await queued('drafts-3', 'Nora Nadal');
    await accept(page, id);
    await openChat(page, id);
    await page.click('#composer-text');
    await page.keyboard.type('n j k a r ?');
    expect(await page.inputValue('#composer-text')).toBe('n j k a r ?');
    expect(await page.locator('#composer').getAttribute('data-mode')).toBe('reply');
    const prevented = await page.evaluate<boolean>(`(() => {
      const e = new KeyboardEvent('keydown', { key: 'Dead', code: 'KeyN', altKey: true, bubbles: true, cancelable: true });
      document.getElementById('composer-text').dispatchEvent(e);
      return e.defaultPrevented;
    })()`);
    expect(prevented).toBe(false);
    expect(await page.locator('#composer').getAttribute('data-mode')).toBe('reply');
    await context.close();
  });
});
