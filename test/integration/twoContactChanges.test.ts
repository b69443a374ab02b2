import { Chat, type Turn } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (black box, real Bot Framework activities through /api/messages): two contact changes in one message
 * ("my email is wrong, it should be ana.new@example.com, also change my phone to +34 600 123 456") asked and saved the
 * e-mail only; the phone never came back. The first is asked now, the second kept and taken up after it
 * (dialogs/laterRequests.ts), like any other pair of requests.
 */
const said = (turn: Turn) => turn.replies.join(' | ');

describe('two contact changes in one message', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  test.each([
    ['en-US', 'my email is wrong, it should be ana.new@example.com, also change my phone to +34 600 123 456', 'ana.new@example.com', '+34600123456'],
    // A number typed without its country code: read as one of the customer's country (en-GB).
    ['en-GB', 'change my email to x.y@example.com and my phone to 07700 900123', 'x.y@example.com', '+447700900123'],
  ])('%s %j: the e-mail asked and saved, then "Now your other request" and the phone asked and saved', async (locale, text, email, phone) => {
    const chat = new Chat(running, { locale });
    const first = await chat.say(text);
    expect(said(first)).toContain(`Save ${email}`);
    expect(said(first)).not.toContain(phone);
    // The e-mail saved unconfirmed, its code sent (M3); confirming it later leaves the code step.
    expect(said(await chat.say('yes'))).toContain(`Saved ${email}, not confirmed yet`);
    const next = await chat.say('later');
    expect(said(next)).toMatch(/Now your other request/);
    expect(said(next)).toContain(`Save ${phone}`);
    await chat.say('yes');
    expect((await chat.customer()).contacts.map((c) => c.value)).toEqual(expect.arrayContaining([email, phone]));
  });
});
