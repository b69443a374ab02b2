import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { messageActivity, post } from '../helpers/activities';
import { appWithAgent, appWithChannel } from '../helpers/appWithChannel';
import { Chat, type Turn } from '../helpers/chat';

/**
 * Everyday phrasings an outside tester (who never read the code) saw misread, replayed as a customer through
 * /api/messages with real Bot Framework activities and the recognizer trained on the shipped corpus. Each family has
 * the tester's sentence and variants written here before the fix (a held-out set: none of them is in the corpus).
 */
const said = (turn: { replies: string[] }) => turn.replies.join(' | ');
const marketing = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');
const granted = (c: Customer) => c.consent.some((x) => x.purpose === 'marketing' && x.granted);

const QUEUE = {
  en: {
    locale: 'en-US',
    ask: 'I want to talk to a human',
    place: /^Your request for a person stands: you are number \d+ in the queue \(estimated wait: /,
    misread: /Did you mean|cannot answer that|Orders are placed|Standard delivery|e-mail address/,
    lines: [
      // the tester's
      "what's my place in the queue?",
      'still waiting, how long?',
      // held out
      'how many people are ahead of me',
      'when will someone answer me?',
      'how much longer do I have to wait?',
      'where am I in the line',
      'any idea how long until an agent picks up?',
      'what position am I in now',
      'is it going to take long?',
      "how long till it's my turn",
    ],
  },
  es: {
    locale: 'es-ES',
    ask: 'quiero hablar con una persona',
    place: /^Tu solicitud de hablar con una persona sigue en pie: eres el número \d+ en la cola \(espera estimada: /,
    misread: /Te refieres a|no lo puedo responder|La entrega estándar|correo electrónico con el que/,
    lines: [
      '¿qué posición tengo en la cola?',
      'sigo esperando, ¿cuánto falta?',
      '¿cuántos hay delante de mí?',
      '¿cuánto me queda de espera?',
      '¿cuándo me atiende alguien?',
      '¿falta mucho?',
      '¿en qué lugar de la fila voy?',
      '¿cuánto tiempo más tengo que esperar?',
      '¿cuánto tardará en llegar mi turno?',
    ],
  },
} as const;

describe('asking about the place and the wait while queued', () => {
  const ctx = appWithAgent();

  test.each(Object.entries(QUEUE))('%s: every question about the wait is told the place and the wait, nothing else', async (_l, L) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: L.locale });
    expect(said(await chat.say(L.ask))).toMatch(/queue|cola/);
    for (const line of L.lines) {
      const turn = await chat.say(line);
      expect({ line, replies: turn.replies }).toEqual({ line, replies: [expect.stringMatching(L.place)] });
      expect(said(turn)).not.toMatch(L.misread);
    }
  });

  test.each([
    ['en-US', 'how long does shipping take?', /Standard delivery/],
    ['en-US', "I'm still waiting for my order 12345", /e-mail address the order was placed with/],
    ['es-ES', '¿cuánto tarda el envío?', /La entrega estándar/],
    ['es-ES', 'sigo esperando mi pedido 12345', /correo electrónico con el que se hizo/],
  ])('%s: "%s" while queued is still that request, not the queue', async (locale, line, answer) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'es-ES' ? QUEUE.es.ask : QUEUE.en.ask);
    expect(said(await chat.say(line))).toMatch(answer);
  });
});

const REFUSALS = {
  en: {
    locale: 'en-US',
    lines: [
      "I'd rather not give my email",
      'I prefer not to share it',
      "no thanks, I don't want to give you my number",
      "I'd rather keep that private",
      "I won't give my email address",
      'skip that, no email',
    ],
    changeContact: 'I want to change my email',
    askedNew: /type your new email address/,
    refusedContact: /No problem: I have not stored anything/,
    order: 'where is order 12345',
    askedOrderEmail: /e-mail address the order was placed with/,
    refusedOrderEmail: /No problem, I will not ask for it again/,
    reask: /I need an email address|did not understand|the e-mail address the order was placed with/,
  },
  es: {
    locale: 'es-ES',
    lines: [
      'prefiero no dar mi correo',
      'no quiero darte mi teléfono',
      'mejor no, gracias, no doy mi email',
      'prefiero no compartirlo',
      'no te voy a dar mi correo',
    ],
    changeContact: 'quiero cambiar mi correo',
    askedNew: /Escribe tu nuevo correo/,
    refusedContact: /Sin problema: no he guardado nada/,
    order: 'dónde está mi pedido 12345',
    askedOrderEmail: /correo electrónico con el que se hizo/,
    refusedOrderEmail: /Sin problema, no te lo volveré a pedir/,
    reask: /Necesito un correo|no te he entendido|correo electrónico con el que se hizo/,
  },
} as const;

describe('refusing to give a contact detail the bot asked for', () => {
  const ctx = appWithChannel();

  test.each(Object.entries(REFUSALS))('%s: at "type your new e-mail or phone" a refusal ends the question, nothing stored', async (_l, L) => {
    for (const line of L.lines) {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: L.locale });
      expect(said(await chat.say(L.changeContact))).toMatch(L.askedNew);
      const turn = await chat.say(line);
      expect({ line, said: said(turn) }).toEqual({ line, said: expect.stringMatching(L.refusedContact) as unknown });
      expect(said(turn)).not.toMatch(L.reask);
      // The question is over: the next request is handled as one.
      expect(said(await chat.say(L.order))).toMatch(L.askedOrderEmail);
      expect((await chat.customer()).contacts).toEqual([]);
    }
  });

  test.each(Object.entries(REFUSALS))('%s: at "the e-mail the order was placed with" a refusal is respected, not asked again', async (_l, L) => {
    for (const line of L.lines) {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale: L.locale });
      expect(said(await chat.say(L.order))).toMatch(L.askedOrderEmail);
      const turn = await chat.say(line);
      expect({ line, said: said(turn) }).toEqual({ line, said: expect.stringMatching(L.refusedOrderEmail) as unknown });
      expect(said(turn)).not.toMatch(L.reask);
      expect((await chat.customer()).contacts).toEqual([]);
    }
  });
});

describe('refusing the e-mail to answer to while nobody is online', () => {
  const ctx = appWithChannel({ ASK_EMAIL_CHANNELS: 'test' });

  test.each([
    ['en-US', 'I want to talk to a human', /What e-mail address should we answer to/, REFUSALS.en.lines, /No problem: no e-mail needed/],
    ['es-ES', 'quiero hablar con una persona', /A qué correo electrónico te respondemos/, REFUSALS.es.lines, /Sin problema: no hace falta el correo/],
  ])('%s: a refusal is respected, nothing stored, never asked again', async (locale, ask, asked, lines, respected) => {
    for (const u of await ctx.running.app.store.listUsers()) await ctx.running.app.store.updateUser(u.id, { presence: 'offline' });
    for (const line of lines) {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
      expect(said(await chat.say(ask))).toMatch(asked);
      const turn = await chat.say(line);
      expect({ line, said: said(turn) }).toEqual({ line, said: expect.stringMatching(respected) as unknown });
      expect(said(turn)).not.toMatch(/cannot answer that|no lo puedo responder|Did you mean|Te refieres/);
      expect(said(await chat.say(locale === 'es-ES' ? '¿hola?' : 'hello?'))).not.toMatch(asked);
      expect((await chat.customer()).contacts).toEqual([]);
    }
  });
});

const PDF = { contentType: 'application/pdf', name: 'receipt.pdf', contentUrl: 'https://files.example.com/receipt.pdf' };

describe('a receipt sent as a file', () => {
  const ctx = appWithChannel();
  const withFile = (chat: Chat, text: string, locale: string): Promise<Turn> =>
    post(
      ctx.running.url,
      messageActivity({ conversation: { id: chat.conversationId }, from: { id: chat.userId }, text, locale, serviceUrl: ctx.channel.url, attachments: [PDF] }),
    ).then((r) => ({ status: r.status, replies: r.replies, buttons: [], lastButtons: [] }));

  const EN = ['here is my receipt', 'attached is the invoice', 'this is the proof of purchase', 'receipt attached', "here's the receipt for it"];
  const ES = ['aquí está mi recibo', 'te mando la factura', 'adjunto el ticket de compra', 'este es el justificante de compra'];

  test.each([...EN.map((l) => ['en-US', l] as const), ...ES.map((l) => ['es-ES', l] as const)])(
    '%s: "%s" with a PDF and no request before it is acknowledged and asked what it is for, never answered as an invoice request',
    async (locale, line) => {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
      const turn = await withFile(chat, line, locale);
      expect(said(turn)).toMatch(locale === 'es-ES' ? /he recibido tu archivo \(receipt\.pdf\)/ : /I received your file \(receipt\.pdf\)/);
      expect(said(turn)).not.toMatch(/Invoices are in your account|Las facturas están en tu cuenta/);
    },
  );

  test.each([
    ['en-US', 'I want a refund for order 12345', /e-mail address the order was placed with/, EN, /keep it with your request \(Request a refund, order 12345\)/],
    [
      'es-ES',
      'quiero un reembolso del pedido 12345',
      /correo electrónico con el que se hizo/,
      ES,
      /lo guardo con tu solicitud \(Pedir un reembolso, pedido 12345\)/,
    ],
    ['en-US', 'I want to return order 12345', /e-mail address the order was placed with/, EN, /keep it with your request \(Return an item, order 12345\)/],
  ])('%s: in a refund or return ("%s") the file is acknowledged with that request, and its question stands', async (locale, start, question, lines, kept) => {
    for (const line of lines) {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
      expect(said(await chat.say(start))).toMatch(question);
      const turn = await withFile(chat, line, locale);
      expect({ line, said: said(turn) }).toEqual({ line, said: expect.stringMatching(kept) as unknown });
      expect(turn.replies.at(-1)).toMatch(question);
      expect(said(turn)).not.toMatch(/Invoices are in your account|Las facturas están en tu cuenta/);
    }
  });
});

describe('how often news and offers come', () => {
  const ctx = appWithChannel();
  const EN = [
    'how often do you send it?',
    'how many emails will I get?',
    'how frequently do the offers come?',
    'is it daily or weekly?',
    'how often would I hear from you?',
  ];
  const ES = [
    '¿cada cuánto lo enviáis?',
    '¿con qué frecuencia llegan los correos?',
    '¿cuántos correos me vais a mandar?',
    '¿es diario o semanal?',
    '¿cada cuánto tiempo lo mandáis?',
  ];

  test.each([
    ['en-US', 'I want the newsletter', /Do you want to receive news and offers/, EN, /at most once a week/],
    ['es-ES', 'quiero recibir el boletín', /Quieres recibir nuestras novedades y ofertas/, ES, /como mucho una vez por semana/],
  ])('%s: at the grant question it is answered, the question stands, and nothing is granted', async (locale, ask, question, lines, answer) => {
    for (const line of lines) {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
      expect(said(await chat.say(ask))).toMatch(question);
      const turn = await chat.say(line);
      expect({ line, said: said(turn) }).toEqual({ line, said: expect.stringMatching(answer) as unknown });
      expect(turn.replies.at(-1)).toMatch(question);
      expect(granted(await chat.customer())).toBe(false);
      expect((await chat.customer()).consent).toEqual([]);
    }
  });

  const EN_UNASKED = ['how often do you send the newsletter?', 'how many offer emails will I get a week?', 'how frequent are your promotional emails?'];
  const ES_UNASKED = ['¿cada cuánto enviáis el boletín?', '¿con qué frecuencia mandáis ofertas?', '¿cuántos correos de publicidad mandáis al mes?'];

  test.each([
    ['en-US', EN_UNASKED, EN, 'I want the newsletter', /keep receiving them/, /at most once a week/],
    ['es-ES', ES_UNASKED, ES, 'quiero recibir ofertas', /seguir recibiéndolas/, /como mucho una vez por semana/],
  ])('%s: a subscriber asking it keeps their consent, unasked or at "keep receiving them?"', async (locale, unasked, atQuestion, ask, keep, answer) => {
    for (const [i, line] of atQuestion.entries()) {
      const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
      await chat.say(locale === 'es-ES' ? 'hola' : 'hello');
      await ctx.running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form' });
      const first = unasked[i % unasked.length];
      expect({ line: first, said: said(await chat.say(first)) }).toEqual({ line: first, said: expect.stringMatching(answer) as unknown });
      expect(marketing(await chat.customer())).toBe(true);
      expect(said(await chat.say(ask))).toMatch(keep);
      const turn = await chat.say(line);
      expect({ line, said: said(turn) }).toEqual({ line, said: expect.stringMatching(answer) as unknown });
      expect(turn.replies.at(-1)).toMatch(keep);
      expect(marketing(await chat.customer())).toBe(true);
    }
  });
});

describe('one message asking about an order and unsubscribing', () => {
  const ctx = appWithChannel();
  test.each([
    ['en-US', 'where is order 12345? also please stop the marketing emails'],
    ['en-US', 'unsubscribe me from the newsletter, and where is my order 12345?'],
    ['en-US', 'can you tell me where order 12345 is and also stop sending me offers'],
    ['en-US', 'stop the promotional emails please. Has order 12345 shipped yet?'],
    ['es-ES', '¿dónde está el pedido 12345? y dejad de mandarme publicidad'],
    ['es-ES', 'quiero darme de baja de las ofertas y además saber dónde está mi pedido 12345'],
    ['es-ES', 'no me mandéis más ofertas. ¿Cuándo llega el pedido 12345?'],
  ])('%s: "%s": both parts are handled, the opt-out through its own flow', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(locale === 'es-ES' ? 'hola' : 'hello');
    await ctx.running.app.services.profiles.setConsent((await chat.customer()).id, 'marketing', true, { channel: 'test', method: 'form' });
    const turn = await chat.say(line);
    expect(said(turn)).toMatch(locale === 'es-ES' ? /ya no recibirás ofertas/ : /you will not receive offers/);
    expect(said(turn)).toMatch(
      locale === 'es-ES' ? /pedido 12345, dime el correo electrónico con el que se hizo/ : /order 12345, please tell me the e-mail address/,
    );
    expect(marketing(await chat.customer())).toBe(false);
    // The order's question stands: its e-mail opens the order.
    expect(said(await chat.say('ana@example.com'))).toMatch(/12345/);
  });

  test.each([
    ['en-US', 'where is order 12345? and sign me up for the newsletter'],
    ['es-ES', '¿dónde está el pedido 12345? y apuntadme al boletín'],
  ])('%s: "%s": a grant beside an order question still needs its explicit yes', async (locale, line) => {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url, locale });
    await chat.say(line);
    expect(granted(await chat.customer())).toBe(false);
  });
});
