import { channelConversations } from '../../bot/supportBot';
import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { appWithChannel } from '../helpers/appWithChannel';

interface View {
  id: string;
  state: string;
}

/**
 * T28, erasure ends open chats (found from outside): a customer waiting in the queue, or held by an agent, was erased
 * by an admin and their chat stayed in every queue and inbox; an agent could still join it and got the blanked
 * messages. After the erasure the chat is closed: gone from the queue, refused to the agent who held it, and the
 * agent's capacity is free again.
 */
describe('T28 erasure ends the person’s open chats', () => {
  const t = appWithChannel();

  const says = async (user: string, conv: string, text: string) => {
    const r = await post(
      t.running.url,
      messageActivity({ conversation: { id: conv }, from: { id: user, name: 'Quinn Queued' }, text, serviceUrl: t.channel.url, deliveryMode: undefined }),
    );
    expect(r.status).toBe(200);
  };
  const erase = async (admin: Staff, customerId: string) => {
    const r = await fetch(`${t.running.url}/api/customers/${customerId}/erase`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.status).toBe(200);
  };

  test('a queued chat leaves the queue and a held chat is closed for its agent, whose slot is free again', async () => {
    const admin = await createStaff(t.running.app, { role: 'admin' });
    const agent = await createStaff(t.running.app, { role: 'agent', capacity: 1 });
    const socket = await online(t.running.app, t.running.url, agent);
    t.sockets.push(socket);

    // One chat held by the agent (capacity 1: full), one waiting in the queue, both by the same person.
    await says('quinn', 't28-open-held', 'I want to talk to a human');
    const held = (await channelConversations(t.running.app.store, 'test', 't28-open-held')).at(-1)!;
    expect((await request<{ conversation: View }>(socket, 'conversation:claim', { conversationId: held.id })).ok).toBe(true);
    await says('quinn', 't28-open-queued', 'I want to talk to a human');
    const queued = (await channelConversations(t.running.app.store, 'test', 't28-open-queued')).at(-1)!;
    expect(queued.state).toBe('queued');
    const before = await request<{ queue: View[]; mine: View[] }>(socket, 'queue:list', {});
    expect(before.data!.queue.map((c) => c.id)).toContain(queued.id);
    expect(before.data!.mine.map((c) => c.id)).toContain(held.id);

    const heard: string[] = [];
    socket.on('message:new', (p: { message: Message }) => heard.push(p.message.text));
    await erase(admin, held.customerId);

    // Both closed, in the store and for the console.
    expect((await t.running.app.store.getConversation(held.id))!.state).toBe('closed');
    expect((await t.running.app.store.getConversation(queued.id))!.state).toBe('closed');
    const after = await request<{ queue: View[]; mine: View[] }>(socket, 'queue:list', {});
    expect(after.data!.queue.map((c) => c.id)).not.toContain(queued.id);
    expect(after.data!.mine.map((c) => c.id)).not.toContain(held.id);
    // The former holder can no longer write to it, nor claim the erased queued chat.
    const send = await request(socket, 'message:send', { conversationId: held.id, text: 'still there?', clientMessageId: 't28-open-1' });
    expect(send.ok).toBe(false);
    const claim = await request(socket, 'conversation:claim', { conversationId: queued.id });
    expect(claim.ok).toBe(false);
    // Nothing the customer wrote was pushed to anyone after the erasure.
    expect(heard.filter((t) => t.includes('human'))).toEqual([]);

    // The agent's slot is free: a new customer's chat can be claimed (capacity 1).
    await says('other-customer', 't28-open-next', 'I want to talk to a human');
    const next = (await channelConversations(t.running.app.store, 'test', 't28-open-next')).at(-1)!;
    const claimed = await request<{ conversation: View }>(socket, 'conversation:claim', { conversationId: next.id });
    expect(claimed.ok).toBe(true);
  });
});
