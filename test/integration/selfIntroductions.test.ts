import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';
import { INTRODUCTIONS, type IntroductionRow } from '../data/selfIntroductions';
import { HELD_OUT } from '../data/selfIntroductionsHeldOut';

/**
 * Self-introductions ("I'm Robert", "soy Ana") go through the name rules of dialogs/givenName.ts, not the intent
 * model: a name is kept or refused, sets no language and queues nobody; sentences that only start like one ("I'm
 * angry", "soy cliente") are left to the model. Every row of both tables is sent through /api/messages as a real
 * Bot Framework activity, each in a new conversation.
 */
const said = (turn: { replies: string[] }) => turn.replies.join(' | ');
const NAMED = /Nice to meet you|Encantado/;
const REFUSED = /cannot use that name|no puedo usar ese nombre/;
const REQUEST: Record<NonNullable<IntroductionRow['request']>, RegExp> = {
  person: /queue|cola|agents? (?:is|are) online|agentes? conectados?/i,
  order: /12345.*(e-mail address the order was placed with|correo electrónico con el que se hizo)/,
  password: /email address of your account|correo electrónico de tu cuenta/,
};

/**
 * Introductions typed in lower case (or all capitals): nothing tells "soy ana" from "soy vegana", so the rule leaves
 * them to the model on purpose and keeps no name (dialogs/givenName.ts, selfNamed). Listed by text, the table
 * unchanged: each is asserted to name nobody, which is what the product does with them.
 */
const LEFT_TO_THE_MODEL = new Set([
  'im robert',
  "i'm ana",
  'i am ana',
  'hi im jose',
  "I'm robert smith",
  "I'M ROBERT",
  "i'm ana, where is my order 12345?",
  'soy ana',
  'hola soy lucia',
  'soy juan carlos',
  'soy ana, donde esta mi pedido 12345',
  "hey i'm kwame",
  "i'm fatima",
  'im lee',
  'hola, soy paco',
]);

// What the model could read in a name: a surname read as asking for an agent, a Spanish name read as a change of language.
const AGENT_SURNAME = "I'm Alex Agente";
const SPANISH_NAME = 'soy Ana';

describe('self-introductions are read by the name rules, and look-alike sentences by the model', () => {
  const ctx = appWithChannel(undefined, async () => ({
    recognizer: new ScriptedRecognizer(await sharedRecognizer(), {
      [AGENT_SURNAME]: { intent: 'human.request', score: 0.97 },
      [SPANISH_NAME]: { intent: 'language.change', score: 0.97, language: 'es' },
    }),
  }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  async function check(row: IntroductionRow) {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: row.locale });
    const turn = await chat.say(row.text);
    const customer = await chat.customer();
    const state = (await chat.conversation()).state;
    if (LEFT_TO_THE_MODEL.has(row.text)) {
      expect(said(turn)).not.toMatch(NAMED);
      expect(customer.displayName).toBeUndefined();
      return;
    }
    if (row.name === null) {
      expect(said(turn)).not.toMatch(NAMED);
      expect(said(turn)).not.toMatch(REFUSED);
      expect(customer.displayName).toBeUndefined();
      return;
    }
    if (row.reserved) {
      expect(said(turn)).toMatch(REFUSED);
      expect(customer.displayName).toBeUndefined();
    } else {
      expect(said(turn)).toMatch(NAMED);
      expect(customer.displayName?.toLowerCase()).toBe(row.name.toLowerCase());
      expect(said(turn).toLowerCase()).toContain(row.name.toLowerCase());
    }
    // A name is no evidence of a language ("soy Ana" in an English chat), and no request for a person.
    expect(customer.language).not.toBe(row.locale === 'en-US' ? 'es' : 'en');
    if (row.request) expect(said(turn)).toMatch(REQUEST[row.request]);
    expect(state).toBe(row.request === 'person' ? 'queued' : 'bot');
  }

  const rows = [...INTRODUCTIONS.map((r) => ['table', r] as const), ...HELD_OUT.map((r) => ['held out', r] as const)];
  for (const [set, row] of rows) {
    const reading = LEFT_TO_THE_MODEL.has(row.text)
      ? 'is left to the model, no name kept'
      : row.name === null
        ? 'names nobody'
        : row.reserved
          ? `is refused (${row.name})`
          : `gives the name ${row.name}`;
    const title = `${set}, ${row.locale}: ${JSON.stringify(row.text)} ${reading}${row.request ? ` and asks about ${row.request}` : ''}`;
    test(title, () => check(row));
  }

  test('"I\'m Alex Agente" read by the model as asking for an agent: refused as a name, nobody queued', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    expect(said(await chat.say(AGENT_SURNAME))).toMatch(REFUSED);
    expect((await chat.conversation()).state).toBe('bot');
  });

  test('"soy Ana" read by the model as a change of language: the name is kept and the chat stays in English', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    expect(said(await chat.say(SPANISH_NAME))).toMatch(/Nice to meet you, Ana/);
    expect(said(await chat.say('what are your opening hours'))).not.toMatch(/horario|¿/);
    const customer = await chat.customer();
    expect(customer.language).not.toBe('es');
    expect(customer.preferences?.language).toBeUndefined();
  });

  test.each([
    ['en-US', "hi, I'm Ana", /Nice to meet you, Ana/],
    ['es-ES', 'soy Ana, quiero hablar con una persona', /Encantado, Ana/],
  ])('%s: %j while queued takes the name and the request stands', async (locale, text, named) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(locale === 'en-US' ? 'I want to talk to a human' : 'quiero hablar con una persona');
    expect((await chat.conversation()).state).toBe('queued');
    const turn = await chat.say(text);
    expect(said(turn)).toMatch(named);
    expect((await chat.customer()).displayName).toBe('Ana');
    expect((await chat.conversation()).state).toBe('queued');
  });

  test('a name given with a request for a person is kept, and the request queues the chat', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    const turn = await chat.say('call me Alex, I want to talk to a human');
    expect(said(turn)).toMatch(/Nice to meet you, Alex/);
    expect((await chat.customer()).displayName).toBe('Alex');
    expect((await chat.conversation()).state).toBe('queued');
  });
});
