/**
 * T07, a dead local serviceUrl (found from outside, in development): the customer's message was stored, the reply
 * could not be sent (nothing listens there), and the channel got 500 INTERNAL, as if nothing were known; each retry
 * of the same activity stored the bot's reply and a failure mark again. Now the channel is told what happened:
 * 502 BOT_REPLY_UNDELIVERED with `stored: true` (its message is kept; the same activity again gets the reply), the
 * failed reply is recorded once in the transcript, and retries of the same activity store nothing twice.
 */
import { messageActivity, post } from '../helpers/activities';
import { startSecurityApp } from './helpers';

jest.setTimeout(120_000);

test('T07 a reply to a dead serviceUrl: 502 BOT_REPLY_UNDELIVERED, the message stored once, retries dedupe', async () => {
  const s = await startSecurityApp({ NODE_ENV: 'development', DEMO_ACCOUNTS: 'false' });
  try {
    // Nothing listens on port 9 (discard): the connector's send is refused.
    const activity = () =>
      messageActivity({
        id: 'dead-a1',
        conversation: { id: 't07-dead' },
        from: { id: 't07-dead-user' },
        text: 'where is my order?',
        serviceUrl: 'http://127.0.0.1:9',
        deliveryMode: undefined,
      });
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await post(s.url, activity());
      expect(r.status).toBe(502);
      expect(r.body).toMatchObject({ error: { code: 'BOT_REPLY_UNDELIVERED', details: { stored: true } } });
    }
    const conv = (await s.app.store.findConversationByChannel('test', 't07-dead'))!;
    const messages = await s.app.store.listMessages(conv.id);
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['where is my order?']);
    // The reply the bot meant to send, once, and the failure recorded once (agents read it in the transcript).
    expect(messages.filter((m) => m.role === 'bot').map((m) => m.text)).toEqual([expect.stringMatching(/order number/i)]);
    expect(messages.filter((m) => m.kind === 'event' && m.data?.type === 'turn_failed')).toHaveLength(1);
    // Logged as the channel's failure, with the reason.
    expect(s.logs.some((l) => JSON.stringify(l).includes('BOT_REPLY_UNDELIVERED') && JSON.stringify(l).includes('ECONNREFUSED'))).toBe(true);
  } finally {
    await s.stop();
  }
});
