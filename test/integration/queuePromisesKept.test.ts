import type { Socket } from 'socket.io-client';
import { Chat } from '../helpers/chat';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, nextEvent, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (outside26 M7, M1, L10): a complaint told "number 1 … under 1 minute" heard nothing for 7 minutes
 * while offers lapsed, then, after the agent who accepted it closed their console, "number 6 … 17 to 27 minutes"; an
 * agent who set presence Offline kept an offer counting down on their console; customers told nobody was online heard
 * nothing when an agent came online. Customers on a Bot Framework channel, agents over real sockets.
 */
describe('what a queued customer was told is kept', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    channel = await new ChannelServer().start();
  });
  beforeEach(async () => {
    running = await startTestApp();
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.disconnect());
    await running.stop();
  });
  afterAll(async () => channel.stop());

  const handoff = () => running.app.services.handoff;
  const store = () => running.app.store;
  const chat = () => new Chat(running, { serviceUrl: channel.url });
  const id = async (c: Chat) => (await c.conversation()).id;
  const place = (text: string) => Number(/number (\d+) in the queue/.exec(text)?.[1]);
  async function agentOnline(name: string, capacity = 1) {
    const who = await createStaff(running.app, { name, capacity, languages: ['en'] });
    const socket = await online(running.app, running.url, who);
    sockets.push(socket);
    return { ...who, socket };
  }
  async function asksForPerson(c: Chat) {
    await c.say('I need a human');
    expect((await c.conversation()).state).toBe('queued');
  }

  test('a chat whose agent left after accepting goes back to the head of the queue, not behind chats raised meanwhile', async () => {
    const ann = await agentOnline('Ann');
    const ben = await agentOnline('Ben');
    const x = chat();
    await asksForPerson(x);
    await handoff().claim(ann.id, await id(x));
    const held = chat();
    await asksForPerson(held);
    await handoff().claim(ben.id, await id(held));
    // Two chats wait behind, raised by offers that lapsed while Ann helped x.
    const waiting = [chat(), chat()];
    for (const c of waiting) {
      await asksForPerson(c);
      const conv = await c.conversation();
      await store().updateConversation(conv.id, { priority: conv.priority + 5 });
    }
    // Ann's console closes (the presence watch marks her offline and hands her chats back).
    await store().updateUser(ann.id, { presence: 'offline' });
    await handoff().releaseAgentChats(ann.id);
    const told = await channel.waitForText(x.conversationId, /no longer available/);
    expect(place(String(told.activity.text))).toBe(1);
    expect((await handoff().queue())[0].id).toBe(await id(x));
    // Ben's slot frees: the returned chat is offered first.
    await handoff().close(ben.id, await id(held));
    expect((await x.conversation()).queueInfo?.offeredTo.at(-1)).toBe(ben.id);
  });

  test('a wait told that runs out without an agent: the customer hears, once, that it takes longer and what they can do', async () => {
    const ann = await agentOnline('Ann');
    const held = chat();
    await asksForPerson(held);
    await handoff().claim(ann.id, await id(held));
    const c = chat();
    const turn = await c.say('I need a human');
    expect(turn.replies.join('\n')).toMatch(/number 1 in the queue/);
    const notice = (await c.conversation()).queueInfo!.lastNotice!;
    const promised = Date.parse(notice.at!) + notice.waitHigh! * 1000;
    // Before the time told: nothing.
    expect((await handoff().sweep(new Date(promised - 1000))).notified).toEqual([]);
    // Past it: told, with their place and the ways on.
    expect((await handoff().sweep(new Date(promised + 1000))).notified).toEqual([await id(c)]);
    const late = await channel.waitForText(c.conversationId, /taking longer than I said/);
    expect(String(late.activity.text)).toMatch(/number 1 in the queue.*keep waiting.*leave your message/);
    // Not again at the next sweeps.
    expect((await handoff().sweep(new Date(promised + 60_000))).notified).toEqual([]);
  });

  test('an agent going Offline or Away: their standing offers are withdrawn at once and offered on', async () => {
    const ann = await agentOnline('Ann');
    const c = chat();
    await asksForPerson(c);
    expect((await c.conversation()).queueInfo?.offeredTo.at(-1)).toBe(ann.id);
    // Alone online: Offline leaves no offer standing (the chat waits as "nobody online").
    expect((await request(ann.socket, 'presence:set', { presence: 'offline' })).ok).toBe(true);
    expect((await c.conversation()).queueInfo?.offeredAt).toBeUndefined();
    // Back online it is offered to her again; Away with a colleague online moves it to the colleague.
    expect((await request(ann.socket, 'presence:set', { presence: 'online' })).ok).toBe(true);
    expect((await c.conversation()).queueInfo?.offeredAt).toBeDefined();
    const ben = await agentOnline('Ben');
    const conv = await id(c);
    const offered = nextEvent<{ conversation: { id: string } }>(ben.socket, 'conversation:offered', (p) => p.conversation.id === conv);
    expect((await request(ann.socket, 'presence:set', { presence: 'away' })).ok).toBe(true);
    await offered;
    const after = (await c.conversation()).queueInfo!;
    expect(after.offeredTo.at(-1)).toBe(ben.id);
    expect(after.offeredAt).toBeDefined();
  });

  test('an offer landing after its agent went offline (two consoles going offline together) does not stand', async () => {
    const ann = await agentOnline('Ann');
    const c = chat();
    await asksForPerson(c);
    const conv = await c.conversation();
    // Offers written as if Ann had been read online just before her presence changed.
    await store().updateUser(ann.id, { presence: 'offline' });
    await handoff().withdrawOffers(ann.id);
    await store().updateConversation(conv.id, { queueInfo: { offeredTo: [] } });
    await store().updateUser(ann.id, { presence: 'online' });
    const pick = jest
      .spyOn(store(), 'getUser')
      .mockImplementation(async (userId) => ({ ...(await store().listUsers()).find((u) => u.id === userId)!, presence: 'offline' }));
    try {
      await handoff().offer(conv.id);
    } finally {
      pick.mockRestore();
    }
    expect((await c.conversation()).queueInfo?.offeredAt).toBeUndefined();
  });

  test('customers told nobody was online are told once when someone comes online', async () => {
    const c = chat();
    const turn = await c.say('I need a human');
    expect(turn.replies.join('\n')).toMatch(/No agent is online/);
    const ann = await agentOnline('Ann');
    const back = await channel.waitForText(c.conversationId, /back online/);
    expect(place(String(back.activity.text))).toBe(1);
    await handoff().sweep(new Date());
    await request(ann.socket, 'presence:set', { presence: 'online' });
    expect(channel.texts(c.conversationId).filter((t) => /back online/.test(t))).toHaveLength(1);
  });
});
