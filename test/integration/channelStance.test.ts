import { Chat, type Turn } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { ProfileService } from '../../profile/profileService';

/**
 * Outside tester (black box, real Bot Framework activities): "ya no quiero que me manden promociones por correo pero
 * sí por sms" withdrew everywhere and never answered its "yes by SMS"; "yes please but not by email" at the question
 * about this chat was asked again about e-mail. A negated channel is never the one asked about; a "but yes on X"
 * after a withdrawal is said back and offered, granted only after a yes and only where there is an address.
 */
const said = (turn: Turn) => turn.replies.join(' | ');

describe('channels named with a stance in news and offers', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  async function withPhone(chat: Chat, phone: string): Promise<void> {
    await chat.say('hola');
    await running.app.store.updateCustomer((await chat.customer()).id, {
      contacts: [{ type: 'phone', value: phone, verified: true, source: 'signed_token', addedAt: new Date().toISOString() }],
    });
  }

  test.each([
    ['es-MX', 'ya no quiero que me manden promociones por correo pero sí por sms', 'sí', /por SMS/],
    ['en-US', 'no more promotions by email please, but yes by SMS', 'yes', /by SMS|on SMS/],
  ])('%s %j: withdrawn everywhere, SMS said back and offered; a yes grants on SMS only', async (locale, text, yes, sms) => {
    const chat = new Chat(running, { locale });
    await withPhone(chat, locale === 'es-MX' ? '+5215512345678' : '+447700900123');
    const turn = await chat.say(text);
    expect(said(turn)).toMatch(/Hecho: ya no recibirás ofertas|Done: you will not receive offers/);
    expect(said(turn)).toMatch(sms);
    expect(turn.replies.at(-1)).toMatch(/\?$/);
    expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'sms')).toBe(false);
    await chat.say(yes);
    const c = await chat.customer();
    expect(ProfileService.consentFor(c, 'marketing', 'sms')).toBe(true);
    expect(ProfileService.consentFor(c, 'marketing', 'email')).toBe(false);
    expect(ProfileService.consentFor(c, 'marketing', 'test')).toBe(false);
  });

  test('without a phone on file the SMS wish is answered, and nothing is granted', async () => {
    const chat = new Chat(running, { locale: 'es-MX' });
    const turn = await chat.say('ya no quiero que me manden promociones por correo pero sí por sms');
    expect(said(turn)).toMatch(/por SMS/);
    await chat.say('sí');
    expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'sms')).toBe(false);
  });

  test('"yes please but not by email" at the question about this chat is no request for e-mail', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    expect(said(await chat.say('sign me up for the newsletter'))).toMatch(/Do you want to receive/);
    const turn = await chat.say('yes please but not by email');
    expect(said(turn)).not.toMatch(/on e-mail\?/);
  });
});
