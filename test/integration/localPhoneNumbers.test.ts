import { appWithChannel } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';

/**
 * An outside tester (wave 26): after changing their e-mail, "and my phone to 07700 900123" was not read; the contact
 * reader took only international numbers. A number typed as at home is read for the customer's country (their
 * profile's, their locale's, else the company's DEFAULT_PHONE_REGION), saved in E.164 after the usual yes; with no
 * country known, or a number that is none of that country's, the bot asks for it with its country code. Real Bot
 * Framework activities over HTTP.
 */
const said = (turn: { replies: string[] }) => turn.replies.join(' | ');
const EMAIL_FIRST = ['I want to change my email', 'new.phone@example.com', 'yes'];

describe('a company in the UK (DEFAULT_PHONE_REGION=GB)', () => {
  const ctx = appWithChannel({ DEFAULT_PHONE_REGION: 'gb' });

  test.each([
    ['en', 'and my phone to 07700 900123', '+447700900123'],
    ['en-GB', 'also my mobile: 07700 900124', '+447700900124'],
    [undefined, 'and my phone to 07700 900125', '+447700900125'],
  ])('locale %s: "%s" after an e-mail change is asked about as %s, saved after a yes', async (locale, followUp, e164) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.sayAll(EMAIL_FIRST);
    const turn = await chat.say(followUp);
    expect(said(turn)).toMatch(`Save ${e164} as your new phone number?`);
    expect((await chat.customer()).contacts.map((c) => c.value)).not.toContain(e164);
    await chat.say('yes');
    expect((await chat.customer()).contacts.map((c) => c.value)).toContain(e164);
  });

  test("the profile's country goes first: a customer in Spain typing 600 123 456", async () => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: 'en' });
    await chat.say('hello');
    const c = await chat.customer();
    await ctx.running.app.services.profiles.update(c.id, (x) => ({ attributes: { ...x.attributes, country: 'ES' } }));
    await chat.sayAll(EMAIL_FIRST);
    expect(said(await chat.say('and my phone to 600 123 456'))).toMatch('Save +34600123456 as your new phone number?');
  });

  test("the channel's locale before the company's: en-US, and 07700 900123 is no US number, so it is asked for", async () => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: 'en-US' });
    await chat.sayAll(EMAIL_FIRST);
    expect(said(await chat.say('and my phone to 07700 900123'))).toMatch(/Which country is 07700 900123 in\? Please type it with its country code/);
    expect(said(await chat.say('+44 7700 900123'))).toMatch('Save +447700900123 as your new phone number?');
  });
});

describe('no country known (no default region, a locale without one)', () => {
  const ctx = appWithChannel();

  test('the number is asked for with its country code, never guessed; given so, it goes on as any change', async () => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: 'en' });
    await chat.sayAll(EMAIL_FIRST);
    const asked = await chat.say('and my phone to 07700 900123');
    expect(said(asked)).toMatch(/Which country is 07700 900123 in\? Please type it with its country code, like \+44 7700 900123\./);
    expect(said(await chat.say('07700 900123'))).toMatch(/phone number with country code/);
    expect(said(await chat.say('+44 7700 900123'))).toMatch('Save +447700900123 as your new phone number?');
    await chat.say('yes');
    expect((await chat.customer()).contacts.map((c) => c.value)).toContain('+447700900123');
  });

  test('in Spanish too', async () => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: 'es' });
    await chat.sayAll(['quiero cambiar mi correo', 'nuevo.tel@example.com', 'sí']);
    expect(said(await chat.say('y mi teléfono al 600 123 456'))).toMatch(/¿De qué país es el 600 123 456\? Escríbelo con su prefijo/);
  });
});
