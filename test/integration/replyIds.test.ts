import { createHash } from 'node:crypto';
import { say } from '../helpers/activities';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * A bot reply is stored under `bot:<activity id>:<n>:<12 characters of the text's SHA-256, base64url>` (bot/replySending.ts),
 * so a channel's retry of a turn finds the replies its first attempt stored, also across a restart onto a newer build.
 */
describe('stored ids of bot replies', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test('each reply of a turn: the activity id, its place in the turn and the digest of its text', async () => {
    const id = 'reply-ids-activity-1';
    const r = await say(running.url, 'reply-ids-1', 'where is my order 12345', { id });
    expect(r.status).toBe(200);
    const conversation = (await running.app.store.findConversationByChannel('test', 'reply-ids-1'))!;
    const bot = (await running.app.store.listMessages(conversation.id)).filter((m) => m.role === 'bot');
    expect(bot.length).toBeGreaterThan(0);
    expect(bot.map((m) => m.activityId)).toEqual(
      bot.map(
        (m, i) =>
          `bot:${id}:${i + 1}:${createHash('sha256')
            .update(m.text ?? '')
            .digest('base64url')
            .slice(0, 12)}`,
      ),
    );
  });
});
