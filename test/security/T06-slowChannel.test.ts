/**
 * A customer's channel that never answers (found from outside): claim, send and close each waited seconds on the
 * Bot Framework connector's retries, and past the console's 10 s the agent saw an error for a claim that had
 * succeeded. Now a claim or close answers without waiting for its notice to reach the customer (stored first,
 * delivered in the background, in order per chat); an agent's own message answers HANDOFF_DELIVERY_FAILED within
 * CHANNEL_SEND_TIMEOUT_MS, and the failure is recorded in the transcript for every console.
 */
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { startSecurityApp, until } from './helpers';

test('a hanging channel: the claim answers before its notice is delivered; a reply answers HANDOFF_DELIVERY_FAILED, recorded; order kept after recovery', async () => {
  const channel = await new ChannelServer().start();
  const s = await startSecurityApp({ CHANNEL_SEND_TIMEOUT_MS: '4000' });
  let socket: Socket | undefined;
  try {
    const say = (id: string, text: string) =>
      post(
        s.url,
        messageActivity({ id, conversation: { id: 'slow-chan' }, from: { id: 'slow-chan-user' }, text, serviceUrl: channel.url, deliveryMode: undefined }),
      );
    expect((await say('s1', 'talk to a human')).status).toBe(200);
    const conv = (await s.app.store.findConversationByChannel('test', 'slow-chan'))!;
    await until(async () => (await s.app.store.getConversation(conv.id))?.state === 'queued');
    const agent = await createStaff(s.app);
    socket = await online(s.app, s.url, agent);
    // Told "nobody is online" at first, the customer hears once that someone is now: delivered before the channel hangs.
    await channel.waitForText('slow-chan', /back online/);
    const events = async () => (await s.app.store.listMessages(conv.id)).filter((m) => m.kind === 'event' && m.data?.type === 'delivery_failed');
    const heardBefore = channel.received.length;

    channel.hang = true;
    const claim = await ask(socket, 'conversation:claim', { conversationId: conv.id });
    expect(claim.ok).toBe(true);
    // The claim answered before its notice's delivery had any outcome: none recorded yet, and the channel took nothing.
    expect(await events()).toEqual([]);
    expect(channel.received.length).toBe(heardBefore);
    const notice = (await s.app.store.listMessages(conv.id)).filter((m) => m.role === 'system' && m.kind === 'message').pop()!;

    // The agent's own reply waits behind the notice, and is answered (not left to the console's give-up).
    const reply = await ask(socket, 'message:send', { conversationId: conv.id, text: 'Hello, I am here', clientMessageId: 'r1' });
    expect(reply.error?.code).toBe('HANDOFF_DELIVERY_FAILED');
    const stored = (await s.app.store.listMessages(conv.id)).find((m) => m.role === 'agent' && m.text === 'Hello, I am here')!;
    expect(stored).toBeDefined();
    // Both failures are facts in the transcript, each naming its message, the notice first.
    await until(async () => (await events()).length === 2);
    expect((await events()).map((m) => m.data?.forSeq)).toEqual([notice.seq, stored.seq]);
    // The channel was asked in order: the notice, then the reply.
    expect(channel.pending.map((p) => p.activity.text)).toEqual([notice.text, 'Hello, I am here']);

    // The channel recovers: the next reply is delivered, and the close's notice follows it, in order.
    channel.recover();
    const again = await ask(socket, 'message:send', { conversationId: conv.id, text: 'Sorry, once more', clientMessageId: 'r2' });
    expect(again.ok).toBe(true);
    expect((await ask(socket, 'conversation:close', { conversationId: conv.id })).ok).toBe(true);
    await channel.waitForText('slow-chan', /once more/);
    const after = () => channel.texts('slow-chan').slice(channel.texts('slow-chan').indexOf('Sorry, once more'));
    await until(() => after().length === 2);
    const closing = (await s.app.store.listMessages(conv.id)).filter((m) => m.role === 'system' && m.kind === 'message').pop()!;
    expect(after()).toEqual(['Sorry, once more', closing.text]);
    expect(await events()).toHaveLength(2);
  } finally {
    socket?.disconnect();
    await s.stop();
    await channel.stop();
  }
});
