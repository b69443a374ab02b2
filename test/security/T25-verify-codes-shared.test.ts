/**
 * T25 (mailbox flooding through the bot, and locking a customer out of their codes): the one-time codes are limited
 * in any 60 minutes per conversation and address (VERIFY_CODES_PER_HOUR) and per address whichever chats ask
 * (VERIFY_ADDRESS_CODES_PER_HOUR). The attacks: behind a load balancer, ask for codes on one instance, then another,
 * each counting only its own; and, knowing a customer's e-mail and an order number, ask for their codes until none
 * are left, so the real customer is told to ask for a person. Both counts live in the store every instance shares
 * (store.takeQuota); a conversation's count is its own, so a stranger's chat uses up its own codes, not the
 * customer's, while the address's cap still stops a flood from many chats.
 */
import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { twoInstances } from './helpers';

jest.setTimeout(120_000);

const outbox = new CodeOutbox();
afterAll(() => outbox.remove());

describe('T25 codes per address are counted across instances', () => {
  // Instances of one deployment share the store and the secret (the address is counted under its keyed hash).
  const ctx = twoInstances(
    {
      DEMO_ACCOUNTS: 'true',
      VERIFY_OUTBOX_FILE: outbox.file,
      VERIFY_CODES_PER_HOUR: '2',
      VERIFY_ADDRESS_CODES_PER_HOUR: '4',
      SESSION_SECRET: 'verify-codes-shared-test-secret-0123456789abcdef',
    },
    { shareStore: true },
  );

  /** A visitor on `app` asks to cancel `order` and names `email` (in `chat`, or a new one): the bot's answer. */
  // Changes that are possible on these orders (order rules: 55555 is being prepared, 67890 was delivered), so each
  // reaches the code; an impossible change is refused before any code is asked for.
  async function askCode(app: typeof ctx.a, request: string, email: string, chat = new Chat(app, { channelId: 'webchat' })): Promise<string> {
    expect((await chat.say(request)).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    return (await chat.say(email)).replies.join(' ');
  }
  const sentTo = (to: string) => outbox.sent().filter((m) => m.to === to).length;
  const sentCode = /I have sent a (new )?6-digit code/;
  const refused = /I cannot send another code to that address right now/;

  test("one chat's codes are counted across instances; the address's cap too; another address gets its code", async () => {
    // One conversation, on A and then on B (the load balancer's choice): its two codes are its limit on both.
    const onA = new Chat(ctx.a, { channelId: 'webchat' });
    expect(await askCode(ctx.a, 'please cancel order 55555', 'ana@example.com', onA)).toMatch(sentCode);
    const onB = new Chat(ctx.b, { channelId: 'webchat', conversationId: onA.conversationId, userId: onA.userId });
    expect((await onB.say('send me another one')).replies.join(' ')).toMatch(sentCode);
    expect((await onA.say('send me another one')).replies.join(' ')).toMatch(/cannot send another code to that address right now, but the one I sent/);
    expect(sentTo('ana@example.com')).toBe(2);
    // Other chats: the address's cap of four, counted across instances.
    expect(await askCode(ctx.b, 'I would like to cancel my order 55555', 'ana@example.com')).toMatch(sentCode);
    expect(await askCode(ctx.a, 'please cancel order 55555', 'ana@example.com')).toMatch(sentCode);
    expect(await askCode(ctx.b, 'please cancel order 55555', 'ana@example.com')).toMatch(refused);
    expect(sentTo('ana@example.com')).toBe(4);
    expect(await askCode(ctx.b, 'I want to return order 67890', 'ben@example.com')).toMatch(sentCode);
    expect(sentTo('ben@example.com')).toBe(1);
  });

  test("a stranger who knows Ben's e-mail and order number asks for his codes until refused: Ben, in his own chat, still gets his", async () => {
    const before = sentTo('ben@example.com');
    const stranger = new Chat(ctx.a, { channelId: 'webchat' });
    expect(await askCode(ctx.a, 'I want to return order 67890', 'ben@example.com', stranger)).toMatch(sentCode);
    for (let i = 0; i < 4; i++) await stranger.say('send me another one');
    expect((await stranger.say('send me another one')).replies.join(' ')).toMatch(refused);
    expect(sentTo('ben@example.com')).toBe(before + 2);
    // Ben's own chat, on the other instance.
    expect(await askCode(ctx.b, 'I want to return order 67890', 'ben@example.com')).toMatch(sentCode);
    expect(sentTo('ben@example.com')).toBe(before + 3);
  });
});
