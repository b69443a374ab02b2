import { say } from '../helpers/activities';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Table-driven transcripts: each row is a conversation of "user says" → "bot replies (pattern)" steps,
 * run through the real endpoint, so dialogs, recognizer, store and state are all real.
 */
type Step = [user: string, reply: RegExp];
const TRANSCRIPTS: Record<string, { steps: Step[]; locale?: string }> = {
  'track order, number given': { steps: [['where is my order 12345', /12345 has shipped with DHL/]] },
  'track order, number asked': { steps: [['track my package', /order number/], ['it is 55555', /55555 is being prepared/]] },
  'track order, bad number then gives up': { steps: [['where is my order', /order number/], ['no idea', /does not look like an order number/], ['still no', /does not look like/], ['nope', /did not understand/]] },
  'track order, unknown number': { steps: [['where is my order 99999', /could not find order 99999/]] },
  'cancel order, confirmed': { steps: [['cancel my order 55555', /cancel order 55555\?/], ['yes', /55555 is cancelled/]] },
  'cancel order, declined': { steps: [['I want to cancel order 55555', /cancel order 55555\?/], ['no', /did not cancel/]] },
  'cancel order, already shipped': { steps: [['cancel my order 12345', /cancel order 12345/], ['yes', /already shipped/]] },
  'cancel order, unknown': { steps: [['cancel order 11111', /could not find order 11111/]] },
  'refund request': { steps: [['I want a refund for order 67890', /why/], ['it arrived broken', /Refund R-[A-Z0-9]+ of 59 EUR for order 67890 is requested/]] },
  'refund status after request': { steps: [['I want a refund for order 12345', /why/], ['too small', /requested/], ['where is my refund for 12345', /Refund R-[A-Z0-9]+ for order 12345 is requested/]] },
  'refund status, none': { steps: [['status of my refund 55555', /no refund for order 55555/]] },
  'return': { steps: [['I want to return an item', /order number/], ['67890', /Return RT-[A-Z0-9]+ is open.*label/]] },
  'password reset asks for email': { steps: [['I forgot my password', /email address/], ['not an email', /valid email/], ['me@example.com', /reset link to me@example\.com/]] },
  'password reset with email in text': { steps: [['reset my password, my email is ana@example.com', /reset link to ana@example\.com/]] },
  'feedback with comment': { steps: [['I want to leave feedback', /1 \(bad\) to 5/], ['4', /add/], ['friendly bot', /Thank you for your feedback/]] },
  'feedback, bad rating': { steps: [['leave a review', /1 \(bad\) to 5/], ['great', /number from 1 to 5/], ['5', /add/], ['no', /Thank you/]] },
  'a prompt answer is not taken as a new request': { steps: [['change my email', /new email address or phone/], ['this is unacceptable@example.com', /Saved unacceptable@example\.com/]] },
  'asking for a person interrupts a dialog': { steps: [['track my package', /order number/], ['I want to talk to a human', /No agent is online|queue/]] },
  'contact change': { steps: [['change my email', /new email address or phone/], ['new.me@example.com', /Saved new\.me@example\.com/]] },
  'FAQ: delivery options': { steps: [['how long does shipping take', /3-5 working days/]] },
  'FAQ: payment methods': { steps: [['can I pay with paypal', /PayPal/]] },
  'FAQ: refund policy': { steps: [['what is your refund policy', /30 days/]] },
  'greeting, thanks, goodbye': { steps: [['hello', /support assistant|How can I help/], ['thanks', /welcome/], ['bye', /Goodbye/]] },
  'consent withdrawn in chat': { steps: [['stop sending me offers', /not receive offers/]] },
  'language change': { steps: [['answer in Spanish', /español/], ['where is my order 12345', /El pedido 12345/]] },
  'name change': { steps: [['please call me Maria', /Nice to meet you, Maria/], ['hello', /Hi Maria/]] },
  'Spanish name change': { locale: 'es-ES', steps: [['llámame María José', /Encantado, María José/]] },
  'misunderstanding, once': { steps: [['flibber jabber', /did not understand/]] },
  'Spanish refund': { locale: 'es-ES', steps: [['quiero un reembolso del pedido 67890', /por qué/], ['llegó roto', /reembolso R-[A-Z0-9]+ de 59 EUR/]] },
};

describe('dialog transcripts', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test.each(Object.entries(TRANSCRIPTS))('%s', async (name, { steps, locale }) => {
    const conv = `t-${name.replace(/\W+/g, '-')}`;
    for (const [user, expected] of steps) {
      const r = await say(running.url, conv, user, { from: { id: `u-${conv}` }, locale: locale ?? 'en-US' });
      expect(r.status).toBe(200);
      expect({ user, reply: r.replies.join(' | ') }).toEqual({ user, reply: expect.stringMatching(expected) });
    }
  });

  test('consent and language changes land on the profile', async () => {
    await say(running.url, 'profile-1', 'stop sending me offers', { from: { id: 'profile-user' } });
    await say(running.url, 'profile-1', 'answer in Spanish', { from: { id: 'profile-user' } });
    const c = await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'profile-user' });
    expect(c?.consent.at(-1)).toMatchObject({ purpose: 'marketing', granted: false, method: 'chat' });
    expect(c?.language).toBe('es');
  });

  test('dialog state survives a restart mid-dialog', async () => {
    const { startTestApp: start } = await import('../helpers/testApp');
    const a = await start();
    const file = a.app.config.store.kind === 'sqlite' ? a.app.config.store.file : '';
    const first = await say(a.url, 'restart-1', 'track my package', { from: { id: 'r-user' } });
    expect(first.replies.join()).toMatch(/order number/);
    await a.app.close();
    const b = await start({ DATABASE_URL: file });
    try {
      const second = await say(b.url, 'restart-1', '12345', { from: { id: 'r-user' } });
      expect(second.replies.join()).toMatch(/12345 has shipped/);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
