/**
 * T13: an agent's console loses its connection while the customer writes; on reconnecting (authenticated again)
 * and syncing from its last sequence number, it gets exactly the messages it missed, in order, once; someone
 * else's sync of that chat gets nothing.
 */
import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { connect, connected, createStaff, nextEvent, online, request as ask } from '../helpers/consoleClient';
import { startSecurityApp, until } from './helpers';

test('T13 reconnect and sync: exactly the missed messages, in order, only for whoever may read the chat', async () => {
  const s = await startSecurityApp();
  const say = (text: string) => post(s.url, messageActivity({ conversation: { id: 't13' }, from: { id: 't13-user' }, text }));
  try {
    const agent = await createStaff(s.app);
    const outsider = await createStaff(s.app);
    const first = await online(s.app, s.url, agent);
    await say('talk to a human');
    const conv = (await s.app.store.findConversationByChannel('test', 't13'))!;
    await until(async () => (await s.app.store.getConversation(conv.id))?.state === 'queued');
    expect((await ask(first, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);
    const live = nextEvent<{ message: Message }>(first, 'message:new', (p) => p.message.text === 'before the drop');
    await say('before the drop');
    const cursor = (await live).message.seq;
    first.disconnect();

    for (const t of ['missed one', 'missed two', 'missed three']) expect((await say(t)).status).toBe(200);

    const again = connect(s.url, agent.token, { reconnection: false });
    await connected(again);
    const synced = await ask<{ messages: Message[] }>(again, 'sync', { cursors: { [conv.id]: cursor } });
    expect(synced.ok).toBe(true);
    const texts = synced.data!.messages.filter((m) => m.role === 'customer').map((m) => m.text);
    expect(texts).toEqual(['missed one', 'missed two', 'missed three']);
    const seqs = synced.data!.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.every((q) => q > cursor)).toBe(true);

    const spy = await online(s.app, s.url, outsider);
    expect((await ask<{ messages: Message[] }>(spy, 'sync', { cursors: { [conv.id]: 0 } })).data?.messages).toEqual([]);
    again.disconnect();
    spy.disconnect();
  } finally {
    await s.stop();
  }
});
