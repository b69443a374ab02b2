import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * Outside tester (wave 29): queued with nobody online and asked for an e-mail to answer to, "12345" got "Did you mean:
 * Track my order | Return an item | None of these", and the e-mail after it got both "Which one do you mean?" and
 * "Thanks, we will answer to …" in one turn. One coherent answer per message: the order number is noted for the team
 * (the e-mail still asked for), and the e-mail is the answer asked for, thanked, nothing else asked of it.
 */
const CLOSE = 'I have a problem with an item';

describe('the e-mail to answer to, while nobody is online', () => {
  // A message the model is unsure of (scripted: its real scores depend on the corpus), asked about with "Did you mean".
  const ctx = appWithChannel({}, async () => ({
    recognizer: new ScriptedRecognizer(await sharedRecognizer(), {
      [CLOSE]: {
        intent: 'order.track',
        score: 0.48,
        alternatives: [
          { intent: 'order.track', score: 0.48 },
          { intent: 'return.request', score: 0.42 },
        ],
      },
    }),
  }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));
  const said = (turn: { replies: string[] }) => turn.replies.join(' | ');

  test('an order number is noted for the team; the e-mail then is thanked and nothing else is asked', async () => {
    const chat = new Chat(running, { channelId: 'webchat', serviceUrl: channel.url });
    expect(said(await chat.say('i was charged twice for my order!!! this is ridiculous'))).toMatch(/What e-mail address should we answer to\?/);
    const order = await chat.say('12345');
    expect(said(order)).toMatch(/noted order 12345 for the team\. What e-mail address should we answer to\?/);
    expect(said(order)).not.toMatch(/Did you mean/);
    const email = await chat.say('ana@example.com');
    expect(said(email)).toMatch(/Thanks, we will answer to ana@example\.com\./);
    expect(said(email)).not.toMatch(/Which one do you mean|Did you mean/);
    expect((await chat.customer()).contacts.map((c) => c.value)).toContain('ana@example.com');
    // Both were answers to the bot's question: stored without an intent (dialogs/pendingAnswer.ts).
    const stored = (await running.app.store.listMessages((await chat.conversation()).id, { limit: 50 })).filter((m) => m.role === 'customer');
    expect(stored.slice(1).map((m) => [m.text, m.intent])).toEqual([
      ['12345', undefined],
      ['ana@example.com', undefined],
    ]);
  });

  test('an e-mail at a "Did you mean" asked after ours is our answer only: thanked, no "Which one do you mean?"', async () => {
    const chat = new Chat(running, { channelId: 'webchat', serviceUrl: channel.url });
    expect(said(await chat.say('I want to talk to a human'))).toMatch(/What e-mail address should we answer to\?/);
    expect(said(await chat.say(CLOSE))).toMatch(/Did you mean/);
    const email = await chat.say('ana@example.com');
    expect(said(email)).toMatch(/Thanks, we will answer to ana@example\.com\./);
    expect(said(email)).not.toMatch(/Which one do you mean|Did you mean|order number/);
  });
});
