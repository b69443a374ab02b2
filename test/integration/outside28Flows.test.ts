import { ProfileService } from '../../profile/profileService';
import { Chat, type Turn } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside test 26, left open (black box, through /api/messages with real Bot Framework activities): a question at the
 * code step, an order number typed at a clarifying question or after the rules of cancelling, when the item was
 * bought, offers on a named channel, and what is done with the customer's data. Phrasings are ours; texts whose model
 * reading would vary with the corpus are scripted (a clarifying question, an explained cancellation).
 */
/** Distinct phones: one contact point belongs to one customer. */
let phonesGiven = 0;
const said = (turn: Turn) => turn.replies.join(' | ');

const UNSURE_ES = 'tengo una duda con mi paquete';
const UNSURE_PAYMENT_ES = 'algo raro pasa con lo que compré';
const UNSURE_CANCEL = 'how does cancelling actually work';
const HOW_CANCEL = 'how would I go about cancelling an order?';
const HOW_CANCEL_ES = '¿cómo se cancela un pedido?';
const HOW_CANCEL_ONE = 'how does cancelling order 55555 work?';

describe('outside test 26, left open: flows that lost the customer', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), {
      [UNSURE_ES]: {
        intent: 'order.track',
        score: 0.5,
        language: 'es',
        alternatives: [
          { intent: 'order.track', score: 0.5 },
          { intent: 'complaint', score: 0.3 },
        ],
      },
      [UNSURE_PAYMENT_ES]: {
        intent: 'payment.problem',
        score: 0.5,
        language: 'es',
        alternatives: [
          { intent: 'payment.problem', score: 0.5 },
          { intent: 'complaint', score: 0.3 },
        ],
      },
      [UNSURE_CANCEL]: { intent: 'order.cancel', score: 0.5, alternatives: [{ intent: 'order.cancel', score: 0.5 }] },
      [HOW_CANCEL]: { intent: 'order.cancel', score: 0.97 },
      [HOW_CANCEL_ES]: { intent: 'order.cancel', score: 0.97, language: 'es' },
      [HOW_CANCEL_ONE]: { intent: 'order.cancel', score: 0.97 },
    });
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '1000' }, { recognizer });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  describe('M5: a question while the code is awaited is answered, and the code still awaited', () => {
    test.each([
      [
        'en-US',
        'I want a refund for order 67890',
        'ben@example.com',
        'roughly how long does a refund take?',
        /refund within 30 days/,
        /why do you want a refund/,
      ],
      ['en-US', 'please cancel order 55555', 'ana@example.com', 'which payment methods do you accept?', /PayPal/, /Cancel order 55555/],
      ['en-US', 'please cancel order 55555', 'ana@example.com', 'what is your refund policy', /refund within 30 days/, /Cancel order 55555/],
      [
        'en-US',
        'please cancel order 55555',
        'ana@example.com',
        'i dont need an agent, just tell me the refund policy',
        /refund within 30 days/,
        /Cancel order 55555/,
      ],
      [
        'es-ES',
        'cancela mi pedido 55555',
        'ana@example.com',
        '¿y cuánto tarda un reembolso normalmente?',
        /reembolso en los 30 días/,
        /Cancelo el pedido 55555/,
      ],
      ['es-ES', 'cancela mi pedido 55555', 'ana@example.com', '¿qué formas de pago aceptáis?', /PayPal/, /Cancelo el pedido 55555/],
      [
        'es-ES',
        'cancela mi pedido 55555',
        'ana@example.com',
        'no necesito un agente, solo dime la política de reembolsos',
        /reembolso en los 30 días/,
        /Cancelo el pedido 55555/,
      ],
    ])('%s: %j, %j, then %j: answered, reminded of the code, and the code works', async (locale, ask, email, question, answer, next) => {
      const chat = new Chat(running, { locale });
      await chat.say(ask);
      expect(said(await chat.say(email))).toMatch(/6-digit code|código de 6 cifras/);
      const turn = await chat.say(question);
      expect(said(turn)).toMatch(answer);
      expect(said(turn)).toMatch(
        /I am still waiting for the 6-digit code I sent to .•••@example\.com|Sigo esperando el código de 6 cifras que envié a .•••@example\.com/,
      );
      expect(said(turn)).not.toMatch(/without the code|sin el código|did not understand|no he entendido/);
      expect(said(await chat.say(outbox.lastCode(email)))).toMatch(next);
    });

    test('a request that changes or shows something still leaves the code step, saying so', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await chat.say('please cancel order 55555');
      await chat.say('ana@example.com');
      expect(said(await chat.say('reset my password'))).toMatch(/without the code I have not changed order 55555/);
    });

    test('"never mind" after a question still ends the code step cleanly', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await chat.say('I want a refund for order 67890');
      await chat.say('ben@example.com');
      expect(said(await chat.say('how long do refunds take?'))).toMatch(/still waiting/);
      const turn = await chat.say('ok never mind');
      expect(said(turn)).toMatch(/without the code I have not changed order 67890/);
      expect(said(turn)).not.toMatch(/still waiting|Please type the 6-digit code/);
    });
  });

  describe('M6: an order number typed at the Spanish clarifying question', () => {
    test.each([
      [UNSURE_ES, 'es el 12345', '12345'],
      [UNSURE_ES, 'el 12345', '12345'],
      [UNSURE_ES, 'mi número de pedido es el 12345', '12345'],
      [UNSURE_PAYMENT_ES, '12345', '12345'],
      [UNSURE_PAYMENT_ES, 'pedido nº 12345, gracias', '12345'],
    ])('%j, then %j: that order is shown (after the usual proof)', async (unsure, answer, order) => {
      const chat = new Chat(running, { locale: 'es-ES' });
      expect(said(await chat.say(unsure))).toMatch(/Te refieres a/);
      const turn = await chat.say(answer);
      expect(said(turn)).toMatch(new RegExp(`Para mostrarte el pedido ${order}`));
      expect(said(turn)).not.toMatch(/Te refieres a|no he entendido/);
      expect(said(await chat.say('ana@example.com'))).toMatch(/El pedido 12345 ha sido enviado/);
    });
  });

  describe('M10: an order number after the rules of cancelling goes on with that order', () => {
    test.each([
      ['en-US', HOW_CANCEL, "it's 55555", /To show you order 55555/],
      ['en-US', HOW_CANCEL, '55555', /To show you order 55555/],
      ['en-US', HOW_CANCEL, 'my order number is 55555', /To show you order 55555/],
      ['en-US', UNSURE_CANCEL, '55555', /To show you order 55555/],
      ['es-ES', HOW_CANCEL_ES, 'es el 55555', /Para mostrarte el pedido 55555/],
    ])('%s: %j, then %j: the cancellation of that order, its proof, code and yes', async (locale, how, number, show) => {
      const chat = new Chat(running, { locale });
      const explained = await chat.say(how);
      if (how !== UNSURE_CANCEL) expect(said(explained)).toMatch(/can be cancelled until it ships|se puede cancelar hasta que se envía/);
      const turn = await chat.say(number);
      expect(said(turn)).toMatch(show);
      expect(said(turn)).not.toMatch(/To go ahead|Para hacerlo|Did you mean|Te refieres/);
      const proof = await chat.say('ana@example.com');
      expect(said(proof)).toMatch(/6-digit code|código de 6 cifras/);
      expect(said(proof)).not.toMatch(/contact e-mail|Shall I save|guardo/);
      expect((await chat.customer()).contacts.map((c) => c.value)).not.toContain('ana@example.com');
      expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(/Cancel order 55555|Cancelo el pedido 55555/);
      // Nothing is cancelled without the yes: the demo order stays as it was for the other tests.
      expect(said(await chat.say('no'))).toMatch(/did not cancel order 55555|no he cancelado el pedido 55555/);
    });

    test('the e-mail typed right after the rules for one order is its proof, never a contact to save', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      expect(said(await chat.say(HOW_CANCEL_ONE))).toMatch(/To go ahead, tap or write "Cancel order 55555"/);
      const proof = await chat.say('ana@example.com');
      expect(said(proof)).toMatch(/Before I change anything on order 55555.*6-digit code/);
      expect(said(proof)).not.toMatch(/contact e-mail|Shall I save/);
      expect((await chat.customer()).contacts.map((c) => c.value)).not.toContain('ana@example.com');
      expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(/Cancel order 55555/);
      expect(said(await chat.say('no'))).toMatch(/did not cancel order 55555/);
    });

    test('the offer lasts one message: a number two messages later is no go-ahead', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await chat.say(HOW_CANCEL);
      await chat.say('thanks');
      expect(said(await chat.say('55555'))).not.toMatch(/6-digit code|Cancel order 55555/);
    });
  });

  describe('L7: when the item was bought, in a return or a refund', () => {
    test.each([
      ['en-US', 'I want to return something', 'I bought it 2 months ago', /bought 2 months ago is most likely past that window.*warranty/],
      ['en-US', 'I would like a refund', 'I purchased it a couple of weeks ago', /Bought a couple of weeks ago: that is within our window/],
      ['es-ES', 'quiero devolver un artículo', 'lo compré hace tres meses', /comprado hace tres meses seguramente está fuera de ese plazo.*garantía/],
      ['es-ES', 'quiero un reembolso', 'lo recibí hace una semana', /Comprado hace una semana: estás dentro del plazo/],
    ])('%s: %j, then %j: the return window for that, and the number asked for', async (locale, ask, when, window) => {
      const chat = new Chat(running, { locale });
      await chat.say(ask);
      const turn = await chat.say(when);
      expect(said(turn)).toMatch(window);
      expect(said(turn)).not.toMatch(/does not look like an order number|no parece un número de pedido|did not understand/);
      // The number given then goes on as usual.
      expect(said(await chat.say('67890'))).toMatch(/To show you order 67890|Para mostrarte el pedido 67890/);
    });

    test('said in the request itself: the window comes with the question for the number', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      expect(said(await chat.say('I want to return a coat I bought 3 months ago'))).toMatch(/bought 3 months ago is most likely past that window/);
    });
  });

  describe('L7: news and offers on a named channel are explained and asked about, never granted on a guess', () => {
    test.each([
      ['en-US', 'can I get offers by SMS?', 'sms', /on SMS/],
      ['en-US', 'is it possible to receive your promotions on WhatsApp?', 'whatsapp', /on WhatsApp/],
      ['en-US', 'do you send deals by text message?', 'sms', /on SMS/],
      ['es-ES', '¿me podéis mandar las ofertas por whatsapp?', 'whatsapp', /por WhatsApp/],
    ])('%s %j: explained, asked, nothing granted until a yes, then on that channel only', async (locale, question, channel, named) => {
      const chat = new Chat(running, { locale });
      // A grant on SMS or WhatsApp needs a phone on file (outside test 28, H2): this customer has one.
      await chat.say(locale === 'es-ES' ? 'hola' : 'hello');
      await running.app.store.updateCustomer((await chat.customer()).id, {
        contacts: [
          {
            type: 'phone',
            value: `+346001234${String(++phonesGiven).padStart(2, '0')}`,
            verified: true,
            source: 'signed_token',
            addedAt: new Date().toISOString(),
          },
        ],
      });
      const asked = await chat.say(question);
      expect(said(asked)).toMatch(/only to customers who said yes|solo si dices que sí/);
      expect(said(asked)).toMatch(named);
      expect(ProfileService.consentFor(await chat.customer(), 'marketing', channel)).toBe(false);
      await chat.say(locale === 'es-ES' ? 'sí' : 'yes');
      const c = await chat.customer();
      expect(ProfileService.consentFor(c, 'marketing', channel)).toBe(true);
      expect(ProfileService.consentFor(c, 'marketing', 'test')).toBe(false);
    });

    test('with no phone on file, explained and told there is no number, not asked; a yes grants nothing on SMS', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      const told = said(await chat.say('can I get offers by SMS?'));
      expect(told).toMatch(/only to customers who said yes/);
      expect(told).toMatch(/don't have a phone number for you/);
      expect(told).not.toMatch(/Do you want to receive/);
      await chat.say('yes');
      expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'sms')).toBe(false);
    });

    test('"no" to the question grants nothing', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      // Asked only with a confirmed number to send them to (grantReach).
      await chat.say('hello');
      const at = new Date().toISOString();
      const value = `+346001234${String(++phonesGiven).padStart(2, '0')}`;
      await running.app.store.updateCustomer((await chat.customer()).id, {
        contacts: [{ type: 'phone', value, verified: true, source: 'signed_token', addedAt: at }],
      });
      expect(said(await chat.say('could I get your offers by text?'))).toMatch(/Do you want to receive/);
      expect(said(await chat.say('no'))).toMatch(/changed nothing/);
      expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'sms')).toBe(false);
    });
  });

  describe('L7: a question about what is done with the customer’s data is answered, and nothing changes', () => {
    test.each([
      ['en-US', 'what do you guys do with my e-mail?'],
      ['en-US', 'how will you use my personal information?'],
      ['en-US', 'do you share my phone number with anyone?'],
      ['es-ES', '¿para qué usáis mi correo electrónico?'],
      ['es-ES', '¿vendéis mis datos?'],
    ])('%s %j', async (locale, question) => {
      const chat = new Chat(running, { locale });
      const turn = await chat.say(question);
      expect(said(turn)).toMatch(/only to handle your orders|solo para gestionar tus pedidos/);
      expect(said(turn)).toMatch(/copy of your data or have it erased|copia de tus datos o su borrado/);
      expect(said(turn)).not.toMatch(/Shall I save|new e-mail|Did you mean|Te refieres|guardo/);
      expect([...turn.buttons]).not.toContain('Change my e-mail or phone');
      expect((await chat.customer()).contacts.filter((c) => c.type === 'email')).toEqual([]);
    });
  });
});
