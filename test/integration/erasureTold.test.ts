import { t } from '../../locale/replies';
import { appWithChannel } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';

/**
 * Outside tester M9: staff carried out a customer's erasure and the customer, waiting in an open chat, was not told.
 * Now the open chat is told, in the customer's language and on their channel, that their data was erased as they
 * asked and the chat ended; nothing of theirs is stored again, and a new message starts a chat with no history.
 */
describe('an erased customer with an open chat is told', () => {
  const ctx = appWithChannel();

  const erase = async (customerId: string) => {
    const admin = await createStaff(ctx.running.app, { role: 'admin' });
    const r = await fetch(`${ctx.running.url}/api/customers/${customerId}/erase`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.status).toBe(200);
  };

  test('a queued Spanish customer is told in Spanish; the chat is closed and a new one starts empty', async () => {
    const chat = new Chat(ctx.running, { locale: 'es-ES', serviceUrl: ctx.channel.url });
    await chat.say('me llamo Lucía, quiero hablar con una persona');
    const open = await chat.conversation();
    expect(open.state).toBe('queued');
    await erase((await chat.customer()).id);

    await ctx.channel.waitForText(chat.conversationId, /hemos borrado tus datos/);
    expect(ctx.channel.texts(chat.conversationId)).toContain(t('es', 'erasureDone'));
    expect((await ctx.running.app.store.getConversation(open.id))!.state).toBe('closed');
    // The notice is not stored: the erased chat keeps no text at all, and nothing with the customer's words in it.
    const kept = await ctx.running.app.store.listMessages(open.id);
    expect(kept.map((m) => m.text).filter((x) => x)).toEqual([]);

    const again = await chat.say('hola');
    expect(again.replies).toEqual([t('es', 'welcome')]);
    const fresh = await chat.conversation();
    expect(fresh.id).not.toBe(open.id);
    const history = await ctx.running.app.store.listMessages(fresh.id);
    expect(history.map((m) => m.text)).toEqual(['hola', t('es', 'welcome')]);
    expect((await chat.customer()).contacts).toEqual([]);
  });

  test('a chat with the bot only (no person asked for) is told in English and ended', async () => {
    const chat = new Chat(ctx.running, { locale: 'en-US', serviceUrl: ctx.channel.url });
    await chat.say('where is my order?');
    const open = await chat.conversation();
    await erase((await chat.customer()).id);
    await ctx.channel.waitForText(chat.conversationId, /erased your personal data/);
    expect((await ctx.running.app.store.getConversation(open.id))!.state).toBe('closed');
  });
});
