import { Chat } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * "yes" to a one-option "Did you mean: Cancel an order | None of these" was answered "Great! What can I do for you?"
 * (an outside tester, 2026-11-30): a yes to a single suggestion takes it; a no says what the customer can do next.
 */
const ONE_OPTION = 'something about cancelling';
const ONE_OPTION_ES = 'algo de cancelar';

describe('a yes or a no to a single suggestion', () => {
  let running: RunningApp;
  beforeAll(async () => {
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), {
      [ONE_OPTION]: { intent: 'order.cancel', score: 0.45 },
      [ONE_OPTION_ES]: { intent: 'order.cancel', score: 0.45, language: 'es' },
    });
    running = await startTestApp({}, { recognizer });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterAll(async () => running.stop());

  test.each([
    ['en-US', ONE_OPTION, ['Cancel an order', 'None of these'], 'yes', /order number/],
    ['es-ES', ONE_OPTION_ES, ['Cancelar un pedido', 'Ninguna de estas'], 'sí', /número de pedido/],
  ])('%s: a yes takes the one suggestion', async (locale, text, buttons, yes, next) => {
    const chat = new Chat(running, { locale });
    expect((await chat.say(text)).buttons).toEqual(buttons);
    const turn = await chat.say(yes);
    expect(turn.replies.join(' ')).toMatch(next);
    expect(turn.replies.join(' ')).not.toMatch(/Great! What can I do|Genial/);
  });

  test('a no says what to do next, with the things the bot can do as buttons', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say(ONE_OPTION);
    const turn = await chat.say('no');
    expect(turn.replies.join(' ')).toMatch(/You can ask about orders, refunds, returns, your account, or type "agent"/);
    expect(turn.lastButtons.length).toBeGreaterThan(0);
  });
});
