/**
 * T09: per-conversation ordering. A customer's messages are stored in the order they were sent, with gap-free
 * sequence numbers, while other conversations write at the same time; an agent's messages reach the channel in
 * the order they were sent.
 */
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { startSecurityApp, until } from './helpers';

test('T09 order within a conversation holds while others write concurrently; agent messages arrive in order', async () => {
  const channel = await new ChannelServer().start();
  const s = await startSecurityApp({ RATE_LIMIT_CONVERSATION_MESSAGES: '1000/60' });
  try {
    const noise = Promise.all(
      Array.from({ length: 5 }, async (_, c) => {
        for (let i = 0; i < 8; i++)
          await post(s.url, messageActivity({ conversation: { id: `t09-noise-${c}` }, from: { id: `noise-${c}` }, text: `noise ${i}` }));
      }),
    );
    for (let i = 0; i < 12; i++)
      expect((await post(s.url, messageActivity({ conversation: { id: 't09' }, from: { id: 't09-user' }, text: `step ${i}` }))).status).toBe(200);
    await noise;
    const conv = (await s.app.store.findConversationByChannel('test', 't09'))!;
    const messages = await s.app.store.listMessages(conv.id);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(Array.from({ length: 12 }, (_, i) => `step ${i}`));

    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent);
    await post(
      s.url,
      messageActivity({
        conversation: { id: 't09-agent' },
        from: { id: 't09-agent-user' },
        text: 'talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    const chat = (await s.app.store.findConversationByChannel('test', 't09-agent'))!;
    await until(async () => (await s.app.store.getConversation(chat.id))?.state === 'queued');
    expect((await ask(socket, 'conversation:claim', { conversationId: chat.id })).ok).toBe(true);
    for (let i = 0; i < 8; i++)
      expect((await ask(socket, 'message:send', { conversationId: chat.id, text: `reply ${i}`, clientMessageId: `r${i}` })).ok).toBe(true);
    await channel.waitForText('t09-agent', /reply 7/);
    expect(channel.texts('t09-agent').filter((t) => t.startsWith('reply '))).toEqual(Array.from({ length: 8 }, (_, i) => `reply ${i}`));
    socket.disconnect();
  } finally {
    await s.stop();
    await channel.stop();
  }
});
