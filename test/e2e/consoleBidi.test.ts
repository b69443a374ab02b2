import type { Browser, Page } from 'playwright-core';
import { messageActivity, post } from '../helpers/activities';
import { artifact, describeBrowser, launch, signInConsole } from '../helpers/browser';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';
/** A name from before names were cleaned: a right-to-left override shows "nimda adA" as "Ada admin". */
const OVERRIDE_NAME = '\u202Enimda adA';

/**
 * Where, from left to right, the first and last letters of `word` are drawn in the first text under `selector` that
 * holds it: a word drawn in reading order has its first letter on the left.
 */
async function drawnOrder(page: Page, selector: string, word: string): Promise<{ first: number; last: number } | null> {
  // A string: the test project has no DOM types.
  return page.evaluate<{ first: number; last: number } | null>(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const word = ${JSON.stringify(word)};
    if (!el) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(word);
      if (i < 0) continue;
      const left = (at) => {
        range.setStart(n, at);
        range.setEnd(n, at + 1);
        return range.getBoundingClientRect().left;
      };
      return { first: left(i), last: left(i + word.length - 1) };
    }
    return null;
  })()`);
}

describeBrowser('customer text cannot reorder the labels around it (bidi controls) in headless Chromium', () => {
  let running: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function signIn(email: string, name: string, role: 'agent' | 'supervisor'): Promise<Page> {
    await running.app.services.auth.createUser({ email, name, password: PASSWORD, role, capacity: 3, languages: ['en'] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signInConsole(page, running.url, email, PASSWORD);
    return page;
  }

  test("a name with a right-to-left override: '· Customer' still reads left to right after it, in the console and the transcript", async () => {
    const agent = await signIn('bea@test.local', 'Bea Agent', 'agent');
    const from = { id: 'u-rlo-1', name: 'Zed Zulu' };
    await post(running.url, messageActivity({ conversation: { id: 'rlo-1' }, from, text: 'hello' }));
    const c0 = (await running.app.store.findConversationByChannel('test', 'rlo-1'))!;
    // Stored as a name from before this release could be (names are now cleaned of bidi controls on the way in).
    await running.app.store.updateCustomer(c0.customerId, { displayName: OVERRIDE_NAME });
    await post(running.url, messageActivity({ conversation: { id: 'rlo-1' }, from, text: '\u202Eeno siht kcehc I want to talk to a human' }));
    const c = (await running.app.store.findConversationByChannel('test', 'rlo-1'))!;
    await agent.click('#view-offered');
    await agent.locator(`#inbox-list [data-conversation="${c.id}"] .item-open`).click();
    await agent.click('#accept');
    const who = `#messages .msg.customer .who`;
    await agent.locator(who).first().waitFor();
    await agent.screenshot({ path: artifact('console-bidi.png') });
    const label = await drawnOrder(agent, who, 'Customer');
    expect(label).not.toBeNull();
    expect(label!.first).toBeLessThan(label!.last);
    // The name stays where it is written: before the label, not after it.
    const name = await drawnOrder(agent, who, 'nimda');
    expect(name!.first).toBeLessThan(label!.first);
    await agent.context().close();

    const sup = await signIn('sid@test.local', 'Sid Supervisor', 'supervisor');
    await sup.click('#tab-transcripts');
    const row = sup.locator(`#results tr[data-conversation="${c.id}"]`);
    await row.waitFor();
    await row.click();
    const tWho = '#t-messages .msg.customer .who';
    await sup.locator(tWho).first().waitFor();
    const tLabel = await drawnOrder(sup, tWho, 'Customer');
    expect(tLabel!.first).toBeLessThan(tLabel!.last);
    // The time before the name is not moved after it either.
    const time = await drawnOrder(sup, tWho, ':');
    const tName = await drawnOrder(sup, tWho, 'nimda');
    expect(time!.first).toBeLessThan(tName!.first);
    await sup.context().close();
  });
});
