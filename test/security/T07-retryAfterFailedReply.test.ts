/**
 * T07, a retry after a failed reply (found from outside): the channel refused the bot's reply, the turn answered
 * 500, and the channel's retry of the same activity got 200 and no reply at all — the message was already stored,
 * so the retry was taken for a duplicate. The customer's next message, "12345", was not even read as the order
 * number. Now the failed attempt leaves a mark, the retry answers (once), and the dialog goes on from there.
 */
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { startSecurityApp } from './helpers';

test('T07 the retry of an activity whose reply was refused is answered once, and the dialog goes on', async () => {
  const channel = await new ChannelServer().start();
  const s = await startSecurityApp();
  try {
    const activity = (id: string, text: string) =>
      messageActivity({ id, conversation: { id: 't07-refused' }, from: { id: 't07-refused-user' }, text, serviceUrl: channel.url, deliveryMode: undefined });
    channel.refuseWith = 403;
    const first = await post(s.url, activity('a1', 'where is my order?'));
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(channel.texts('t07-refused')).toEqual([]);

    // The channel is back and retries the same activity: the bot answers it now.
    channel.refuseWith = undefined;
    const retry = await post(s.url, activity('a1', 'where is my order?'));
    expect(retry.status).toBe(200);
    await channel.waitForText('t07-refused', /order number/i);
    // A third delivery of the same activity is a plain duplicate: stored once, answered once.
    expect((await post(s.url, activity('a1', 'where is my order?'))).status).toBe(200);
    const conv = (await s.app.store.findConversationByChannel('test', 't07-refused'))!;
    const messages = await s.app.store.listMessages(conv.id);
    expect(messages.filter((m) => m.role === 'customer')).toHaveLength(1);
    expect(channel.texts('t07-refused')).toHaveLength(1);

    // The dialog goes on: the next message is read as the order number the bot asked for.
    expect((await post(s.url, activity('a2', '12345'))).status).toBe(200);
    const answer = await channel.waitFor(
      (a) => a.conversationId === 't07-refused' && a.activity.type === 'message' && channel.texts('t07-refused').length >= 2,
    );
    expect(String(answer.activity.text)).not.toMatch(/did you mean/i);
    expect(channel.texts('t07-refused')[1]).toMatch(/12345|e-?mail/i);
  } finally {
    await s.stop();
    await channel.stop();
  }
});
