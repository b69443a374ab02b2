import type { Browser, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';

/**
 * An outside tester saw "Taken over by Sam Supervisor" on a chat agent1 had taken back from the queue and closed
 * themselves: the banner told an old release. It follows the chat's current assignment.
 */
describeBrowser('the released banner follows the current assignment', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '600' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function signIn(email: string, name: string, role: 'agent' | 'supervisor'): Promise<{ page: Page; id: string }> {
    const id = (await running.app.services.auth.createUser({ email, name, password: PASSWORD, role, capacity: 3, languages: ['en'], skills: ['billing'] })).id;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return { page, id };
  }

  test('taken over, back to the queue, taken again by the agent and closed by them: no "Taken over" banner', async () => {
    const ann = await signIn('ann@banner.test', 'Ann Agent', 'agent');
    const sam = await signIn('sam@banner.test', 'Sam Supervisor', 'supervisor');
    const conv = 'banner-1';
    await post(
      running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: 'u-banner', name: 'Bea Banner' },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    await channel.waitForText(conv, /in the queue|No agent/);
    const id = (await running.app.store.findConversationByChannel('test', conv))!.id;
    const h = running.app.services.handoff;
    await h.claim(ann.id, id);
    await ann.page.click('#view-mine');
    await ann.page.locator(`#inbox-list [data-conversation="${id}"] .item-open`).click();
    await ann.page.locator('#chat-title', { hasText: 'Bea Banner' }).waitFor();

    await h.takeover(sam.id, id);
    await ann.page.locator('#released-banner', { hasText: 'Taken over by Sam Supervisor' }).waitFor();
    // Sam hands it back to the queue; Ann takes it again and closes it from her console.
    await h.transfer(sam.id, id, { skill: 'billing' });
    await h.claim(ann.id, id);
    await ann.page.locator('#close').waitFor();
    await ann.page.click('#close');
    await ann.page.locator('#released-banner', { hasText: 'This chat is closed.' }).waitFor();
    expect(await ann.page.locator('.banners').textContent()).not.toMatch(/Taken over/);
    expect((await running.app.store.getConversation(id))?.state).toBe('closed');
  });
});
