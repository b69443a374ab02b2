import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * Found by an outside tester: a customer's answer went to the wrong question, or to none. The last question asked is
 * the one answered; a typo in a proof can be corrected; "it" right after an order was shown is that order.
 */
describe('answers go to the question the bot asked last', () => {
  const ctx = appWithChannel({}, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  test('queued with nobody online and asked for an e-mail to answer to, then for the e-mail on an order: the e-mail shows the order', async () => {
    const chat = new Chat(running, { channelId: 'webchat', serviceUrl: channel.url });
    expect((await chat.say('I want to talk to a human')).replies.join(' ')).toMatch(/What e-mail address should we answer to\?/);
    expect((await chat.say('where is my order 55555?')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    const turn = await chat.say('ana@example.com');
    expect(turn.replies.join(' ')).toMatch(/55555/);
    expect(turn.replies.join(' ')).not.toMatch(/could not find an order/);
    // And it was the address asked for, too.
    expect(turn.replies.join(' ')).toMatch(/we will answer to ana@example\.com/);
  });

  test('after a wrong e-mail the bot asks again, and the right one shows the order', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url });
    expect((await chat.say('where is my order 55555?')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    const wrong = await chat.say('anna@example.com');
    expect(wrong.replies.join(' ')).toMatch(/could not find an order 55555/);
    expect(wrong.replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    const right = await chat.say('ana@example.com');
    expect(right.replies.join(' ')).toMatch(/Order 55555/);
  });

  test('"can I return it?" right after an order was shown is about that order', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url });
    await chat.say('where is my order 67890?');
    expect((await chat.say('ben@example.com')).replies.join(' ')).toMatch(/Order 67890 was delivered/);
    const turn = await chat.say('can I return it?');
    expect(turn.replies.join(' ')).not.toMatch(/order number/i);
    expect(turn.replies.join(' ')).toMatch(/67890/);
  });

  test('which order number a customer writes does not change what the bot understands', async () => {
    const recognizer = await sharedRecognizer();
    for (const template of ['where is my order {n}?', 'track order {n}', 'cancel order {n}', 'refund for order #{n}']) {
      const seen = await Promise.all(
        ['12345', '55555', '67890', '31245', '9081726354'].map((n) => recognizer.recognize(template.replace('{n}', n), { language: 'en' })),
      );
      expect(new Set(seen.map((r) => `${r.intent} ${r.score.toFixed(6)}`)).size).toBe(1);
    }
  });
});
