import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * A change the customer denied or only asked about never starts (dialogs/changeScope.ts): consent stays as it is and
 * the customer is told where they stand, no order flow sends a code or asks "Cancel order…?", no contact is offered
 * for saving. Through /api/messages with real Bot Framework activities and the shipped model. The phrasings are our
 * own; the outside tester's probe of 2026-11-30 is replayed only in its own block at the end, as a regression.
 */
const marketing = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');
const said = (turn: { replies: string[] }) => turn.replies.join(' | ');
/** Every confirmation that starts a change, and the code sent before one. */
const CHANGE_STARTED =
  /Cancel order \d+|Open a return|Request a refund of|¿Cancelo el pedido|¿Abro una devolución|¿Solicito el reembolso|sent a \d-digit code|código de \d cifras|Save .* as your new|¿Guardo/;
const WITHDRAWN = /you will not receive offers|ya no recibirás ofertas/;

describe('a change the customer denied or asked about never starts', () => {
  const outbox = new CodeOutbox();
  afterAll(() => outbox.remove());
  const ctx = appWithChannel({ VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '1000' }, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  async function subscribed(locale: string): Promise<Chat> {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(locale === 'es-ES' ? 'hola' : 'hello');
    await running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form' });
    return chat;
  }

  describe('news and offers: a negated or questioned opt-out keeps them, and says so', () => {
    test.each([
      ['en-US', "I didn't ask you to stop the offers"],
      ['en-US', 'there is no need to cancel my newsletter'],
      ['en-US', "I enjoy your newsletter, please don't remove me"],
      ['en-US', 'how come the promotions stopped? I never opted out'],
      ['en-US', 'I do not want you to unsubscribe me from the deals'],
      ['es-ES', 'no me quitéis del boletín, lo leo siempre'],
      ['es-ES', 'nunca pedí que dejarais de enviarme ofertas'],
      ['es-ES', 'no hace falta que me deis de baja de las promociones'],
      ['es-ES', '¿por qué dejaron de llegarme las promociones? nunca me di de baja'],
    ])('%s, subscribed: %j changes nothing', async (locale, text) => {
      const chat = await subscribed(locale);
      const turn = await chat.say(text);
      expect(said(turn)).not.toMatch(WITHDRAWN);
      expect(said(turn)).toMatch(/keep receiving|sigues recibiendo|changed nothing|no he cambiado nada|keep receiving them|seguir recibiéndolas/);
      expect(marketing(await chat.customer())).toBe(true);
    });

    test.each([
      ['en-US', 'how come the promotions stopped? I never opted out', 'yes'],
      ['es-ES', '¿por qué dejaron de llegarme las promociones? nunca me di de baja', 'sí'],
    ])('%s, not subscribed: %j says so, asks, and only an explicit yes grants', async (locale, text, yes) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      const turn = await chat.say(text);
      expect(said(turn)).toMatch(/do not receive our news and offers|no recibes nuestras novedades/);
      expect((await chat.customer()).consent).toEqual([]);
      await chat.say(yes);
      expect(marketing(await chat.customer())).toBe(true);
    });

    test.each([
      ['en-US', 'please unsubscribe me from the newsletter'],
      ['en-US', 'I never read them, stop sending me offers'],
      ['es-ES', 'dejad de enviarme ofertas, por favor'],
      ['es-ES', 'no quiero recibir más publicidad'],
    ])('%s: %j, an opt-out in so many words, still withdraws at once', async (locale, text) => {
      const chat = await subscribed(locale);
      expect(said(await chat.say(text))).toMatch(WITHDRAWN);
      expect(marketing(await chat.customer())).toBe(false);
    });

    test('"I don\'t mind them" at "keep receiving them?" keeps them', async () => {
      const chat = await subscribed('en-US');
      expect(said(await chat.say('I want the newsletter'))).toMatch(/keep receiving them/);
      const turn = await chat.say("I don't mind them at all");
      expect(said(turn)).not.toMatch(WITHDRAWN);
      expect(marketing(await chat.customer())).toBe(true);
    });
  });

  describe('orders: a denied change answers what was asked instead', () => {
    test.each([
      ['en-US', 'I do not want to cancel order 55555, where is it now?', 'ana@example.com', /Order 55555 is being prepared/],
      ['en-US', 'not a return, I only want the tracking for 12345', 'ana@example.com', /Order 12345 has shipped/],
      ['es-ES', 'no quiero anular el pedido 55555, ¿cuándo me llega?', 'ana@example.com', /El pedido 55555 se está preparando/],
      ['es-ES', 'no te pido una devolución, ¿dónde está el 12345?', 'ana@example.com', /El pedido 12345 ha sido enviado/],
      ['en-US', 'how is my return for 67890 going?', 'ben@example.com', /Order 67890 was delivered/],
      ['es-ES', '¿qué pasa con la devolución del 67890?', 'ben@example.com', /El pedido 67890 fue entregado/],
    ])('%s: %j shows the status, no code, no confirmation', async (locale, text, email, status) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      const codes = outbox.sent().length;
      const first = await chat.say(text);
      expect(said(first)).not.toMatch(CHANGE_STARTED);
      const second = await chat.say(email);
      expect(said(second)).toMatch(status);
      expect(said(second)).not.toMatch(CHANGE_STARTED);
      expect(outbox.sent().length).toBe(codes);
    });

    test.each([
      ['en-US', 'is it possible to return things bought on sale?', /Returns are free within 30 days/, 'I want to return an order'],
      ['en-US', 'how can I cancel an order before it ships?', /can be cancelled until it ships/, 'Cancel my order'],
      ['es-ES', '¿se puede cancelar un pedido ya enviado?', /se puede cancelar hasta que se envía/, 'Cancela mi pedido'],
      ['es-ES', '¿podría devolver algo que compré en rebajas?', /devoluciones son gratis/, 'Quiero devolver un pedido'],
    ])('%s: %j is answered, and the change is one tap away', async (locale, text, answer, button) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      const turn = await chat.say(text);
      expect(said(turn)).toMatch(answer);
      expect(said(turn)).not.toMatch(CHANGE_STARTED);
      expect(turn.buttons).toContain(button);
    });

    test('a question about an order just shown names it, and its button starts the change', async () => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
      await chat.say('where is my order 67890?');
      await chat.say('ben@example.com');
      const turn = await chat.say('could I send it back after a week?');
      expect(said(turn)).toMatch(/order 67890/);
      expect(said(turn)).not.toMatch(CHANGE_STARTED);
      expect(turn.buttons).toEqual(['Return order 67890']);
      expect(said(await chat.say('Return order 67890'))).toMatch(/sent a 6-digit code/);
    });

    test.each([
      ['en-US', 'cancel my order', "I don't want to cancel anything, where is order 55555?", /Order 55555 is being prepared/],
      // The model is unsure of this one (cancel 0.66): the denied change is still not offered back.
      ['en-US', 'cancel my order', "sorry, I don't want to cancel anything, where is 55555?", /Order 55555 is being prepared/],
      ['es-ES', 'quiero devolver un pedido', 'no, no quiero devolverlo, ¿dónde está el 55555?', /El pedido 55555 se está preparando/],
    ])('%s: at the order number question of %j, %j drops the change', async (locale, ask, denial, status) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      expect(said(await chat.say(ask))).toMatch(/order number|número de pedido/);
      expect(said(await chat.say(denial))).not.toMatch(CHANGE_STARTED);
      const turn = await chat.say('ana@example.com');
      expect(said(turn)).toMatch(status);
      expect(said(turn)).not.toMatch(CHANGE_STARTED);
    });

    test.each([
      ['en-US', 'please cancel order 55555, I do not need it anymore', /sent a 6-digit code|e-mail address/],
      ['es-ES', 'ya no lo necesito, cancela el pedido 55555', /código|correo/],
    ])('%s: %j, a change asked for, still starts', async (locale, text, next) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      expect(said(await chat.say(text))).toMatch(next);
    });
  });

  describe('contact details: no save offered for a denied change, and only an explicit yes saves', () => {
    test.each([
      ['en-US', "please don't update my phone, +34 611 222 333 is only my work number", /did not change your contact details/],
      ['es-ES', 'no actualices mi correo, carla.nueva@example.com era una errata', /no he cambiado tus datos de contacto/],
      ['en-US', 'ben.old@example.com is no longer my email', /new email address or phone/],
      ['es-ES', 'mi teléfono ya no es el +34 622 333 444', /nuevo correo|teléfono/],
    ])('%s: %j offers no save of the address it denies', async (locale, text, reply) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      const turn = await chat.say(text);
      expect(said(turn)).toMatch(reply);
      expect(said(turn)).not.toMatch(CHANGE_STARTED);
      expect((await chat.customer()).contacts).toEqual([]);
    });

    test.each([
      ['en-US', 'change my email to carla.x@example.com', 'ok', 'yes', /To be sure: shall I save/],
      ['es-ES', 'cambia mi correo a carla.y@example.com', 'vale', 'sí', /Para estar seguros: ¿guardo/],
    ])('%s: %j then %j is asked again in so many words; %j saves', async (locale, ask, soft, yes, again) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      expect(said(await chat.say(ask))).toMatch(/Save carla|¿Guardo carla/);
      expect(said(await chat.say(soft))).toMatch(again);
      expect((await chat.customer()).contacts).toEqual([]);
      expect(said(await chat.say(yes))).toMatch(/carla/);
      expect((await chat.customer()).contacts.map((c) => c.value)).toEqual([ask.split(' ').at(-1)]);
    });

    test('"vale" twice saves nothing', async () => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale: 'es-ES' });
      await chat.say('cambia mi correo a carla.z@example.com');
      await chat.say('vale');
      expect(said(await chat.say('vale'))).toMatch(/no he cambiado tus datos de contacto/);
      expect((await chat.customer()).contacts).toEqual([]);
    });
  });

  // The outside tester's probe of 2026-11-30 (a few of its sentences, as found): each once changed something.
  describe("regression: the tester's probe", () => {
    test.each([
      ['en-US', "I don't want to stop the newsletter, I like it"],
      ['en-US', "why did my offers emails stop? I didn't unsubscribe"],
      ['es-ES', 'no quiero que dejéis de mandarme ofertas'],
    ])('%s: subscribed, %j keeps them', async (locale, text) => {
      const chat = await subscribed(locale);
      expect(said(await chat.say(text))).not.toMatch(WITHDRAWN);
      expect(marketing(await chat.customer())).toBe(true);
    });

    test('"I\'m not asking for a return. Where is 55555?" shows where it is', async () => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
      expect(said(await chat.say("I'm not asking for a return. Where is 55555?"))).not.toMatch(CHANGE_STARTED);
      expect(said(await chat.say('ana@example.com'))).toMatch(/Order 55555 is being prepared/);
    });

    test('"my phone number is not +34 600 123 456 anymore" offers no save of it', async () => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
      expect(said(await chat.say('my phone number is not +34 600 123 456 anymore'))).not.toMatch(CHANGE_STARTED);
      expect((await chat.customer()).contacts).toEqual([]);
    });
  });
});
