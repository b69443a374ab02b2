import type { Order } from '../../commerce/commerceBackend';
import { sampleOrders } from '../../commerce/demoCommerceBackend';
import { formatWait, formatWaitRange } from '../../handoff/handoffRouting';
import { UNRECOGNIZED_INTENT } from '../../models/records';
import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/** Smaller findings of an outside tester (2026-11-30), replayed through /api/messages. */
describe('oddities an outside tester found', () => {
  const ctx = appWithChannel({}, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  test.each([
    ['en-US', 'see file', /no file arrived/],
    ['en-US', 'see attached photo', /no file arrived/],
    ['es-ES', 'adjunto la foto', /no ha llegado ningún archivo/],
  ])('%s: %j with no file says the file did not arrive (was "Goodbye!")', async (locale, text, missing) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    const turn = await chat.say(text);
    expect(turn.replies).toEqual([expect.stringMatching(missing)]);
    expect(turn.replies.join(' ')).not.toMatch(/Goodbye|Adiós/);
  });

  test('"I guess" at the consent question is asked again, not a "Did you mean"', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await chat.say('sign me up for offers');
    const turn = await chat.say('I guess');
    expect(turn.replies.join(' | ')).toMatch(/To be sure: shall I send you news and offers/);
    expect(turn.replies.join(' | ')).not.toMatch(/Did you mean|Create an account/);
  });

  test('one minute is singular in Spanish', () => {
    expect(formatWait(70, 'es')).toBe('alrededor de 1 minuto');
    expect(formatWait(70, 'en')).toBe('about 1 minute');
    expect(formatWait(300, 'es')).toBe('unos 5 minutos');
    expect(formatWaitRange({ estimatedWaitSeconds: 80, waitRange: { low: 70, high: 90 } }, 'es')).not.toMatch(/1 minutos/);
  });
});

describe('the not-understood list', () => {
  // As the tester saw it: the model did not recognize the message (its real score for it depends on the corpus).
  const ctx = appWithChannel({}, async () => ({
    recognizer: new ScriptedRecognizer(await sharedRecognizer(), {
      'my name is Rosalind': { intent: UNRECOGNIZED_INTENT, score: 0.1 },
      'wibble wobble plonk': { intent: UNRECOGNIZED_INTENT, score: 0.05 },
      'call me Alex Ag\u0435nt': { intent: UNRECOGNIZED_INTENT, score: 0.1 },
      'None of these': { intent: UNRECOGNIZED_INTENT, score: 0.1 },
      'where is my parcel or can I cancel': {
        intent: 'order.track',
        score: 0.48,
        alternatives: [
          { intent: 'order.track', score: 0.48 },
          { intent: 'order.cancel', score: 0.42 },
        ],
      },
    }),
  }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  test('holds no message the bot answered by its own readers ("my name is Rosalind" → "Nice to meet you")', async () => {
    const lead = (await createStaff(running.app, { role: 'supervisor' })).token;
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    expect((await chat.say('my name is Rosalind')).replies.join(' ')).toMatch(/Nice to meet you, Rosalind!/);
    await chat.say('wibble wobble plonk');
    const messages = await running.app.store.listMessages((await chat.conversation()).id, { limit: 100 });
    const rosalind = messages.find((m) => m.text === 'my name is Rosalind');
    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${running.url}/api/stats?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${lead}` } });
    const texts = ((await res.json()) as { unrecognized: { text: string }[] }).unrecognized.map((u) => u.text);
    expect(texts).toContain('wibble wobble plonk');
    expect(rosalind?.intent).toBe(UNRECOGNIZED_INTENT);
    expect(texts).not.toContain('my name is Rosalind');
  });

  test('holds neither a button the bot offered ("None of these") nor a name the bot refused ("call me Alex Agеnt")', async () => {
    const lead = (await createStaff(running.app, { role: 'supervisor' })).token;
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    expect((await chat.say('call me Alex Ag\u0435nt')).replies.join(' ')).toMatch(/cannot use that name/);
    expect((await chat.say('where is my parcel or can I cancel')).buttons).toContain('None of these');
    await chat.say('None of these');
    await chat.say('wibble wobble plonk');
    const messages = await running.app.store.listMessages((await chat.conversation()).id, { limit: 100 });
    expect(messages.filter((m) => m.text === 'None of these' || m.text.startsWith('call me')).map((m) => m.intent)).toEqual([
      UNRECOGNIZED_INTENT,
      UNRECOGNIZED_INTENT,
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${running.url}/api/stats?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${lead}` } });
    const texts = ((await res.json()) as { unrecognized: { text: string }[] }).unrecognized.map((u) => u.text);
    expect(texts).toContain('wibble wobble plonk');
    expect(texts).not.toContain('None of these');
    expect(texts).not.toContain('call me Alex Ag\u0435nt');
  });
});

describe('expected delivery dates', () => {
  const ctx = appWithChannel({}, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  test('the demo orders are dated relative to today: an order being prepared is expected in the future', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const o of sampleOrders()) if (o.eta) expect(o.eta > today).toBe(true);
  });

  test.each([
    ['en-US', 'where is my order 55555', /55555 is being prepared and is running late: it was due by 2026-01-02/],
    ['es-ES', '¿dónde está mi pedido 55555?', /55555 se está preparando y va con retraso: debía llegar el 2026-01-02/],
  ])('%s: a past expected delivery is never stated as expected; the order is said to be late', async (locale, ask, late) => {
    // A shop whose date lags behind reality (the tester saw "being prepared … Expected delivery: 2026-11-27" on 30 Nov).
    const key = 'demo/orders/55555';
    const entry = (await running.app.store.readState([key]))[key];
    await running.app.store.writeState(key, { order: { ...(entry.value.order as Order), eta: '2026-01-02' } }, entry.etag);
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    const turn = await chat.say('ana@example.com');
    expect(turn.replies.join(' ')).toMatch(late);
    expect(turn.replies.join(' ')).not.toMatch(/Expected delivery|Entrega prevista/);
  });
});
