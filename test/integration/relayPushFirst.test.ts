import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { appWithChannel } from '../helpers/appWithChannel';
import { nextEvent } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';

/**
 * A customer's message in a chat an agent holds is stored durably, then pushed to the agent's socket, and only then
 * does the relay read what it needs for what comes after the push (is the holder still online, have they answered:
 * the holding notice). Before, that read of the holder ran first, on every relayed message, between the durable
 * write and the push (issue 19, relay p99 ≤ 5 ms). What the read decides is unchanged: agentOffline.test.ts.
 */
describe('a relayed customer message reaches the agent before the relay reads anything else', () => {
  const t = appWithChannel();

  test('over /api/messages and a real console socket: the push comes before the holder is read', async () => {
    const held = await heldChat(t.running, t.channel, 'push-first');
    t.sockets.push(held.socket);
    const order: string[] = [];
    const store = t.running.app.store;
    const getUser = store.getUser.bind(store);
    store.getUser = (id) => {
      if (id === held.agent.id) order.push('holder read');
      return getUser(id);
    };
    const adapter = t.running.app.io.of('/').adapter;
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet: { data: unknown[] }, opts) => {
      if (packet.data[0] === 'message:new') order.push('pushed');
      return broadcast(packet, opts);
    };
    try {
      const seen = nextEvent<{ message: Message }>(held.socket, 'message:new', (p) => p.message.text === 'is my parcel on its way?');
      const r = await post(
        t.running.url,
        messageActivity({
          conversation: { id: 'push-first' },
          from: { id: 'push-first-user' },
          text: 'is my parcel on its way?',
          serviceUrl: t.channel.url,
          deliveryMode: undefined,
        }),
      );
      expect(r.status).toBe(200);
      expect((await seen).message).toMatchObject({ role: 'customer', conversationId: held.conversation.id });
      // Both happened in the turn (the HTTP answer waits for the holder's check), the push first.
      expect(order).toEqual(['pushed', 'holder read']);
    } finally {
      store.getUser = getUser;
      adapter.broadcast = broadcast;
    }
  });
});
