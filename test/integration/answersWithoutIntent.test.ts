import { messageActivity, post } from '../helpers/activities';
import { appWithChannel } from '../helpers/appWithChannel';
import { request } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';

/**
 * Outside pass 32, M2: the dashboard's intents counted answers as requests: a survey rating "4 good service" stored
 * as a complaint, "yes" to an agent's question as newsletter.subscribe, "yes please" to staff's consent question as
 * help. Answers are stored without an intent; a request written to the agent keeps its own.
 */
describe('answers are stored without an intent, requests keep theirs', () => {
  const t0 = appWithChannel();
  const says = async (conv: string, text: string) => {
    const r = await post(
      t0.running.url,
      messageActivity({ conversation: { id: conv }, from: { id: `${conv}-user` }, text, serviceUrl: t0.channel.url, deliveryMode: undefined }),
    );
    expect(r.status).toBe(200);
  };
  const stored = async (conversationId: string, text: string) => {
    const all = await t0.running.app.store.listMessages(conversationId, { limit: 200 });
    return all.filter((m) => m.role === 'customer' && m.text === text).at(-1)!;
  };

  test('in a held chat, a yes or a number answers the agent; a request keeps its intent; a survey rating is no complaint', async () => {
    const held = await heldChat(t0.running, t0.channel, 'answers-1');
    t0.sockets.push(held.socket);
    const id = held.conversation.id;
    expect((await request(held.socket, 'message:send', { conversationId: id, text: 'Did the refund arrive?', clientMessageId: 'q-1' })).ok).toBe(true);
    for (const text of ['yes', 'yes please', '12345', 'I want to return my order 55555']) await says('answers-1', text);
    expect((await stored(id, 'yes')).intent).toBeUndefined();
    expect((await stored(id, 'yes please')).intent).toBeUndefined();
    expect((await stored(id, '12345')).intent).toBeUndefined();
    expect((await stored(id, 'I want to return my order 55555')).intent).toEqual(expect.any(String));

    expect((await request(held.socket, 'conversation:close', { conversationId: id })).ok).toBe(true);
    await t0.channel.waitForText('answers-1', /rate it from 1/);
    await says('answers-1', '4 good service');
    await t0.channel.waitForText('answers-1', /Thank you for your feedback/);
    expect(await t0.running.app.store.getConversation(id)).toMatchObject({ state: 'closed', satisfaction: { score: 4 } });
    expect((await stored(id, '4 good service')).intent).toBeUndefined();
  });
});
