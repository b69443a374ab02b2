import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester: "send me a new code" after the code question had closed (they had said "no" to it, or typed the
 * code after it expired) was misread. Through /api/messages with real activities: it starts the verification again
 * for the change still pending (same order, same dialog), within the per-address limit (VERIFY_CODES_PER_HOUR, a
 * rolling 60 minutes kept in the store); with nothing pending it says there is no code to resend and what can be done.
 */
describe('asking for a new code after the code question closed', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  // The service's clock: moved two hours on for each test (a fresh allowance per address), and on within a test to
  // let a code expire.
  let offset = 0;
  beforeAll(async () => {
    running = await startTestApp(
      { DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '3', VERIFY_CODE_SECONDS: '300' },
      { clock: () => Date.now() + offset },
    );
  });
  beforeEach(() => {
    offset += 2 * 3_600_000;
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  const said = (turn: { replies: string[] }) => turn.replies.join(' ');
  const sentTo = (to: string) => outbox.sent().filter((m) => m.to === to).length;

  async function atCodeQuestion(chat: Chat, ask: string, email: string) {
    await chat.say(ask);
    expect(said(await chat.say(email))).toMatch(/sent a 6-digit code|código de 6 cifras/);
  }

  test('said "no" to the code, then "send me a new code": a new code for the same order, and it goes on', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'I need to cancel order 55555', 'ana@example.com');
    expect(said(await chat.say('no'))).toMatch(/without the code I have not changed order 55555/);
    const before = sentTo('ana@example.com');
    const again = await chat.say('send me a new code');
    expect(said(again)).toMatch(/new 6-digit code to a•••@example\.com/);
    expect(said(again)).not.toMatch(/did not understand|Did you mean/);
    expect(sentTo('ana@example.com')).toBe(before + 1);
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(/Cancel order 55555 .*\?/);
    expect(said(await chat.say('no'))).toMatch(/did not cancel order 55555/);
  });

  test('the code expired: "I didn\'t get the code, send another" starts the verification again', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'I would like to cancel order 55555', 'ana@example.com');
    const old = outbox.lastCode('ana@example.com');
    offset += 301_000;
    expect(said(await chat.say(old))).toMatch(/That code has expired/);
    const before = sentTo('ana@example.com');
    const again = await chat.say("I didn't get the code, send another");
    expect(said(again)).toMatch(/new 6-digit code to a•••@example\.com/);
    expect(sentTo('ana@example.com')).toBe(before + 1);
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).not.toMatch(/not right|expired|did not understand/);
  });

  test('past the per-address limit nothing is sent, and the customer is told so', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'I want to return my order 67890', 'ben@example.com');
    await chat.say('resend the code please');
    await chat.say('one more code please');
    expect(said(await chat.say('no'))).toMatch(/without the code/);
    const before = sentTo('ben@example.com');
    expect(said(await chat.say('resend the code'))).toMatch(/cannot send another code to that address right now/);
    expect(sentTo('ben@example.com')).toBe(before);
  });

  test('nothing pending: no code to resend, said plainly with what can be done; nothing sent, nothing misread', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    const before = outbox.sent().length;
    const turn = await chat.say('resend the code');
    expect(said(turn)).toMatch(/no code waiting to be resent/i);
    expect(said(turn)).not.toMatch(/did not understand|Did you mean/);
    expect(turn.lastButtons.length).toBeGreaterThan(0);
    expect(outbox.sent().length).toBe(before);
  });

  test('Spanish, after leaving the question: "mándame otro código"', async () => {
    const chat = new Chat(running, { locale: 'es-ES' });
    await atCodeQuestion(chat, 'quiero cancelar el pedido 55555', 'ana@example.com');
    expect(said(await chat.say('no'))).toMatch(/sin el código no he cambiado el pedido 55555/);
    expect(said(await chat.say('mándame otro código'))).toMatch(/He enviado un código nuevo de 6 cifras a a•••@example\.com/);
  });
});
