/**
 * T07: retries collapse. The same web chat activity (one clientActivityID) posted 20 times at once, and the same
 * agent message (one clientMessageId) sent 5 times at once, are each stored once and delivered once.
 */
import { ChannelServer } from '../helpers/channelServer';
import { request as ask } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';
import { request, startSecurityApp } from './helpers';

test('T07 twenty concurrent copies of one web chat activity: one message, one answer', async () => {
  const s = await startSecurityApp();
  try {
    const session = (await request(`${s.url}/chat/session`, { body: {} })).body;
    const send = () =>
      request(`${s.url}/v3/directline/conversations/${session.conversationId}/activities`, {
        headers: { authorization: `Bearer ${session.token}` },
        body: { type: 'message', text: 'where is my order 12345', channelData: { clientActivityID: 'retry-me' } },
      });
    const answers = await Promise.all(Array.from({ length: 20 }, send));
    expect(answers.every((a) => a.status === 200 && a.body.id === 'retry-me')).toBe(true);
    const conv = (await s.app.store.findConversationByChannel('webchat', session.conversationId!))!;
    const messages = await s.app.store.listMessages(conv.id);
    expect(messages.filter((m) => m.role === 'customer')).toHaveLength(1);
    // The page's greeting is stored too (data.greeting), before the answer: one answer besides it.
    expect(messages.filter((m) => m.role === 'bot' && !m.data?.greeting)).toHaveLength(1);
  } finally {
    await s.stop();
  }
});

test('T07 an agent message retried five times at once is stored and sent once', async () => {
  const channel = await new ChannelServer().start();
  const s = await startSecurityApp();
  try {
    const { socket, conversation: conv } = await heldChat(s, channel, 't07');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        ask<{ message: { seq: number } }>(socket, 'message:send', { conversationId: conv.id, text: 'Once only', clientMessageId: 'same' }),
      ),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(new Set(answers.map((a) => a.data!.message.seq)).size).toBe(1);
    expect((await s.app.store.listMessages(conv.id)).filter((m) => m.text === 'Once only')).toHaveLength(1);
    await channel.waitForText('t07', /Once only/);
    expect(channel.texts('t07').filter((t) => t === 'Once only')).toHaveLength(1);
    socket.disconnect();
  } finally {
    await s.stop();
    await channel.stop();
  }
});
