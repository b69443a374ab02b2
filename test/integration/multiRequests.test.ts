import { CodeOutbox } from '../helpers/codeOutbox';
import { Chat, type Turn } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (black box, through /api/messages with real Bot Framework activities): a second request in the first
 * message, a reason given in the request, a question typed at "why do you want a refund?" (H4); an e-mail typed at a
 * "Did you mean" about an order (M4); a request for a copy of one's data (M1). The tester's sentences first, then ours.
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const UNSURE_TRACK = 'status of 12345 pls??';
const UNSURE_TRACK_ES = 'estado del 12345 porfa??';
const TRACK_OR_CANCEL = 'something about order 12345';

describe('several requests, reasons and data copies', () => {
  const outbox = new CodeOutbox();
  let running: RunningApp;
  beforeAll(async () => {
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), {
      [UNSURE_TRACK]: { intent: 'order.track', score: 0.5, alternatives: [{ intent: 'order.track', score: 0.5 }] },
      [UNSURE_TRACK_ES]: { intent: 'order.track', score: 0.5, language: 'es', alternatives: [{ intent: 'order.track', score: 0.5 }] },
      [TRACK_OR_CANCEL]: {
        intent: 'order.track',
        score: 0.5,
        alternatives: [
          { intent: 'order.track', score: 0.5 },
          { intent: 'order.cancel', score: 0.4 },
        ],
      },
    });
    running = await startTestApp({ VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '1000' }, { recognizer });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  /** Order, its e-mail, the code from the outbox: the turn after the code. */
  async function proven(chat: Chat, first: string, email: string): Promise<{ first: Turn; afterCode: Turn }> {
    const opened = await chat.say(first);
    expect(said(await chat.say(email))).toMatch(/6-digit code|código de 6 cifras/);
    return { first: opened, afterCode: await chat.say(outbox.lastCode(email)) };
  }

  describe('H4 (a): a reason the request gives is confirmed, not asked for; (c) the second request is taken up after', () => {
    test.each([
      // Ours (a "no" at the confirmation keeps order 67890 free of refunds for the next rows)
      [
        'en-US',
        'my order 67890 came damaged, i want a refund. also please change my email to ben.two@example.com',
        /arrived damaged/,
        'no',
        'ben.two@example.com',
      ],
      [
        'en-US',
        'I want my money back for 67890 because it is the wrong size, and also can you update my email to ben.three@example.com',
        /wrong size/,
        'no',
        'ben.three@example.com',
      ],
      [
        'es-ES',
        'quiero un reembolso del pedido 67890, llegó roto. además cambia mi correo a ben.nuevo@example.com',
        /llegó dañado/,
        'no',
        'ben.nuevo@example.com',
      ],
      // The tester's, last: its refund is requested
      [
        'en-US',
        'hi my order 67890 arrived broken and i want my money back. also can you change my email to ben.new@example.com',
        /arrived damaged/,
        'yes',
        'ben.new@example.com',
      ],
    ])('%s %j', async (locale, first, reason, answer, email) => {
      const chat = new Chat(running, { locale });
      const { first: opened, afterCode } = await proven(chat, first, 'ben@example.com');
      // Said at once that the other request is kept.
      expect(said(opened)).toMatch(/noted your other request|anotado tu otra petición/);
      expect(said(opened)).toContain(email);
      // No reason asked: it is read back with the confirmation.
      expect(said(afterCode)).not.toMatch(/why do you want a refund|por qué quieres el reembolso/);
      expect(said(afterCode)).toMatch(reason);
      expect(said(afterCode)).toMatch(/Request a refund of 59 EUR for order 67890|¿Solicito el reembolso de 59 EUR del pedido 67890/);
      const done = await chat.say(answer === 'yes' ? 'yes' : 'no');
      expect(said(done)).toMatch(answer === 'yes' ? /Refund R-\S+ of 59 EUR for order 67890 is requested/ : /did not request a refund|no he solicitado/);
      // Then the e-mail change, in the same turn.
      expect(said(done)).toMatch(/Now your other request|Ahora tu otra petición/);
      expect(said(done)).toMatch(new RegExp(`(Save|Guardo) ${email.replace(/\./g, '\\.')}`));
      await chat.say(locale === 'es-ES' ? 'sí' : 'yes');
      expect((await chat.customer()).contacts.map((c) => c.value)).toContain(email);
    });
  });

  describe('H4 (b): a question or another request at "why do you want a refund?" is no reason', () => {
    test.each([
      ['en-US', 'what about my email change?', 'it arrived damaged'],
      ['en-US', 'where is my other order?', 'the strap is torn'],
      ['en-US', 'can you also check my delivery address', 'too small for me'],
      ['es-ES', '¿y qué pasa con mi otro pedido?', 'no es la talla'],
    ])('%s: at the reason, %j is kept for later and the reason asked again; %j is the reason', async (locale, other, reason) => {
      const chat = new Chat(running, { locale });
      const { afterCode } = await proven(
        chat,
        locale === 'es-ES' ? 'quiero un reembolso del pedido 12345' : 'I want a refund for order 12345',
        'ana@example.com',
      );
      expect(said(afterCode)).toMatch(/why do you want a refund|por qué quieres el reembolso/);
      const asked = await chat.say(other);
      expect(said(asked)).not.toMatch(/Request a refund|Solicito el reembolso/);
      expect(said(asked)).toMatch(/noted that|anotado/);
      expect(said(asked)).toMatch(/why you want a refund|por qué quieres el reembolso/);
      const confirm = await chat.say(reason);
      expect(said(confirm)).toMatch(/Request a refund of \S+ EUR for order 12345|Solicito el reembolso de \S+ EUR del pedido 12345/);
      // "no" keeps order 12345 without a refund for the next rows; then the kept request is taken up.
      const done = await chat.say('no');
      expect(said(done)).toMatch(/did not request a refund|no he solicitado/);
      expect(said(done)).toMatch(/Now your other request|Ahora tu otra petición/);
      expect(said(done)).toContain(other);
    });
  });

  test.each([
    // The tester's
    ['en-US', 'I want to return 67890 and also get a refund for 24680'],
    // Ours
    ['en-US', 'please open a return for order 67890, and also a refund for order 24680'],
  ])('H4: %s %j: each order keeps its own request', async (locale, first) => {
    const chat = new Chat(running, { locale });
    const { first: opened, afterCode } = await proven(chat, first, 'ben@example.com');
    expect(said(opened)).toMatch(/To show you order 67890/);
    expect(said(opened)).toMatch(/noted your other request.*24680/);
    expect(said(afterCode)).toMatch(/Open a return for order 67890/);
    const done = await chat.say('no');
    expect(said(done)).toMatch(/did not open a return for order 67890/);
    expect(said(done)).toMatch(/Now your other request/);
    expect(said(done)).toMatch(/24680 was cancelled/);
    expect(said(done)).not.toMatch(/refund for order 67890/);
  });

  describe('M4: an e-mail typed at a "Did you mean" about an order goes on with the order', () => {
    test.each([
      // The tester's
      ['en-US', 'wher is my oder 12345??', /Order 12345 has shipped/],
      // Ours
      ['en-US', UNSURE_TRACK, /Order 12345 has shipped/],
      ['es-ES', UNSURE_TRACK_ES, /pedido 12345/i],
    ])('%s %j, then the order e-mail: the order is shown', async (locale, ask, shown) => {
      const chat = new Chat(running, { locale });
      expect(said(await chat.say(ask))).toMatch(/Did you mean|Te refieres/);
      const turn = await chat.say('ana@example.com');
      expect(said(turn)).toMatch(shown);
      expect(said(turn)).not.toMatch(/contact e-mail|save|guardo/i);
      expect((await chat.customer()).contacts.map((c) => c.value)).not.toContain('ana@example.com');
    });

    test('two order options: the e-mail asks which, and the pick goes on with it', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await chat.say(TRACK_OR_CANCEL);
      const which = await chat.say('  ana@example.com ');
      expect(said(which)).not.toMatch(/contact e-mail/);
      expect(which.buttons).toContain('Track my order');
      expect(said(await chat.say('Track my order'))).toMatch(/Order 12345 has shipped/);
    });
  });

  describe("M1: a request for a copy of one's data", () => {
    test.each([
      // The tester's
      ['en-US', 'can i get a copy of all the data you hold on me (GDPR)?'],
      ['en-US', 'what data do you have about me?'],
      // Ours
      ['en-US', 'I would like an export of my personal data'],
      ['en-US', 'please email me everything you keep about me'],
      ['en-US', 'could I see the information you store on me'],
      ['es-ES', 'quiero una copia de mis datos personales'],
      ['es-ES', '¿qué datos guardáis de mí?'],
      ['es-ES', 'mandadme todos mis datos por favor'],
    ])('%s %j: how the copy is made, handed to a person, no deletion offered', async (locale, ask) => {
      const chat = new Chat(running, { locale });
      const turn = await chat.say(ask);
      expect(said(turn)).toMatch(/a copy of all the personal data|una copia de todos los datos personales/);
      expect(said(turn)).not.toMatch(/Did you mean|Te refieres/);
      expect(turn.buttons.join(' ')).not.toMatch(/Delete|Borrar/);
      expect((await chat.conversation()).state).toBe('queued');
    });

    test('"delete my data" is still the deletion, asked to confirm', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      expect(said(await chat.say('please delete my account and all my data'))).not.toMatch(/a copy of all the personal data/);
    });
  });
});
