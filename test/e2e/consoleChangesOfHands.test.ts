import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';

/** Records the console's desktop notifications, permission granted. Runs in the page before the console's script. */
const RECORD_NOTIFICATIONS = `
  window.__notifications = [];
  class RecordingNotification { constructor(title, o) { window.__notifications.push({ title, body: o && o.body }); } }
  RecordingNotification.permission = 'granted';
  RecordingNotification.requestPermission = () => Promise.resolve('granted');
  window.Notification = RecordingNotification;
`;

/**
 * An outside tester (wave 32), as agents and supervisors: what an agent's console shows and keeps when a chat
 * changes hands (a takeover, a reassignment, a return to the queue). The agent is a real console in headless
 * Chromium; supervisors are real Socket.IO clients.
 */
describeBrowser('console: chats changing hands, in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '600' });
    channel = await new ChannelServer().start();
    browser = await launch();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function agent(email: string, name: string): Promise<{ page: Page; id: string }> {
    const user = await running.app.services.auth.createUser({ email, name, password: PASSWORD, role: 'agent', capacity: 3, languages: ['en'] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await page.addInitScript(RECORD_NOTIFICATIONS);
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return { page, id: user.id };
  }
  async function supervisor(name: string): Promise<Staff & { socket: Socket }> {
    const staff = await createStaff(running.app, { role: 'supervisor', name });
    const socket = await online(running.app, running.url, staff);
    sockets.push(socket);
    return { ...staff, socket };
  }
  async function offline(page: Page, id: string): Promise<void> {
    await page.selectOption('#presence', 'offline');
    while ((await running.app.store.getUser(id))?.presence !== 'offline') await new Promise((r) => setTimeout(r, 20));
  }
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
    const found = (await running.app.store.findConversationByChannel('test', conv))!;
    while ((await running.app.store.getConversation(found.id))?.state !== 'queued') await new Promise((r) => setTimeout(r, 20));
    return found.id;
  }
  /** Accepts a queued chat from the console: under Offered when routing offered it to this agent, else Unassigned. */
  async function accept(page: Page, id: string): Promise<void> {
    const row = page.locator(`#inbox-list [data-conversation="${id}"]`);
    for (let i = 0; (await row.count()) === 0; i++) await page.click(i % 2 ? '#view-unassigned' : '#view-offered');
    await page.locator(`#inbox-list [data-conversation="${id}"] .item-open`).click();
    await page.click('#accept');
    await page.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"]`).waitFor();
    await page.locator('#composer-text').waitFor();
  }
  const storedDrafts = (page: Page) =>
    page.evaluate<string>(`Object.entries(localStorage).filter(([k]) => k.startsWith('console-drafts:')).map(([, v]) => v).join('')`);

  test('M6: a draft left when a supervisor took the chat over is not back in the reply box when the chat returns to the agent', async () => {
    const alex = await agent('alex@hands.test', 'Alex Agent');
    const sam = await supervisor('Sam Supervisor');
    const id = await queued('hands-m6', 'Zed Zimmer');
    await accept(alex.page, id);
    const old = 'I am checking order 67890 for you, one moment';
    await alex.page.click('#composer-text');
    await alex.page.keyboard.type(old);
    // Kept in the browser while the chat is his (a reload loses nothing).
    while (!(await storedDrafts(alex.page)).includes('67890')) await new Promise((r) => setTimeout(r, 25));

    expect((await request(sam.socket, 'conversation:takeover', { conversationId: id })).ok).toBe(true);
    await alex.page.locator('#released-banner', { hasText: 'Taken over by Sam Supervisor' }).waitFor();
    expect(await alex.page.inputValue('#kept-draft-text')).toBe(old);
    expect(await storedDrafts(alex.page)).not.toContain('67890');

    // Sam goes offline: the chat goes back to the queue, offered to Alex, who accepts it.
    expect((await request(sam.socket, 'presence:set', { presence: 'offline' })).ok).toBe(true);
    await accept(alex.page, id);
    expect(await alex.page.inputValue('#composer-text')).toBe('');
    expect(await alex.page.locator('#kept-draft').count()).toBe(0);
    await alex.page.click('#composer-text');
    await alex.page.keyboard.type('Hi Zed! I have your order in front of me.');
    await alex.page.keyboard.press('Enter');
    await channel.waitForText('hands-m6', /Hi Zed! I have your order/);
    expect(channel.texts('hands-m6').filter((t) => t.includes('Hi Zed!'))).toEqual(['Hi Zed! I have your order in front of me.']);
    // Nor after a reload.
    await alex.page.reload();
    await alex.page.locator('#inbox').waitFor();
    await alex.page.click('#view-mine');
    await alex.page.locator(`#inbox-list [data-conversation="${id}"] .item-open`).click();
    expect(await alex.page.inputValue('#composer-text')).toBe('');
    expect(await storedDrafts(alex.page)).not.toContain('67890');
    await offline(alex.page, alex.id);
    await alex.page.context().close();
  });

  test('M1: a chat a supervisor reassigned to the agent says "Reassigned to you by" the supervisor, not "Transferred to you by" its former agent', async () => {
    const alex = await agent('alex-m1@hands.test', 'Alex Mone');
    const sam = await supervisor('Sam Supervisor');
    const held = await heldChat(running, channel, 'hands-m1');
    sockets.push(held.socket);
    const id = held.conversation.id;
    expect((await request(sam.socket, 'conversation:reassign', { conversationId: id, toAgentId: alex.id })).ok).toBe(true);
    const row = alex.page.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"]`);
    await row.locator('.tag', { hasText: 'Reassigned to you by Sam Supervisor' }).waitFor();
    expect(await row.textContent()).not.toContain('Transferred');
    await row.locator('.item-open').click();
    await alex.page.locator('#transfer-banner', { hasText: 'Reassigned to you by Sam Supervisor' }).waitFor();
    while (!(await alex.page.evaluate<{ title: string }[]>('window.__notifications')).some((n) => n.title === 'Reassigned to you by Sam Supervisor'))
      await new Promise((r) => setTimeout(r, 25));
    // A colleague's transfer still names the colleague.
    const other = await heldChat(running, channel, 'hands-m1b');
    sockets.push(other.socket);
    expect((await request(other.socket, 'conversation:transfer', { conversationId: other.conversation.id, toAgentId: alex.id })).ok).toBe(true);
    const name = (await running.app.store.getUser(other.agent.id))!.name;
    await alex.page.locator(`#inbox-list [data-conversation="${other.conversation.id}"] .tag`, { hasText: `Transferred to you by ${name}` }).waitFor();
    await offline(alex.page, alex.id);
    await alex.page.context().close();
  });

  test('M7: an agent who loses a chat they do not have open to a reassignment or a takeover reads a notice naming who and to whom', async () => {
    const alex = await agent('alex-m7@hands.test', 'Alex Mseven');
    const sam = await supervisor('Sam Lead');
    const mallory = await queued('hands-m7a', 'Mallory Mint');
    await accept(alex.page, mallory);
    const other = await queued('hands-m7b', 'Otto Open');
    await accept(alex.page, other);
    const third = await queued('hands-m7c', 'Tina Third');
    await accept(alex.page, third);
    // Otto's chat is the open one; Mallory's and Tina's are only rows under Mine.
    await alex.page.locator(`#inbox-list [data-conversation="${other}"] .item-open`).click();
    await alex.page.locator('#chat-title', { hasText: 'Otto Open' }).waitFor();
    const bea = await createStaff(running.app, { name: 'Bea Colleague' });
    sockets.push(await online(running.app, running.url, bea));

    expect((await request(sam.socket, 'conversation:reassign', { conversationId: mallory, toAgentId: bea.id })).ok).toBe(true);
    await alex.page.locator(`#inbox-list[data-view="mine"] [data-conversation="${mallory}"]`).waitFor({ state: 'detached' });
    await alex.page.locator(`#queue-notices [data-conversation="${mallory}"]`, { hasText: 'Mallory Mint: reassigned to Bea Colleague by Sam Lead' }).waitFor();

    expect((await request(sam.socket, 'conversation:takeover', { conversationId: third })).ok).toBe(true);
    await alex.page.locator(`#queue-notices [data-conversation="${third}"]`, { hasText: 'Tina Third: taken over by Sam Lead' }).waitFor();
    // The open chat is untouched.
    expect(await alex.page.locator('#chat-title').textContent()).toContain('Otto Open');
    await offline(alex.page, alex.id);
    await alex.page.context().close();
  });

  test('LOW: an agent who goes offline reads that her chat went back to the queue because she did, and the timeline says why in words, not reason codes', async () => {
    const olga = await agent('olga@hands.test', 'Olga Offline');
    const id = await queued('hands-off', 'Pia Patient');
    await accept(olga.page, id);
    await offline(olga.page, olga.id);
    await olga.page.locator('#released-banner', { hasText: 'This chat went back to the queue because you went offline.' }).waitFor();
    expect(await olga.page.locator('#released-banner').textContent()).not.toContain('transferred');
    // Back online, she opens the queued chat again: the change reads in words.
    await olga.page.selectOption('#presence', 'online');
    await olga.page.locator('#messages .msg.event', { hasText: 'with an agent → waiting (the agent went offline)' }).waitFor();
    expect(await olga.page.locator('#messages').textContent()).not.toMatch(/reason_/);
    await offline(olga.page, olga.id);
    await olga.page.context().close();
  });
});
