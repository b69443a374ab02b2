import { Chat, type Turn } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside test 28 (black box, through /api/messages with real Bot Framework activities): service messages after an
 * opt-out, "when will it arrive?" after a tracking answer, a request withdrawn in Spanish, a double charge in
 * Spanish, an empty message at a question. Phrasings are ours, with typos and without accents.
 */
const said = (turn: Turn) => turn.replies.join(' | ');

describe('outside test 28: words the bot misread', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ DEMO_ACCOUNTS: 'true' });
  });
  afterAll(() => running.stop());

  test.each([
    ['en-US', 'unsubscribe me from marketing', 'will I still get my order updates?'],
    ['en-US', 'stop sending me promotional emails', 'will i still get updates about my orders'],
    ['en-US', 'unsubscribe me from marketing', 'do i still receive shipping notifications?'],
    ['es-MX', 'darme de baja de las ofertas', '¿seguiré recibiendo avisos de mi pedido?'],
    ['es-MX', 'darme de baja de las ofertas', 'seguire recibiendo los correos de mis pedidos?'],
    ['es-ES', 'no quiero más publicidad', '¿me seguirán llegando las notificaciones de envío?'],
  ])('M2 %s: %j then %j: service messages go on, nothing changes', async (locale, optOut, question) => {
    const chat = new Chat(running, { locale });
    await chat.say(optOut);
    const turn = await chat.say(question);
    expect(said(turn)).toMatch(/service messages and keep coming|mensajes de servicio y siguen llegando/);
    expect(said(turn)).not.toMatch(/order number|número de pedido|Did you mean|Te refieres/);
  });

  test.each([
    ['en-US', 'where is order 12345?', 'and when will it arrive?', /Order 12345 .*Expected delivery/],
    ['en-US', 'track order 55555', 'when will it be delivered', /Order 55555 .*Expected delivery/],
    ['en-US', 'where is order 12345?', 'whens it arriving?', /Order 12345 .*Expected delivery/],
    ['es-MX', '¿dónde está mi pedido 12345?', '¿y cuándo llega?', /pedido 12345 .*Entrega prevista/],
    ['es-MX', '¿dónde está mi pedido 12345?', 'y para cuando me llega', /pedido 12345 .*Entrega prevista/],
  ])('M7 %s: %j, the e-mail, then %j: the order just shown', async (locale, track, followUp, answer) => {
    const chat = new Chat(running, { locale });
    await chat.say(track);
    await chat.say('ana@example.com');
    const turn = await chat.say(followUp);
    expect(said(turn)).toMatch(answer);
    expect(said(turn)).not.toMatch(/Did you mean|Te refieres|order number\?|número de pedido\?/);
  });

  test.each(['no, olvídalo', 'ya no', 'mejor no', 'nel, olvidalo', 'no olvidalo ya', 'mejor ya no gracias'])(
    'M5 es-MX: %j after an FAQ answer: withdrawn, nothing proposed',
    async (withdrawal) => {
      const chat = new Chat(running, { locale: 'es-MX' });
      await chat.say('¿cuál es su horario?');
      const turn = await chat.say(withdrawal);
      expect(said(turn)).toMatch(/De acuerdo/);
      expect(said(turn)).not.toMatch(/Te refieres|Cancelar|no te he entendido/i);
    },
  );

  test.each(['nel, olvidalo', 'ya no, olvídalo', 'mejor no, déjalo'])('M5 es-MX: %j at nothing: withdrawn, nothing proposed', async (withdrawal) => {
    const chat = new Chat(running, { locale: 'es-MX' });
    await chat.say('hola');
    const turn = await chat.say(withdrawal);
    expect(said(turn)).toMatch(/De acuerdo/);
    expect(said(turn)).not.toMatch(/Te refieres|Cancelar/i);
  });

  test.each([
    ['es-MX', 'me cobraron dos veces', /te hayan cobrado dos veces/],
    ['es-MX', 'me han cobrado doble el pedido 12345', /cobrado dos veces el pedido 12345/],
    ['es-ES', 'me habeis cobrado 2 veces', /te hayan cobrado dos veces/],
    ['es-MX', 'tengo un cargo duplicado en mi tarjeta', /te hayan cobrado dos veces/],
    ['en-US', 'I was charged twice for order 12345', /charged twice for order 12345/],
    ['en-US', 'i got double charged', /you were charged twice/],
  ])('M8 %s: %j: the double-charge answer, not the declined card', async (locale, text, answer) => {
    const chat = new Chat(running, { locale });
    const turn = await chat.say(text);
    expect(said(turn)).toMatch(answer);
    expect(said(turn)).not.toMatch(/rechazada|declined card/);
  });

  test.each([
    ['en-US', 'where is my order', '   ', /empty message\. \| What is your order number/],
    ['en-US', 'where is my order', '', /empty message\. \| What is your order number/],
    ['es-MX', '¿dónde está mi pedido?', ' \n ', /mensaje vacío\. \| ¿Cuál es tu número de pedido/],
  ])('LOW 2 %s: %j then an empty message: the question stays', async (locale, ask, empty, again) => {
    const chat = new Chat(running, { locale });
    await chat.say(ask);
    const turn = await chat.say(empty);
    expect(said(turn)).toMatch(again);
    expect(said(await chat.say('12345'))).toMatch(/order 12345|pedido 12345/);
  });
});
