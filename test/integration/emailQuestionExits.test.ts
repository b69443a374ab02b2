import { Chat, type Turn } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (black box, real Bot Framework activities): at "type the e-mail address order 12345 was placed
 * with", "what about 55555" and "show me my orders" were answered "That does not look like an e-mail address…", and
 * "I don't have the order number" got two replies. Another request is taken up; one reply per message.
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const NOT_EMAIL = /does not look like an e-mail address/;

describe('at the question for the e-mail on an order', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  async function atEmailQuestion(): Promise<Chat> {
    const chat = new Chat(running, { locale: 'en-US' });
    expect(said(await chat.say('where is my order 12345'))).toMatch(/e-mail address the order was placed with/);
    return chat;
  }

  test('"what about 55555" is taken up as a request about that order', async () => {
    const chat = await atEmailQuestion();
    const turn = await chat.say('what about 55555');
    expect(said(turn)).not.toMatch(NOT_EMAIL);
    // Asked about as a request of its own (a "Did you mean" names it in its options), never as an e-mail address.
    expect([...turn.replies, ...turn.buttons].join(' | ')).toMatch(/55555/);
  });

  test('"show me my orders" is no bad e-mail address', async () => {
    const chat = await atEmailQuestion();
    const turn = await chat.say('show me my orders');
    expect(turn.replies.length).toBeGreaterThan(0);
    expect(said(turn)).not.toMatch(NOT_EMAIL);
  });

  test('"I don\'t have the order number" gets one reply', async () => {
    const chat = await atEmailQuestion();
    const first = await chat.say("I don't have the order number");
    const turn = first.replies.some((r) => NOT_EMAIL.test(r)) ? await chat.say("I don't have the order number") : first;
    expect(turn.replies).toHaveLength(1);
    expect(said(turn)).not.toMatch(/did not understand/);
  });
});
