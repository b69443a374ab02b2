import type { Socket } from 'socket.io-client';
import type { Customer } from '../../models/records';
import { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { createStaff, online, type Staff } from '../helpers/consoleClient';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Found by an outside tester (issue #16): "unsubscribe me" changed nothing while an agent held the chat; a request for
 * a person inside the survey answer was ignored; a clarifying question lost its buttons under the queue reminder;
 * "take me off your mailing list", "no, stop" and "stop" were met with an offer of news. Transcripts through
 * /api/messages with real Bot Framework activities, in English and Spanish.
 */
const UNSURE = 'I have a problem with my order';
const UNSURE_ES = 'tengo un problema con mi pedido';

const L = {
  en: {
    locale: 'en-US',
    subscribe: 'I want the newsletter',
    track: 'track my package',
    yes: 'yes',
    person: 'talk to a person',
    optOut: 'please unsubscribe me from all marketing emails',
    held: /Noted: you will not receive news and offers from us any more/,
    withdrawn: /you will not receive offers from us any more/,
    stands: /Your request for a person stands|number \d+ in the queue/,
    ratedPerson: '1 - awful, I want to speak to a manager now',
    unsure: UNSURE,
    options: ['Track my order', 'Cancel an order', 'Request a refund', 'None of these'],
    withdraw: 'Withdraw my request',
    offList: 'please take me off your mailing list',
    notOnList: /you will not receive offers from us any more\. You were not on our list/,
    faq: 'how long does shipping take',
    noStop: 'no, stop',
    stop: 'stop',
    whatToStop: /What would you like me to stop\?/,
    optIn: /Do you want to receive|receive news and offers \(marketing/,
  },
  es: {
    locale: 'es-ES',
    subscribe: 'quiero recibir el boletín',
    track: 'quiero seguir mi paquete',
    yes: 'sí',
    person: 'quiero hablar con una persona',
    optOut: 'por favor, dame de baja de todos los correos de publicidad',
    held: /Anotado: ya no recibirás novedades ni ofertas/,
    withdrawn: /ya no recibirás ofertas/,
    stands: /sigue en pie|número \d+ en la cola/,
    ratedPerson: '1 - fatal, quiero hablar con un encargado ya',
    unsure: UNSURE_ES,
    options: ['Seguir mi pedido', 'Cancelar un pedido', 'Pedir un reembolso', 'Ninguna de estas'],
    withdraw: 'Retirar mi solicitud',
    offList: 'por favor, sácame de vuestra lista de correo',
    notOnList: /ya no recibirás ofertas\. No estabas en nuestra lista/,
    faq: '¿cuánto tarda el envío?',
    noStop: 'no, basta',
    stop: 'para',
    whatToStop: /¿Qué quieres que pare\?/,
    optIn: /¿Quieres recibir|novedades y ofertas \(mensajes de marketing/,
  },
} as const;

function marketing(c: Customer): boolean | undefined {
  return c.consent.filter((e) => e.purpose === 'marketing').at(-1)?.granted;
}

describe.each(Object.entries(L))('consent and escalation wherever the chat stands (%s)', (_language, T) => {
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  let socket: Socket;
  beforeAll(async () => {
    const close = [
      { intent: 'order.track', score: 0.48 },
      { intent: 'order.cancel', score: 0.42 },
      { intent: 'refund.request', score: 0.33 },
    ];
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), {
      [UNSURE]: { intent: 'order.track', score: 0.48, alternatives: close },
      [UNSURE_ES]: { intent: 'order.track', score: 0.48, alternatives: close, language: 'es' },
    });
    channel = await new ChannelServer().start();
    running = await startTestApp({ EXTERNAL_HANDOFF_CHANNELS: 'contactcentre' }, { recognizer });
    agent = await createStaff(running.app, { capacity: 1_000_000 });
    socket = await online(running.app, running.url, agent);
  });
  afterAll(async () => {
    socket.disconnect();
    await running.stop();
    await channel.stop();
  });

  test('"unsubscribe me" while an agent holds the chat: relayed, withdrawn at once, confirmed, in the transcript, and it stays after the close', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.subscribe);
    await chat.say(T.yes);
    expect(marketing(await chat.customer())).toBe(true);
    await chat.say(T.person);
    const c = await chat.conversation();
    expect(c.state).toBe('queued');
    await running.app.services.handoff.claim(agent.id, c.id);
    const turn = await chat.say(T.optOut);
    expect(turn.replies.join(' | ')).toMatch(T.held);
    expect(marketing(await chat.customer())).toBe(false);
    expect((await chat.conversation()).state).toBe('agent');
    // The agent reads both the customer's words and the confirmation in the transcript.
    const transcript = await running.app.store.listMessages(c.id, { limit: 200 });
    const texts = transcript.filter((m) => m.kind === 'message').map((m) => [m.role, m.text]);
    expect(texts).toContainEqual(['customer', T.optOut]);
    expect(texts.findIndex((x) => x[0] === 'bot' && T.held.test(x[1]))).toBeGreaterThan(texts.findIndex((x) => x[1] === T.optOut));
    await running.app.services.handoff.close(agent.id, c.id);
    expect(marketing(await chat.customer())).toBe(false);
  });

  test('"unsubscribe me" while queued: withdrawn at once, confirmed, and the request still stands', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.subscribe);
    await chat.say(T.yes);
    await chat.say(T.person);
    const turn = await chat.say(T.optOut);
    expect(turn.replies.join(' | ')).toMatch(T.withdrawn);
    expect(turn.replies.join(' | ')).toMatch(T.stands);
    expect(marketing(await chat.customer())).toBe(false);
    expect((await chat.conversation()).state).toBe('queued');
  });

  test('"unsubscribe me" while queued with a question of the bot pending: withdrawn at once all the same', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.person);
    // The order number prompt: "unsubscribe me" is no order number, and no reason to wait either.
    expect((await chat.say(T.track)).replies.join(' ')).toMatch(/order number|número de pedido/);
    const turn = await chat.say(T.optOut);
    expect(turn.replies.join(' | ')).toMatch(T.withdrawn);
    expect(marketing(await chat.customer())).toBe(false);
  });

  test('"unsubscribe me" while a contact centre holds the chat: withdrawn at once and confirmed', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url, channelId: 'contactcentre' });
    await chat.say(T.subscribe);
    await chat.say(T.yes);
    expect(marketing(await chat.customer())).toBe(true);
    await chat.say(T.person);
    expect((await chat.conversation()).state).toBe('external');
    const turn = await chat.say(T.optOut);
    expect(turn.replies.join(' | ')).toMatch(T.held);
    expect(marketing(await chat.customer())).toBe(false);
    expect((await chat.conversation()).state).toBe('external');
  });

  test('a request for a person inside the survey answer: the rating stays on the closed chat, and a new chat is queued', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.person);
    const closed = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, closed.id);
    await running.app.services.handoff.agentMessage(agent.id, closed.id, 'Hello, how can I help?');
    await running.app.services.handoff.close(agent.id, closed.id);
    const turn = await chat.say(T.ratedPerson);
    expect(turn.replies.join(' | ')).toMatch(/queue|cola/);
    expect(await running.app.store.getConversation(closed.id)).toMatchObject({ state: 'closed', satisfaction: { score: 1 } });
    const next = await chat.conversation();
    expect(next.id).not.toBe(closed.id);
    expect(next).toMatchObject({ state: 'queued', customerId: closed.customerId });
  });

  test('while queued, a clarifying question keeps its buttons: the last message carries them and the withdraw button', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.person);
    expect((await chat.conversation()).state).toBe('queued');
    const turn = await chat.say(T.unsure);
    expect(turn.replies.join(' | ')).toMatch(T.stands);
    expect(turn.lastButtons).toEqual([...T.options, T.withdraw]);
    // A pick from the last message still answers the question.
    expect((await chat.say(T.options[0])).replies.join(' ')).toMatch(/order number|número de pedido/);
  });

  test('"take me off your mailing list" from someone never subscribed: no offer, the refusal recorded', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.locale === 'es-ES' ? 'hola' : 'hello');
    const turn = await chat.say(T.offList);
    expect(turn.replies.join(' | ')).toMatch(T.notOnList);
    expect(turn.replies.join(' | ')).not.toMatch(T.optIn);
    expect((await chat.customer()).consent.filter((e) => e.purpose === 'marketing').map((e) => e.granted)).toEqual([false]);
  });

  test('"no, stop" after an answer and "stop" alone: asked what to stop, never offered news, consent unchanged', async () => {
    const chat = new Chat(running, { locale: T.locale, serviceUrl: channel.url });
    await chat.say(T.faq);
    const noStop = await chat.say(T.noStop);
    expect(noStop.replies.join(' | ')).not.toMatch(T.optIn);
    const stop = await chat.say(T.stop);
    expect(stop.replies.join(' | ')).toMatch(T.whatToStop);
    expect(stop.replies.join(' | ')).not.toMatch(T.optIn);
    expect((await chat.customer()).consent).toEqual([]);
  });
});
