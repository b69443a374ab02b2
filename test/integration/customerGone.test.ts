import type { Conversation } from '../../models/records';
import type { ConversationView, QueueSnapshot } from '../../agent-console/server/protocol';
import { createStaff, online, request } from '../helpers/consoleClient';
import { say, startConversation, StreamClient, webChatSession, type WebChatSession } from '../helpers/directLineStream';
import { storedConversation } from '../helpers/storedConversation';
import { OWN_SWEEP_OFF, startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Chats whose customer had gone (the web chat page closed, never back) still counted ahead of everyone in the queue:
 * in the places and waits told to others and in the console's queue. A queued web chat whose streams have all been
 * closed for QUEUE_AWAY_SECONDS is marked gone through transition() (cause customer_left), counts ahead of nobody,
 * shows apart, keeps its messages; its customer coming back (a stream, or a message) resumes its place.
 */
describe('queued customers who have gone', () => {
  let running: RunningApp;
  beforeEach(async () => {
    running = await startTestApp({ QUEUE_AWAY_SECONDS: '30', QUEUE_IDLE_AWAY_SECONDS: '3600', QUEUE_SWEEP_SECONDS: OWN_SWEEP_OFF });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterEach(async () => running.stop());

  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const stored = (s: WebChatSession) =>
    until(
      () => running.app.store.findConversationByChannel('webchat', s.conversationId),
      (c) => c?.state === 'queued',
    ) as Promise<Conversation>;
  const fresh = async (c: Conversation) => (await running.app.store.getConversation(c.id))!;
  const position = async (c: Conversation) => (await running.app.services.handoff.ticket(await fresh(c))).position;
  const causes = async (c: Conversation) =>
    (await running.app.store.listMessages(c.id, { limit: 200 })).filter((m) => m.kind === 'event' && m.data?.type === 'state').map((m) => m.data?.cause);

  test('a web chat closed for QUEUE_AWAY_SECONDS counts ahead of nobody and shows apart; its customer coming back resumes the place', async () => {
    // One agent, busy: a queue forms.
    const agent = await createStaff(running.app, { capacity: 1 });
    const socket = await online(running.app, running.url, agent);
    await storedConversation(running.app.store, { state: 'agent', agentId: agent.id, assignedAt: new Date().toISOString() }, 'busy');

    const s = await webChatSession(running.url);
    let stream = await StreamClient.open((await startConversation(running.url, s)).body.streamUrl!);
    expect(await say(running.url, s, 'I want to talk to a human')).toBe(200);
    const gone = await stored(s);
    await until(
      () => fresh(gone),
      (c) => !!c.queueInfo?.watching,
    );
    const other = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date(Date.now() + 1000).toISOString() }, 'later');
    expect(await position(other)).toBe(2);
    const messages = (await running.app.store.listMessages(gone.id, { limit: 200 })).length;

    // The page closes. Within QUEUE_AWAY_SECONDS nothing changes; after it, the sweep marks the chat gone.
    await stream.close();
    const left = await until(
      () => fresh(gone),
      (c) => !!c.queueInfo?.leftAt,
    );
    const leftAt = Date.parse(left.queueInfo!.leftAt!);
    expect((await running.app.services.handoff.sweep(new Date(leftAt + 29_000))).gone).toEqual([]);
    expect((await running.app.services.handoff.sweep(new Date(leftAt + 31_000))).gone).toEqual([gone.id]);
    expect((await fresh(gone)).state).toBe('queued');
    expect(await causes(gone)).toContain('customer_left');
    // The customer who is still there moves up, in what they are told and in the queue.
    expect(await position(other)).toBe(1);
    expect((await running.app.services.handoff.queue()).map((c) => c.id)).toEqual([other.id]);
    // Agents see it apart: in the queue feed, marked gone, after the queue.
    const list = await until(
      async () => (await request<QueueSnapshot>(socket, 'queue:list', {})).data!.queue,
      (q: ConversationView[]) => q.some((c) => c.id === gone.id && c.queueInfo?.awaySince),
    );
    expect(list.map((c) => [c.id, !!c.queueInfo?.awaySince])).toEqual([
      [other.id, false],
      [gone.id, true],
    ]);
    // Offered to nobody, its messages all kept.
    expect(await running.app.services.handoff.offer(gone.id)).toBeUndefined();
    expect((await running.app.store.listMessages(gone.id, { limit: 200 })).length).toBeGreaterThanOrEqual(messages);

    // The customer opens the page again: their first place, ahead of the other.
    stream = await StreamClient.open((await startConversation(running.url, s)).body.streamUrl!);
    await until(
      () => fresh(gone),
      (c) => !c.queueInfo?.awaySince,
    );
    expect(await causes(gone)).toEqual(expect.arrayContaining(['customer_left', 'customer_back']));
    expect(await position(gone)).toBe(1);
    expect(await position(other)).toBe(2);

    // Gone again, then they write: back as well.
    await stream.close();
    const again = await until(
      () => fresh(gone),
      (c) => !!c.queueInfo?.leftAt,
    );
    await running.app.services.handoff.sweep(new Date(Date.parse(again.queueInfo!.leftAt!) + 31_000));
    expect((await fresh(gone)).queueInfo?.awaySince).toBeDefined();
    expect(await say(running.url, s, 'sorry, I am back')).toBe(200);
    expect((await fresh(gone)).queueInfo?.awaySince).toBeUndefined();
    expect(await position(gone)).toBe(1);
    socket.disconnect();
  });

  test('a follow-up chat (after a close, "…#2") gone with its page is back when the page opens again (outside32 M4)', async () => {
    const agent = await createStaff(running.app, { capacity: 1 });
    const socket = await online(running.app, running.url, agent);
    const s = await webChatSession(running.url);
    let stream = await StreamClient.open((await startConversation(running.url, s)).body.streamUrl!);
    expect(await say(running.url, s, 'I want to talk to a human')).toBe(200);
    const first = await stored(s);
    expect((await request(socket, 'conversation:claim', { conversationId: first.id })).ok).toBe(true);
    expect((await request(socket, 'conversation:close', { conversationId: first.id })).ok).toBe(true);
    // The agent's one place is taken: the follow-up waits in the queue.
    await storedConversation(running.app.store, { state: 'agent', agentId: agent.id, assignedAt: new Date().toISOString() }, 'busy');
    expect(await say(running.url, s, 'I want to talk to a human again please')).toBe(200);
    const followUp = await until(
      () => running.app.store.findConversationByChannel('webchat', `${s.conversationId}#2`),
      (c) => c?.state === 'queued',
    );
    await stream.close();
    const left = await until(
      () => fresh(followUp!),
      (c) => !!c.queueInfo?.leftAt,
    );
    expect((await running.app.services.handoff.sweep(new Date(Date.parse(left.queueInfo!.leftAt!) + 31_000))).gone).toEqual([followUp!.id]);
    // The page opens again (Web Chat starts from the conversation's beginning): the stream follows to the follow-up,
    // and its customer is back.
    stream = await StreamClient.open((await startConversation(running.url, s)).body.streamUrl!);
    await until(
      () => fresh(followUp!),
      (c) => !c.queueInfo?.awaySince,
    );
    expect(await causes(followUp!)).toEqual(expect.arrayContaining(['customer_left', 'customer_back']));
    await stream.close();
    socket.disconnect();
  });

  test('a chat on a channel without streams whose customer has not written for QUEUE_IDLE_AWAY_SECONDS is gone too', async () => {
    const queuedAt = Date.now();
    const quiet = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date(queuedAt).toISOString() }, 'quiet');
    const other = await storedConversation(running.app.store, { state: 'queued', queuedAt: new Date(queuedAt + 1000).toISOString() }, 'other');
    expect((await running.app.services.handoff.sweep(new Date(queuedAt + 3_599_000))).gone).toEqual([]);
    expect((await running.app.services.handoff.sweep(new Date(queuedAt + 3_600_500))).gone).toEqual([quiet.id]);
    expect((await running.app.services.handoff.queue()).map((c) => c.id)).toEqual([other.id]);
  });
});
