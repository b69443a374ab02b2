import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import { messageActivity, post } from '../helpers/activities';
import { Chat, type Turn } from '../helpers/chat';
import { heldChat } from '../helpers/heldChat';

/**
 * Outside tester (HIGH): a request to opt in or out on one channel became "stop all marketing", with no confirmation.
 * Each a new web chat conversation through /api/messages with real Bot Framework activities: a withdrawal naming
 * channels withdraws those only and says which; a channel the customer keeps or denies is never changed; wanting
 * offers on a channel is an opt-in asked about that channel, granted only where the profile can reach them; an
 * unqualified opt-out still withdraws everywhere.
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const GLOBAL_OFF = /you will not receive offers from us any more|ya no recibirás ofertas\. /;
const on = (c: Customer, channel: string) => ProfileService.consentFor(c, 'marketing', channel);

describe('marketing consent per channel (outside tester)', () => {
  const t = appWithChannel();

  let n = 0;
  async function chatWithPhone(locale: string, email = false): Promise<Chat> {
    n += 1;
    const chat = new Chat(t.running, { locale, channelId: 'webchat' });
    await chat.say(locale.startsWith('es') ? 'hola' : 'hi');
    const at = new Date().toISOString();
    const contacts = [{ type: 'phone' as const, value: `+34 600 111 ${100 + n}`, verified: true, source: 'signed_token' as const, addedAt: at }];
    if (email) contacts.push({ type: 'email' as never, value: `ana${n}@example.com`, verified: true, source: 'signed_token', addedAt: at });
    await t.running.app.store.updateCustomer((await chat.customer()).id, { contacts });
    return chat;
  }

  test.each([
    ['en-US', "I'd like to receive offers by SMS but not email", 'sms', /on SMS\?/, 'yes', /Done: you will receive our news and offers on SMS/],
    [
      'es-MX',
      'quiero recibir promociones por whatsapp pero no por correo',
      'whatsapp',
      /por WhatsApp\?/,
      'sí',
      /Hecho: recibirás nuestras novedades y ofertas por WhatsApp/,
    ],
  ])('%s %j: an opt-in asked about the channel wanted, granted there only after a yes', async (locale, line, channel, asked, yes, granted) => {
    const chat = await chatWithPhone(locale, true);
    const first = said(await chat.say(line));
    expect(first).not.toMatch(GLOBAL_OFF);
    expect(first).toMatch(asked);
    expect(first).not.toMatch(/e-mail|correo/);
    expect((await chat.customer()).consent).toEqual([]);
    expect(said(await chat.say(yes))).toMatch(granted);
    const c = await chat.customer();
    expect(c.consent.map((e) => [e.channel, e.granted])).toEqual([[channel, true]]);
    expect(on(c, channel)).toBe(true);
    expect(on(c, 'email')).toBe(false);
  });

  test('the same opt-in from someone with no phone on file: told so, nothing recorded, nothing withdrawn', async () => {
    const chat = new Chat(t.running, { locale: 'en-US', channelId: 'webchat' });
    const reply = said(await chat.say("I'd like to receive offers by SMS but not email"));
    expect(reply).not.toMatch(GLOBAL_OFF);
    expect(reply).toMatch(/don't have a phone number for you/);
    expect((await chat.customer()).consent).toEqual([]);
  });

  test('"please stop texting me offers but keep the emails coming": SMS withdrawn, e-mail kept', async () => {
    const chat = await chatWithPhone('en-US', true);
    await t.running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form', scope: '*' });
    const reply = said(await chat.say('please stop texting me offers but keep the emails coming'));
    expect(reply).not.toMatch(GLOBAL_OFF);
    expect(reply).toMatch(/you will not receive offers from us on SMS any more\. Everything else stays as it was/);
    const c = await chat.customer();
    expect(on(c, 'sms')).toBe(false);
    expect(on(c, 'email')).toBe(true);
    expect(on(c, 'webchat')).toBe(true);
  });

  test('subscribed on this web chat, then "stop the SMS offers, but keep sending me everything else here": the web chat grant stays', async () => {
    const chat = await chatWithPhone('en-US');
    expect(said(await chat.say('subscribe me to your newsletter'))).toMatch(/this web chat\?/);
    expect(said(await chat.say('yes'))).toMatch(/Done: you will receive our news and offers on this web chat/);
    expect(on(await chat.customer(), 'webchat')).toBe(true);
    const reply = said(await chat.say('actually please stop the SMS offers, but keep sending me everything else here'));
    expect(reply).not.toMatch(GLOBAL_OFF);
    expect(reply).toMatch(/not receive offers from us on SMS any more/);
    const c = await chat.customer();
    expect(on(c, 'webchat')).toBe(true);
    expect(on(c, 'sms')).toBe(false);
    expect(c.consent.at(-1)).toMatchObject({ channel: 'sms', granted: false });
  });

  test('"cancel 55555 and unsubscribe me from sms": SMS only withdrawn, then the cancel flow', async () => {
    const chat = await chatWithPhone('en-US');
    await t.running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form', scope: '*' });
    const reply = said(await chat.say('cancel 55555 and unsubscribe me from sms'));
    expect(reply).not.toMatch(GLOBAL_OFF);
    expect(reply).toMatch(/not receive offers from us on SMS any more/);
    expect(reply).toMatch(/55555/);
    const c = await chat.customer();
    expect(on(c, 'sms')).toBe(false);
    expect(on(c, 'webchat')).toBe(true);
    expect(on(c, 'email')).toBe(true);
  });

  test('es-ES "no quiero recibir más publicidad por sms": SMS only', async () => {
    const chat = await chatWithPhone('es-ES');
    await t.running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form', scope: '*' });
    const reply = said(await chat.say('no quiero recibir más publicidad por sms'));
    expect(reply).not.toMatch(GLOBAL_OFF);
    expect(reply).toMatch(/Hecho: ya no recibirás ofertas por SMS\. Todo lo demás sigue como estaba/);
    const c = await chat.customer();
    expect(on(c, 'sms')).toBe(false);
    expect(on(c, 'webchat')).toBe(true);
  });

  test('while an agent holds the chat, "unsubscribe me from sms" withdraws SMS only and says so', async () => {
    const held = await heldChat(t.running, t.channel, 'held-sms-only');
    t.sockets.push(held.socket);
    const id = held.conversation.customerId;
    await t.running.app.services.profiles.setConsent(id, 'marketing', true, { channel: 'test', method: 'form', scope: '*' });
    const activity = messageActivity({
      conversation: { id: 'held-sms-only' },
      from: { id: 'held-sms-only-user' },
      text: 'unsubscribe me from sms',
      serviceUrl: t.channel.url,
      deliveryMode: undefined,
    });
    expect((await post(t.running.url, activity)).status).toBe(200);
    const noted = await t.channel.waitForText('held-sms-only', /^Noted:/);
    expect(String(noted.activity.text)).toMatch(/Noted: you will not receive news and offers from us on SMS any more; everything else/);
    const c = await t.running.app.services.profiles.get(id);
    expect(on(c, 'sms')).toBe(false);
    expect(on(c, 'test')).toBe(true);
  });

  test.each([
    ['en-US', 'stop all offers', /Done: you will not receive offers from us any more/],
    ['en-US', 'unsubscribe me', /Done: you will not receive offers from us any more/],
    ['es-ES', 'darme de baja de la publicidad', /Hecho: ya no recibirás ofertas\. /],
  ])('%s %j, unqualified, still withdraws everywhere at once', async (locale, line, reply) => {
    const chat = await chatWithPhone(locale, true);
    await t.running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form', scope: '*' });
    expect(said(await chat.say(line))).toMatch(reply);
    const c = await chat.customer();
    expect(c.consent.at(-1)).toMatchObject({ channel: '*', granted: false });
    for (const ch of ['webchat', 'sms', 'email', 'whatsapp']) expect(on(c, ch)).toBe(false);
  });
});
