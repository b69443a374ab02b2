import { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Must hold: every customer message gets an answer unless a person owns the chat. After a request for a person
 * that nobody can take now (nobody online, outside business hours, or simply waiting in the queue), five different
 * follow-ups each get a reply, in English and in Spanish, and the customer is reminded that the request stands.
 */
const LANGUAGES = {
  en: {
    locale: 'en-US',
    ask: 'I want to talk to a human',
    followUps: ['where is my order 12345?', 'hello?', 'how long does shipping take', 'is anyone there?', 'asdf qwer zxcv'],
    offline: /No agent is online/,
    stands: /Your request for a person stands/,
    away: /outside business hours/,
    queued: /number \d+ in the queue/,
    withdraw: 'Withdraw my request',
    withdrawn: /withdrew your request/,
  },
  es: {
    locale: 'es-ES',
    ask: 'quiero hablar con una persona',
    followUps: ['¿dónde está mi pedido 12345?', '¿hola?', '¿cuánto tarda el envío?', '¿hay alguien ahí?', 'blablabla qwer'],
    offline: /no hay agentes conectados/,
    stands: /Tu solicitud de hablar con una persona sigue en pie/,
    away: /fuera del horario de atención/,
    queued: /número \d+ en la cola/,
    withdraw: 'Retirar mi solicitud',
    withdrawn: /he retirado tu solicitud/,
  },
} as const;

describe.each(Object.entries(LANGUAGES))('never silent (%s)', (_language, L) => {
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(async () => {
    running = await startTestApp({ ASK_EMAIL_CHANNELS: 'test' });
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    await running.stop();
    await channel.stop();
  });

  const offlineAll = async () => {
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  };

  test('nobody online: five follow-ups after the request each get a reply and a reminder; the message is taken with an e-mail', async () => {
    await offlineAll();
    const chat = new Chat(running, { locale: L.locale, serviceUrl: channel.url });
    const first = await chat.say(L.ask);
    expect(first.replies.join(' ')).toMatch(L.offline);
    expect(first.buttons).toContain(L.withdraw);
    // This channel cannot reach the customer later: the bot asks where to answer.
    expect(first.replies.join(' ')).toMatch(/e-mail|correo/);
    expect((await chat.conversation()).state).toBe('queued');
    for (const text of L.followUps) {
      const turn = await chat.say(text);
      expect({ text, answered: turn.replies.length > 0 }).toEqual({ text, answered: true });
      expect(turn.replies.join(' ')).toMatch(L.stands);
      expect(turn.buttons).toContain(L.withdraw);
    }
    const email = await chat.say('me@example.com');
    expect(email.replies.join(' ')).toMatch(/me@example\.com/);
    expect((await chat.customer()).contacts).toEqual([expect.objectContaining({ type: 'email', value: 'me@example.com', verified: false })]);
    // The request still stands, with every message kept for the agents.
    const c = await chat.conversation();
    expect(c).toMatchObject({ state: 'queued', tags: expect.arrayContaining(['offline_message']) as unknown });
    const customerMessages = (await running.app.store.listMessages(c.id)).filter((m) => m.role === 'customer').map((m) => m.text);
    expect(customerMessages).toEqual([L.ask, ...L.followUps, 'me@example.com']);
  });

  test('a greeting while queued gets the reminder that the request stands, not a fresh welcome', async () => {
    await offlineAll();
    const chat = new Chat(running, { locale: L.locale, serviceUrl: channel.url });
    await chat.say(L.ask);
    const turn = await chat.say(L.locale === 'es-ES' ? 'hola' : 'hello');
    expect(turn.replies.join(' ')).toMatch(L.stands);
    expect(turn.replies.join(' ')).not.toMatch(/support assistant|asistente de soporte|How can I help|En qué puedo ayudarte/i);
    expect(turn.buttons).toContain(L.withdraw);
  });

  test('the bot keeps answering what it can while queued (an FAQ answer, an order asked for)', async () => {
    await offlineAll();
    const chat = new Chat(running, { locale: L.locale, serviceUrl: channel.url });
    await chat.say(L.ask);
    const shownToAgents: string[] = [];
    const off = running.app.services.events.on('message.created', ({ message }) => void (message.role === 'bot' && shownToAgents.push(message.text)));
    const faq = await chat.say(L.followUps[2]);
    off();
    expect(faq.replies.join(' ')).toMatch(/3-5/);
    // The agents' screens show the bot's answers in a queued chat too.
    expect(shownToAgents).toEqual(faq.replies);
    const order = await chat.say(L.followUps[0]);
    expect(order.replies.join(' ')).toMatch(/e-mail|correo/);
  });

  test('waiting in the queue with agents online: each follow-up is answered with the position', async () => {
    await offlineAll();
    const agent = await createStaff(running.app, { capacity: 1 });
    const busy = new Chat(running, { locale: L.locale, serviceUrl: channel.url });
    await busy.say(L.ask);
    await running.app.store.updateUser(agent.id, { presence: 'online' });
    await running.app.services.handoff.claim(agent.id, (await busy.conversation()).id);
    const chat = new Chat(running, { locale: L.locale, serviceUrl: channel.url });
    const first = await chat.say(L.ask);
    expect(first.replies.join(' ')).toMatch(L.queued);
    for (const text of L.followUps) {
      const turn = await chat.say(text);
      expect(turn.replies.join(' ')).toMatch(L.queued);
    }
    await offlineAll();
  });

  test('the customer withdraws the request: back with the bot, and the agents no longer see it', async () => {
    await offlineAll();
    const chat = new Chat(running, { locale: L.locale, serviceUrl: channel.url });
    await chat.say(L.ask);
    const c = await chat.conversation();
    const withdrawn = await chat.say(L.withdraw);
    expect(withdrawn.replies.join(' ')).toMatch(L.withdrawn);
    expect((await chat.conversation()).state).toBe('bot');
    expect((await running.app.services.handoff.queue()).map((q) => q.id)).not.toContain(c.id);
    const events = (await running.app.store.listMessages(c.id))
      .filter((m) => m.kind === 'event')
      .map((m) => `${m.data?.from as string | undefined}>${m.data?.to as string | undefined}:${(m.data?.withdrawnBy as string | undefined) ?? ''}`);
    expect(events).toEqual(['bot>queued:', 'queued>bot:customer']);
    const after = await chat.say(L.followUps[2]);
    expect(after.replies.join(' ')).toMatch(/3-5/);
    expect(after.replies.join(' ')).not.toMatch(L.stands);
  });
});

describe('never silent outside business hours', () => {
  test('five follow-ups each answered, with the reminder that the team is away', async () => {
    const running = await startTestApp({ BUSINESS_HOURS: '1-7 00:00-00:00' }); // an empty window: never open
    try {
      const agent = await createStaff(running.app);
      await running.app.store.updateUser(agent.id, { presence: 'online' });
      for (const L of Object.values(LANGUAGES)) {
        const chat = new Chat(running, { locale: L.locale });
        expect((await chat.say(L.ask)).replies.join(' ')).toMatch(L.away);
        for (const text of L.followUps) {
          const turn = await chat.say(text);
          expect(turn.replies.length).toBeGreaterThan(0);
          expect(turn.replies.join(' ')).toMatch(L.away);
        }
      }
    } finally {
      await running.stop();
    }
  });
});
