import { appWithAgent, appWithChannel } from '../helpers/appWithChannel';
import { type Staff } from '../helpers/consoleClient';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import type { RunningApp } from '../helpers/testApp';

/**
 * What outside test 26 (a black-box tester who had not read the code) found misread, replayed through /api/messages
 * with real Bot Framework activities and the shipped model. The tester's sentences first, then our own phrasings of
 * the same problem, so the fix is no one-sentence match.
 */
describe('outside test 26: problems reported in so many words', () => {
  const ctx = appWithChannel();
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));
  const said = (turn: { replies: string[]; buttons: string[] }) => [...turn.replies, ...turn.buttons].join(' | ');
  const chat = (locale = 'en-US') => new Chat(running, { serviceUrl: channel.url, locale });

  /** The priority a plain request for a person gets, to compare with. */
  async function askedPriority(): Promise<number> {
    const c = chat();
    await c.say('I want to talk to a human');
    return (await c.conversation()).priority;
  }

  // M12: "I didn't order this, someone used my account" was offered "Did you mean: Track my order".
  test.each([
    ['en-US', "I didn't order this, someone used my account", /security matter/],
    ['en-US', 'somebody else has logged into my account and bought stuff', /security matter/],
    ['en-US', 'there is an order on my card that I never placed', /security matter/],
    ['es-ES', 'alguien ha entrado en mi cuenta y ha comprado cosas', /asunto de seguridad/],
    ['es-ES', 'yo no hice este pedido, me han hackeado la cuenta', /asunto de seguridad/],
  ])('%s %j: a security problem for a person, first in the queue, never order tracking', async (locale, text, security) => {
    const baseline = await askedPriority();
    const c = chat(locale);
    const turn = await c.say(text);
    expect(said(turn)).toMatch(security);
    expect(said(turn)).not.toMatch(/Track my order|Seguir mi pedido|Did you mean|Te refieres/);
    const conversation = await c.conversation();
    expect(conversation).toMatchObject({ state: 'queued', handoffReason: 'policy_intent' });
    expect(conversation.priority).toBeGreaterThan(baseline);
  });

  test('at the order number question, a report of account misuse leaves the question for a person', async () => {
    const c = chat();
    expect(said(await c.say('where is my order?'))).toMatch(/order number/);
    const turn = await c.say('hang on, somebody used my account to order this');
    expect(said(turn)).toMatch(/security matter/);
    expect(said(turn)).not.toMatch(/does not look like an order number/);
    expect(await c.conversation()).toMatchObject({ state: 'queued' });
  });

  // M4: "my package says delivered but I never got it, order 67890" → "Order 67890 was delivered." and nothing more.
  test.each([
    ['en-US', 'my package says delivered but I never got it, order 67890', /missing parcel/, '67890'],
    ['en-US', 'tracking shows it was delivered yesterday but nothing arrived', /missing parcel/, undefined],
    ['en-US', "order 12345 is marked as delivered and it's not here", /missing parcel/, '12345'],
    ['es-ES', 'el seguimiento pone entregado pero no me ha llegado, pedido 67890', /paquete perdido/, '67890'],
    ['es-ES', 'dice que fue entregado pero nunca lo recibí', /paquete perdido/, undefined],
  ])('%s %j: a missing parcel, apologised for and handed to a person, not a status', async (locale, text, missing, order) => {
    const c = chat(locale);
    const turn = await c.say(text);
    expect(said(turn)).toMatch(missing);
    if (order) expect(said(turn)).toContain(order);
    expect(said(turn)).not.toMatch(/was delivered\.|fue entregado\./);
    expect(said(turn)).not.toMatch(/e-mail address on order|correo electrónico del pedido/i);
    expect(await c.conversation()).toMatchObject({ state: 'queued', handoffReason: 'policy_intent' });
  });

  test('a question about delivery, or a parcel not come yet, is no missing parcel', async () => {
    const c = chat();
    const turn = await c.say("I haven't received it yet, when will order 12345 be delivered?");
    expect(said(turn)).not.toMatch(/missing parcel/);
    expect((await c.conversation()).state).toBe('bot');
  });

  // M9: "I don't have the order number" at the order number question got "That does not look like an order number…".
  test.each([
    ['en-US', 'where is my order?', "I don't have the order number", /order confirmation e-mail/, 'Talk to a person'],
    ['en-US', 'where is my package?', "sorry, I can't find it anywhere", /order confirmation e-mail/, 'Talk to a person'],
    ['es-ES', '¿dónde está mi pedido?', 'no tengo el número de pedido', /correo de confirmación del pedido/, 'Hablar con una persona'],
  ])('%s: %j then %j: where to find it and a person, never the same question again', async (locale, ask, missing, where, person) => {
    const c = chat(locale);
    await c.say(ask);
    const turn = await c.say(missing);
    expect(said(turn)).toMatch(where);
    expect(turn.buttons).toContain(person);
    expect(said(turn)).not.toMatch(/does not look like an order number|no parece un número de pedido|did not understand|no te he entendido/i);
  });

  test('a customer with a verified e-mail and no order number is shown their open orders to pick from', async () => {
    const c = chat();
    await c.say('hello');
    const customer = await c.customer();
    await running.app.services.profiles.update(customer.id, () => ({
      contacts: [...customer.contacts, { type: 'email', value: 'ana@example.com', verified: true, source: 'import', addedAt: new Date().toISOString() }],
    }));
    await c.say('where is my order?');
    const turn = await c.say("I can't find my order number");
    expect(said(turn)).toMatch(/open orders: .*12345.*55555/);
    expect(turn.buttons).toEqual(expect.arrayContaining(['12345', '55555']));
    expect(said(await c.say('12345'))).toMatch(/12345 has shipped/);
  });

  // L2: "ok thx bye" at the password reset's e-mail question got "Please type a valid email address."
  test('a goodbye at the password reset e-mail question ends it politely', async () => {
    const c = chat();
    expect(said(await c.say('I forgot my password'))).toMatch(/e-?mail/i);
    const turn = await c.say('ok thx bye');
    expect(said(turn)).toMatch(/Goodbye/);
    expect(said(turn)).not.toMatch(/valid email/i);
  });

  // L12: "ok so what now?" got "Great! What can I do for you?".
  test.each([
    ['en-US', 'ok so what now?', /I can: track an order/],
    ['es-ES', 'vale, ¿y ahora qué?', /Puedo: seguir un pedido/],
  ])('%s %j: what the bot can do, not a yes', async (locale, text, help) => {
    const c = chat(locale);
    await c.say(locale === 'es-ES' ? 'hola' : 'hello');
    const turn = await c.say(text);
    expect(said(turn)).toMatch(help);
    expect(said(turn)).not.toMatch(/Great!|¡Genial!/);
  });

  // M13: "are you going to spam me?" got the sign-up article ("check your spam folder for the confirmation email").
  test.each([
    ['en-US', 'are you going to spam me?', /only to customers who said yes/],
    ['en-US', 'will I get loads of spam from you guys?', /only to customers who said yes/],
    ['en-US', 'do you send marketing emails?', /only to customers who said yes/],
    ['es-ES', '¿me vais a llenar el correo de spam?', /Solo enviamos novedades y ofertas a quien ha dicho que sí/],
    ['es-ES', '¿recibiré mucha publicidad?', /Solo enviamos novedades y ofertas a quien ha dicho que sí/],
  ])('%s %j: the consent rule, not the spam folder, and consent stays as it was', async (locale, text, rule) => {
    const c = chat(locale);
    const turn = await c.say(text);
    expect(said(turn)).toMatch(rule);
    expect(said(turn)).not.toMatch(/spam folder|carpeta de spam|correo no deseado/i);
    expect((await c.customer()).consent).toEqual([]);
  });
});

describe('outside test 26: unhappiness right after an agent closed the chat', () => {
  const ctx = appWithAgent();
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  beforeAll(() => ({ running, channel, agent } = ctx));

  /** A chat handed to the agent and closed by them: the survey is pending. */
  async function closedChat(locale: string): Promise<{ chat: Chat; closedId: string }> {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await running.app.services.handoff.agentMessage(agent.id, c.id, 'Hello, how can I help?');
    await running.app.services.handoff.close(agent.id, c.id);
    return { chat, closedId: c.id };
  }

  // M8: "wait, you didn't solve my problem!" got "Did you mean: Track my order"; "you guys suck" a generic "did not understand".
  test.each([
    ['en-US', "wait, you didn't solve my problem!"],
    ['en-US', 'you guys suck'],
    ['en-US', 'that did not help at all, it is still not solved'],
    ['es-ES', 'no me habéis resuelto nada'],
  ])('%s %j: a person again, in a new chat, never a guess', async (locale, text) => {
    const { chat, closedId } = await closedChat(locale);
    const turn = await chat.say(text);
    const words = [...turn.replies, ...turn.buttons].join(' | ');
    expect(words).not.toMatch(/Did you mean|Te refieres|Track my order|did not understand|no te he entendido/i);
    const next = await chat.conversation();
    expect(next.id).not.toBe(closedId);
    expect(next).toMatchObject({ state: 'queued', handoffReason: 'negative_sentiment' });
  });
});
