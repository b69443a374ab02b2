import { appWithAgent } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';

/**
 * An outside tester's findings (bot25), replayed through /api/messages with real Bot Framework activities and the
 * recognizer trained on the shipped corpus: asking to be phoned, a name with no letters, a contact change told in few
 * words, a question about the contact on file, and two-part messages while queued. Each family has the tester's
 * sentence and variants written here before the fix (none of them is in the corpus).
 */
const said = (turn: { replies: string[] }) => turn.replies.join(' | ');
const ctx = appWithAgent();

describe('asking to be phoned', () => {
  test.each([
    ['en-US', 'can you call me later?'],
    ['en-US', 'call me back please'],
    ['en-US', 'could someone call me tomorrow?'],
    ['en-US', 'give me a call'],
    ['en-US', 'call me at +44 7700 900123'],
    ['es-ES', '¿me puedes llamar más tarde?'],
    ['es-ES', 'llámame mañana'],
    ['es-ES', '¿podéis llamarme?'],
    ['es-ES', 'que me llamen, por favor'],
  ])('%s: "%s" is told honestly that nobody calls back, with a person in chat offered, never a goodbye', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    const turn = await chat.say(line);
    expect(said(turn)).toMatch(locale === 'en-US' ? /I cannot phone you.*support@example\.com/ : /No puedo llamarte.*support@example\.com/);
    expect(turn.buttons).toEqual([locale === 'en-US' ? 'Talk to a person' : 'Hablar con una persona']);
    expect(said(turn)).not.toMatch(/Did you mean|Te refieres|goodbye|Bye|Adiós|Did this answer/i);
    expect((await chat.conversation()).state).toBe('bot');
  });
});

describe('a name with no letters', () => {
  test.each([
    ['en-US', 'call me =1+1', '=1+1'],
    ['en-US', 'my name is 12345', '12345'],
    ['en-US', 'call me 007', '007'],
    ['es-ES', 'llámame =1+1', '=1+1'],
    ['es-ES', 'me llamo 42', '42'],
  ])('%s: "%s" is a name, refused clearly, never kept nor misread', async (locale, line, name) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    const turn = await chat.say(line);
    expect(turn.replies).toEqual([expect.stringContaining(`"${name}"`)]);
    expect(said(turn)).toMatch(locale === 'en-US' ? /a name needs letters/ : /un nombre necesita letras/);
    expect((await chat.customer()).displayName ?? '').not.toBe(name);
  });
});

describe('another contact change, told in few words', () => {
  test.each([
    [
      'en-US',
      'I want to change my email',
      'new@example.com',
      'yes',
      'and my phone to +44 7700 900123',
      '+447700900123',
      /Save \+447700900123 as your new phone number\?/,
    ],
    [
      'en-US',
      'I want to change my email',
      'new@example.com',
      'yes',
      'also my phone: +44 7700 900124',
      '+447700900124',
      /Save \+447700900124 as your new phone number\?/,
    ],
    ['es-ES', 'quiero cambiar mi correo', 'nuevo@example.com', 'sí', 'y mi teléfono al +34 600 123 456', '+34600123456', /\+34600123456/],
  ])('%s: "%s" … "%s" goes through the change with its question, saved only after a yes', async (locale, ask, email, yes, followUp, phone, question) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.sayAll([ask, email, yes]);
    const turn = await chat.say(followUp);
    expect(said(turn)).toMatch(question);
    expect(said(turn)).not.toMatch(/Our team answers in this chat|Nuestro equipo responde en este chat/);
    expect((await chat.customer()).contacts.map((c) => c.value)).not.toContain(phone);
    await chat.say(yes);
    expect((await chat.customer()).contacts.map((c) => c.value)).toContain(phone);
  });
});

describe('a question about the contact on file', () => {
  test.each([
    ['en-US', "what's my email on file?"],
    ['en-US', 'which phone number do you have for me?'],
    ['en-US', 'what email do you have on my account?'],
    ['es-ES', '¿cuál es mi correo registrado?'],
    ['es-ES', '¿qué teléfono tenéis guardado?'],
  ])('%s: "%s" changes nothing and shows nothing to an unverified chat', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.sayAll(locale === 'en-US' ? ['I want to change my email', 'old@example.com', 'yes'] : ['quiero cambiar mi correo', 'viejo@example.com', 'sí']);
    const turn = await chat.say(line);
    expect(said(turn)).toMatch(locale === 'en-US' ? /For your privacy I do not show/ : /Por tu privacidad no muestro/);
    expect(said(turn)).not.toMatch(/type your new|Escribe tu nuevo|example\.com/);
    expect(turn.buttons).toContain(locale === 'en-US' ? 'Change my e-mail or phone' : 'Cambiar mi correo o teléfono');
  });
});

describe('the contact on file, to a customer vouched for', () => {
  test.each([
    ['en-US', "what's my email on file?", 'ana.onfile@example.com', /The e-mail address we have for you: a•••@example\.com\./],
    ['es-ES', '¿cuál es mi correo registrado?', 'alba.onfile@example.com', /El correo electrónico que tenemos para ti: a•••@example\.com\./],
  ])('%s: "%s" shows only the verified one, masked, and changes nothing', async (locale, line, email, shown) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'en-US' ? 'hello' : 'hola');
    const c = await chat.customer();
    const at = new Date().toISOString();
    await ctx.running.app.services.profiles.update(c.id, () => ({
      contacts: [
        { type: 'email', value: email, verified: true, source: 'signed_token', addedAt: at },
        { type: 'email', value: `typed.${email}`, verified: false, source: 'chat', addedAt: at },
      ],
    }));
    const turn = await chat.say(line);
    expect(turn.replies).toEqual([expect.stringMatching(shown)]);
    expect(said(turn)).not.toMatch(/onfile|typed/);
    expect((await chat.customer()).contacts).toHaveLength(2);
  });
});

const Q = { en: 'I want to talk to a human', es: 'quiero hablar con una persona' };

describe('two-part messages while queued', () => {
  test.each([
    ['en-US', 'stop the promo emails, and where is order 67890?', /Done: you will not receive offers/, /To show you order 67890/],
    ['en-US', 'unsubscribe me from the newsletter. Also, where is my order 67890?', /Done: you will not receive offers/, /To show you order 67890/],
    ['es-ES', 'dejad de enviarme ofertas, y ¿dónde está mi pedido 67890?', /ya no recibirás ofertas/, /Para mostrarte el pedido 67890/],
  ])('%s: "%s": the opt-out as alone, and the other part answered', async (locale, line, optOut, other) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'en-US' ? Q.en : Q.es);
    const turn = await chat.say(line);
    expect(said(turn)).toMatch(optOut);
    expect(said(turn)).toMatch(other);
    expect((await chat.customer()).consent.filter((c) => c.purpose === 'marketing').at(-1)?.granted).toBe(false);
    expect((await chat.conversation()).state).toBe('queued');
  });

  test.each([
    ['en-US', 'unsubscribe me please, thank you so much'],
    ['es-ES', 'dadme de baja de las ofertas, muchas gracias'],
  ])('%s: "%s": the opt-out and the reminder, nothing more to answer', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'en-US' ? Q.en : Q.es);
    const turn = await chat.say(line);
    expect(turn.replies).toEqual([
      expect.stringMatching(locale === 'en-US' ? /^Done: you will not receive offers/ : /^Hecho: ya no recibirás ofertas/),
      expect.stringMatching(locale === 'en-US' ? /^Your request for a person stands/ : /^Tu solicitud de hablar con una persona sigue en pie/),
    ]);
  });

  test.each([
    ['en-US', "actually I don't need a person, just tell me your opening hours"],
    ['en-US', 'never mind the agent, what are your opening hours?'],
    ['es-ES', 'ya no necesito hablar con una persona, ¿cuál es vuestro horario?'],
  ])('%s: "%s" withdraws (said in so many words), says so, and answers the rest', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'en-US' ? Q.en : Q.es);
    const turn = await chat.say(line);
    expect(said(turn)).toMatch(
      locale === 'en-US' ? /I withdrew your request.*Our team answers in this chat/ : /he retirado tu solicitud.*Nuestro equipo responde en este chat/,
    );
    expect((await chat.conversation()).state).toBe('bot');
  });

  test.each([
    ['en-US', "I don't want to talk to an agent, just tell me your opening hours"],
    ['en-US', 'no need for a human, what are your opening hours?'],
    ['es-ES', 'no quiero hablar con nadie, solo dime el horario'],
  ])('%s: "%s" is no request again: the rest answered, the place kept and the customer told so', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'en-US' ? Q.en : Q.es);
    const turn = await chat.say(line);
    expect(said(turn)).toMatch(
      locale === 'en-US'
        ? /Our team answers in this chat.*I kept your place in the queue/
        : /Nuestro equipo responde en este chat.*He mantenido tu lugar en la cola/,
    );
    expect(said(turn)).not.toMatch(/connecting you|Te paso con/);
    expect((await chat.conversation()).state).toBe('queued');
  });
});
