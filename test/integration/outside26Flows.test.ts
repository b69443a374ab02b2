import { ProfileService } from '../../profile/profileService';
import { Chat, type Turn } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside test 26 (black box, through /api/messages with real Bot Framework activities): dialog flows that lost the
 * customer's meaning. The tester's own sentences first in each table, then variants of ours.
 */
const said = (turn: Turn) => turn.replies.join(' | ');

/** The customer's profile, with an e-mail and a phone of their own on file (as a signed-in customer's would be). */
let contactsGiven = 0;
async function withContacts(running: RunningApp, chat: Chat): Promise<void> {
  await chat.say('hello');
  const c = await chat.customer();
  const at = new Date().toISOString();
  const n = ++contactsGiven;
  await running.app.store.updateCustomer(c.id, {
    contacts: [
      { type: 'email', value: `m11-${n}@example.com`, verified: true, source: 'signed_token', addedAt: at },
      { type: 'phone', value: `+3460012340${n}`, verified: true, source: 'signed_token', addedAt: at },
    ],
  });
}

describe('outside test 26: dialog flows', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startTestApp()));
  afterAll(() => running.stop());

  describe('M11: consent is asked about and granted on the channel the customer names', () => {
    test.each([
      // The tester's
      ['es-ES', 'sí, quiero recibir ofertas por correo', 'sí', 'email', /por correo electrónico/],
      // Ours
      ['en-US', 'yes, send me offers by email', 'yes', 'email', /on e-mail/],
      ['en-US', 'I want to receive your offers by SMS', 'yes', 'sms', /on SMS/],
      ['es-ES', 'quiero recibir el boletín por whatsapp', 'sí', 'whatsapp', /por WhatsApp/],
      ['en-US', 'sign me up for the newsletter here in this chat', 'yes', 'test', /this channel \(test\)/],
    ])('%s %j, then %j: asked and granted on %s only', async (locale, wish, yes, channel, named) => {
      const chat = new Chat(running, { locale });
      // A grant by e-mail, SMS or WhatsApp needs an address there (outside test 28, H2): the customer has both.
      await withContacts(running, chat);
      const asked = await chat.say(wish);
      expect(said(asked)).toMatch(named);
      if (channel !== 'test') expect(said(asked)).not.toMatch(/this channel \(test\)|este canal \(test\)/);
      const done = await chat.say(yes);
      expect(said(done)).toMatch(/Done: you will receive|Hecho: recibirás/);
      expect(said(done)).toMatch(named);
      const c = await chat.customer();
      expect(ProfileService.consentFor(c, 'marketing', channel)).toBe(true);
      if (channel !== 'test') expect(ProfileService.consentFor(c, 'marketing', 'test')).toBe(false);
    });

    test('"yes, by email" to a question about this chat asks again about e-mail and grants nothing on the chat', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await withContacts(running, chat);
      expect(said(await chat.say('sign me up for the newsletter'))).toMatch(/this channel \(test\)/);
      const again = await chat.say('yes, by email please');
      expect(said(again)).toMatch(/Do you want to receive news and offers.*on e-mail/);
      expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'test')).toBe(false);
      await chat.say('yes');
      const c = await chat.customer();
      expect(ProfileService.consentFor(c, 'marketing', 'email')).toBe(true);
      expect(ProfileService.consentFor(c, 'marketing', 'test')).toBe(false);
    });
  });

  test.each([
    // The tester's
    ['en-US', 'sign me up for the newsletter', 'yes, and where is order 12345?', /To show you order 12345/],
    // Ours
    ['es-ES', 'apúntame al boletín', 'sí, y ¿dónde está mi pedido 12345?', /Para mostrarte el pedido 12345/],
  ])('L6/L11 %s: %j, then %j: the yes grants, then the order question is answered', async (locale, ask, answer, order) => {
    const chat = new Chat(running, { locale });
    await chat.say(ask);
    const turn = await chat.say(answer);
    expect(said(turn)).toMatch(/Done: you will receive|Hecho: recibirás/);
    expect(said(turn)).toMatch(order);
    expect(said(turn)).not.toMatch(/changed nothing|no he cambiado nada/);
    expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'test')).toBe(true);
  });

  describe('M2: taking back a request for a person', () => {
    test.each([
      // The tester's
      ['en-US', 'agent please', 'actually cancel that, I found the answer'],
      ['en-US', 'agent please', 'no wait, forget it, you can help me'],
      // Ours
      ['en-US', 'I want to talk to a human', 'cancel that'],
      ['en-US', 'can I speak to a person', 'oh forget it, I figured it out'],
      ['es-ES', 'quiero hablar con una persona', 'olvida eso, ya encontré la respuesta'],
      ['es-ES', 'quiero hablar con una persona', 'no, cancela eso'],
    ])('%s: %j, then %j withdraws the request and starts nothing else', async (locale, ask, back) => {
      const chat = new Chat(running, { locale });
      await chat.say(ask);
      expect((await chat.conversation()).state).toBe('queued');
      const turn = await chat.say(back);
      expect(said(turn)).toMatch(/I withdrew your request for a person|he retirado tu solicitud/);
      expect(said(turn)).not.toMatch(/order number|número de pedido|stands|sigue en pie|Did you mean|Te refieres|understand|entendido/);
      expect((await chat.conversation()).state).toBe('bot');
    });

    test('"cancel it, order 12345" while queued is about the order, not the request', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await chat.say('agent please');
      await chat.say('cancel it, order 12345');
      expect((await chat.conversation()).state).toBe('queued');
    });
  });

  describe('M3: a second change added at "Save …?" is no "no"', () => {
    const contacts = async (chat: Chat) => (await chat.customer()).contacts.map((c) => c.value);

    test.each([
      // The tester's
      ['en-US', 'I need to change my email address to ana.new@example.com', 'and my phone number too'],
      // Ours
      ['en-US', 'please change my email to ana.other@example.com', 'also my phone'],
      ['es-ES', 'quiero cambiar mi correo a alba.nueva@example.com', 'y mi teléfono también'],
    ])('%s: %j, then %j: the e-mail is asked again, saved on a yes, then the phone asked for and saved', async (locale, change, more) => {
      const chat = new Chat(running, { locale });
      const email = change.match(/\S+@\S+/)![0];
      expect(said(await chat.say(change))).toContain(email);
      const again = await chat.say(more);
      expect(said(again)).not.toMatch(/did not change|no he cambiado/);
      expect(said(again)).toMatch(/phone number right after\. First: save|nuevo número de teléfono\. Primero: ¿guardo/);
      expect(said(again)).toContain(email);
      const saved = await chat.say(locale === 'en-US' ? 'yes' : 'sí');
      expect(said(saved)).toMatch(/Saved|He guardado/);
      // The new address gets its confirmation code first (M3 of outside test 29); put off, the phone is asked for.
      expect(said(saved)).toMatch(/sent a 6-digit code|enviado un código de 6 cifras/);
      expect(await contacts(chat)).toContain(email);
      expect(said(await chat.say(locale === 'en-US' ? 'later' : 'luego'))).toMatch(/type your new phone number|escribe tu nuevo número de teléfono/);
      expect(said(await chat.say('+34 600 111 222'))).toMatch(/\+34600111222/);
      await chat.say(locale === 'en-US' ? 'yes' : 'sí');
      expect(await contacts(chat)).toEqual(expect.arrayContaining([email, '+34600111222']));
    });

    test('"yes, and my phone number too" saves the e-mail at once and asks for the phone', async () => {
      const chat = new Chat(running, { locale: 'en-US' });
      await chat.say('I need to change my email address to ben.new@example.com');
      const turn = await chat.say('yes, and my phone number too');
      expect(said(turn)).toMatch(/Saved ben\.new@example\.com, not confirmed yet: I have sent a 6-digit code/);
      expect(said(await chat.say('later'))).toMatch(/Now please type your new phone number/);
      expect((await chat.customer()).contacts.map((c) => c.value)).toContain('ben.new@example.com');
    });
  });
});

describe('outside test 26, M5: leaving the code step in so many words', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => (running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file, VERIFY_CODES_PER_HOUR: '100' })));
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  test.each([
    // The tester's
    'actually never mind',
    // Ours
    'forget it',
    'no, cancel that',
    'ok never mind, thanks',
  ])('%j at the code question ends it: nothing changed, said so, no "type the code" again', async (stop) => {
    const chat = new Chat(running);
    await chat.say('i want my money back for order 67890');
    expect(said(await chat.say('ben@example.com'))).toMatch(/sent a 6-digit code/);
    const turn = await chat.say(stop);
    expect(said(turn)).toMatch(/without the code I have not changed order 67890/);
    expect(said(turn)).not.toMatch(/Please type the 6-digit code|did not understand|Did you mean/);
  });
});
