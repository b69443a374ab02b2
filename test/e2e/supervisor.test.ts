import fs from 'node:fs';
import type { Socket } from 'socket.io-client';
import type { Browser, Page } from 'playwright-core';
import type { Conversation } from '../../models/records';
import { artifact, describeBrowser, launch } from '../helpers/browser';
import { ChannelServer } from '../helpers/channelServer';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online } from '../helpers/consoleClient';
import { ratedHandoff } from '../helpers/journeys';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const PASSWORD = 'correct horse battery';

describeBrowser('supervisor pages in headless Chromium', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let browser: Browser;
  let agentSocket: Socket;
  let chat: Conversation;
  const problems: string[] = [];

  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
    browser = await launch();
    await running.app.services.auth.createUser({ email: 'sue@test.local', name: 'Sue Supervisor', password: PASSWORD, role: 'supervisor', capacity: 3 });
    const agent = await createStaff(running.app, { name: 'Alice Agent' });
    agentSocket = await online(running.app, running.url, agent);
    chat = await ratedHandoff(running, channel, agentSocket, {
      conv: 'sup-1',
      customerName: 'Karl Kettle',
      lines: ['my purple kettle is leaking', 'hello', 'zorbly wimwam flux'],
      agentReply: 'Sorry Karl, a new kettle is on its way.',
      rating: 4,
    });
    // The web chat arrives on two channel ids (webchat, directline): a supervisor sees one web chat.
    for (const channelId of ['webchat', 'directline', 'webchat'])
      await post(running.url, messageActivity({ channelId, conversation: { id: `sup-${channelId}-${Math.random()}` }, from: { id: `v-${Math.random()}` } }));
  });
  afterAll(async () => {
    agentSocket?.disconnect();
    await browser?.close();
    await running?.stop();
    await channel?.stop();
  });

  async function signIn(): Promise<Page> {
    const page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } })).newPage();
    // CSP violations and script errors show up here; the pages must have none.
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${running.url}/console`);
    await page.fill('#email', 'sue@test.local');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    return page;
  }

  test('a supervisor searches a phrase the customer wrote, opens the transcript with its reason and rating, exports it, and sees the dashboard drawn', async () => {
    const page = await signIn();
    await page.click('#tab-transcripts');
    await page.fill('#f-q', 'purple kettle');
    await page.click('#search');
    // The table names the filters it answers: wait for the phrase search's results, not the first load's.
    const row = page.locator(`#results[data-query*="q=purple"] tr[data-conversation="${chat.id}"]`);
    await row.waitFor();
    expect(await page.locator('#results tbody tr').count()).toBe(1);
    await row.click();
    await page.locator('#t-reason').waitFor();
    expect(await page.textContent('#t-reason')).toBe('asked for a person');
    expect(await page.textContent('#t-rating')).toMatch(/^4\/5/);
    expect(await page.locator('#t-messages').textContent()).toContain('my purple kettle is leaking');
    expect(await page.locator('#t-messages').textContent()).toContain('Sorry Karl, a new kettle is on its way.');
    await page.screenshot({ path: artifact('supervisor-transcript.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^conversation_id,channel,customer_id/);
    expect(csv).toContain('my purple kettle is leaking');
    expect(csv).not.toContain('zzz-not-in-this-chat');
    expect((await running.app.store.listAudit({ action: 'transcript.export' })).length).toBe(1);

    await page.click('#tab-dashboard');
    await page.locator('#review[data-charts="5"]').waitFor();
    // Counts painted pixels of every chart canvas (a string: the test project has no DOM types).
    const drawn = await page.evaluate<{ id: string; width: number; painted: number }[]>(`Array.from(document.querySelectorAll('#review canvas')).map((c) => {
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
      return { id: c.id, width: c.width, painted };
    })`);
    expect(drawn.map((d) => d.id)).toEqual(['chart-per-day', 'chart-reasons', 'chart-ratings', 'chart-intents', 'chart-sentiment']);
    for (const d of drawn) expect({ id: d.id, drawn: d.width > 0 && d.painted > 500 }).toEqual({ id: d.id, drawn: true });
    // Every axis says what it counts and in which unit, and ticks read as days, whole counts, stars and words.
    const axes = await page.evaluate<Record<string, Record<string, string>>>(
      `Object.fromEntries(Array.from(document.querySelectorAll('#review canvas')).map((c) => [c.id, { ...c.dataset }]))`,
    );
    const wholeCounts = (ticks: string) => ticks.split('|').every((t) => /^\d[\d,]*$/.test(t));
    expect(axes['chart-per-day']).toMatchObject({ xTitle: 'day', yTitle: 'conversations (count)' });
    expect(axes['chart-per-day'].xTicks).toMatch(/^[A-Z][a-z]{2} \d{1,2}/);
    expect(axes['chart-per-day'].xTicks).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(wholeCounts(axes['chart-per-day'].yTicks)).toBe(true);
    // One series per channel as people name it: "web chat" once, whichever channel id carried it.
    expect(axes['chart-per-day'].series.split('|').sort()).toEqual(['test', 'web chat']);
    expect(axes['chart-ratings']).toMatchObject({ xTitle: 'rating (stars, 1–5)', xTicks: '1 ★|2 ★|3 ★|4 ★|5 ★', yTitle: 'ratings given (count)' });
    expect(wholeCounts(axes['chart-ratings'].yTicks)).toBe(true);
    expect(axes['chart-intents']).toMatchObject({ xTitle: 'customer messages (count)', yTitle: 'intent' });
    expect(wholeCounts(axes['chart-intents'].xTicks)).toBe(true);
    expect(axes['chart-sentiment']).toMatchObject({ xTitle: 'day', yTitle: 'average sentiment (−1 to +1)' });
    expect(axes['chart-sentiment'].yTicks.split('|').sort()).toEqual(['+0.5', '+1 positive', '0 neutral', '−0.5', '−1 negative'].sort());
    expect(Number(await page.textContent('#k-total .value'))).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#k-rating .value')).toBe('4.00');
    // One rating is one, not "1 ratings" (wave 24).
    expect(await page.textContent('#k-rating .meta')).toBe('1 rating');
    await page.screenshot({ path: artifact('supervisor-dashboard.png'), fullPage: true });

    // The not-understood message, added to an intent with one click.
    const gibberish = page.locator('#unrecognized tr', { hasText: 'zorbly wimwam flux' });
    await gibberish.waitFor();
    await gibberish.locator('select[data-intent-for]').selectOption('none');
    await gibberish.locator('button[data-add]').click();
    await gibberish.getByText('added ✓').waitFor();
    expect(await running.app.store.listCorpusAdditions()).toEqual([expect.objectContaining({ text: 'zorbly wimwam flux', intent: 'none', language: 'en' })]);
    expect(problems).toEqual([]);
  });

  test('an open dashboard reads its figures again when the page comes back into view, for the range applied, not dates typed but not applied', async () => {
    const page = await signIn();
    await page.click('#tab-dashboard');
    await page.locator('#d-updated', { hasText: 'Updated at' }).waitFor();
    const before = Number(await page.textContent('#k-total .value'));
    // Typed, not applied: a refresh must not use it (it would count nothing).
    await page.fill('#d-from', '2099-01-01');
    await post(running.url, messageActivity({ conversation: { id: `sup-late-${Math.random()}` }, from: { id: `late-${Math.random()}` } }));
    await page.evaluate(`document.dispatchEvent(new Event('visibilitychange'))`);
    await page.locator('#k-total .value', { hasText: new RegExp(`^${before + 1}$`) }).waitFor();
    expect(await page.inputValue('#d-from')).toBe('2099-01-01');
    expect(problems).toEqual([]);
  });

  test('the Customer (name or id) filter finds the customer by part of the name, in any order, case or accents; another name finds nothing', async () => {
    const page = await signIn();
    await page.click('#tab-transcripts');
    for (const typed of ['karl', 'KETTLE karl', 'Kárl Ket']) {
      await page.fill('#f-customer', typed);
      await page.click('#search');
      // The table names the filters it answers: wait for this search's results.
      await page.locator(`#results[data-query*="customer=${encodeURIComponent(typed).replace(/%20/g, '+')}"] tr[data-conversation="${chat.id}"]`).waitFor();
      expect([typed, await page.locator('#results tbody tr').count()]).toEqual([typed, 1]);
    }
    await page.fill('#f-customer', 'nobody-called-this');
    await page.click('#search');
    await page.locator('#no-results').waitFor();
    expect(await page.locator('#results').count()).toBe(0);
    await page.context().close();
  });

  test("From and To mean the browser's local days, and the page names its time zone (review 21)", async () => {
    // A zone whose date differs from UTC's right now: UTC+14 from 10:00 UTC, UTC-11 before 11:00 UTC.
    const timezoneId = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
    const page = await (await browser.newContext({ timezoneId, viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(`${running.url}/console`);
    await page.fill('#email', 'sue@test.local');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#inbox').waitFor();
    await page.click('#tab-transcripts');
    expect(await page.textContent('#f-zone')).toContain(timezoneId);
    // The chat's local day in that zone (it was created moments ago), as the list shows it.
    const created = new Date(chat.createdAt);
    const localDay = await page.evaluate((iso) => {
      const d = new Date(iso);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, created.toISOString());
    expect(localDay).not.toBe(created.toISOString().slice(0, 10));
    await page.fill('#f-from', localDay);
    await page.fill('#f-to', localDay);
    await page.click('#search');
    await page.locator(`#results[data-query*="from="] tr[data-conversation="${chat.id}"]`).waitFor();
    await page.context().close();
  });
});
