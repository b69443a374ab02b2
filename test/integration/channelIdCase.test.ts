import { randomUUID } from 'node:crypto';
import { messageActivity, post } from '../helpers/activities';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester: channel ids on /api/messages were taken as typed, so "WebChat" and "webchat" made two series on
 * the dashboard (and two conversations for one chat). Bot Framework channel ids are lower-case: stored so.
 */
describe('channel ids are case-normalised', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  test.each([
    ['WebChat', 'webchat'],
    ['DirectLine', 'directline'],
  ])('%s and %s are one channel: one conversation, stored lower-case', async (typed, plain) => {
    const conv = `case-${randomUUID()}`;
    const from = { id: `u-${conv}`, name: 'Cleo' };
    expect((await post(running.url, messageActivity({ channelId: typed, conversation: { id: conv }, from, text: 'hello' }))).status).toBe(200);
    expect((await post(running.url, messageActivity({ channelId: plain, conversation: { id: conv }, from, text: 'where is my order' }))).status).toBe(200);
    const stored = await running.app.store.findConversationByChannel(plain, conv);
    expect(stored?.channelId).toBe(plain);
    expect(await running.app.store.findConversationByChannel(typed, conv)).toBeNull();
    const messages = await running.app.store.listMessages(stored!.id);
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['hello', 'where is my order']);
  });
});
