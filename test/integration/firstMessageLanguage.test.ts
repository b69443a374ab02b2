import { t } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * The first message of a conversation is read by the recognizer in the language the bot answers it in
 * (dialogs/languagePolicy.ts: the channel's locale, then the profile's explicit choice, then a long and clear message,
 * then the markers of a short one). Without a locale the recognizer once got no hint and guessed from letter trigrams:
 * "order never arrived" was read as Spanish and asked back ("Did you mean…") in English, and "refund order 12345" was
 * stored and counted on the profile as Spanish. Through /api/messages with the shipped model.
 */
describe('the language a first message is read in', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  async function customerMessages(chat: Chat) {
    const c = await chat.conversation();
    return (await running.app.store.listMessages(c.id, { limit: 50 })).filter((m) => m.role === 'customer');
  }

  test('"order never arrived" without a locale is read in English, as it is answered: the order flow, not "Did you mean"', async () => {
    const chat = new Chat(running, { locale: undefined });
    const turn = await chat.say('order never arrived');
    expect(turn.replies).toEqual([t('en', 'askOrderNumber')]);
    expect((await customerMessages(chat)).map((m) => m.language)).toEqual(['en']);
  });

  test('"refund order 12345" without a locale is stored and counted on the profile as English, not Spanish', async () => {
    const chat = new Chat(running, { locale: undefined });
    expect((await chat.say('refund order 12345')).replies).toEqual([t('en', 'askOrderEmail', { order: '12345' })]);
    expect((await customerMessages(chat)).map((m) => m.language)).toEqual(['en']);
    expect((await chat.customer()).language).toBe('en');
  });

  test('an explicit choice on the profile leads a first message without a locale or clear words', async () => {
    const before = new Chat(running, { locale: undefined });
    expect((await before.say('responde en español')).replies).toEqual([t('es', 'languageSet')]);
    const chat = new Chat(running, { locale: undefined, userId: before.userId });
    await chat.say('refund order 12345');
    expect((await customerMessages(chat)).map((m) => m.language)).toEqual(['es']);
  });

  test('no locale and no choice: a long, clear Spanish message without Spanish function words is read in Spanish', async () => {
    const chat = new Chat(running, { locale: undefined });
    const text = 'reembolso pedido 12345 zapatos';
    expect((await chat.say(text)).replies).toEqual([t('es', 'askOrderEmail', { order: '12345' })]);
    expect((await customerMessages(chat)).map((m) => m.language)).toEqual(['es']);
  });
});
