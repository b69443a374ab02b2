import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * "¿y puedo devolverlo?" was read as a bare yes ("y") and answered "¡Genial! ¿Qué puedo hacer por ti?" (an outside
 * tester, 2026-11-30). Follow-up questions about returns, exchanges, refunds and cancellations with a leading "y" and
 * a clitic pronoun are requests, alone and after an order's status.
 */
describe('Spanish follow-up questions with "y" and clitics are requests', () => {
  const ctx = appWithChannel({}, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  const lastIntent = async (chat: Chat) =>
    (await running.app.store.listMessages((await chat.conversation()).id, { limit: 100 })).filter((m) => m.role === 'customer').at(-1)?.intent;

  const FOLLOW_UPS: [text: string, locale: string, intent: string][] = [
    ['¿y puedo devolverlo?', 'es-ES', 'return.request'],
    ['y puedo devolverlo', 'es-ES', 'return.request'],
    ['¿y puedo cambiarla?', 'es-ES', 'return.request'],
    ['¿y si quiero devolverla?', 'es-ES', 'return.request'],
    ['¿y puedo cancelarlo?', 'es-ES', 'order.cancel'],
    ['¿y me vais a devolver el dinero?', 'es-ES', 'refund.request'],
    ['and can I return it?', 'en-US', 'return.request'],
  ];
  test.each(FOLLOW_UPS)('%j (%s) is answered as %s, not as a yes', async (text, locale, intent) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    const said = (await chat.say(text)).replies.join(' | ');
    expect(said).not.toMatch(/Genial|¿Qué puedo hacer por ti\?|Great! What can I do/);
    expect(await lastIntent(chat)).toBe(intent);
  });

  test('"¿y puedo devolverlo?" after an order status answer is about returning it', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'es-ES' });
    await chat.say('¿dónde está mi pedido 12345?');
    const status = await chat.say('ana@example.com');
    expect(status.replies.join(' ')).toMatch(/12345/);
    const said = (await chat.say('¿y puedo devolverlo?')).replies.join(' | ');
    expect(said).not.toMatch(/Genial/);
    expect(said).toMatch(/pedido|devol/i);
    expect(await lastIntent(chat)).toBe('return.request');
  });

  test('a bare "y" is still a yes', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    expect((await chat.say('y')).replies.join(' ')).toMatch(/Great! What can I do for you\?/);
  });
});
