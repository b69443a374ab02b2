import { Chat } from '../helpers/chat';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { keepingPlacesTold } from '../../handoff/queueEstimate';

/**
 * An outside tester was told "number 6", then "number 4", and after a privacy request was queued ahead of them and
 * an agent went offline, "number 5". A place told is a word the queue keeps: a chat of higher priority overtakes a
 * told chat only as far as that chat has slack, else it stands right behind the chats whose word it would break.
 */
describe('a place told to a queued customer', () => {
  let running: RunningApp;
  let channel: ChannelServer;

  beforeAll(async () => {
    channel = await new ChannelServer().start();
  });
  beforeEach(async () => {
    running = await startTestApp();
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterEach(async () => running.stop());
  afterAll(async () => channel.stop());

  const handoff = () => running.app.services.handoff;
  const chat = () => new Chat(running, { serviceUrl: channel.url });
  const id = async (c: Chat) => (await c.conversation()).id;
  const standing = async (c: Chat) => (await handoff().queue()).map((q) => q.id).indexOf(await id(c)) + 1;
  const told = async (c: Chat) => (await c.conversation()).queueInfo?.lastNotice?.position;
  /** Two agents online, each holding a chat to capacity: every queued customer waits. */
  async function busyAgents() {
    const out = [];
    for (const name of ['Ann', 'Ben']) {
      const a = await createStaff(running.app, { name, capacity: 1, languages: ['en'] });
      await running.app.store.updateUser(a.id, { presence: 'online' });
      const held = chat();
      await held.say('I need a human');
      await handoff().claim(a.id, await id(held));
      out.push(a);
    }
    return out;
  }
  async function queued(n: number) {
    const out: Chat[] = [];
    for (let i = 0; i < n; i++) {
      const c = chat();
      await c.say('i need a human');
      out.push(c);
    }
    return out;
  }
  const positions = (turn: { replies: string[] }) => turn.replies.flatMap((r) => /number (\d+) in the queue/.exec(r)?.[1] ?? []).map(Number);

  test('the tester: told 6, then 4; a privacy request queued and an agent offline do not put them 5th', async () => {
    const [, ben] = await busyAgents();
    const ahead = await queued(5);
    const a = chat();
    expect(positions(await a.say('i need a human'))).toEqual([6]);
    for (const c of ahead.slice(0, 2)) await handoff().withdraw(await id(c));
    expect(positions(await a.say('any news?'))).toEqual([4]);
    const b = chat();
    await b.say('delete my account');
    await b.say('yes');
    expect(await b.conversation()).toMatchObject({ state: 'queued', handoffReason: 'policy_intent' });
    expect((await b.conversation()).priority).toBeGreaterThan((await a.conversation()).priority);
    // An agent goes offline holding no chat: fewer agents is no reason for a later place.
    const cleo = await createStaff(running.app, { name: 'Cleo', capacity: 1, languages: ['en'] });
    await running.app.store.updateUser(cleo.id, { presence: 'online' });
    await running.app.store.updateUser(cleo.id, { presence: 'offline' });
    await handoff().releaseAgentChats(cleo.id);
    const reminder = await a.say('hello?? still waiting');
    expect(positions(reminder)).toEqual([4]);
    expect(await told(a)).toBe(4);
    expect(await standing(a)).toBe(4);
    // The privacy request overtook everyone with slack (the chats told 3, 4, 5 now stand 1, 2, 3): it is served first.
    expect(await standing(b)).toBe(1);
    // Nobody in the queue stands behind the place they were told.
    for (const q of await handoff().queue()) {
      const word = q.queueInfo?.lastNotice?.position;
      if (word !== undefined) expect((await handoff().queue()).findIndex((x) => x.id === q.id) + 1).toBeLessThanOrEqual(word);
    }
    // Ben goes offline holding a chat he had accepted: that customer had reached the head once and goes back there
    // (outside26 M7: told "number 6" after "number 1"); the one exception, the others stand one place further.
    const bens = (await running.app.store.listConversations({ agentId: ben.id, states: ['agent'], limit: 5 }))[0];
    await running.app.store.updateUser(ben.id, { presence: 'offline' });
    await handoff().releaseAgentChats(ben.id);
    expect((await handoff().queue())[0].id).toBe(bens.id);
    expect(await standing(b)).toBe(2);
  });

  test('two priority chats: the second stands right behind the chats whose word it would break; offers go in that order', async () => {
    const [ann] = await busyAgents();
    const [x, y] = await queued(2);
    // x told 1, y told 2: no slack. The first privacy request may not overtake them.
    const p1 = chat();
    await p1.say('delete my account');
    expect(positions(await p1.say('yes'))).toEqual([3]);
    const p2 = chat();
    await p2.say('delete my account');
    expect(positions(await p2.say('yes'))).toEqual([4]);
    expect((await handoff().queue()).map((q) => q.id)).toEqual([await id(x), await id(y), await id(p1), await id(p2)]);
    // Ann's slot frees up: the chat offered is the one told 1.
    const held = (await running.app.store.listConversations({ agentId: ann.id, states: ['agent'], limit: 5 }))[0];
    await handoff().close(ann.id, held.id);
    expect((await x.conversation()).queueInfo?.offeredTo.at(-1)).toBe(ann.id);
    expect((await p1.conversation()).queueInfo?.offeredTo ?? []).toEqual([]);
  });

  test('several told chats, one with slack: a priority chat overtakes only that one, as far as its slack', async () => {
    await busyAgents();
    const [x, y, z] = await queued(3);
    // x leaves: y (told 2) stands 1, z (told 3) stands 2; each has one place of slack.
    await handoff().withdraw(await id(x));
    // y is reminded: told 1 now, no slack left.
    expect(positions(await y.say('hello?'))).toEqual([1]);
    const p = chat();
    await p.say('delete my account');
    expect(positions(await p.say('yes'))).toEqual([2]);
    expect((await handoff().queue()).map((q) => q.id)).toEqual([await id(y), await id(p), await id(z)]);
    expect(await told(z)).toBe(3);
  });
});

describe('keepingPlacesTold', () => {
  const order = (ids: string, told: Record<string, number>) => keepingPlacesTold([...ids], (c) => told[c]).join('');
  test('without places told, the order is the serving order', () => {
    expect(order('abcd', {})).toBe('abcd');
  });
  test('a chat ahead by priority goes as far forward as the places told allow', () => {
    // P (priority) first; a told 1 and b told 2 have no slack, c told 4 standing 3 has one.
    expect(order('Pabc', { a: 1, b: 2, c: 4 })).toBe('abPc');
    expect(order('Pabc', { a: 2, b: 3, c: 4 })).toBe('Pabc');
    expect(order('PQabc', { a: 1, b: 3, c: 4 })).toBe('aPbcQ');
    // A chat not told anything is overtaken freely.
    expect(order('Pabc', { a: 1, c: 3 })).toBe('aPcb');
  });
  test('places that cannot all be kept: the earliest told goes first', () => {
    expect(order('Pab', { a: 1, b: 1 })).toBe('abP');
  });
});
