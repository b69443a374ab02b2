import type { Socket } from 'socket.io-client';
import { channelConversations } from '../../bot/supportBot';
import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { appWithChannel } from '../helpers/appWithChannel';

/**
 * T15: ownership is enforced after every change of owner (issue 15, item 2). For each way a chat leaves someone who
 * could see it (a colleague claims a queued chat they only opened, they transfer it away, a supervisor takes it over,
 * they close it and it is later given to someone else, they return it to the queue and someone else takes it), the
 * former viewer's real Socket.IO client receives nothing of what the customer writes next, nor the supervisor's
 * internal notes. Each "nothing" is asserted after a positive control: the same push reached the rightful owner,
 * and a round trip on the former viewer's own socket (Socket.IO keeps a socket's packets in order) has come back.
 */
const SECRET = 'my new card is 5555';

describe('T15 ownership after every change of owner', () => {
  const t = appWithChannel();

  const customerSays = async (conv: string, text: string) => {
    const r = await post(
      t.running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: `cust-${conv}`, name: 'Carla Customer' },
        text,
        serviceUrl: t.channel.url,
        deliveryMode: undefined,
      }),
    );
    expect(r.status).toBe(200);
  };

  /** A staff member online on a real socket that records every chat push it receives. */
  async function staff(role: 'agent' | 'supervisor' = 'agent') {
    const who = await createStaff(t.running.app, { role, capacity: 5 });
    const socket = await online(t.running.app, t.running.url, who);
    t.sockets.push(socket);
    const heard: string[] = [];
    socket.on('message:new', (p: { message: Message }) => heard.push(p.message.text));
    socket.on('typing', (p: { conversationId: string }) => heard.push(`typing:${p.conversationId}`));
    return { ...who, socket, heard };
  }

  /** A customer who asked for a person: the conversation is queued (after a close, the follow-up conversation). */
  async function queuedChat(conv: string): Promise<string> {
    await customerSays(conv, 'I want to talk to a human');
    const c = (await channelConversations(t.running.app.store, 'test', conv)).at(-1)!;
    expect(c.state).toBe('queued');
    return c.id;
  }

  /** The customer writes `text`; resolves once `owner`'s socket got it (the positive control). */
  async function deliveredTo(owner: { socket: Socket }, conv: string, text: string): Promise<void> {
    const got = nextEvent<{ message: Message }>(owner.socket, 'message:new', (p) => p.message.text === text);
    await customerSays(conv, text);
    expect((await got).message).toMatchObject({ role: 'customer', text });
  }

  /** Nothing matching reached this socket: checked after a round trip on the socket itself. */
  async function heardNothing(former: { socket: Socket; heard: string[] }, ...texts: string[]): Promise<void> {
    expect((await request(former.socket, 'queue:list', {})).ok).toBe(true);
    for (const text of texts) expect(former.heard.filter((h) => h.includes(text))).toEqual([]);
  }

  /** The former viewer cannot fetch the chat either: not by opening it, not by a sync from an old cursor. */
  async function cannotFetch(former: { socket: Socket }, conversationId: string): Promise<void> {
    expect((await request(former.socket, 'conversation:join', { conversationId })).error?.code).toBe('HANDOFF_NOT_FOUND');
    const sync = await request<{ messages: Message[] }>(former.socket, 'sync', { cursors: { [conversationId]: 0 } });
    expect(sync.data!.messages).toEqual([]);
  }

  test('an agent who only opened a queued chat stops receiving it once a colleague claims it', async () => {
    const [peeker, owner] = [await staff(), await staff()];
    const id = await queuedChat('t15-peek');
    expect((await request(peeker.socket, 'conversation:join', { conversationId: id })).ok).toBe(true);
    // While queued, the peeker may see it, and does.
    await deliveredTo(peeker, 't15-peek', 'still waiting in the queue');
    expect((await request(owner.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await deliveredTo(owner, 't15-peek', SECRET);
    await heardNothing(peeker, '5555');
    await cannotFetch(peeker, id);
  });

  test('the agent who transferred a chat away stops receiving it; the new owner receives it', async () => {
    const [from, to] = [await staff(), await staff()];
    const id = await queuedChat('t15-transfer');
    expect((await request(from.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await deliveredTo(from, 't15-transfer', 'hello agent');
    const released = nextEvent<{ conversationId: string; reason: string }>(from.socket, 'conversation:released');
    expect((await request(from.socket, 'conversation:transfer', { conversationId: id, toAgentId: to.id })).ok).toBe(true);
    expect(await released).toEqual({ conversationId: id, reason: 'transferred' });
    await deliveredTo(to, 't15-transfer', SECRET);
    await heardNothing(from, '5555');
    await cannotFetch(from, id);
  });

  test("the agent released by a supervisor takeover receives neither the customer nor the supervisor's internal notes", async () => {
    const [agent, sup] = [await staff(), await staff('supervisor')];
    const id = await queuedChat('t15-takeover');
    expect((await request(agent.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await deliveredTo(agent, 't15-takeover', 'hello agent');
    const released = nextEvent<{ conversationId: string; reason: string }>(agent.socket, 'conversation:released');
    expect((await request(sup.socket, 'conversation:takeover', { conversationId: id })).ok).toBe(true);
    expect(await released).toEqual({ conversationId: id, reason: 'taken_over', takenOverBy: sup.id });
    const note = nextEvent<{ message: Message }>(sup.socket, 'message:new', (p) => p.message.kind === 'note');
    expect((await request(sup.socket, 'note:add', { conversationId: id, text: 'internal: possible card fraud' })).ok).toBe(true);
    expect((await note).message.text).toBe('internal: possible card fraud');
    await deliveredTo(sup, 't15-takeover', SECRET);
    await heardNothing(agent, '5555', 'card fraud');
    await cannotFetch(agent, id);
  });

  test('a former agent receives nothing after the chat was closed and later given to someone else', async () => {
    const [first, second] = [await staff(), await staff()];
    const id = await queuedChat('t15-closed');
    expect((await request(first.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await deliveredTo(first, 't15-closed', 'hello agent');
    expect((await request(first.socket, 'conversation:close', { conversationId: id })).ok).toBe(true);
    // The customer comes back, asks for a person again, and someone else takes the chat.
    await customerSays('t15-closed', 'I have another question');
    const next = await queuedChat('t15-closed');
    expect(next).not.toBe(id);
    expect((await request(second.socket, 'conversation:claim', { conversationId: next })).ok).toBe(true);
    await deliveredTo(second, 't15-closed', SECRET);
    await heardNothing(first, '5555', 'another question');
    await cannotFetch(first, next);
  });

  test('an agent who returned a chat to the queue stops receiving it once someone else takes it', async () => {
    const [first, second] = [await staff(), await staff()];
    // A skill group exists while an agent has it (a transfer to one nobody has is refused: reassignOutcomes.test.ts).
    await createStaff(t.running.app, { skills: ['billing'] });
    const id = await queuedChat('t15-requeue');
    expect((await request(first.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await deliveredTo(first, 't15-requeue', 'hello agent');
    expect((await request(first.socket, 'conversation:transfer', { conversationId: id, skill: 'billing' })).ok).toBe(true);
    expect((await request(second.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    await deliveredTo(second, 't15-requeue', SECRET);
    await heardNothing(first, '5555');
    await cannotFetch(first, id);
  });
});
