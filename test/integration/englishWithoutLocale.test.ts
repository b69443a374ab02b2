import fs from 'node:fs';
import path from 'node:path';
import { loadKnowledge } from '../../dialogs/knowledge';
import { templates, type ReplyLanguage } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Must hold: 200 English requests without a channel locale (test/data/english-requests.txt, written for this test)
 * are all answered in English. Each is a first message in a new conversation, where a guess from a short message once
 * answered one in ten in Spanish. A reply is English when it is one of our English sentences (templates or FAQ
 * articles) and none of the Spanish ones.
 */
const REQUESTS = fs
  .readFileSync(path.join(__dirname, '..', 'data', 'english-requests.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

function patterns(language: ReplyLanguage): RegExp[] {
  const kb = loadKnowledge();
  const articles = [
    'delivery.options',
    'refund.policy',
    'payment.methods',
    'payment.problem',
    'invoice.get',
    'order.change',
    'shipping.address',
    'account.create',
    'account.edit',
    'account.switch',
    'signup.problem',
    'return.policy',
    'kb.warranty',
    'kb.sizes',
    'kb.gift-cards',
    'kb.placing-orders',
    'kb.discounts',
    'kb.contact',
    'kb.privacy',
    'kb.damaged-delivery',
  ]
    .map((id) => kb.article(id)?.answer[language])
    .filter((x): x is string => !!x);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...templates(language), ...articles].map(
    (tpl) =>
      new RegExp(
        `^${tpl
          .split(/\{\w+\}/)
          .map(escape)
          .join('.*?')}$`,
        's',
      ),
  );
}

describe('language that stays put', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const english = patterns('en');
  const spanish = patterns('es');
  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    await running.stop();
    await channel.stop();
  });

  test('the data file holds 200 different requests', () => {
    expect(REQUESTS.length).toBe(200);
    expect(new Set(REQUESTS).size).toBe(200);
  });

  test('200 English requests without a locale are all answered in English', async () => {
    const wrong: { request: string; reply: string }[] = [];
    for (const request of REQUESTS) {
      const turn = await new Chat(running, { locale: undefined, serviceUrl: channel.url }).say(request);
      expect({ request, status: turn.status, answered: turn.replies.length > 0 }).toEqual({ request, status: 200, answered: true });
      for (const reply of turn.replies) {
        if (spanish.some((re) => re.test(reply)) || !english.some((re) => re.test(reply))) wrong.push({ request, reply });
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  test('a conversation keeps its language: short or mixed messages do not switch it', async () => {
    const chat = new Chat(running, { locale: undefined, serviceUrl: channel.url });
    expect((await chat.say('¿dónde está mi pedido 12345?')).replies.join(' ')).toMatch(/dime el correo/);
    for (const text of ['ok', 'refund', 'PIN', 'hello']) {
      const turn = await chat.say(text);
      for (const reply of turn.replies) expect({ text, reply, spanish: spanish.some((re) => re.test(reply)) }).toEqual({ text, reply, spanish: true });
    }
    expect((await chat.conversation()).language).toBe('es');
    // A clear switch is followed.
    expect((await chat.say('how long does shipping take to my country')).replies.join(' ')).toMatch(/Standard delivery takes/);
  });

  test('a short Spanish first message without a locale is answered in Spanish', async () => {
    // Found by an outside tester: "hola" and "devolver zapatos" were answered in English.
    for (const text of ['hola', 'devolver zapatos', 'quiero recibir ofertas']) {
      const turn = await new Chat(running, { locale: undefined, serviceUrl: channel.url }).say(text);
      expect(turn.replies.length).toBeGreaterThan(0);
      for (const reply of turn.replies) expect({ text, reply, spanish: spanish.some((re) => re.test(reply)) }).toEqual({ text, reply, spanish: true });
    }
  });
});
