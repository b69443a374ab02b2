import type { DemoCommerceBackend } from '../../commerce/demoCommerceBackend';
import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester: at the one-time code question, "I didn't get any code" was asked for the code again, "can you
 * resend it?" ended the question as not understood, and one more unclear turn handed the chat to a person; there was
 * no way to get a new code. Through /api/messages with real activities: a new code may be asked for (within the
 * per-address limit, VERIFY_CODES_PER_HOUR), word that none came says where it went (masked) and offers a new one,
 * and leaving the question is never a message the bot failed to read.
 */
describe('asking about the one-time code', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  // The service's clock, moved two hours on for each test: codes are counted per address and hour of it, and each
  // test starts with the whole allowance (two demo customers only).
  let offset = 0;
  beforeAll(async () => {
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '3' }, { clock: () => Date.now() + offset });
  });
  beforeEach(() => {
    offset += 2 * 3_600_000;
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  const said = (turn: { replies: string[] }) => turn.replies.join(' ');
  const status = async (n: string) => {
    const backend = running.app.services.backend as DemoCommerceBackend;
    const r = await backend.getOrder({ customerId: 'test', verifiedEmails: ['ana@example.com', 'ben@example.com'], proofs: [] }, n);
    return r.ok ? r.value.status : r.reason;
  };
  const sentTo = (to: string) => outbox.sent().filter((m) => m.to === to).length;

  async function atCodeQuestion(chat: Chat, ask: string, email: string) {
    await chat.say(ask);
    expect(said(await chat.say(email))).toMatch(/sent a 6-digit code|código de 6 cifras/);
  }

  test('"it never arrived": where it went, masked, and a new one on "yes"; only the new code works', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'I need to cancel order 55555', 'ana@example.com');
    const first = outbox.lastCode('ana@example.com');
    const before = sentTo('ana@example.com');
    const where = await chat.say('the email with the code never arrived');
    expect(said(where)).toMatch(/I sent the 6-digit code to a•••@example\.com\. .*spam.* Shall I send a new code\?/);
    expect(said(where)).not.toMatch(/did not understand|without the code/);
    expect(sentTo('ana@example.com')).toBe(before);
    const resent = await chat.say('yes');
    expect(said(resent)).toMatch(/I have sent a new 6-digit code to a•••@example\.com/);
    expect(sentTo('ana@example.com')).toBe(before + 1);
    const second = outbox.lastCode('ana@example.com');
    if (second !== first) expect(said(await chat.say(first))).toMatch(/That code is not right/);
    expect(said(await chat.say(second))).toMatch(/Cancel order 55555 .*\?/);
    expect(said(await chat.say('no'))).toMatch(/did not cancel order 55555/);
    expect(await status('55555')).toBe('processing');
    expect((await chat.conversation()).state).toBe('bot');
  });

  test('"could you send me another one?" sends a new code at once; "no" to the offer keeps waiting for the code', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'I would like a refund for order 12345', 'ana@example.com');
    const before = sentTo('ana@example.com');
    expect(said(await chat.say('could you send me another one?'))).toMatch(/I have sent a new 6-digit code to a•••@example\.com/);
    expect(sentTo('ana@example.com')).toBe(before + 1);
    expect(said(await chat.say('which address did it go to?'))).toMatch(/I sent the 6-digit code to a•••@example\.com/);
    expect(said(await chat.say('no, not yet'))).toMatch(/Please type the 6-digit code I sent to a•••@example\.com/);
    expect(said(await chat.say('let me check my spam folder'))).toMatch(/Please type the 6-digit code I sent to a•••@example\.com/);
    expect(sentTo('ana@example.com')).toBe(before + 1);
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).not.toMatch(/not right|without the code|did not understand/);
  });

  test('past the per-address limit no code is sent, and the one sent before is still awaited and works', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'I would like to return order 67890', 'ben@example.com');
    await chat.say('resend the code please');
    await chat.say('one more code please');
    const last = outbox.lastCode('ben@example.com');
    const before = sentTo('ben@example.com');
    const refused = await chat.say('send it again');
    expect(said(refused)).toMatch(/cannot send another code to that address right now, but the one I sent to b•••@example\.com still works/);
    expect(sentTo('ben@example.com')).toBe(before);
    expect(said(await chat.say(last))).toMatch(/Open a return for order 67890/);
  });

  test('Spanish: "no me ha llegado nada" and "reenvíamelo"', async () => {
    const chat = new Chat(running, { locale: 'es-ES' });
    await atCodeQuestion(chat, 'quiero cancelar el pedido 55555', 'ana@example.com');
    const before = sentTo('ana@example.com');
    expect(said(await chat.say('no me ha llegado nada al correo'))).toMatch(/Envié el código de 6 cifras a a•••@example\.com.*¿Te envío un código nuevo\?/);
    expect(said(await chat.say('reenvíamelo, por favor'))).toMatch(/He enviado un código nuevo de 6 cifras a a•••@example\.com/);
    expect(sentTo('ana@example.com')).toBe(before + 1);
  });

  test('leaving the code question is said so and never counted as not understood', async () => {
    const chat = new Chat(running);
    await atCodeQuestion(chat, 'please cancel order 55555', 'ana@example.com');
    const turns = await chat.sayAll(['hmm', 'hmm hmm']);
    expect(said(turns[1])).toMatch(/without the code I have not changed order 55555/);
    for (const t of turns) expect(said(t)).not.toMatch(/did not understand/);
    // The not-understood counter was not moved by the question (two in a row hand the chat to a person): one unclear
    // message after it leaves the chat with the bot.
    expect(said(await chat.say('blorf'))).toMatch(/did not understand/);
    expect((await chat.conversation()).state).toBe('bot');
  });
});
