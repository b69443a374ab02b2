import { say } from '../helpers/activities';
import { CODE, CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Table-driven transcripts: each row is a conversation of "user says" → "bot replies (pattern)" steps,
 * run through the real endpoint, so dialogs, recognizer, store and state are all real.
 */
type Step = [user: string, reply: RegExp];
const TRANSCRIPTS: Record<string, { steps: Step[]; locale?: string }> = {
  // Orders belong to customers: a visitor nobody vouched for proves an order with the e-mail it was placed with, and
  // before anything on it changes, holding that mailbox: the code sent there, typed back ('{code}').
  'track order, number given, proved with the e-mail on it': {
    steps: [
      ['where is my order 12345', /e-mail address the order was placed with/],
      ['ana@example.com', /12345 has shipped with DHL/],
    ],
  },
  'track order, number asked': {
    steps: [
      ['track my package', /order number/],
      ['it is 55555', /e-mail address/],
      ['ana@example.com', /55555 is being prepared/],
    ],
  },
  'track order, bad number then gives up': {
    steps: [
      ['where is my order', /order number/],
      ['the blue kettle', /does not look like an order number/],
      // Asked again once, then help is offered. Said once: the dialog that gave up used to apologise too, before the
      // turn's own "did not understand".
      ['last tuesday', /^(?!.*did not understand.*did not understand)(?!.*does not look like).*did not understand/],
    ],
  },
  // A bare "no" to the number is an answer: the bot lets it go instead of asking again or not understanding.
  'track order, a bare no to the number': {
    steps: [
      ['where is my order', /order number/],
      // A bare "no" (a "no idea" is a number not at hand, answered with where to find it: outside28Trust.test.ts).
      ['no', /^(?!.*did not understand).*Without the order number/],
      ['thanks', /welcome/],
    ],
  },
  'track order, unknown number': {
    steps: [
      ['where is my order 99999', /e-mail address/],
      ['ana@example.com', /could not find an order 99999 with that e-mail/],
    ],
  },
  "someone else's order is refused": {
    steps: [
      ['where is my order 67890', /e-mail address/],
      ['ana@example.com', /could not find an order 67890 with that e-mail address, so I cannot show or change it/],
    ],
  },
  'a proved order stays proved in the conversation': {
    steps: [
      ['where is my order 12345', /e-mail/],
      ['ana@example.com', /shipped/],
      ['track order 12345 again', /12345 has shipped/],
    ],
  },
  'cancel order, declined': {
    steps: [
      ['I want to cancel order 55555', /e-mail/],
      ['ana@example.com', /code/],
      ['{code}', /Cancel order 55555/],
      ['no', /did not cancel order 55555/],
    ],
  },
  'cancel order, a new request instead of an answer cancels nothing': {
    steps: [
      ['I want to cancel order 55555', /e-mail/],
      ['ana@example.com', /code/],
      ['{code}', /Cancel order 55555/],
      ['how long does shipping take', /did not cancel order 55555.*3-5 working days/],
    ],
  },
  // After the declined ones: a cancelled order is said to be cancelled before any code.
  'cancel order, confirmed naming the order and its items': {
    steps: [
      ['cancel my order 55555', /e-mail/],
      ['ana@example.com', /sent a 6-digit code to a•••@example\.com/],
      ['{code}', /Cancel order 55555 \(Rain jacket and 3 × Wool socks\)\?/],
      ['yes', /55555 is cancelled/],
    ],
  },
  // Its status rules it out: said at once, with what to do instead, before any code or yes.
  'cancel order, already shipped': {
    steps: [
      ['cancel my order 12345', /e-mail/],
      ['ana@example.com', /^(?!.*code)Order 12345 has already shipped, so it cannot be cancelled. You can return it once it arrives/],
    ],
  },
  'cancel order, unknown': {
    steps: [
      ['cancel order 11111', /e-mail/],
      ['ana@example.com', /could not find an order 11111/],
    ],
  },
  'refund status, none': {
    steps: [
      ['status of my refund 12345', /e-mail/],
      ['ana@example.com', /no refund for order 12345/],
    ],
  },
  'refund request, declined': {
    steps: [
      ['I want a refund for order 67890', /e-mail/],
      ['ben@example.com', /code/],
      ['{code}', /why/],
      ['wrong colour', /Request a refund/],
      ['nope', /did not request a refund for order 67890/],
    ],
  },
  'refund request, confirmed with the amount': {
    steps: [
      ['I want a refund for order 67890', /e-mail/],
      ['ben@example.com', /code/],
      ['{code}', /why/],
      ['it arrived broken', /Request a refund of 59 EUR for order 67890 \(Backpack 30L\)\?/],
      ['yes', /Refund R-[A-Z0-9]+ of 59 EUR for order 67890 is requested/],
      // Asked again: the open one, with its id and status; no reason or yes asked again (an outside tester was asked both).
      [
        'I want a refund for order 67890',
        /^(?!.*why)(?!.*Request a refund).*already asked for a refund for order 67890: refund R-[A-Z0-9]+ of 59 EUR is requested/,
      ],
    ],
  },
  'refund status after request': {
    steps: [
      ['I want a refund for order 12345', /e-mail/],
      ['ana@example.com', /code/],
      ['{code}', /why/],
      ['too small', /Request a refund of 89.9 EUR/],
      ['yes please', /requested/],
      ['where is my refund for 12345', /Refund R-[A-Z0-9]+ for order 12345 is requested/],
    ],
  },
  // The cancellation above refunded it.
  'refund status after a cancellation': {
    steps: [
      ['status of my refund 55555', /e-mail/],
      ['ana@example.com', /Refund R-[A-Z0-9]+ for order 55555 is approved/],
    ],
  },
  'return, declined': {
    steps: [
      ['I want to return an item', /order number/],
      ['67890', /e-mail/],
      ['ben@example.com', /code/],
      ['{code}', /Open a return/],
      ['no thanks', /did not open a return/],
    ],
  },
  'return, confirmed': {
    steps: [
      ['I want to return an item', /order number/],
      ['67890', /e-mail/],
      ['ben@example.com', /code/],
      ['{code}', /Open a return for order 67890 \(Backpack 30L\)\?/],
      ['yes', /Return RT-[A-Z0-9]+ is open.*label/],
      ['I want to return order 67890', /^(?!.*Open a return).*return for order 67890 is already open: return RT-[A-Z0-9]+ is waiting for your parcel/],
    ],
  },
  'password reset asks for email': {
    steps: [
      ['I forgot my password', /email address/],
      ['not an email', /valid email/],
      ['me@example.com', /reset link to me@example\.com/],
    ],
  },
  'password reset with email in text': { steps: [['reset my password, my email is ana@example.com', /reset link to ana@example\.com/]] },
  'feedback with comment': {
    steps: [
      ['I want to leave feedback', /1 \(bad\) to 5/],
      ['4', /add/],
      ['friendly bot', /Thank you for your feedback/],
    ],
  },
  'feedback, not a rating, then a digit': {
    steps: [
      ['leave a review', /1 \(bad\) to 5/],
      ['hmm', /number from 1 to 5/],
      ['5', /add/],
      ['no', /Thank you/],
    ],
  },
  'feedback in words and stars': {
    steps: [
      ['leave a review', /1 \(bad\) to 5/],
      ['great', /add/],
      ['no', /Thank you/],
      ['leave a review', /1 \(bad\) to 5/],
      ['★★★★', /add/],
      ['nothing', /Thank you/],
    ],
  },
  'a prompt answer is not taken as a new request': {
    steps: [
      ['change my email', /new email address or phone/],
      ['this is unacceptable@example.com', /Save unacceptable@example\.com as your new e-mail address\?/],
      ['yes', /Saved unacceptable@example\.com/],
    ],
  },
  'asking for a person interrupts a dialog': {
    steps: [
      ['track my package', /order number/],
      ['I want to talk to a human', /No agent is online|queue/],
    ],
  },
  'contact change, confirmed': {
    steps: [
      ['change my email', /new email address or phone/],
      ['new.me@example.com', /Save new\.me@example\.com/],
      ['sure', /Saved new\.me@example\.com/],
    ],
  },
  'contact change, declined': {
    steps: [
      ['change my email', /new email address or phone/],
      ['other.me@example.com', /Save other\.me@example\.com/],
      ['no', /did not change your contact details/],
    ],
  },
  'FAQ: delivery options': { steps: [['how long does shipping take', /3-5 working days/]] },
  'FAQ: payment methods': { steps: [['can I pay with paypal', /PayPal/]] },
  'FAQ: refund policy': { steps: [['what is your refund policy', /30 days/]] },
  'greeting, thanks, goodbye': {
    steps: [
      ['hello', /support assistant|How can I help/],
      ['thanks', /welcome/],
      ['bye', /Goodbye/],
    ],
  },
  '"no" to "Anything else?" closes politely': {
    steps: [
      ['thanks', /Anything else\?/],
      ['no', /Thank you for chatting with us/],
    ],
  },
  'consent withdrawn in chat': { steps: [['stop sending me offers', /not receive offers/]] },
  'an unsubscribe wording withdraws at once': { steps: [['I want to cancel my newsletter subscription', /not receive offers/]] },
  'subscribing asks first, naming purpose and channel': {
    steps: [
      ['sign me up for the newsletter', /receive news and offers \(marketing messages\) from us on this channel \(test\)\?/],
      ['yes', /you will receive our news and offers on this channel \(test\)/],
    ],
  },
  'subscribing, "ok" is asked again in so many words': {
    steps: [
      ['I want to receive your offers', /receive news and offers/],
      ['ok', /To be sure/],
      ['yes', /you will receive our news/],
    ],
  },
  'help shows what the bot can do': { steps: [['help', /I can: track an order/]] },
  'language change': {
    steps: [
      ['answer in Spanish', /español/],
      ['where is my order 12345', /el pedido 12345, dime el correo/],
    ],
  },
  'name change': {
    steps: [
      ['please call me Maria', /Nice to meet you, Maria/],
      ['hello', /Hi Maria/],
    ],
  },
  'Spanish name change': { locale: 'es-ES', steps: [['llámame María José', /Encantado, María José/]] },
  'misunderstanding, once': { steps: [['flibber jabber', /did not understand/]] },
  'no intent fits: the best FAQ article, then "Did this answer your question?"': {
    steps: [
      ['what warranty do your products have', /2-year warranty.*Did this answer your question\?/],
      ['yes', /Glad it helped/],
    ],
  },
  // 67890's refund was asked for in English above: the one open, in Spanish, and no reason asked.
  'Spanish refund asked again': {
    locale: 'es-ES',
    steps: [
      ['quiero un reembolso del pedido 67890', /correo electrónico con el que se hizo/],
      ['ben@example.com', /código de 6 cifras/],
      ['{code}', /^(?!.*por qué).*Ya pediste un reembolso del pedido 67890: el reembolso R-[A-Z0-9]+ de 59 EUR está solicitado/],
    ],
  },
};

describe('dialog transcripts', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    running = await startTestApp({ VERIFY_OUTBOX_FILE: outbox.file });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  test.each(Object.entries(TRANSCRIPTS))('%s', async (name, { steps, locale }) => {
    const conv = `t-${name.replace(/\W+/g, '-')}`;
    for (const [said, expected] of steps) {
      // The one-time code "e-mailed" to the order's address, read from the development notifier's outbox.
      const user = said === CODE ? outbox.lastCode() : said;
      const r = await say(running.url, conv, user, { from: { id: `u-${conv}` }, locale: locale ?? 'en-US' });
      expect(r.status).toBe(200);
      expect({ user, reply: r.replies.join(' | ') }).toEqual({ user, reply: expect.stringMatching(expected) as unknown });
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
      expect(second.replies.join()).toMatch(/e-mail address the order was placed with/);
      const third = await say(b.url, 'restart-1', 'ana@example.com', { from: { id: 'r-user' } });
      expect(third.replies.join()).toMatch(/12345 has shipped/);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
