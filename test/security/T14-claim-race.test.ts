/**
 * T14: claim races. Ten agents claim one queued chat at the same instant: one wins, nine are told it was taken,
 * the chat has one owner and the customer hears of one agent. An agent with room for one chat claiming two at
 * once gets one.
 */
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { startSecurityApp, until } from './helpers';

test('T14 ten simultaneous claims: one owner, nine coded refusals, one notice to the customer; capacity holds', async () => {
  const channel = await new ChannelServer().start();
  const s = await startSecurityApp();
  const sockets: Awaited<ReturnType<typeof online>>[] = [];
  try {
    const agents = await Promise.all(Array.from({ length: 10 }, () => createStaff(s.app, { capacity: 3 })));
    for (const a of agents) sockets.push(await online(s.app, s.url, a));
    await post(
      s.url,
      messageActivity({ conversation: { id: 't14' }, from: { id: 't14-user' }, text: 'talk to a human', serviceUrl: channel.url, deliveryMode: undefined }),
    );
    const conv = (await s.app.store.findConversationByChannel('test', 't14'))!;
    await until(async () => (await s.app.store.getConversation(conv.id))?.state === 'queued');
    const answers = await Promise.all(sockets.map((x) => ask(x, 'conversation:claim', { conversationId: conv.id })));
    const winners = answers.map((a, i) => (a.ok ? agents[i].id : null)).filter(Boolean);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => a.error?.code)).toEqual(Array(9).fill('HANDOFF_ALREADY_CLAIMED'));
    expect((await s.app.store.getConversation(conv.id))?.agentId).toBe(winners[0]);
    const events = (await s.app.store.listMessages(conv.id)).filter((m) => m.kind === 'event' && (m.data as { to?: string })?.to === 'agent');
    expect(events).toHaveLength(1);
    await until(() => channel.texts('t14').some((t) => /has joined the chat/i.test(t)));
    expect(channel.texts('t14').filter((t) => /has joined the chat/i.test(t))).toHaveLength(1);

    // Capacity: one free slot, two chats claimed at once.
    const narrow = await createStaff(s.app, { capacity: 1 });
    const ns = await online(s.app, s.url, narrow);
    sockets.push(ns);
    for (const id of ['t14-a', 't14-b']) await post(s.url, messageActivity({ conversation: { id }, from: { id: `${id}-user` }, text: 'talk to a human' }));
    const ids = await Promise.all(['t14-a', 't14-b'].map(async (id) => (await s.app.store.findConversationByChannel('test', id))!.id));
    await until(async () => (await Promise.all(ids.map((id) => s.app.store.getConversation(id)))).every((c) => c?.state === 'queued'));
    const two = await Promise.all(ids.map((id) => ask(ns, 'conversation:claim', { conversationId: id })));
    expect(two.filter((a) => a.ok)).toHaveLength(1);
    expect(two.find((a) => !a.ok)?.error?.code).toBe('HANDOFF_AT_CAPACITY');
    expect(await s.app.store.countActiveChats(narrow.id)).toBe(1);
  } finally {
    sockets.forEach((x) => x.disconnect());
    await s.stop();
    await channel.stop();
  }
});
