import type { Socket } from 'socket.io-client';
import type { Conversation, Message } from '../../models/records';
import { connect, connected, request } from '../helpers/consoleClient';
import { startCluster, signIn, type Cluster } from '../helpers/cluster';
import { say, startConversation, StreamClient, webChatSession, type WebChatSession } from '../helpers/directLineStream';

/**
 * Two real instances (app/main.ts in child processes) on one store file and one real redis-server, as behind a
 * load balancer without sticky sessions: a customer's web chat stream on one, agents' consoles on either.
 */
jest.setTimeout(240_000);

/** A console as the web app behaves: every (re)connect resyncs by sequence number from the store. */
class Agent {
  readonly socket: Socket;
  /** Every message received, per conversation, by seq (pushed or synced). */
  readonly messages = new Map<string, Map<number, Message>>();
  readonly released: string[] = [];
  readonly queueUpdates: Conversation[][] = [];
  private readonly cursors: Record<string, number> = {};
  private waiters: (() => void)[] = [];

  constructor(
    readonly url: string,
    readonly id: string,
    token: string,
  ) {
    this.socket = connect(url, token);
    // A sync still in flight when the test closes the socket is cut short, not a failure (the next connect syncs again).
    this.socket.on('connect', () => void this.sync().catch(() => undefined));
    this.socket.on('message:new', (p: { conversationId: string; message: Message }) => this.add(p.conversationId, [p.message]));
    this.socket.on('conversation:released', (p: { conversationId: string }) => this.released.push(p.conversationId));
    this.socket.on('queue:changed', (p: { added: Conversation[] }) => this.queueUpdates.push(p.added));
    this.socket.onAny(() => this.wake());
  }

  static async online(url: string, email: string): Promise<Agent> {
    const { token, user } = await signIn(url, email);
    const a = new Agent(url, user.id, token);
    await connected(a.socket);
    const r = await request(a.socket, 'presence:set', { presence: 'online' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return a;
  }

  follow(conversationId: string, afterSeq = 0): void {
    this.cursors[conversationId] ??= afterSeq;
  }

  private async sync(): Promise<void> {
    if (!Object.keys(this.cursors).length) return;
    const r = await request<{ messages: Message[] }>(this.socket, 'sync', { cursors: { ...this.cursors } });
    if (r.ok) for (const m of r.data!.messages) this.add(m.conversationId, [m]);
  }

  private add(conversationId: string, ms: Message[]): void {
    let byseq = this.messages.get(conversationId);
    if (!byseq) this.messages.set(conversationId, (byseq = new Map<number, Message>()));
    for (const m of ms) {
      byseq.set(m.seq, m);
      if (conversationId in this.cursors) this.cursors[conversationId] = Math.max(this.cursors[conversationId], m.seq);
    }
    this.wake();
  }

  private wake(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  texts(conversationId: string): string[] {
    return [...(this.messages.get(conversationId)?.values() ?? [])].sort((a, b) => a.seq - b.seq).map((m) => m.text);
  }

  /** Resolves once pred holds (checked on every event); fails after two minutes, saying what it has. */
  async until(pred: () => boolean, what = 'the expected events'): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!pred()) {
      if (Date.now() > deadline)
        throw new Error(`${this.url}: timed out waiting for ${what}; have ${JSON.stringify([...this.messages.keys()].map((k) => this.texts(k)))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 500);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}

async function customer(url: string): Promise<{ session: WebChatSession; stream: StreamClient }> {
  const session = await webChatSession(url);
  const started = await startConversation(url, session);
  if (!started.body.streamUrl) throw new Error('no streamUrl');
  return { session, stream: await StreamClient.open(started.body.streamUrl) };
}

/** The store's conversation for a web chat, as an agent's queue lists it. */
async function queued(agent: Agent, session: WebChatSession): Promise<Conversation> {
  for (;;) {
    const r = await request<{ queue: Conversation[] }>(agent.socket, 'queue:list', {});
    const c = r.data?.queue.find((q) => q.channelConversationId === session.conversationId);
    if (c) return c;
    await new Promise((res) => setTimeout(res, 50));
  }
}

const LIMITS = {
  RATE_LIMIT_IP_WEBCHAT_SESSIONS: '100000/600',
  RATE_LIMIT_IP_MESSAGES: '100000/60',
  RATE_LIMIT_CONVERSATION_MESSAGES: '1000/60',
  RATE_LIMIT_IP_HANDSHAKES: '100000/60',
  RATE_LIMIT_SOCKET_OTHER: '100000/10',
  RATE_LIMIT_SOCKET_MESSAGES: '100000/10',
};

describe('two instances, one store, one Redis', () => {
  let cluster: Cluster;
  let A: string;
  let B: string;
  const agents = Array.from({ length: 5 }, (_, i) => `agent${i + 1}@cluster.test`);
  const open: { close(): unknown }[] = [];

  beforeAll(async () => {
    cluster = await startCluster(
      2,
      [...agents.map((email) => ({ email, capacity: 1000 })), { email: 'lead@cluster.test', role: 'supervisor' as const, capacity: 1000 }],
      LIMITS,
    );
    [A, B] = cluster.instances.map((i) => i.url);
  });
  afterAll(async () => {
    if (process.env.CLUSTER_LOGS)
      for (const i of cluster?.instances ?? [])
        for (const l of i.process.lines)
          if (Number(l.level) >= 40 || /redis|resync|push/.test(String(l.msg))) console.log(i.name, JSON.stringify(l).slice(0, 600));
    for (const o of open) await o.close();
    await cluster?.stop();
  });

  test('a customer on A and an agent on B converse both ways', async () => {
    const agent = await Agent.online(B, agents[0]);
    const { session, stream } = await customer(A);
    open.push(agent, stream);
    expect(await say(A, session, 'I want to talk to a human')).toBe(200);
    const c = await queued(agent, session);
    expect((await request(agent.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    agent.follow(c.id, c.lastSeq);

    // Agent (B) → customer's stream (A): the message is stored by B; A hears of it through Redis and pushes it.
    expect((await request(agent.socket, 'message:send', { conversationId: c.id, text: 'Hello from B', clientMessageId: 'b1' })).ok).toBe(true);
    await stream.until(() => stream.texts().includes('Hello from B'), "the agent's message on A's stream", 60_000);

    // Customer (A) → agent's console (B).
    expect(await say(A, session, 'Hello from A')).toBe(200);
    await agent.until(() => ['Hello from B', 'Hello from A'].every((t) => agent.texts(c.id).includes(t)), 'both messages on the console');
    expect(agent.texts(c.id).filter((t) => t.startsWith('Hello from'))).toEqual(['Hello from B', 'Hello from A']);
  });

  test("the agent on B typing shows on the customer's stream on A, and on a poll to either instance", async () => {
    const agent = await Agent.online(B, agents[3]);
    const { session, stream } = await customer(A);
    open.push(agent, stream);
    expect(await say(A, session, 'I want to talk to a human')).toBe(200);
    const c = await queued(agent, session);
    expect((await request(agent.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    const typings = () => stream.activities.filter((a) => a.type === 'typing').length;
    const before = typings();
    // Typing is never stored: it crosses instances through Redis (B publishes, A's stream pushes).
    expect((await request(agent.socket, 'typing:start', { conversationId: c.id })).ok).toBe(true);
    await stream.until(() => typings() > before, "the agent's typing on A's stream", 60_000);
    expect(stream.activities.filter((a) => a.type === 'typing').pop()).toMatchObject({ from: { id: 'bot', role: 'bot' } });
    // A page that polls, whichever instance it asks, gets it too while the agent keeps typing (each typing shows
    // for a few seconds: on a slow machine the poll may come after it, so the agent types on until one carries it).
    for (const url of [A, B]) {
      for (;;) {
        const r = await fetch(`${url}/v3/directline/conversations/${session.conversationId}/activities?watermark=${stream.watermark}`, {
          headers: { authorization: `Bearer ${session.token}` },
        });
        const types = ((await r.json()) as { activities: { type: string }[] }).activities.map((a) => a.type);
        // (The agent's joining notice may come with it, stored after the stream's watermark.)
        if (types.includes('typing')) {
          expect(types.filter((t) => t === 'typing')).toHaveLength(1);
          break;
        }
        expect((await request(agent.socket, 'typing:start', { conversationId: c.id })).ok).toBe(true);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  });

  test('five agents over both instances race for one chat: exactly one wins, 200 rounds', async () => {
    const racers = await Promise.all(agents.map((email, i) => Agent.online(i % 2 ? B : A, email)));
    open.push(...racers);
    const wins = new Map<string, number>();
    for (let round = 0; round < 200; round++) {
      const session = await webChatSession(round % 2 ? B : A);
      await startConversation(round % 2 ? B : A, session);
      expect(await say(round % 2 ? B : A, session, 'I want to talk to a human')).toBe(200);
      const c = await queued(racers[round % 5], session);
      const answers = await Promise.all(racers.map((r) => request(r.socket, 'conversation:claim', { conversationId: c.id })));
      const winners = answers.flatMap((a, i) => (a.ok ? [racers[i]] : []));
      expect(winners).toHaveLength(1);
      for (const a of answers.filter((x) => !x.ok)) expect(a.error?.code).toMatch(/^HANDOFF_/);
      wins.set(winners[0].id, (wins.get(winners[0].id) ?? 0) + 1);
      expect((await request(winners[0].socket, 'conversation:close', { conversationId: c.id })).ok).toBe(true);
    }
    expect([...wins.values()].reduce((a, b) => a + b, 0)).toBe(200);
  });

  test('an agent whose chat is taken over on the other instance stops receiving its events', async () => {
    const holder = await Agent.online(A, agents[1]);
    const lead = await Agent.online(B, 'lead@cluster.test');
    const { session, stream } = await customer(A);
    open.push(holder, lead, stream);
    expect(await say(A, session, 'I want to talk to a human')).toBe(200);
    const c = await queued(holder, session);
    expect((await request(holder.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    holder.follow(c.id, c.lastSeq);
    expect(await say(A, session, 'before the takeover')).toBe(200);
    await holder.until(() => holder.texts(c.id).includes('before the takeover'));

    expect((await request(lead.socket, 'conversation:takeover', { conversationId: c.id })).ok).toBe(true);
    await holder.until(() => holder.released.includes(c.id));
    lead.follow(c.id, c.lastSeq);
    expect(await say(A, session, 'after the takeover')).toBe(200);
    await lead.until(() => lead.texts(c.id).includes('after the takeover'));

    // A later broadcast that reaches the holder through the same stream: had the message been sent to them, it
    // would have arrived before this.
    const before = holder.queueUpdates.length;
    const other = await customer(B);
    open.push(other.stream);
    expect(await say(B, other.session, 'I want to talk to a human')).toBe(200);
    await holder.until(() => holder.queueUpdates.slice(before).some((q) => q.some((x) => x.channelConversationId === other.session.conversationId)));
    expect(holder.texts(c.id)).not.toContain('after the takeover');
    // Nor can they rejoin the room.
    expect((await request(holder.socket, 'conversation:join', { conversationId: c.id })).ok).toBe(false);
  });

  test('a Redis restart does not silence real-time updates: they resume and nothing is lost', async () => {
    const agent = await Agent.online(B, agents[2]);
    const { session, stream } = await customer(A);
    open.push(agent, stream);
    expect(await say(A, session, 'I want to talk to a human')).toBe(200);
    const c = await queued(agent, session);
    expect((await request(agent.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    agent.follow(c.id, c.lastSeq);
    expect(await say(A, session, 'before the outage')).toBe(200);
    await agent.until(() => agent.texts(c.id).includes('before the outage'));

    await cluster.redis.kill();
    // Both instances notice, and the outage outlasts the adapter's heartbeat timeout (10 s): each then believes
    // itself alone and pushes only to its own sockets, the case where only a resync can catch up.
    await Promise.all(cluster.instances.map((i) => i.process.waitFor((l) => /redis unreachable/.test(String(l.msg)))));
    // Both ways while Redis is away: every message is acknowledged only once stored.
    for (let i = 1; i <= 3; i++) expect(await say(A, session, `during the outage ${i}`)).toBe(200);
    expect((await request(agent.socket, 'message:send', { conversationId: c.id, text: 'agent during the outage', clientMessageId: 'o1' })).ok).toBe(true);

    await new Promise((r) => setTimeout(r, 12_000));
    for (let i = 4; i <= 5; i++) expect(await say(A, session, `during the outage ${i}`)).toBe(200);
    await cluster.redis.restart();
    expect(await say(A, session, 'after the outage')).toBe(200);
    expect((await request(agent.socket, 'message:send', { conversationId: c.id, text: 'agent after the outage', clientMessageId: 'o2' })).ok).toBe(true);

    const fromCustomer = ['before the outage', ...[1, 2, 3, 4, 5].map((i) => `during the outage ${i}`), 'after the outage'];
    await agent.until(() => fromCustomer.every((t) => agent.texts(c.id).includes(t)));
    await stream.until(() => ['agent during the outage', 'agent after the outage'].every((t) => stream.texts().includes(t)), "the agent's messages", 120_000);
    // In order, each once.
    const seen = agent.texts(c.id).filter((t) => fromCustomer.includes(t));
    expect(seen).toEqual(fromCustomer);
  });
});
