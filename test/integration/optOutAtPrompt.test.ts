import { t } from '../../locale/replies';
import type { Customer } from '../../models/records';
import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Found by an outside tester (issue #16): "unsubscribe me" typed while the bot waited for a short answer (an order
 * number, the order's e-mail, a yes or no) in a chat the bot runs followed the prompt's rules ("that does not look like
 * an order number") and nothing was withdrawn. Withdrawing is honoured at once and confirmed, like everywhere else, and
 * the question still stands. Transcripts through /api/messages with real Bot Framework activities and the shipped model.
 */
type Row = [locale: 'en-US' | 'es-ES', setup: string[], pending: RegExp, optOut: string];

const ORDER_NUMBER = /order number|número de pedido/;
const ORDER_EMAIL = /e-mail address the order was placed with|correo electrónico con el que se hizo/;

const ROWS: Row[] = [
  ['en-US', ['track my package'], ORDER_NUMBER, 'unsubscribe me'],
  ['en-US', ['where is my order'], ORDER_NUMBER, 'please opt me out of your marketing emails'],
  ['en-US', ['where is my order 12345'], ORDER_EMAIL, 'unsubscribe me from the newsletter'],
  ['en-US', ['where is my order 12345'], ORDER_EMAIL, 'stop sending me offers'],
  ['es-ES', ['quiero seguir mi paquete'], ORDER_NUMBER, 'darme de baja'],
  ['es-ES', ['dónde está mi pedido'], ORDER_NUMBER, 'quiero darme de baja de la publicidad'],
  ['es-ES', ['dónde está mi pedido 12345'], ORDER_EMAIL, 'desuscribirme del boletín'],
  ['es-ES', ['dónde está mi pedido 12345'], ORDER_EMAIL, 'dejad de enviarme ofertas'],
];

function marketing(c: Customer): boolean[] {
  return c.consent.filter((e) => e.purpose === 'marketing').map((e) => e.granted);
}

describe('"unsubscribe me" at a question the bot is waiting on', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test.each(ROWS)('%s, at the prompt after %j: "%s" is withdrawn, confirmed, and the question asked again', async (locale, setup, pending, optOut) => {
    const language = locale.slice(0, 2);
    const chat = new Chat(running, { locale });
    for (const line of setup) expect((await chat.say(line)).replies.join(' ')).toMatch(pending);
    const turn = await chat.say(optOut);
    expect(turn.replies[0]).toBe(t(language, 'marketingAlreadyOff'));
    // The pending question stands: asked again, not answered with "that does not look like an order number".
    expect(turn.replies.at(-1)).toMatch(pending);
    expect(turn.replies.join(' ')).not.toMatch(/does not look like|no parece/);
    expect(marketing(await chat.customer())).toEqual([false]);
    expect((await chat.conversation()).state).toBe('bot');
  });

  test.each([
    ['en-US', 'I want the newsletter', 'yes', 'where is my order 12345', 'unsubscribe me'],
    ['es-ES', 'quiero recibir el boletín', 'sí', 'dónde está mi pedido 12345', 'por favor, darme de baja'],
  ])(
    '%s: a subscribed customer at the e-mail prompt is taken off the list, and can answer the question next',
    async (locale, subscribe, yes, order, optOut) => {
      const language = locale.slice(0, 2);
      const chat = new Chat(running, { locale });
      await chat.say(subscribe);
      await chat.say(yes);
      expect(marketing(await chat.customer())).toEqual([true]);
      expect((await chat.say(order)).replies.join(' ')).toMatch(ORDER_EMAIL);
      const turn = await chat.say(optOut);
      expect(turn.replies).toEqual([t(language, 'marketingWithdrawn'), t(language, 'askOrderEmail', { order: '12345' })]);
      expect(marketing(await chat.customer())).toEqual([true, false]);
      // The question still works: the e-mail answers it and the order is shown.
      expect((await chat.say('ana@example.com')).replies.join(' ')).toMatch(/DH123456789/);
    },
  );
});
