/**
 * T08: a channel retries an activity while the first attempt is still in its turn (a slow recognizer). Whichever
 * finishes first, the message is stored once, answered once, and neither attempt is acknowledged before it is
 * stored.
 */
import type { Recognizer } from '../../nlu/recognizer';
import { messageActivity, post } from '../helpers/activities';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startSecurityApp } from './helpers';

test('T08 a retry arriving while the first attempt is still recognizing: one stored message, one reply', async () => {
  const inner = await sharedRecognizer();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const firstEntered = new Promise<void>((r) => (entered = r));
  let calls = 0;
  const slow: Recognizer = {
    languages: inner.languages,
    async recognize(text, hint) {
      if (text === 'where is my order 12345' && calls++ === 0) {
        entered();
        await gate;
      }
      return inner.recognize(text, hint);
    },
  };
  const s = await startSecurityApp({}, { recognizer: slow });
  try {
    const activity = messageActivity({ conversation: { id: 't08' }, text: 'where is my order 12345' });
    const first = post(s.url, activity);
    await firstEntered;
    const retry = await post(s.url, activity);
    // The retry may finish first: then the message it answered for must already be stored.
    const conv = (await s.app.store.findConversationByChannel('test', 't08'))!;
    if (retry.status === 200) expect(await s.app.store.findMessageByActivity(conv.id, activity.id as string)).not.toBeNull();
    release();
    const original = await first;
    expect([original.status, retry.status]).toEqual([200, 200]);
    const messages = await s.app.store.listMessages(conv.id);
    expect(messages.filter((m) => m.role === 'customer')).toHaveLength(1);
    expect(messages.filter((m) => m.role === 'bot')).toHaveLength(1);
    expect(original.replies.length + retry.replies.length).toBe(1);
  } finally {
    await s.stop();
  }
});
