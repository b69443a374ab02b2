import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { parseCsv } from '../../core/csv';
import { visitorNumber } from '../../models/visitorLabel';
import { describeBrowser, launch } from '../helpers/browser';
import { Chat } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
const UNSURE = 'I have a problem with my order';
const FORMULA = '=HYPERLINK("http://evil.example","x")';

/**
 * Two supervisor findings: (1) a transcript shows the buttons a bot message offered and which one the customer
 * picked, on the page and in the CSV and JSON exports; (2) the Transcripts page's customer filter finds nameless web
 * visitors by the label the console shows ("Visitor 6290", "visitor 6290", "6290"), every visitor sharing it, told
 * apart in the table by their ids' first characters.
 */
describeBrowser('transcripts: offered choices and visitor labels, in headless Chromium', () => {
  let running: RunningApp;
  let browser: Browser;
  let token: string;
  const problems: string[] = [];
  const chat: { conversationId: string; customerId: string } = { conversationId: '', customerId: '' };
  const twin: { conversationId: string; customerId: string } = { conversationId: '', customerId: '' };
  let namedTwinConversation = '';
  let label = '';
  let customer: Chat;

  beforeAll(async () => {
    const close = [
      { intent: 'order.track', score: 0.48 },
      { intent: 'order.cancel', score: 0.42 },
      { intent: 'refund.request', score: 0.33 },
    ];
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), { [UNSURE]: { intent: 'order.track', score: 0.48, alternatives: close } });
    running = await startTestApp({}, { recognizer });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
    browser = await launch();
    await running.app.services.auth.createUser({ email: 'sue@test.local', name: 'Sue Supervisor', password: PASSWORD, role: 'supervisor', capacity: 3 });
    token = (await running.app.services.auth.signIn('sue@test.local', PASSWORD, 'test')).token;

    // A nameless customer through real Bot Framework activities: the bot is unsure and offers buttons; one is pressed.
    customer = new Chat(running);
    expect((await customer.say(UNSURE)).buttons).toEqual(['Track my order', 'Cancel an order', 'Request a refund', 'None of these']);
    await customer.say('Request a refund');
    chat.customerId = (await customer.customer()).id;
    chat.conversationId = (await customer.conversation()).id;
    const n = visitorNumber(chat.customerId);
    label = `Visitor ${n}`;

    // Two more customers whose ids give the same four digits: one nameless (the console shows the same label), one named.
    const store = running.app.store;
    const colliding: string[] = [];
    for (let i = 0; colliding.length < 2; i++) if (visitorNumber(`twin-${i}`) === n) colliding.push(`twin-${i}`);
    const seed = async (id: string, displayName: string) => {
      await store.createCustomer({ id, displayName });
      const { conversation } = await store.getOrCreateConversation({
        channelId: 'webchat',
        channelConversationId: `conv-${id}`,
        customerId: id,
        reference: { channelId: 'webchat', serviceUrl: 'http://localhost:9', conversation: { id: `conv-${id}` } },
      });
      await store.appendMessage({ conversationId: conversation.id, role: 'customer', text: 'hello there', activityId: `a-${id}` });
      return conversation.id;
    };
    Object.assign(twin, { customerId: colliding[0], conversationId: await seed(colliding[0], '') });
    namedTwinConversation = await seed(colliding[1], 'Nora Named');
    // A bot message whose button is a formula, and the customer's answer pressing it: the exports neutralize both.
    await store.appendMessage({
      conversationId: twin.conversationId,
      role: 'bot',
      text: 'Pick one',
      data: {
        suggestedActions: [
          { title: FORMULA, value: FORMULA },
          { title: 'No', value: 'No' },
        ],
      },
    });
    await store.appendMessage({ conversationId: twin.conversationId, role: 'customer', text: FORMULA, activityId: 'a-formula' });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function signIn(): Promise<Page> {
    const page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } })).newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${running.url}/console`);
    await page.fill('#email', 'sue@test.local');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    await page.click('#tab-transcripts');
    return page;
  }

  // A string: the test project has no DOM types.
  const rowsOf = (page: Page) =>
    page.evaluate<string[]>(`Array.from(document.querySelectorAll('#results tbody tr')).map((r) => r.getAttribute('data-conversation'))`);

  test('the customer filter finds every nameless visitor the label names, as shown, in lower case or by the number alone', async () => {
    const page = await signIn();
    const digits = label.split(' ')[1];
    for (const typed of [label, label.toLowerCase(), digits]) {
      await page.fill('#f-customer', typed);
      await page.click('#search');
      await page.locator(`#results[data-query="customer=${encodeURIComponent(typed).replace(/%20/g, '+')}"]`).waitFor();
      expect([typed, (await rowsOf(page)).sort()]).toEqual([typed, [chat.conversationId, twin.conversationId].sort()]);
    }
    // Not the customer with a name (the console shows the name, not the label).
    expect(await rowsOf(page)).not.toContain(namedTwinConversation);
    // Two visitors share the label: each row carries the first characters of its id, and the id in the tooltip.
    for (const who of [chat, twin]) {
      const cell = page.locator(`tr[data-conversation="${who.conversationId}"] td.customer`);
      expect(await cell.textContent()).toBe(`${label} · ${who.customerId.slice(0, 8)}`);
      expect(await cell.getAttribute('title')).toBe(who.customerId);
    }
    await page.context().close();
    expect(problems).toEqual([]);
  });

  test('a transcript shows the buttons a bot message offered and the one picked; the CSV and JSON exports carry them', async () => {
    const page = await signIn();
    await page.fill('#f-customer', label);
    await page.click('#search');
    const row = page.locator(`#results[data-query*="customer="] tr[data-conversation="${chat.conversationId}"]`);
    await row.waitFor();
    await row.click();
    const offered = page.locator('#t-messages .msg.bot ul.choices');
    await offered.first().waitFor();
    expect(await offered.count()).toBe(1);
    expect(await offered.getAttribute('aria-label')).toBe('Choices offered');
    expect(await offered.locator('li').allTextContents()).toEqual(['Track my order', 'Cancel an order', 'Request a refund ✓ picked', 'None of these']);
    expect(await offered.locator('li[data-picked="true"]').allTextContents()).toEqual(['Request a refund ✓ picked']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const rows = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    const [header, ...lines] = rows;
    expect(header.slice(-2)).toEqual(['choices', 'picked']);
    const col = (name: string) => header.indexOf(name);
    const asked = lines.filter((r) => r[col('conversation_id')] === chat.conversationId && r[col('choices')] !== '');
    expect(asked.map((r) => [r[col('role')], r[col('text')], r[col('choices')], r[col('picked')]])).toEqual([
      ['bot', 'I want to be sure I understood. Did you mean:', 'Track my order | Cancel an order | Request a refund | None of these', 'Request a refund'],
    ]);
    // The formula a button carried is neutralized in both cells, as every text cell is.
    const formula = lines.find((r) => r[col('conversation_id')] === twin.conversationId && r[col('choices')] !== '')!;
    expect([formula[col('choices')], formula[col('picked')]]).toEqual([`'${FORMULA} | No`, `'${FORMULA}`]);
    await page.context().close();

    const json = (await (
      await fetch(`${running.url}/api/transcripts/export?format=json&customer=${encodeURIComponent(label)}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { conversations: { id: string; messages: { role: string; choices?: { title: string; picked: boolean }[] }[] }[] };
    const exported = json.conversations.find((c) => c.id === chat.conversationId)!;
    expect(exported.messages.filter((m) => m.choices).map((m) => m.choices!.map((c) => `${c.title}${c.picked ? ' *' : ''}`))).toEqual([
      ['Track my order', 'Cancel an order', 'Request a refund *', 'None of these'],
    ]);
    expect(problems).toEqual([]);
  });

  test('the live chat shows them too: a supervisor opening the queued chat sees the buttons under the bot message, the pick marked', async () => {
    await customer.say('I want to talk to a person');
    expect((await customer.conversation()).state).toBe('queued');
    const page = await signIn();
    await page.click('#tab-chats');
    await page.click('#view-all');
    await page.locator(`#inbox-list [data-conversation="${chat.conversationId}"] .item-open`).click();
    const offered = page.locator('#messages .msg.bot ul.choices');
    await offered.first().waitFor();
    expect(await offered.first().locator('li').allTextContents()).toEqual(['Track my order', 'Cancel an order', 'Request a refund ✓ picked', 'None of these']);
    // The queue notice's own button, not pressed (yet).
    expect(await offered.last().locator('li').allTextContents()).toEqual(['Withdraw my request']);
    await page.context().close();
    expect(problems).toEqual([]);
  });
});
