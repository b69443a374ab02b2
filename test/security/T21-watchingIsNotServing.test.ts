import { channelConversations } from '../../bot/supportBot';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request } from '../helpers/consoleClient';
import { appWithChannel } from '../helpers/appWithChannel';

/**
 * T21, writes (found from outside): any agent may look at a queued chat before taking it, but looking is not
 * serving. An agent who does not hold the chat could whisper on it and add notes, tags and marketing consent to its
 * customer's profile. Now: whispers are supervisors'; notes on a chat and changes to a profile are for the agent who
 * holds one of that customer's chats now, and for supervisors. Each refusal is coded and stores
 * nothing.
 */
describe('T21 watching a queued chat is not serving it', () => {
  const t = appWithChannel();

  const staffOnline = async (role: 'agent' | 'supervisor') => {
    const who = await createStaff(t.running.app, { role, capacity: 3 });
    const socket = await online(t.running.app, t.running.url, who);
    t.sockets.push(socket);
    return { ...who, socket };
  };

  test('an onlooker may not whisper, note, tag or change consent; the holder and supervisors may', async () => {
    const holder = await staffOnline('agent');
    const onlooker = await staffOnline('agent');
    const supervisor = await staffOnline('supervisor');
    const r = await post(
      t.running.url,
      messageActivity({
        conversation: { id: 't21-watch' },
        from: { id: 't21-cust' },
        text: 'I want to talk to a human',
        serviceUrl: t.channel.url,
        deliveryMode: undefined,
      }),
    );
    expect(r.status).toBe(200);
    const chat = (await channelConversations(t.running.app.store, 'test', 't21-watch')).at(-1)!;
    expect(chat.state).toBe('queued');
    const store = t.running.app.store;
    const transcript = async () => (await store.listMessages(chat.id)).filter((m) => m.kind === 'note' || m.kind === 'whisper').map((m) => m.text);
    const profile = async () => (await store.getCustomer(chat.customerId))!;

    // While queued, the onlooker may look but writes nothing.
    expect((await request(onlooker.socket, 'note:add', { conversationId: chat.id, text: 'onlooker whisper', whisper: true })).error?.code).toBe('FORBIDDEN');
    expect((await request(onlooker.socket, 'note:add', { conversationId: chat.id, text: 'onlooker note' })).error?.code).toBe('HANDOFF_NOT_OWNER');
    const tags = await request(onlooker.socket, 'customer:update', { customerId: chat.customerId, tags: ['onlooker'], addNote: 'onlooker profile note' });
    expect(tags.error?.code).toBe('CUSTOMER_NOT_SERVED');
    const consent = await request(onlooker.socket, 'customer:consent', { customerId: chat.customerId, purpose: 'marketing', channel: 'email', granted: true });
    expect(consent.error?.code).toBe('CUSTOMER_NOT_SERVED');
    expect(await transcript()).toEqual([]);
    const untouched = await profile();
    expect(untouched.tags).not.toContain('onlooker');
    expect(untouched.attributes.notes ?? []).toEqual([]);
    expect(untouched.consent.filter((c) => c.purpose === 'marketing' && c.granted)).toEqual([]);

    // The holder serves it: notes and profile changes go through; an agent still may not whisper.
    expect((await request(holder.socket, 'conversation:claim', { conversationId: chat.id })).ok).toBe(true);
    expect((await request(holder.socket, 'note:add', { conversationId: chat.id, text: 'holder note' })).ok).toBe(true);
    expect((await request(holder.socket, 'note:add', { conversationId: chat.id, text: 'holder whisper', whisper: true })).error?.code).toBe('FORBIDDEN');
    expect((await request(holder.socket, 'customer:update', { customerId: chat.customerId, tags: ['served'] })).ok).toBe(true);
    // The onlooker still may not, now that someone holds it (they no longer even see it).
    expect((await request(onlooker.socket, 'note:add', { conversationId: chat.id, text: 'late onlooker note' })).ok).toBe(false);
    // A supervisor coaches the holder.
    expect((await request(supervisor.socket, 'note:add', { conversationId: chat.id, text: 'supervisor whisper', whisper: true })).ok).toBe(true);
    // Once closed, the chat is nobody's to write on but a supervisor's.
    expect((await request(holder.socket, 'conversation:close', { conversationId: chat.id })).ok).toBe(true);
    expect((await request(holder.socket, 'note:add', { conversationId: chat.id, text: 'after-close note' })).ok).toBe(false);

    expect(await transcript()).toEqual(['holder note', 'supervisor whisper']);
    expect((await profile()).tags).toEqual(['served']);
  });
});
