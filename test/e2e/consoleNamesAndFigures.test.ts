import type { Browser, Page } from 'playwright-core';
import type { Recognizer } from '../../nlu/recognizer';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch, signInConsole } from '../helpers/browser';
import { say as visitorSays, webChatSession } from '../helpers/directLineStream';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
const ASK = 'I want to talk to a human';

/** How often `needle` stands in `text`. */
const times = (text: string, needle: string) => text.split(needle).length - 1;

/**
 * What outside passes found on the console's pages: a tiny negative sentiment shown as "-0.00", a web chat visitor's
 * channel said twice ("Visitor 4821 · web chat · web chat"), and a customer who took a staff member's name before the
 * account existed shown with nothing to tell them apart.
 */
describeBrowser('the console shows each fact once, figures without a negative zero, and marks a namesake of staff', () => {
  let running: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    const real = await sharedRecognizer();
    // The customer's one message scores a hair below neutral: its figure and the chat's average round to zero.
    const recognizer: Recognizer = {
      languages: real.languages,
      recognize: async (text, hint) => {
        const r = await real.recognize(text, hint);
        return text === ASK ? { ...r, sentiment: -0.004 } : r;
      },
    };
    running = await startTestApp({}, { recognizer });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function page(email: string): Promise<Page> {
    const p = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await signInConsole(p, running.url, email, PASSWORD);
    return p;
  }

  test('a web chat visitor: "web chat" once in the inbox, the chat header and the transcript; sentiment −0.004 reads 0.00', async () => {
    const { auth, handoff } = running.app.services;
    const vic = await auth.createUser({ email: 'vic@test.local', name: 'Vic Agent', password: PASSWORD, role: 'agent', capacity: 3, languages: ['en'] });
    await auth.createUser({ email: 'sid@test.local', name: 'Sid Supervisor', password: PASSWORD, role: 'supervisor', capacity: 3 });
    const visitor = await webChatSession(running.url);
    expect(await visitorSays(running.url, visitor, ASK)).toBe(200);
    const conv = (await running.app.store.findConversationByChannel('webchat', visitor.conversationId))!;
    expect((await running.app.store.listMessages(conv.id)).find((m) => m.role === 'customer')?.sentiment).toBe(-0.004);
    await handoff.claim(vic.id, conv.id);

    const agent = await page('vic@test.local');
    const item = agent.locator(`#inbox-list[data-view="mine"] [data-conversation="${conv.id}"]`);
    await item.waitFor();
    expect(await item.locator('.item-title strong').textContent()).toMatch(/^Visitor \d{4}$/);
    expect(times((await item.textContent())!, 'web chat')).toBe(1);
    await item.locator('.item-open').click();
    const header = agent.locator('.chat-header .chat-title');
    await agent.locator('#chat-title', { hasText: /^Visitor \d{4}$/ }).waitFor();
    expect(times((await header.textContent())!, 'web chat')).toBe(1);
    const who = (await agent.locator('#messages .msg.customer .who').first().textContent())!;
    expect(who).toContain('sentiment 0.00');
    expect(who).not.toContain('-0.00');
    await agent.context().close();

    const lead = await page('sid@test.local');
    await lead.click('#tab-transcripts');
    const row = lead.locator(`#results tr[data-conversation="${conv.id}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toBe('web chat');
    expect(cells[2]).toMatch(/^Visitor \d{4}$/);
    expect(cells[6]).toBe('0.00');
    await row.click();
    const title = (await lead.locator('#t-title').textContent())!;
    expect(title).toMatch(/^Visitor \d{4} · web chat · /);
    expect(times(title, 'web chat')).toBe(1);
    const line = (await lead.locator('#t-messages .msg.customer .who').first().textContent())!;
    expect(line).toContain('sentiment 0.00');
    expect(await lead.locator('#transcript').textContent()).not.toContain('-0.00');
    await lead.context().close();
  });

  test('a customer who took a staff name before the account existed keeps it and is marked as such wherever agents see them', async () => {
    const { auth, handoff } = running.app.services;
    const say = (conv: string, name: string, text: string) =>
      post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}`, name }, text }));
    expect((await say('nina-1', 'Nina Nash', ASK)).status).toBe(200);
    expect((await say('olga-1', 'Olga Other', ASK)).status).toBe(200);
    // The staff account comes after: the customer keeps the name (a name is checked when it is given).
    await auth.createUser({ email: 'nina@test.local', name: 'Nina Nash', password: PASSWORD, role: 'supervisor', capacity: 3 });
    const pat = await auth.createUser({ email: 'pat@test.local', name: 'Pat Agent', password: PASSWORD, role: 'agent', capacity: 3, languages: ['en'] });
    const nina = (await running.app.store.findConversationByChannel('test', 'nina-1'))!;
    const olga = (await running.app.store.findConversationByChannel('test', 'olga-1'))!;
    expect((await running.app.store.getCustomer(nina.customerId))?.displayName).toBe('Nina Nash');
    await handoff.claim(pat.id, nina.id);
    await handoff.claim(pat.id, olga.id);

    const agent = await page('pat@test.local');
    const item = (id: string) => agent.locator(`#inbox-list[data-view="mine"] [data-conversation="${id}"]`);
    await item(nina.id).locator('.namesake', { hasText: 'same name as a staff member' }).waitFor();
    await item(olga.id).waitFor();
    expect(await item(olga.id).locator('.namesake').count()).toBe(0);
    await item(nina.id).locator('.item-open').click();
    await agent.locator('#chat-title', { hasText: /^Nina Nash$/ }).waitFor();
    await agent.locator('#chat-namesake', { hasText: 'same name as a staff member' }).waitFor();
    await agent.locator('#profile-namesake', { hasText: 'same name as a staff member' }).waitFor();
    expect(await agent.textContent('#profile-name')).toBe('Nina Nash');
    await item(olga.id).locator('.item-open').click();
    await agent.locator('#chat-title', { hasText: /^Olga Other$/ }).waitFor();
    await agent.locator('#profile-name', { hasText: 'Olga Other' }).waitFor();
    expect(await agent.locator('#chat-namesake, #profile-namesake').count()).toBe(0);
    await agent.context().close();

    const lead = await page('nina@test.local');
    await lead.click('#tab-transcripts');
    await lead.locator(`#results tr[data-conversation="${nina.id}"]`).click();
    await lead.locator('#t-namesake', { hasText: 'same name as a staff member' }).waitFor();
    await lead.context().close();
  });
});
