/**
 * T25 (mailbox flooding through the bot): the one-time codes sent to one address are limited in any 60 minutes
 * (VERIFY_CODES_PER_HOUR). The attack: behind a load balancer, ask for codes on one instance, then another, each
 * counting only its own. The count lives in the store every instance shares (store.takeQuota): two codes on
 * instance A leave none for the same address on instance B, while another address still gets its code there.
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
    { DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '2', SESSION_SECRET: 'verify-codes-shared-test-secret-0123456789abcdef' },
    { shareStore: true },
  );

  /** A visitor on `app` asks to cancel `order` and names `email`: the bot's answer. */
  // Changes that are possible on these orders (order rules: 55555 is being prepared, 67890 was delivered), so each
  // reaches the code; an impossible change is refused before any code is asked for.
  async function askCode(app: typeof ctx.a, request: string, email: string): Promise<string> {
    const chat = new Chat(app, { channelId: 'webchat' });
    expect((await chat.say(request)).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    return (await chat.say(email)).replies.join(' ');
  }
  const sentTo = (to: string) => outbox.sent().filter((m) => m.to === to).length;

  test('two codes to an address on A, the third asked on B is refused and not sent; another address on B gets its code', async () => {
    expect(await askCode(ctx.a, 'please cancel order 55555', 'ana@example.com')).toMatch(/I have sent a 6-digit code/);
    expect(await askCode(ctx.a, 'I would like to cancel my order 55555', 'ana@example.com')).toMatch(/I have sent a 6-digit code/);
    expect(sentTo('ana@example.com')).toBe(2);
    expect(await askCode(ctx.b, 'please cancel order 55555', 'ana@example.com')).toMatch(/I cannot send another code to that address right now/);
    expect(sentTo('ana@example.com')).toBe(2);
    expect(await askCode(ctx.b, 'I want to return order 67890', 'ben@example.com')).toMatch(/I have sent a 6-digit code/);
    expect(sentTo('ben@example.com')).toBe(1);
  });
});
