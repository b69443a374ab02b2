import type { Socket } from 'socket.io-client';
import { channelConversations } from '../../bot/supportBot';
import type { Conversation, Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const IBAN = 'DE89 3704 0044 0532 0130 00';
const NOTE = 'internal: customer disputes the direct debit';

/**
 * Fresh-eyes findings 3, 4 and 5, tried from outside with real Socket.IO clients and Bot Framework activities:
 * offers respect capacity (held + offered ≤ capacity), are spread over the agents online, and never go to
 * supervisors; an agent opening a queued chat gets only the earlier chats the transcript rule (REST) lets them read,
 * never a colleague's notes; a chat an agent may not see answers exactly like one that does not exist.
 */
describe('console routing and need-to-know', () => {
  let running: RunningApp;
  const sockets: Socket[] = [];
  let n = 0;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
  });

  const customerSays = async (conv: string, text: string) => {
    const r = await post(running.url, messageActivity({ conversation: { id: conv }, from: { id: `cust-${conv}`, name: 'Yuri' }, text }));
    expect(r.status).toBe(200);
  };
  const latest = async (conv: string): Promise<Conversation> => (await channelConversations(running.app.store, 'test', conv)).at(-1)!;
  async function queued(): Promise<{ conv: string; id: string }> {
    const conv = `ntk-${++n}-${Date.now()}`;
    await customerSays(conv, 'I want to talk to a human');
    const c = await latest(conv);
    expect(c.state).toBe('queued');
    return { conv, id: c.id };
  }
  async function staff(role: 'agent' | 'supervisor', capacity = 3): Promise<Staff & { socket: Socket; offers: string[] }> {
    const who = await createStaff(running.app, { role, capacity });
    const offers: string[] = [];
    const socket = await online(running.app, running.url, who);
    socket.on('conversation:offered', (p: { conversation: { id: string } }) => offers.push(p.conversation.id));
    sockets.push(socket);
    return { ...who, socket, offers };
  }
  const offeredTo = async (id: string) => (await running.app.store.getConversation(id))?.queueInfo?.offeredTo.at(-1);

  test('offers: never beyond capacity, spread over agents as they come online, never to a supervisor', async () => {
    const chats = [await queued(), await queued(), await queued(), await queued()];
    const sup = await staff('supervisor', 5);
    const a = await staff('agent', 3);
    const toA = (await Promise.all(chats.map((c) => offeredTo(c.id)))).filter((x) => x === a.id);
    expect(toA).toHaveLength(3);
    const b = await staff('agent', 3);
    const holders = await Promise.all(chats.map((c) => offeredTo(c.id)));
    expect(holders.filter((x) => x === a.id)).toHaveLength(3);
    expect(holders.filter((x) => x === b.id)).toHaveLength(1);
    expect(holders).not.toContain(sup.id);
    // A round trip on the supervisor's socket: no offer push reached it either.
    expect((await request(sup.socket, 'queue:list', {})).ok).toBe(true);
    expect(sup.offers).toEqual([]);
    // An agent holding one chat with two offers standing is full: a fifth chat waits for someone else.
    expect((await request(a.socket, 'conversation:claim', { conversationId: chats.find((_, i) => holders[i] === a.id)!.id })).ok).toBe(true);
    const fifth = await queued();
    expect([undefined, b.id]).toContain(await offeredTo(fifth.id));
    for (const s of [sup, a, b]) expect((await request(s.socket, 'presence:set', { presence: 'offline' })).ok).toBe(true);
  });

  test("an agent opening a queued chat sees none of the customer's earlier chats they did not hold, nor their notes", async () => {
    const holder = await staff('agent');
    const other = await staff('agent');
    const sup = await staff('supervisor');
    // An earlier chat: Yuri gives an IBAN to `holder`, who writes an internal note and closes.
    const first = await queued();
    expect((await request(holder.socket, 'conversation:claim', { conversationId: first.id })).ok).toBe(true);
    await customerSays(first.conv, `my IBAN is ${IBAN}`);
    expect((await request(holder.socket, 'note:add', { conversationId: first.id, text: NOTE })).ok).toBe(true);
    expect((await request(holder.socket, 'conversation:close', { conversationId: first.id })).ok).toBe(true);
    // Yuri comes back and asks for a person again: a new queued chat.
    await customerSays(first.conv, 'I want to talk to a human');
    const second = await latest(first.conv);
    expect(second.id).not.toBe(first.id);
    expect(second.state).toBe('queued');

    type Joined = { messages: Message[]; history: { conversation: Conversation; messages: Message[] }[] };
    const opened = await request<Joined>(other.socket, 'conversation:join', { conversationId: second.id });
    expect(opened.ok).toBe(true);
    expect(opened.data!.history).toEqual([]);
    expect(JSON.stringify(opened.data)).not.toContain(IBAN.slice(0, 12));
    expect(JSON.stringify(opened.data)).not.toContain(NOTE);
    // The REST transcript rule says the same of the earlier chat.
    const rest = await fetch(`${running.url}/api/transcripts/${first.id}`, { headers: { authorization: `Bearer ${other.token}` } });
    expect(rest.status).toBe(404);

    // Whoever may read it by that rule still gets it beside the chat: the agent who held it, a supervisor.
    for (const reader of [holder, sup]) {
      const r = await request<Joined>(reader.socket, 'conversation:join', { conversationId: second.id });
      expect(r.data!.history.map((h) => h.conversation.id)).toEqual([first.id]);
      expect(r.data!.history[0].messages.map((m) => m.text)).toEqual(expect.arrayContaining([`my IBAN is ${IBAN}`, NOTE]));
    }
  });

  test('a chat the agent may not see answers like one that does not exist', async () => {
    const owner = await staff('agent');
    const prober = await staff('agent');
    const { id } = await queued();
    expect((await request(owner.socket, 'conversation:claim', { conversationId: id })).ok).toBe(true);
    for (const event of ['message:send', 'typing:start', 'conversation:close', 'conversation:return'] as const) {
      const payload = event === 'message:send' ? { text: 'hi', clientMessageId: `p-${event}` } : {};
      const real = await request(prober.socket, event, { conversationId: id, ...payload });
      const made = await request(prober.socket, event, { conversationId: `made-up-${Date.now()}`, ...payload });
      expect(real.error?.code).toBe('HANDOFF_NOT_FOUND');
      expect(made.error).toEqual(real.error);
    }
    // The owner's own chat still takes their message (stored; this test's channel cannot be reached, so delivery fails).
    const own = await request(owner.socket, 'message:send', { conversationId: id, text: 'hello from the owner', clientMessageId: 'own' });
    expect(own.ok || own.error?.code === 'HANDOFF_DELIVERY_FAILED').toBe(true);
    expect((await running.app.store.listMessages(id)).map((m) => m.text)).toContain('hello from the owner');
    expect((await running.app.store.listMessages(id)).map((m) => m.text)).not.toContain('hi');
  });
});
