import { t } from '../../locale/replies';
import { UNRECOGNIZED_INTENT } from '../../models/records';
import { UNRECOGNIZED_TOP } from '../../store/storeTypes';
import { createStaff } from '../helpers/consoleClient';
import { storedConversation } from '../helpers/storedConversation';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (wave 26): the supervisors' "not understood" list took the store's top 20 and then dropped the
 * lines that were no request of the customer's own (answers to the bot's questions, questions an article answered),
 * so it could show fewer than 20 while more existed. The store now leaves those out before it takes the top. Real
 * HTTP; the transcripts written to the store as the bot would have.
 */
describe('the not-understood list has its full length', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test("three frequent answers to the bot's question are left out, and the list still has 20 real requests", async () => {
    const store = running.app.store;
    const c = await storedConversation(store, {});
    const say = (role: 'customer' | 'bot', text: string) =>
      store.appendMessage({ conversationId: c.id, role, kind: 'message', text, ...(role === 'customer' ? { intent: UNRECOGNIZED_INTENT } : {}) });
    // Each answer three times, each time right after "Please type your new email address or phone number.": the
    // most frequent lines, and none a request.
    const answers = ['purple answer one', 'purple answer two', 'purple answer three'];
    for (let n = 0; n < 3; n++)
      for (const a of answers) {
        await say('bot', t('en', 'askNewContact'));
        await say('customer', a);
      }
    const real = Array.from({ length: UNRECOGNIZED_TOP + 1 }, (_, i) => `zorbly request ${String(i).padStart(2, '0')}`);
    for (const r of real) await say('customer', r);

    const { token } = await createStaff(running.app, { role: 'supervisor' });
    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${running.url}/api/stats?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const stats = (await res.json()) as { unrecognized: { text: string; count: number }[]; intents: { intent: string; count: number }[] };
    expect(stats.unrecognized.map((u) => u.text)).toEqual(real.slice(0, UNRECOGNIZED_TOP));
    // The "none" bar counts the real requests only, as before.
    expect(stats.intents.find((i) => i.intent === UNRECOGNIZED_INTENT)?.count).toBe(real.length);
  });
});
