import type { ConsentPurpose, Customer } from '../../models/records';
import { askCustomerConsent } from '../../bot/consentTurn';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import { CodeOutbox } from '../helpers/codeOutbox';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * What outside testers (customers of the running bot, who had not read the code) found and was left open, replayed
 * through /api/messages with real Bot Framework activities. Deliberately ambiguous texts are scripted: the model's
 * reading of them varies with the corpus.
 */
const consent = (c: Customer, purpose: ConsentPurpose = 'marketing') => ProfileService.consentFor(c, purpose, 'test');
const said = (turn: { replies: string[] }) => turn.replies.join(' | ');

const ABOUT_OFFERS = 'about my marketing preferences';
const ABOUT_OFFERS_ES = 'sobre mis preferencias de publicidad';
const TWO_OPTIONS = 'something with my parcel';
const TWO_OPTIONS_ES = 'algo con mi paquete';
const SHORT_REQUEST = 'reset my password';
const SHORT_REQUEST_ES = 'restablecer contraseña';
const NAMES_AGENT = 'call me Alex Agente';

describe('outside testers: consent answers, a told "stop", names, confirmations and "Did you mean"', () => {
  const outbox = new CodeOutbox();
  afterAll(() => outbox.remove());
  // Many tests here ask a code for the same address: the hourly limit per address is not what they test.
  const ctx = appWithChannel({ VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '1000' }, async () => ({
    recognizer: new ScriptedRecognizer(await sharedRecognizer(), {
      [ABOUT_OFFERS]: { intent: 'consent.change', score: 0.97 },
      [ABOUT_OFFERS_ES]: { intent: 'consent.change', score: 0.97, language: 'es' },
      [TWO_OPTIONS]: {
        intent: 'order.track',
        score: 0.5,
        alternatives: [
          { intent: 'order.track', score: 0.5 },
          { intent: 'order.cancel', score: 0.4 },
        ],
      },
      [TWO_OPTIONS_ES]: {
        intent: 'order.track',
        score: 0.5,
        language: 'es',
        alternatives: [
          { intent: 'order.track', score: 0.5 },
          { intent: 'order.cancel', score: 0.4 },
        ],
      },
      [SHORT_REQUEST]: { intent: 'password.recover', score: 0.97 },
      [SHORT_REQUEST_ES]: { intent: 'password.recover', score: 0.97, language: 'es' },
      // What the tester met: the model read the surname as asking for an agent.
      [NAMES_AGENT]: { intent: 'human.request', score: 0.97 },
    }),
  }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  async function subscribed(locale: string) {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(locale === 'es-ES' ? 'hola' : 'hello');
    await running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form' });
    return chat;
  }

  // 1. "sí, pero no me mandéis spam" to "keep receiving them?" unsubscribed at once: the opt-out half won.
  test.each([
    ['es-ES', 'quiero recibir ofertas', /seguir recibiéndolas/, 'sí, pero no me mandéis spam', /Para estar seguros/],
    ['en-US', 'I want the newsletter', /keep receiving them/, "yes but don't spam me", /To be sure/],
    ['en-US', 'I want the newsletter', /keep receiving them/, 'yes, but no spam please', /To be sure/],
  ])('%s: a yes with a condition to "keep receiving them?" is asked again once and changes nothing', async (locale, ask, keep, answer, again) => {
    const chat = await subscribed(locale);
    expect(said(await chat.say(ask))).toMatch(keep);
    const first = await chat.say(answer);
    expect(said(first)).toMatch(again);
    expect(first.lastButtons.length).toBe(2);
    expect(consent(await chat.customer())).toBe(true);
    const second = await chat.say(answer);
    expect(said(second)).toMatch(/changed nothing|no he cambiado nada/);
    expect(consent(await chat.customer())).toBe(true);
  });

  test.each([
    ['en-US', ABOUT_OFFERS, /Do you want to stop them/, 'yes, but keep the order updates', /To be sure/, 'yes', /not receive offers from us any more/],
    ['es-ES', ABOUT_OFFERS_ES, /dejar de recibirlas/, 'sí, pero solo las de pedidos', /Para estar seguros/, 'sí', /ya no recibirás ofertas/],
  ])('%s: the same at "Do you want to stop them?"; a clear yes then stops them', async (locale, ask, stop, answer, again, yes, done) => {
    const chat = await subscribed(locale);
    expect(said(await chat.say(ask))).toMatch(stop);
    expect(said(await chat.say(answer))).toMatch(again);
    expect(consent(await chat.customer())).toBe(true);
    expect(said(await chat.say(yes))).toMatch(done);
    expect(consent(await chat.customer())).toBe(false);
  });

  // 2. A bare "stop" right after "Say "stop" at any time" was asked what to stop.
  test.each([
    ['en-US', 'I want to talk to a human', 'yes', /Say "stop" at any time/, 'stop', /no longer receive updates we send first/],
    ['es-ES', 'quiero hablar con una persona', 'sí', /Di "para" cuando quieras/, 'para', /ya no recibirás avisos que te enviamos/],
  ])('%s: a bare stop right after the bot said what "stop" does, does it', async (locale, human, yes, told, stop, stopped) => {
    const staff = await createStaff(running.app, { capacity: 1_000_000 });
    const agent = { id: staff.id, role: 'agent' as const };
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(human);
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await askCustomerConsent({ ...running.app.services, store: running.app.store }, agent, c.customerId, 'proactive', 'test');
    expect(said(await chat.say(yes))).toMatch(told);
    expect(consent(await chat.customer(), 'proactive')).toBe(true);
    // The chat is still the agent's: the confirmation goes into the transcript they read.
    const turn = await chat.say(stop);
    expect(said(turn)).toMatch(stopped);
    expect(consent(await chat.customer(), 'proactive')).toBe(false);
  });

  test('with the bot: a bare stop right after it was told is done; later, with something said between, it is asked about', async () => {
    // A supervisor may ask any customer, also one the bot is serving.
    const staff = await createStaff(running.app, { role: 'supervisor' });
    const supervisor = { id: staff.id, role: 'supervisor' as const };
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await chat.say('hello');
    const c = await chat.conversation();
    await askCustomerConsent({ ...running.app.services, store: running.app.store }, supervisor, c.customerId, 'marketing', 'test');
    expect(said(await chat.say('yes'))).toMatch(/Say "stop" at any time/);
    const turn = await chat.say('stop');
    expect(said(turn)).toMatch(/no longer receive news and offers/);
    expect(said(turn)).not.toMatch(/What would you like me to stop/);
    expect(consent(await chat.customer())).toBe(false);
    await chat.say('hello');
    expect(said(await chat.say('stop'))).toMatch(/What would you like me to stop/);
  });

  test.each([
    ['en-US', 'sign me up for the newsletter', 'yes', /Say "stop sending me offers" at any time/, 'stop'],
    ['es-ES', 'quiero recibir ofertas', 'sí', /Di "deja de enviarme ofertas" cuando quieras/, 'para'],
  ])('%s: the same right after the bot granted offers and quoted how to stop them', async (locale, ask, yes, told, stop) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    expect(said(await chat.say(yes))).toMatch(told);
    expect(consent(await chat.customer())).toBe(true);
    expect(said(await chat.say(stop))).toMatch(/no longer receive news and offers|ya no recibirás nuestras novedades/);
    expect(consent(await chat.customer())).toBe(false);
  });

  test.each([
    ['en-US', 'I want the newsletter', 'yes, keep them', /you keep receiving/],
    ['es-ES', 'quiero recibir ofertas', 'sí, sigue', /sigues recibiendo/],
  ])('%s: a clear yes naming the keeping keeps them at once', async (locale, ask, yes, kept) => {
    const chat = await subscribed(locale);
    await chat.say(ask);
    expect(said(await chat.say(yes))).toMatch(kept);
    expect(consent(await chat.customer())).toBe(true);
  });

  // 3. "call me Robert" set the profile's language to Spanish.
  test.each([undefined, 'en-US'])('"call me Robert" (locale %s) sets the name and leaves the profile language alone', async (locale) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect(said(await chat.say('call me Robert'))).toMatch(/Nice to meet you, Robert/);
    const customer = await chat.customer();
    expect(customer.displayName).toBe('Robert');
    expect(customer.language).not.toBe('es');
  });

  test('a name with Spanish words in it ("call me María de la Luz") switches no language either', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: undefined });
    await chat.say('where is my order please');
    expect(said(await chat.say('call me María de la Luz'))).toMatch(/Nice to meet you, María de la Luz/);
    expect(said(await chat.say('what are your opening hours'))).not.toMatch(/horario|¿/);
    expect((await chat.customer()).language).toBe('en');
  });

  test.each([
    ['en-US', 'can you call me later'],
    ['en-US', 'call me back tomorrow'],
    ['es-ES', 'me llamo pedro y quiero un reembolso'],
  ])('%s: %j names nobody', async (locale, text) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect(said(await chat.say(text))).not.toMatch(/Nice to meet you|Encantado/);
    expect((await chat.customer()).displayName).toBeUndefined();
  });

  test.each([
    ['es-ES', 'Me llamo Pedro y quiero un reembolso', /Encantado, Pedro/, /número de pedido/, 'Pedro'],
    ['en-US', 'my name is Ana and I forgot my password', /Nice to meet you, Ana/, /email address of your account/, 'Ana'],
    ['en-US', 'call me Support and I forgot my password', /cannot use that name/, /email address of your account/, undefined],
  ])('%s: %j sets (or refuses) the name and answers the request beside it', async (locale, text, name, request, kept) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    const turn = await chat.say(text);
    expect(said(turn)).toMatch(name);
    expect(said(turn)).toMatch(request);
    expect((await chat.customer()).displayName).toBe(kept);
  });

  test('a first message clearly in Spanish, without a locale, still gives the profile its language', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: undefined });
    await chat.say('hola, quiero saber dónde está mi pedido');
    expect((await chat.customer()).language).toBe('es');
  });

  // 4. "call me Alex Agente" queued the visitor for a person.
  test.each([
    ['en-US', NAMES_AGENT, /cannot use that name/],
    ['es-ES', 'llámame Sara Agente', /no puedo usar ese nombre/],
  ])('%s: %j refuses the name and hands nothing to a person', async (locale, text, refused) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    const turn = await chat.say(text);
    expect(said(turn)).toMatch(refused);
    expect(said(turn)).not.toMatch(/queue|cola|agent is online|agente conectado/i);
    expect((await chat.conversation()).state).toBe('bot');
    expect((await chat.customer()).displayName).toBeUndefined();
  });

  test('a name and a request for a person in one message: the request is still heard', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await chat.say('call me Alex, I want to talk to a human');
    expect((await chat.conversation()).state).toBe('queued');
  });

  // 5. A new request at "Cancel order …?" was asked again instead of handled.
  test.each([
    ['en-US', 'cancel my order 55555', 'ana@example.com', /Cancel order 55555/, SHORT_REQUEST, /did not cancel order 55555/, /reset|password/i],
    ['es-ES', 'cancela mi pedido 55555', 'ana@example.com', /Cancelo el pedido 55555/, SHORT_REQUEST_ES, /no he cancelado el pedido 55555/, /contraseña/i],
    ['en-US', 'cancel my order 55555', 'ana@example.com', /Cancel order 55555/, 'where is 12345', /did not cancel order 55555/, /12345/],
  ])('%s: %j, then a clear new request at the confirmation ends it (saying so) and is handled', async (locale, ask, email, confirm, request, kept, handled) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    await chat.say(email);
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(confirm);
    const turn = await chat.say(request);
    expect(said(turn)).toMatch(kept);
    expect(said(turn)).toMatch(handled);
    expect(said(turn)).not.toMatch(/To go ahead|Para seguir/);
    expect(said(turn)).not.toMatch(/is cancelled|está cancelado/);
  });

  test.each([
    ['en-US', 'cancel my order 55555', SHORT_REQUEST, /without the code I have not changed order 55555/, /email address of your account/],
    ['es-ES', 'cancela mi pedido 55555', SHORT_REQUEST_ES, /sin el código no he cambiado el pedido 55555/, /correo electrónico de tu cuenta/],
    // A sentence naming another order (a tester, session 6): it was asked for the code again.
    ['en-US', 'I want to return order 67890', 'where is my order 24680?', /without the code I have not changed order 67890/, /24680/],
    // A question at the code question ("what is your refund policy") is answered and the code still awaited now
    // (outside test 26, M5): test/integration/outside28Flows.test.ts.
  ])('%s: the same at the one-time code question', async (locale, ask, request, kept, handled) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    expect(said(await chat.say(ask.endsWith('67890') ? 'ben@example.com' : 'ana@example.com'))).toMatch(/6-digit code|código de 6 cifras/);
    const turn = await chat.say(request);
    expect(said(turn)).toMatch(kept);
    expect([said(turn), ...turn.lastButtons].join(' | ')).toMatch(handled);
    expect(said(turn)).not.toMatch(/Please type the 6-digit code|Escribe el código de 6 cifras/);
  });

  // A tester (session 22): "ok cancel it" right after an order's status got "Great! What can I do for you?".
  test.each([
    ['en-US', 'where is my order 55555', 'ok cancel it', /order 55555/, /Cancel order 55555/],
    ['es-ES', 'dónde está mi pedido 55555', 'vale, cancélalo', /pedido 55555/, /Cancelo el pedido 55555/],
  ])('%s: %j, its status, then %j cancels that order (its code, then its confirmation)', async (locale, ask, cancel, named, confirm) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    expect(said(await chat.say('ana@example.com'))).toMatch(/55555/);
    const turn = await chat.say(cancel);
    expect(said(turn)).not.toMatch(/Great!|Genial/);
    expect(said(turn)).toMatch(named);
    expect(said(turn)).toMatch(/6-digit code|código de 6 cifras/);
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(confirm);
  });

  // A tester (session 22): "no actually keep it" at "Cancel order 55555?" was a new request ("A problem signing up?").
  test.each([
    ['en-US', 'cancel my order 55555', 'no actually keep it', /did not cancel order 55555/],
    ['es-ES', 'cancela mi pedido 55555', 'mantenlo', /no he cancelado el pedido 55555/],
    ['es-ES', 'cancela mi pedido 55555', 'no, mejor déjalo', /no he cancelado el pedido 55555/],
  ])('%s: %j, then %j at its confirmation keeps the order, with nothing else suggested', async (locale, ask, keep, kept) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    await chat.say('ana@example.com');
    expect(said(await chat.say(outbox.lastCode('ana@example.com')))).toMatch(/Cancel order 55555|Cancelo el pedido 55555/);
    const turn = await chat.say(keep);
    expect(turn.replies).toEqual([expect.stringMatching(kept)]);
    expect(turn.lastButtons).toEqual([]);
  });

  test.each([
    ['en-US', 'I want to delete my account', 'no actually keep it', /your account stays as it is/],
    ['es-ES', 'quiero borrar mi cuenta', 'mantenla', /tu cuenta se queda como está/],
  ])('%s: %j, then %j keeps the account', async (locale, ask, keep, kept) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect(said(await chat.say(ask))).toMatch(/delete your account|borrar tu cuenta/);
    const turn = await chat.say(keep);
    expect(turn.replies).toEqual([expect.stringMatching(kept)]);
    expect((await chat.conversation()).state).not.toBe('queued');
  });

  test.each([
    ['en-US', 'I want to return order 67890', 'ben@example.com', 'my code is 12345'],
    ['es-ES', 'quiero devolver el pedido 67890', 'ben@example.com', 'el código es 12345'],
    ['en-US', 'I want to return order 67890', 'ben@example.com', 'i never got the email with the code'],
  ])('%s: a number said to be the code, with a digit missing, or words about the code, is asked for again', async (locale, ask, email, mistyped) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    expect(said(await chat.say(email))).toMatch(/6-digit code|código de 6 cifras/);
    const turn = await chat.say(mistyped);
    expect(said(turn)).toMatch(/6-digit code|código de 6 cifras/);
    expect(said(turn)).not.toMatch(/have not changed|no he cambiado/);
  });

  // 6. A yes to "Did you mean" with two options was not asked which one.
  test.each([
    ['en-US', TWO_OPTIONS, 'yes', /Which one/, ['Track my order', 'Cancel an order', 'None of these'], 'Cancel an order', /order number/],
    ['es-ES', TWO_OPTIONS_ES, 'sí', /Cuál/, ['Seguir mi pedido', 'Cancelar un pedido', 'Ninguna de estas'], 'Cancelar un pedido', /número de pedido/],
  ])('%s: a yes to a "Did you mean" with two options asks which one, with the options as buttons', async (locale, text, yes, which, buttons, pick, next) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect((await chat.say(text)).lastButtons).toEqual(buttons);
    const turn = await chat.say(yes);
    expect(said(turn)).toMatch(which);
    expect(said(turn)).not.toMatch(/Great! What can I do|Genial/);
    expect(turn.lastButtons).toEqual(buttons);
    expect(said(await chat.say(pick))).toMatch(next);
  });

  test.each([
    ['en-US', TWO_OPTIONS, 'yes', 'the second one', /order number/],
    ['es-ES', TWO_OPTIONS_ES, 'sí', 'la segunda', /número de pedido/],
  ])('%s: "Which one do you mean?" is answered by place too', async (locale, text, yes, second, next) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(text);
    await chat.say(yes);
    const turn = await chat.say(second);
    expect(said(turn)).toMatch(next);
    expect(said(turn)).not.toMatch(/Which one do you mean|Cuál de ellas/);
  });
});
