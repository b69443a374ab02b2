import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { Chat, type Turn } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (session 24, through /api/messages with real activities): asking about unsubscribing withdrew
 * marketing consent ("Done: you will not receive offers from us any more"), in English and Spanish, wherever it was
 * asked: after a grant, after other business, at the consent question itself. A question is no request: the customer
 * hears how to stop them and what stopping leaves, with the opt-out one tap away, and nothing changes. The tester's
 * own sentences come first in each table, then variants of ours.
 */
const consent = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');
const marketingEvents = (c: Customer) => c.consent.filter((e) => e.purpose === 'marketing');
const said = (turn: Turn) => turn.replies.join(' | ');
const WITHDRAWN = /Done: you will not receive|Hecho: ya no recibirás/;
const HOW_TO = /You can stop our news and offers at any time|Puedes dejar de recibir nuestras novedades y ofertas cuando quieras/;
const NOT_RECEIVING = /You do not receive our news and offers at the moment|Ahora no recibes nuestras novedades y ofertas/;
const DID_IT_ANSWER = /Did this answer your question|Responde esto a tu pregunta/;
/** Scripted: about consent, with no wish either way (the dialog asks "Do you want to stop them?"). */
const ABOUT_OFFERS = 'about my marketing preferences';

const ENGLISH_QUESTIONS = [
  // The tester's
  'can I unsubscribe?',
  'is it possible to opt out of marketing?',
  'is there a way to stop the promo emails?',
  'what happens if I opt out?',
  'would unsubscribing also stop my order updates?',
  "I'd like to know how to unsubscribe",
  'how do I unsubscribe from the emails',
  // Ours
  'how can I stop getting your newsletter?',
  'where do I opt out of the promotional emails?',
  'if I unsubscribe, will I still get delivery updates?',
  'does opting out stop the order emails too?',
  'tell me how to unsubscribe from the offers',
];
const SPANISH_QUESTIONS = [
  // The tester's
  '¿puedo darme de baja?',
  '¿cómo me doy de baja del boletín?',
  '¿se puede dejar de recibir publicidad?',
  '¿si me doy de baja dejaré de recibir los avisos de mis pedidos?',
  // Ours
  '¿cómo puedo dejar de recibir el boletín?',
  '¿dónde me doy de baja de las ofertas?',
  '¿qué pasa si me doy de baja del boletín?',
  '¿es posible desuscribirse de las promociones?',
];

describe('a question about opting out changes nothing (outside tester, session 24)', () => {
  let running: RunningApp;
  beforeAll(
    async () =>
      (running = await startTestApp(
        {},
        { recognizer: new ScriptedRecognizer(await sharedRecognizer(), { [ABOUT_OFFERS]: { intent: 'consent.change', score: 0.97 } }) },
      )),
  );
  afterAll(() => running.stop());

  /** A customer who granted consent in the chat itself, as the tester did. */
  async function granted(locale: 'en-US' | 'es-ES'): Promise<Chat> {
    const chat = new Chat(running, { locale });
    const en = locale === 'en-US';
    await chat.say(en ? 'sign me up for the newsletter' : 'apúntame al boletín');
    expect(said(await chat.say(en ? 'yes' : 'sí'))).toMatch(/Done: you will receive|Hecho: recibirás/);
    expect(consent(await chat.customer())).toBe(true);
    return chat;
  }

  test.each([...ENGLISH_QUESTIONS.map((q) => ['en-US', 'thanks', q] as const), ...SPANISH_QUESTIONS.map((q) => ['es-ES', 'gracias', q] as const)])(
    '%s, after a grant and %j: %j is answered with the how-to and a button, consent stays',
    async (locale, between, question) => {
      const chat = await granted(locale);
      await chat.say(between);
      const turn = await chat.say(question);
      expect({ question, said: said(turn) }).toEqual({ question, said: expect.stringMatching(HOW_TO) as unknown });
      expect(said(turn)).not.toMatch(WITHDRAWN);
      expect(turn.lastButtons).toEqual([locale === 'en-US' ? 'Stop sending me offers' : 'Deja de enviarme ofertas']);
      const customer = await chat.customer();
      expect(consent(customer)).toBe(true);
      expect(marketingEvents(customer).filter((e) => !e.granted)).toEqual([]);
    },
  );

  test.each([
    ['en-US', 'can I unsubscribe?', 'Stop sending me offers'] as const,
    ['es-ES', '¿cómo me doy de baja del boletín?', 'Deja de enviarme ofertas'] as const,
  ])('%s: after order business, %j changes nothing; the button then withdraws', async (locale, question, button) => {
    const chat = await granted(locale);
    await chat.say(locale === 'en-US' ? 'where is my order 67890?' : '¿dónde está mi pedido 67890?');
    await chat.say('ben@example.com');
    const turn = await chat.say(question);
    expect(said(turn)).toMatch(HOW_TO);
    expect(consent(await chat.customer())).toBe(true);
    expect(said(await chat.say(button))).toMatch(WITHDRAWN);
    expect(consent(await chat.customer())).toBe(false);
  });

  test.each([
    ['en-US', 'can I unsubscribe?'],
    ['en-US', 'where can I unsubscribe from the newsletter?'],
    ['es-ES', '¿puedo darme de baja del boletín?'],
  ])('%s: %j from a customer not on the list says so, records no refusal', async (locale, question) => {
    const chat = new Chat(running, { locale });
    await chat.say(locale === 'en-US' ? 'hello' : 'hola');
    const turn = await chat.say(question);
    expect(said(turn)).toMatch(NOT_RECEIVING);
    expect(said(turn)).not.toMatch(WITHDRAWN);
    expect(marketingEvents(await chat.customer())).toEqual([]);
  });

  // Asked for, not asked about: still honoured at once.
  test.each([
    ['en-US', 'unsubscribe me'],
    ['en-US', 'can you unsubscribe me?'],
    ['en-US', 'please stop sending me offers'],
    ['es-ES', 'quiero darme de baja del boletín'],
    ['es-ES', '¿me dais de baja del boletín?'],
  ])('%s: %j still withdraws', async (locale, request) => {
    const chat = await granted(locale as 'en-US' | 'es-ES');
    expect(said(await chat.say(request))).toMatch(WITHDRAWN);
    expect(consent(await chat.customer())).toBe(false);
  });

  describe('at the consent question', () => {
    test.each([
      // The tester's
      ['en-US', 'sign me up for the newsletter', 'please keep sending me offers'],
      // Ours
      ['en-US', 'sign me up for the newsletter', 'send me the offers please'],
      ['en-US', 'I want the newsletter', 'I want to receive them'],
      ['es-ES', 'apúntame al boletín', 'quiero recibir las ofertas'],
      ['es-ES', 'apúntame al boletín', 'enviádmelas, por favor'],
    ])('%s: receiving asked for in so many words (%j, then %j) is the yes', async (locale, ask, answer) => {
      const chat = new Chat(running, { locale });
      expect(said(await chat.say(ask))).toMatch(/Do you want to receive|Quieres recibir/);
      const turn = await chat.say(answer);
      expect(said(turn)).toMatch(/Done: you will receive|Hecho: recibirás/);
      expect(said(turn)).not.toMatch(/changed nothing|no he cambiado nada|Did you mean|Te refieres/);
      expect(consent(await chat.customer())).toBe(true);
    });

    test.each([
      ['en-US', 'keep sending me offers, but not so many'],
      ['en-US', 'I guess keep sending them'],
    ])('%s: %j is no clear yes: asked again, nothing changes', async (locale, answer) => {
      const chat = new Chat(running, { locale });
      await chat.say('sign me up for the newsletter');
      const turn = await chat.say(answer);
      expect(said(turn)).toMatch(/To be sure/);
      expect(marketingEvents(await chat.customer())).toEqual([]);
    });

    test('"please keep sending me offers" to "keep receiving them?" keeps them', async () => {
      const chat = await granted('en-US');
      expect(said(await chat.say('I want the newsletter'))).toMatch(/keep receiving them/);
      expect(said(await chat.say('please keep sending me offers'))).toMatch(/you keep receiving/);
      expect(consent(await chat.customer())).toBe(true);
    });

    test.each([
      ['en-US', 'sign me up for the newsletter', 'can I unsubscribe?', 'yes'],
      ['en-US', 'sign me up for the newsletter', 'what happens if I opt out later?', 'yes'],
      ['es-ES', 'apúntame al boletín', '¿puedo darme de baja luego?', 'sí'],
    ])('%s: %j, then the question %j is answered and the consent question asked again', async (locale, ask, question, yes) => {
      const chat = new Chat(running, { locale });
      await chat.say(ask);
      const turn = await chat.say(question);
      expect(said(turn)).toMatch(NOT_RECEIVING);
      expect(turn.replies.at(-1)).toMatch(/Do you want to receive|Quieres recibir/);
      expect(said(turn)).not.toMatch(/changed nothing|no he cambiado nada|Done|Hecho/);
      expect(marketingEvents(await chat.customer())).toEqual([]);
      expect(said(await chat.say(yes))).toMatch(/Done: you will receive|Hecho: recibirás/);
      expect(consent(await chat.customer())).toBe(true);
    });

    test('a customer receiving them asks at "Do you want to stop them?": answered, asked again, a no keeps them', async () => {
      const chat = await granted('en-US');
      expect(said(await chat.say(ABOUT_OFFERS))).toMatch(/Do you want to stop them/);
      const turn = await chat.say('would unsubscribing also stop my order updates?');
      expect(said(turn)).toMatch(HOW_TO);
      expect(turn.replies.at(-1)).toMatch(/Do you want to stop them/);
      expect(consent(await chat.customer())).toBe(true);
      await chat.say('no');
      expect(consent(await chat.customer())).toBe(true);
    });
  });

  // "Did this answer your question?" belongs to an FAQ answer only: it was asked again after a withdrawal.
  test.each([
    ['es-ES', '¿a qué hora abrís?', 'quiero darme de baja'],
    ['en-US', 'what are your opening hours', 'unsubscribe me'],
  ])('%s: after an FAQ answer (%j), %j withdraws without asking "Did this answer" again', async (locale, faq, optOut) => {
    const chat = new Chat(running, { locale });
    expect(said(await chat.say(faq))).toMatch(DID_IT_ANSWER);
    const turn = await chat.say(optOut);
    expect(said(turn)).toMatch(/Done|Hecho/);
    expect(said(turn)).not.toMatch(DID_IT_ANSWER);
    // The question is gone: a "yes" now is a bare yes, not "Glad it helped".
    expect(said(await chat.say(locale === 'en-US' ? 'yes' : 'sí'))).not.toMatch(/Glad it helped|Me alegro/);
  });
});
