/**
 * An outside tester sent three `message:send` with one clientMessageId: the third, with other text, answered ok with
 * the first message and its text was never sent. The same id with the same payload is a retry (stored and sent
 * once); with another payload it is refused with IDEMPOTENCY_KEY_REUSED, and nothing is stored or sent.
 */
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { request as ask } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';
import { request, startSecurityApp } from './helpers';

test('an agent message id reused with other text is refused; the retry with the same text is the first message', async () => {
  const channel = await new ChannelServer().start();
  const s = await startSecurityApp();
  try {
    const { socket, conversation: conv } = await heldChat(s, channel, 'reuse');
    const send = (text: string) =>
      ask<{ message: { seq: number; text: string } }>(socket, 'message:send', { conversationId: conv.id, text, clientMessageId: 'k1' });
    const first = await send('Your refund is on its way');
    const retry = await send('Your refund is on its way');
    expect(first.ok && retry.ok).toBe(true);
    expect(retry.data!.message.seq).toBe(first.data!.message.seq);
    const other = await send('Anything else I can help with?');
    expect(other.ok).toBe(false);
    expect(other.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const stored = (await s.app.store.listMessages(conv.id)).filter((m) => m.role === 'agent' && m.kind === 'message').map((m) => m.text);
    expect(stored).toEqual(['Your refund is on its way']);
    // With a new id the second message goes out.
    expect((await ask(socket, 'message:send', { conversationId: conv.id, text: 'Anything else I can help with?', clientMessageId: 'k2' })).ok).toBe(true);
    await channel.waitForText('reuse', /Anything else/);
    expect(channel.texts('reuse').filter((t) => /refund|Anything else/.test(t))).toEqual(['Your refund is on its way', 'Anything else I can help with?']);
    socket.disconnect();
  } finally {
    await s.stop();
    await channel.stop();
  }
});

test("a customer's message id reused with other words is refused on both customer paths; the same words are a retry", async () => {
  const s = await startSecurityApp();
  try {
    // Web chat: the page's clientActivityID names a message.
    const session = (await request(`${s.url}/chat/session`, { body: {} })).body;
    const webchat = (text: string) =>
      request(`${s.url}/v3/directline/conversations/${session.conversationId}/activities`, {
        headers: { authorization: `Bearer ${session.token}` },
        body: { type: 'message', text, channelData: { clientActivityID: 'same-id' } },
      });
    expect((await webchat('where is my order 12345')).status).toBe(200);
    expect((await webchat('where is my order 12345')).status).toBe(200);
    const reused = await webchat('I want to talk to a human');
    expect([reused.status, reused.body.error?.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const wc = (await s.app.store.findConversationByChannel('webchat', session.conversationId!))!;
    expect((await s.app.store.listMessages(wc.id)).filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['where is my order 12345']);
    expect((await s.app.store.getConversation(wc.id))?.state).toBe('bot');

    // A Bot Framework channel: the activity id names a message.
    const activity = (text: string) => messageActivity({ id: 'bf-same-id', conversation: { id: 'reuse-bf' }, from: { id: 'reuse-bf-user' }, text });
    expect((await post(s.url, activity('what are your opening hours'))).status).toBe(200);
    expect((await post(s.url, activity('what are your opening hours'))).status).toBe(200);
    const other = await post(s.url, activity('I want to talk to a human'));
    expect([other.status, (other.body as { error?: { code?: string } })?.error?.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const bf = (await s.app.store.findConversationByChannel('test', 'reuse-bf'))!;
    expect((await s.app.store.listMessages(bf.id)).filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['what are your opening hours']);
    expect((await s.app.store.getConversation(bf.id))?.state).toBe('bot');
  } finally {
    await s.stop();
  }
});
