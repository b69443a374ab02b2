import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import { Chat, type Turn } from '../helpers/chat';

/**
 * Outside tester, as a customer (wave 32): marketing consent changed on a guess. Each a new web chat conversation
 * through /api/messages with real Bot Framework activities; consent read back from the stored profile.
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const on = (c: Customer, channel: string) => ProfileService.consentFor(c, 'marketing', channel);
const withdrawn = (c: Customer) => c.consent.filter((e) => !e.granted).map((e) => e.channel);

describe('outside tester 32: consent never changed on a guess', () => {
  const t = appWithChannel();

  let n = 0;
  /** A web chat customer, with a verified phone when asked (SMS and WhatsApp reach them there). */
  async function customer(locale: string, o: { phone?: boolean; grants?: string[] } = {}): Promise<Chat> {
    n += 1;
    const chat = new Chat(t.running, { locale, channelId: 'webchat' });
    await chat.say(locale.startsWith('es') ? 'hola' : 'hi');
    const id = (await chat.customer()).id;
    const addedAt = new Date().toISOString();
    if (o.phone)
      await t.running.app.store.updateCustomer(id, {
        contacts: [{ type: 'phone', value: `+34 600 320 ${100 + n}`, verified: true, source: 'signed_token', addedAt }],
      });
    for (const scope of o.grants ?? []) await t.running.app.services.profiles.setConsent(id, 'marketing', true, { channel: 'test', method: 'form', scope });
    return chat;
  }

  describe('H2: "stop the SMS offers, send them on WhatsApp instead" withdraws SMS and asks to grant WhatsApp', () => {
    test.each([
      [
        'en-US',
        'stop the sms offers, send them on whatsapp instead',
        /not receive offers from us on SMS any more/,
        /on WhatsApp\?/,
        'yes',
        /Done: you will receive our news and offers on WhatsApp/,
      ],
      [
        'es-ES',
        'ya no me manden ofertas por sms, mejor por whatsapp',
        /ya no recibirás ofertas por SMS\./,
        /por WhatsApp\?/,
        'sí',
        /Hecho: recibirás nuestras novedades y ofertas por WhatsApp/,
      ],
    ])('%s %j, with a verified phone', async (locale, line, stopped, asked, yes, granted) => {
      const chat = await customer(locale, { phone: true, grants: ['sms'] });
      const reply = said(await chat.say(line));
      expect(reply).toMatch(stopped);
      expect(reply).not.toMatch(/WhatsApp any more|por SMS y WhatsApp/);
      expect(reply).toMatch(asked);
      let c = await chat.customer();
      expect(withdrawn(c)).toEqual(['sms']);
      expect(on(c, 'sms')).toBe(false);
      expect(said(await chat.say(yes))).toMatch(granted);
      c = await chat.customer();
      expect(on(c, 'whatsapp')).toBe(true);
      expect(on(c, 'sms')).toBe(false);
    });

    test.each([
      ['en-US', 'stop the sms offers, send them on whatsapp instead', /don't have a phone number for you yet/],
      ['es-ES', 'ya no me manden ofertas por sms, mejor por whatsapp', /Todavía no tengo ningún teléfono tuyo/],
    ])('%s %j, with no phone: SMS withdrawn, WhatsApp explained, never withdrawn', async (locale, line, noPhone) => {
      const chat = await customer(locale);
      const reply = said(await chat.say(line));
      expect(reply).toMatch(noPhone);
      expect(reply).not.toMatch(/WhatsApp any more|por SMS y WhatsApp/);
      const c = await chat.customer();
      expect(withdrawn(c)).toEqual(['sms']);
      expect(c.consent.filter((e) => e.granted)).toEqual([]);
    });
  });

  describe('H3: "me quiero dar de baja del whats" withdraws WhatsApp only, and says what was true', () => {
    test.each([
      ['es-MX', 'me quiero dar de baja del whats'],
      ['es-ES', 'ya no quiero ofertas por wasa'],
      ['es-MX', 'no me manden promos por wpp'],
      ['es-ES', 'dejad de mandarme publicidad por guasap'],
      ['en-US', 'unsubscribe me from whatsap'],
      ['en-US', 'stop the offers on watsapp'],
    ])('%s %j, never on WhatsApp: only WhatsApp withdrawn, told they were not receiving offers there', async (locale, line) => {
      const chat = await customer(locale, { grants: ['email'] });
      const reply = said(await chat.say(line));
      expect(reply).toMatch(/on WhatsApp any more\. You were not receiving them there|por WhatsApp\. No las recibías por ahí/);
      expect(reply).not.toMatch(/our list|nuestra lista/);
      const c = await chat.customer();
      expect(withdrawn(c)).toEqual(['whatsapp']);
      expect(on(c, 'email')).toBe(true);
    });

    test('receiving on WhatsApp: withdrawn there and said so; e-mail untouched', async () => {
      const chat = await customer('es-MX', { grants: ['whatsapp', 'email'] });
      expect(said(await chat.say('me quiero dar de baja del whats'))).toMatch(/Hecho: ya no recibirás ofertas por WhatsApp\. Todo lo demás sigue como estaba/);
      const c = await chat.customer();
      expect(on(c, 'whatsapp')).toBe(false);
      expect(on(c, 'email')).toBe(true);
    });

    test('receiving by e-mail only, "unsubscribe me": withdrawn everywhere, never "you were not on our list"', async () => {
      const chat = await customer('en-US', { grants: ['email'] });
      const reply = said(await chat.say('unsubscribe me'));
      expect(reply).toMatch(/Done: you will not receive offers from us any more/);
      expect(reply).not.toMatch(/not on our list/);
      expect(on(await chat.customer(), 'email')).toBe(false);
    });
  });

  describe('H4: an opt-out after another request is done, never dropped', () => {
    test.each([
      [
        'en-US',
        'where is my order 12345? and please stop the sms promos',
        /not receive offers from us on SMS any more/,
        /order 12345, please tell me the e-mail address/,
      ],
      [
        'en-US',
        'has order 12345 shipped yet? pls stop texting me promos',
        /not receive offers from us on SMS any more/,
        /order 12345, please tell me the e-mail address/,
      ],
      ['es-ES', '¿dónde está mi pedido 12345? y ya no me manden promos por sms', /ya no recibirás ofertas por SMS/, /pedido 12345, dime el correo electrónico/],
    ])('%s %j: SMS withdrawn and the order tracked, never cancelled', async (locale, line, stopped, track) => {
      const chat = await customer(locale, { phone: true, grants: ['sms', 'email'] });
      const reply = said(await chat.say(line));
      expect(reply).toMatch(stopped);
      expect(reply).toMatch(track);
      expect(reply).not.toMatch(/[Cc]ancel|[Cc]ancela/);
      const c = await chat.customer();
      expect(on(c, 'sms')).toBe(false);
      expect(on(c, 'email')).toBe(true);
      const order = said(await chat.say('ana@example.com'));
      expect(order).toMatch(/12345/);
      expect(order).toMatch(/shipped|enviado/i);
      expect(order).not.toMatch(/[Cc]ancel/);
    });
  });

  describe('M2: "send me offers by SMS and WhatsApp" asks about both', () => {
    test.each([
      ['en-US', 'send me offers by sms and whatsapp', /on SMS and WhatsApp\?/, 'yes', /Done: you will receive our news and offers on SMS and WhatsApp/],
      [
        'es-MX',
        'quiero recibir promociones por sms y por whatsapp',
        /por SMS y WhatsApp\?/,
        'sí',
        /Hecho: recibirás nuestras novedades y ofertas por SMS y WhatsApp/,
      ],
    ])('%s %j: one question naming both; a yes grants both', async (locale, line, asked, yes, granted) => {
      const chat = await customer(locale, { phone: true });
      expect(said(await chat.say(line))).toMatch(asked);
      expect((await chat.customer()).consent).toEqual([]);
      expect(said(await chat.say(yes))).toMatch(granted);
      const c = await chat.customer();
      expect(on(c, 'sms')).toBe(true);
      expect(on(c, 'whatsapp')).toBe(true);
      expect(on(c, 'email')).toBe(false);
    });

    test('"yes, by SMS" to the question naming both: SMS only', async () => {
      const chat = await customer('en-US', { phone: true });
      await chat.say('send me offers by sms and whatsapp');
      const again = said(await chat.say('yes, by sms'));
      expect(again).toMatch(/on SMS\?/);
      expect(again).not.toMatch(/WhatsApp/);
      expect(said(await chat.say('yes'))).toMatch(/Done: you will receive our news and offers on SMS\./);
      const c = await chat.customer();
      expect(on(c, 'sms')).toBe(true);
      expect(on(c, 'whatsapp')).toBe(false);
    });

    test('a "no" grants neither', async () => {
      const chat = await customer('en-US', { phone: true });
      await chat.say('send me offers by sms and whatsapp');
      await chat.say('no');
      expect((await chat.customer()).consent.filter((e) => e.granted)).toEqual([]);
    });

    test('with no phone: told once for both channels, nothing asked or recorded', async () => {
      const chat = await customer('en-US');
      const turn = await chat.say('send me offers by sms and whatsapp');
      expect(said(turn)).toMatch(/don't have a phone number for you yet, so I haven't signed you up on SMS and WhatsApp/);
      expect(turn.replies).toHaveLength(1);
      expect((await chat.customer()).consent).toEqual([]);
    });

    test('already receiving on SMS: said so, and only WhatsApp asked about', async () => {
      const chat = await customer('en-US', { phone: true, grants: ['sms'] });
      const reply = said(await chat.say('send me offers by sms and whatsapp'));
      expect(reply).toMatch(/You already receive our news and offers on SMS\./);
      expect(reply).toMatch(/from us on WhatsApp\?/);
    });
  });

  describe('M3: a misspelled opt-out is an opt-out, never a grant', () => {
    const GRANT_ASKED = /Do you want to receive|¿Quieres recibir|shall I send you|¿te envío/;
    test.each([
      ['en-US', 'unsubscirbe me frm ur emials', ['email']],
      ['en-US', 'pls unsusbcribe me from the emails', ['email']],
      ['en-US', 'unsubcribe me', ['*']],
      ['es-ES', 'quiero desuscrbirme de los correos', ['email']],
    ])('%s %j: withdrawn, no question that could grant', async (locale, line, channels) => {
      const chat = await customer(locale, { grants: ['email'] });
      const turn = await chat.say(line);
      expect(said(turn)).toMatch(/you will not receive offers from us|ya no recibirás ofertas/);
      expect(said(turn)).not.toMatch(GRANT_ASKED);
      expect(turn.buttons).not.toContain('News and offers settings');
      const c = await chat.customer();
      expect(withdrawn(c)).toEqual(channels);
      expect(on(c, 'email')).toBe(false);
      expect(said(await chat.say('yes'))).not.toMatch(/Done: you will receive/);
      expect((await chat.customer()).consent.filter((e) => e.granted && e.method === 'chat')).toEqual([]);
    });

    test('"I never asked to unsubscirbe": negated, nothing withdrawn', async () => {
      const chat = await customer('en-US', { grants: ['email'] });
      await chat.say('I never asked to unsubscirbe from the newsletter');
      expect(withdrawn(await chat.customer())).toEqual([]);
    });
  });

  describe('M1: "what offers am I signed up for?" answers for every channel, from the history', () => {
    const ASKED = /Do you want to receive|¿Quieres recibir/;
    test.each([
      [
        'en-US',
        'what offers am I signed up for?',
        ['email'],
        /^You receive our news and offers on e-mail\. You do not receive them on SMS, WhatsApp and this web chat\./,
      ],
      [
        'es-ES',
        '¿a qué estoy suscrita?',
        ['whatsapp'],
        /^Recibes nuestras novedades y ofertas por WhatsApp\. No las recibes por correo electrónico, SMS y este chat web\./,
      ],
      [
        'en-US',
        'am I subscribed to your newsletter?',
        [],
        /^You do not receive our news and offers on any channel \(e-mail, SMS, WhatsApp and this web chat\)/,
      ],
      ['es-MX', '¿qué promociones recibo?', ['*'], /^Recibes nuestras novedades y ofertas por correo electrónico, SMS, WhatsApp y este chat web\./],
    ])('%s %j (granted on %j)', async (locale, line, grants, state) => {
      const chat = await customer(locale, { grants });
      const before = (await chat.customer()).consent;
      const turn = await chat.say(line);
      expect(turn.replies).toHaveLength(1);
      expect(said(turn)).toMatch(state);
      expect(said(turn)).not.toMatch(ASKED);
      expect((await chat.customer()).consent).toEqual(before);
    });

    test('a channel withdrawn after a grant everywhere is listed as not receiving', async () => {
      const chat = await customer('en-US', { grants: ['*'] });
      await chat.say('stop the sms offers');
      expect(said(await chat.say('what am I signed up for?'))).toMatch(
        /^You receive our news and offers on e-mail, WhatsApp and this web chat\. You do not receive them on SMS\./,
      );
    });

    test('"can I unsubscribe?" from someone receiving only by e-mail: how to stop, never "nothing to stop"', async () => {
      const chat = await customer('en-US', { grants: ['email'] });
      const reply = said(await chat.say('can I unsubscribe?'));
      expect(reply).toMatch(/You can stop our news and offers at any time/);
      expect(reply).not.toMatch(/nothing to stop/);
    });
  });

  describe('M12: Mexican Spanish yes ("simón", "sip", "ándale", "órale", "va") at yes/no questions, never a grant', () => {
    test.each(['simón', 'Simon', 'sip', 'ándale', 'órale pues', 'va'])('%j to "¿Responde esto a tu pregunta?" is a yes', async (yes) => {
      const chat = new Chat(t.running, { locale: 'es-MX' });
      expect(said(await chat.say('¿a qué hora abrís?'))).toMatch(/Responde esto a tu pregunta/);
      expect(said(await chat.say(yes))).toMatch(/Me alegro de que te sirva/);
    });

    test.each(['simón', 'sip', 'ándale', 'órale'])('%j to the consent question grants nothing: asked again in so many words', async (yes) => {
      const chat = await customer('es-MX');
      expect(said(await chat.say('quiero recibir ofertas'))).toMatch(/¿Quieres recibir nuestras novedades y ofertas/);
      expect(said(await chat.say(yes))).toMatch(/Para estar seguros: ¿te envío novedades y ofertas por este chat web\? Responde sí o no/);
      expect((await chat.customer()).consent).toEqual([]);
      expect(said(await chat.say('sí'))).toMatch(/Hecho: recibirás nuestras novedades y ofertas por este chat web/);
    });
  });
});
