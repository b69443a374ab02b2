import { messageActivity, post, say, type PostResult } from '../helpers/activities';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * A question the bot asked is no cage. At the order-number and order e-mail prompts a clear other request (the
 * recognizer above the answer threshold, or a message clearly out of scope) or an explicit request for a person is
 * handled as a new request and the question ends; an unclear answer is asked again once, then the customer is offered
 * help. Files sent with a few words ("here", "see attached") are acknowledged, never met with "did you mean…".
 * Everything through /api/messages with real Bot Framework activities and the shipped model.
 */
type Step = [user: string, reply: RegExp, notReply?: RegExp];
const NOT_A_NUMBER = /does not look like an order number|no parece un número de pedido/;
const NEEDS_EMAIL = /Without the e-mail address|Sin el correo electrónico/;

const TRANSCRIPTS: Record<string, { steps: Step[]; locale?: string }> = {
  'order number prompt: out of scope is a new request': {
    steps: [
      ['track my package', /order number/],
      ["what's the weather tomorrow", /did not understand/, NOT_A_NUMBER],
      // The question ended: a number now is a new request of its own, not the old prompt's answer.
      ['thanks', /welcome/],
    ],
  },
  'order number prompt: a person': {
    steps: [
      ['track my package', /order number/],
      ['I want to talk to a person', /No agent is online|queue/, NOT_A_NUMBER],
    ],
  },
  'order number prompt: another clear request': {
    steps: [
      ['track my package', /order number/],
      ['actually, how do I reset my password', /email address of your account/, NOT_A_NUMBER],
    ],
  },
  'order number prompt: unclear, asked again once, then help is offered': {
    steps: [
      ['where is my order', /order number/],
      ['the blue kettle', NOT_A_NUMBER],
      ['last tuesday', /did not understand.*agent/, NOT_A_NUMBER],
    ],
  },
  'order number prompt: the number after one unclear answer': {
    steps: [
      ['where is my order', /order number/],
      ['the blue kettle', NOT_A_NUMBER],
      ['oh it is 55555', /e-mail address/],
    ],
  },
  'e-mail prompt: another clear request': {
    steps: [
      ['where is my order 12345', /e-mail address the order was placed with/],
      ['actually, how do I reset my password', /email address of your account/, NEEDS_EMAIL],
    ],
  },
  'e-mail prompt: out of scope is a new request': {
    steps: [
      ['where is my order 12345', /e-mail address the order was placed with/],
      ["what's the weather tomorrow", /did not understand/, NEEDS_EMAIL],
    ],
  },
  'e-mail prompt: a person': {
    steps: [
      ['where is my order 12345', /e-mail address the order was placed with/],
      ['I want to talk to a person', /No agent is online|queue/, NEEDS_EMAIL],
    ],
  },
  'Spanish order number prompt: out of scope is a new request': {
    locale: 'es-ES',
    steps: [
      ['dónde está mi pedido', /número de pedido/],
      ['qué tiempo hará mañana', /no te he entendido/, NOT_A_NUMBER],
    ],
  },
  'Spanish order number prompt: a person': {
    locale: 'es-ES',
    steps: [
      ['dónde está mi pedido', /número de pedido/],
      ['quiero hablar con una persona', /agente|cola|persona/, NOT_A_NUMBER],
    ],
  },
  'Spanish order number prompt: another clear request': {
    locale: 'es-ES',
    steps: [
      ['dónde está mi pedido', /número de pedido/],
      ['en realidad, ¿cómo restablezco mi contraseña?', /correo electrónico de tu cuenta/, NOT_A_NUMBER],
    ],
  },
  'Spanish order number prompt: unclear, asked again once, then help is offered': {
    locale: 'es-ES',
    steps: [
      ['dónde está mi pedido', /número de pedido/],
      ['la tetera azul', NOT_A_NUMBER],
      ['el martes pasado', /no te he entendido.*agente/, NOT_A_NUMBER],
    ],
  },
  'Spanish e-mail prompt: another clear request': {
    locale: 'es-ES',
    steps: [
      ['dónde está mi pedido 12345', /correo electrónico con el que se hizo/],
      ['en realidad, ¿cómo restablezco mi contraseña?', /correo electrónico de tu cuenta/, NEEDS_EMAIL],
    ],
  },
};

const PNG = { contentType: 'image/png', name: 'damage.png', contentUrl: 'https://files.example.com/damage.png' };

function withFile(url: string, conversation: string, text: string, locale = 'en-US'): Promise<PostResult> {
  return post(url, messageActivity({ conversation: { id: conversation }, from: { id: `u-${conversation}` }, text, locale, attachments: [PNG] }));
}

function buttons(r: PostResult): string[] {
  return (r.body.activities ?? []).flatMap((a) => (a.suggestedActions?.actions ?? []).map((x) => String(x.title)));
}

describe('prompts let the customer leave; files are acknowledged', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test.each(Object.entries(TRANSCRIPTS))('%s', async (name, { steps, locale }) => {
    const conv = `p-${name.replace(/\W+/g, '-')}`;
    for (const [user, expected, unexpected] of steps) {
      const r = await say(running.url, conv, user, { from: { id: `u-${conv}` }, locale: locale ?? 'en-US' });
      expect(r.status).toBe(200);
      const reply = r.replies.join(' | ');
      expect({ user, reply }).toEqual({ user, reply: expect.stringMatching(expected) as unknown });
      if (unexpected) expect({ user, reply }).toEqual({ user, reply: expect.not.stringMatching(unexpected) as unknown });
    }
  });

  test('unclear twice at the order-number prompt: the offer of help carries a button for a person', async () => {
    const conv = 'p-offer-buttons';
    await say(running.url, conv, 'where is my order', { from: { id: 'u-offer' } });
    await say(running.url, conv, 'the blue kettle', { from: { id: 'u-offer' } });
    const r = await say(running.url, conv, 'last tuesday', { from: { id: 'u-offer' } });
    expect(buttons(r)).toContain('Talk to a person');
  });

  test.each([
    ['here', 'en-US', /received your file \(damage\.png\)/],
    ['see attached', 'en-US', /received your file \(damage\.png\)/],
    ['here is the photo', 'en-US', /received your file \(damage\.png\)/],
    ['aquí está', 'es-ES', /he recibido tu archivo \(damage\.png\)/],
    ['te adjunto la foto', 'es-ES', /he recibido tu archivo \(damage\.png\)/],
  ])('a file with %j: acknowledged, what the bot can do with it offered, no "did you mean"', async (text, locale, ack) => {
    const conv = `p-file-${text.replace(/\W+/g, '-')}-${locale}`;
    const r = await withFile(running.url, conv, text, locale);
    expect(r.status).toBe(200);
    const reply = r.replies.join(' | ');
    expect(reply).toMatch(ack);
    expect(reply).not.toMatch(/Did you mean|Quieres decir|did not understand|no te he entendido|Goodbye|Adiós/i);
    expect(buttons(r)).toContain(locale === 'es-ES' ? 'Hablar con una persona' : 'Talk to a person');
    // The file is stored with the message.
    const c = (await running.app.store.findConversationByChannel('test', conv))!;
    const stored = (await running.app.store.listMessages(c.id)).find((m) => m.role === 'customer');
    expect(stored?.attachments.map((a) => a.name)).toEqual(['damage.png']);
  });

  test('a file with a clear request: the request is handled', async () => {
    const r = await withFile(running.url, 'p-file-request', 'I want to talk to a human, see the photo');
    expect(r.replies.join(' | ')).toMatch(/No agent is online|queue/);
  });

  test('a file at the order-number prompt: acknowledged, and the question still stands', async () => {
    const conv = 'p-file-at-prompt';
    await say(running.url, conv, 'track my package', { from: { id: `u-${conv}` } });
    const r = await withFile(running.url, conv, 'here');
    expect(r.replies.join(' | ')).toMatch(/received your file/);
    const next = await say(running.url, conv, '55555', { from: { id: `u-${conv}` } });
    expect(next.replies.join(' | ')).toMatch(/e-mail address/);
  });

  test('a file with "here" in a chat a person holds: relayed, the bot stays quiet', async () => {
    const conv = 'p-file-held';
    const agent = await createStaff(running.app, { capacity: 10 });
    await say(running.url, conv, 'I want to talk to a human', { from: { id: `u-${conv}` } });
    const c = (await running.app.store.findConversationByChannel('test', conv))!;
    await running.app.services.handoff.claim(agent.id, c.id);
    const r = await withFile(running.url, conv, 'here');
    expect(r.status).toBe(200);
    expect(r.replies).toEqual([]);
    const stored = (await running.app.store.listMessages(c.id)).filter((m) => m.role === 'customer').at(-1);
    expect(stored).toMatchObject({ text: 'here' });
    expect(stored?.attachments.map((a) => a.name)).toEqual(['damage.png']);
  });
});
