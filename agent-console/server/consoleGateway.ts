import type { Server as IoServer, RemoteSocket, Socket } from 'socket.io';
import type { AuthService } from '../../auth/authService';
import { AppError, toAppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HandoffEvents, TransitionCause } from '../../handoff/handoffEvents';
import type { HandoffService } from '../../handoff/handoffService';
import type { Conversation, User } from '../../models/records';
import type { ProfileService } from '../../profile/profileService';
import { canSee, canWatch, isReviewer, type Actor } from '../../review/accessPolicy';
import type { ReviewService } from '../../review/reviewService';
import type { Store } from '../../store/store';
import { memoryPresenceGrace, type SharedState } from '../../cluster/sharedState';
import {
  ClientSchemas,
  type Ack,
  type AgentView,
  type ClientEventName,
  type ClientPayload,
  type ClientToServerEvents,
  type ConversationView,
  type ServerToClientEvents,
  type SocketData,
} from './protocol';
import { QueueFeed } from './queueFeed';

type ConsoleServer = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type Recipient = RemoteSocket<ServerToClientEvents, SocketData>;
/** What instances tell each other besides the adapter's own traffic (serverSideEmit). */
interface ClusterNotices {
  /** The queue changed on the sender: every instance sends its own sockets the delta of its own feed. */
  'queue:changed': () => void;
}
type ClusterServer = IoServer<ClientToServerEvents, ServerToClientEvents, ClusterNotices, SocketData>;
/** What a request's ack carries when it succeeds (protocol.ts). */
type AckData<K extends ClientEventName> = Parameters<ClientToServerEvents[K]>[1] extends Ack<infer T> ? T : never;

const STAFF = 'staff';
const SUPERVISORS = 'supervisors';
const agentRoom = (id: string) => `agent:${id}`;
const convRoom = (id: string) => `conv:${id}`;
/** What an agent who lost a chat is told, by the cause of the change (PROTOCOL.md). */
const RELEASE_REASON: Partial<Record<TransitionCause, 'transferred' | 'returned' | 'closed' | 'taken_over' | 'reassigned'>> = {
  transferred: 'transferred',
  reassigned: 'reassigned',
  requeued: 'transferred',
  taken_over: 'taken_over',
  returned: 'returned',
  closed: 'closed',
};
const OFFLINE_GRACE_MS = 10_000; // a flaky connection that comes back within this keeps its presence
const MAX_TIMER_MS = 2_147_483_647;
const GRACE_POLL_MS = 1_000;
const RESYNC_MARGIN_MS = 10_000;
const RESYNC_WINDOW_MS = 120_000;
const MAX_REWIND = 1_000;

export interface GatewayDeps {
  store: Store;
  auth: AuthService;
  handoff: HandoffService;
  events: HandoffEvents;
  profiles: ProfileService;
  /** Who may read which chat, live (review/accessPolicy.ts), and the audited reads. */
  review: ReviewService;
  log: Logger;
  /** Origins allowed besides the server's own. */
  allowedOrigins: readonly string[];
  /** Presence deadlines and Redis recovery news, shared across instances when REDIS_URL is set; this process's otherwise. */
  shared?: Pick<SharedState, 'presenceGrace' | 'onRecovered' | 'kind'>;
}

/** The socket's user as the access rules see them. */
const viewerOf = (data: SocketData): Actor => ({ id: data.userId, role: data.role });

/**
 * The Socket.IO edge of the agent console: authenticates, validates every payload, calls the handoff service,
 * and pushes handoff events to the sockets allowed to see them. Delivery does not rely on Socket.IO buffers:
 * messages carry their sequence number and clients `sync` from the store on every (re)connect.
 *
 * A socket receives a chat's events only while its user may watch the chat (review/accessPolicy.ts canWatch):
 * every push is checked against the conversation as stored when it is sent, and on every change of owner the
 * sockets that may no longer watch leave the chat's room.
 */
export class ConsoleGateway {
  private queueTimer?: NodeJS.Timeout;
  /** Whether the coalesced queue broadcast under way was caused here (other instances are then told). */
  private queueNotify = false;
  private readonly queue: QueueFeed;
  private stopped = false;
  private graceTimer?: NodeJS.Timeout;
  private graceFailing = false;
  /** After a Redis outage, until `until`: syncs return everything stored since `since` (epoch ms). */
  private rewind?: { since: number; until: number };
  private lastResyncAt = 0;
  private readonly grace: SharedState['presenceGrace'];
  private readonly unsubscribe: (() => void)[] = [];
  /** Pushes under way per conversation: each waits for the one before, so a chat's events keep their order. */
  private readonly pushes = new Map<string, Promise<void>>();

  constructor(
    private readonly io: ConsoleServer,
    private readonly d: GatewayDeps,
  ) {
    this.grace = d.shared?.presenceGrace ?? memoryPresenceGrace();
    // Each instance numbers its own deltas and sends them to its own sockets only (a console talks to one instance).
    this.queue = new QueueFeed(
      async () => this.views(await this.d.handoff.queue()),
      (delta) => this.io.local.to(STAFF).emit('queue:changed', delta),
    );
  }

  start(): void {
    // No connectionStateRecovery: it would skip this middleware on reconnect (a revoked token would survive).
    this.io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err) => {
          const e = toAppError(err);
          const out = new Error(e.message) as Error & { data?: unknown };
          out.data = { code: e.code };
          next(out);
        },
      );
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.subscribe();
    const onRevoked = (sessionId: string) => this.endSessions((s) => s.data.sessionId === sessionId, 'AUTH_REVOKED');
    this.d.auth.events.on('revoked', onRevoked);
    this.unsubscribe.push(() => this.d.auth.events.off('revoked', onRevoked));
    // Deadlines are shared: whichever instance finds one due first (atomically) checks every instance's sockets.
    this.graceTimer = setInterval(() => void this.offlineDue(), GRACE_POLL_MS);
    this.graceTimer.unref();
    // Pushes made while Redis was away may not have reached sockets on other instances: this instance's own
    // sockets reconnect (a transport close; the console reconnects by itself) and resync by sequence number.
    if (this.d.shared) this.unsubscribe.push(this.d.shared.onRecovered((since) => this.resyncLocal(since)));
    // A queue change on another instance: this one sends its own sockets the delta (its feed reads the shared store).
    if (this.clustered) (this.io as unknown as ClusterServer).on('queue:changed', () => this.scheduleQueueBroadcast(false));
  }

  /**
   * After a Redis outage: this instance's sockets reconnect (a transport close; the console reconnects by itself and
   * syncs), and for a while every sync also returns what was stored since the outage began. The console's cursor is
   * the last seq it holds, so a push that got through after one that was lost would otherwise hide the lost one;
   * the console merges by seq, so what it already has costs only bytes.
   */
  private resyncLocal(downSince: number): void {
    if (this.stopped) return;
    const now = Date.now();
    // Pushes under way when Redis went away wait up to the adapter's request timeout (5 s) before failing.
    const since = Math.min(downSince - RESYNC_MARGIN_MS, this.rewind && this.rewind.until > now ? this.rewind.since : Infinity);
    this.rewind = { since, until: now + RESYNC_WINDOW_MS };
    if (now - this.lastResyncAt < 5_000) return; // every instance announces the same recovery
    this.lastResyncAt = now;
    const local = [...this.io.sockets.sockets.values()];
    this.d.log.info({ sockets: local.length, since: new Date(since).toISOString() }, 'console sockets resync after a redis outage');
    for (const s of local) s.conn.close();
  }

  /** Cursors moved back to the first message stored at or after `since` (at most MAX_REWIND messages back each). */
  private async rewound(cursors: Record<string, number>, since: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [id, cursor] of Object.entries(cursors)) {
      let floor = cursor;
      while (floor > 0 && cursor - floor < MAX_REWIND) {
        const from = Math.max(0, floor - 100);
        const page = await this.d.store.listMessages(id, { afterSeq: from, limit: floor - from });
        if (!page.length) break; // not a chat of this store: nothing to rewind
        const older = page.filter((m) => Date.parse(m.createdAt) < since);
        if (older.length) {
          floor = older[older.length - 1].seq;
          break;
        }
        floor = from;
      }
      out[id] = floor;
    }
    return out;
  }

  /** Several instances share the queue (Redis): they tell each other of queue changes. */
  private get clustered(): boolean {
    return this.d.shared?.kind === 'redis';
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe.forEach((u) => u());
    clearTimeout(this.queueTimer);
    clearTimeout(this.agentsTimer);
    clearInterval(this.graceTimer);
  }

  private async authenticate(socket: ConsoleSocket): Promise<void> {
    const origin = socket.handshake.headers.origin;
    if (origin && !this.originAllowed(origin, socket.handshake.headers.host)) throw new AppError('AUTH_ORIGIN_FORBIDDEN');
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const ctx = await this.d.auth.verify(token);
    socket.data = { userId: ctx.user.id, sessionId: ctx.session.id, role: ctx.user.role };
    const ms = Date.parse(ctx.session.expiresAt) - Date.now();
    const timer = setTimeout(() => this.endSessions((s) => s.id === socket.id, 'AUTH_EXPIRED'), Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    timer.unref();
    socket.on('disconnect', () => clearTimeout(timer));
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    if (this.d.allowedOrigins.includes(origin)) return true;
    try {
      return !!host && new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  private endSessions(match: (s: Pick<ConsoleSocket, 'id' | 'data'>) => boolean, code: 'AUTH_REVOKED' | 'AUTH_EXPIRED'): void {
    for (const s of this.io.sockets.sockets.values()) {
      if (!match(s)) continue;
      s.emit('session:ended', { code });
      s.disconnect(true);
    }
    if (!this.d.shared) return;
    // A session revoked here may have sockets on other instances (the adapter reaches them).
    this.io.fetchSockets().then(
      (all) => {
        for (const s of all) {
          if (!match(s)) continue;
          s.emit('session:ended', { code });
          s.disconnect(true);
        }
      },
      (err) => this.d.log.error({ err, code }, 'could not end the session on other instances'),
    );
  }

  private onConnection(socket: ConsoleSocket): void {
    const { userId, role } = socket.data;
    void socket.join([STAFF, agentRoom(userId), ...(role === 'agent' ? [] : [SUPERVISORS])]);
    this.grace.cancel(userId).catch((err: unknown) => this.d.log.warn({ err, userId }, 'presence grace not cancelled; checked when due'));
    socket.on('disconnect', () => this.onDisconnect(userId));

    this.on(socket, 'presence:set', async (user, p) => {
      const updated = await this.d.store.updateUser(user.id, { presence: p.presence });
      // Offline hands the chats this agent holds back to the queue; online takes offers of what waits.
      if (p.presence === 'offline') await this.d.handoff.releaseAgentChats(user.id);
      else if (p.presence === 'online') await this.d.handoff.offerWaiting();
      // Coalesced: a burst of presence changes is one board snapshot a second, not one each.
      this.scheduleAgentsBroadcast();
      this.scheduleQueueBroadcast();
      return { presence: updated!.presence };
    });
    this.on(socket, 'queue:list', async (user) => ({
      // Read through the feed: a change found now goes out as a delta first, and the answer carries its number.
      ...(await this.queue.refresh()),
      mine: await this.views(await this.d.store.listConversations({ agentId: user.id, states: ['agent'] })),
    }));
    this.on(socket, 'agents:list', async () => ({ agents: await this.agentViews() }));
    this.on(socket, 'conversation:claim', async (user, p) => {
      const c = await this.d.handoff.claim(user.id, p.conversationId);
      void socket.join(convRoom(c.id));
      return { conversation: await this.view(c) };
    });
    this.on(socket, 'conversation:join', async (user, p) => {
      // The services check the live rule and audit reviewers' reads (the chat, its history, the profile).
      const { conversation: c, messages, history } = await this.d.review.openLive(p.conversationId, user, p.afterSeq ?? 0);
      void socket.join(convRoom(c.id));
      const customer = await this.d.profiles.read(c.customerId, user, 'console');
      // Earlier chats only where the transcript rule (REST's) allows: an agent looking at a queued chat sees what it
      // says, never the customer's past chats (and their colleagues' notes) they did not hold.
      return { conversation: await this.view(c), messages, customer, history: history.filter((h) => canSee(user, h.conversation)) };
    });
    this.on(socket, 'conversation:leave', (_user, p) => {
      void socket.leave(convRoom(p.conversationId));
      return Promise.resolve({});
    });
    this.on(socket, 'conversation:transfer', async (user, p) => ({
      conversation: await this.view(await this.d.handoff.transfer(user.id, p.conversationId, { agentId: p.toAgentId, skill: p.skill, note: p.note })),
    }));
    this.on(socket, 'conversation:return', async (user, p) => ({ conversation: await this.view(await this.d.handoff.returnToBot(user.id, p.conversationId)) }));
    this.on(socket, 'conversation:close', async (user, p) => ({ conversation: await this.view(await this.d.handoff.close(user.id, p.conversationId)) }));
    this.on(socket, 'conversation:takeover', async (user, p) => {
      if (!isReviewer(user)) throw new AppError('FORBIDDEN');
      const c = await this.d.handoff.takeover(user.id, p.conversationId);
      void socket.join(convRoom(c.id));
      return { conversation: await this.view(c) };
    });
    this.on(socket, 'message:send', async (user, p) => ({ message: await this.d.handoff.agentMessage(user.id, p.conversationId, p.text, p.clientMessageId) }));
    this.on(socket, 'note:add', async (user, p) => {
      await this.d.review.watchable(p.conversationId, user);
      return { message: await this.d.handoff.note(user, p.conversationId, p.text, p.whisper ? 'whisper' : 'note') };
    });
    this.on(socket, 'typing:start', async (user, p) => {
      await this.d.handoff.typing(user.id, p.conversationId);
      return {};
    });
    this.on(socket, 'customer:consent', async (user, p) => {
      await this.customerReadable(user, p.customerId);
      return { customer: await this.d.profiles.consentByStaff(p.customerId, user, p.purpose, p.granted, p.channel) };
    });
    this.on(socket, 'customer:update', async (user, p) => {
      await this.customerReadable(user, p.customerId);
      return { customer: await this.d.profiles.updateByStaff(p.customerId, user, { tags: p.tags, addNote: p.addNote }) };
    });
    this.on(socket, 'sync', async (user, p) => {
      const rewind = this.rewind && this.rewind.until > Date.now() ? this.rewind : undefined;
      const cursors = rewind ? await this.rewound(p.cursors, rewind.since) : p.cursors;
      const { conversations, messages } = await this.d.review.syncLive(cursors, user);
      void socket.join(conversations.map((c) => convRoom(c.id)));
      return { messages };
    });
  }

  private onDisconnect(userId: string): void {
    if (this.stopped) return;
    this.grace.schedule(userId, Date.now() + OFFLINE_GRACE_MS).catch((err: unknown) => this.d.log.warn({ err, userId }, 'presence grace not scheduled'));
  }

  /** Agents whose grace ran out, each taken by one instance. Never rejects. */
  private async offlineDue(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const userId of await this.grace.takeDue(Date.now())) await this.markOffline(userId);
      this.graceFailing = false;
    } catch (err) {
      // Once per outage, not every second: the deadlines wait in Redis and are taken when it is back.
      if (!this.graceFailing) this.d.log.warn({ err }, 'presence grace check failed; retried every second');
      this.graceFailing = true;
    }
  }

  /** The agent is marked offline unless they came back within the grace period (on any instance). Never rejects. */
  private async markOffline(userId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const still = (await this.io.in(agentRoom(userId)).fetchSockets()).length > 0;
      if (!still) {
        await this.d.store.updateUser(userId, { presence: 'offline' });
        await this.d.handoff.releaseAgentChats(userId);
        await this.broadcastAgents();
      }
    } catch (err) {
      this.d.log.warn({ err, userId }, 'could not mark agent offline');
    }
  }

  /** Registers a handler: validates the payload, loads the caller fresh (role changes apply at once), acks a coded result. */
  private on<K extends ClientEventName>(socket: ConsoleSocket, name: K, fn: (user: User, payload: ClientPayload<K>) => Promise<AckData<K>>): void {
    const listener = async (payload: unknown, ack: unknown): Promise<void> => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      try {
        const parsed = ClientSchemas[name].safeParse(payload ?? {});
        if (!parsed.success) {
          throw new AppError('VALIDATION_FAILED', `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
        }
        const user = await this.d.store.getUser(socket.data.userId);
        if (!user) throw new AppError('AUTH_INVALID');
        // A role changed since the handshake applies to this socket's pushes too.
        socket.data.role = user.role;
        reply({ ok: true, data: await fn(user, parsed.data) });
      } catch (err) {
        const e = toAppError(err);
        if (e.status >= 500) this.d.log.error({ err: e.cause ?? e, event: name }, 'console handler failed');
        else this.d.log.info({ code: e.code, event: name }, 'console request refused');
        reply({ ok: false, error: { code: e.code, message: e.message } });
      }
    };
    // The map types each listener with its own payload and ack; this one generic listener serves every event of it.
    (socket as unknown as { on(event: string, l: (payload: unknown, ack: unknown) => Promise<void>): void }).on(name, listener);
  }

  /** Whoever may watch one of the customer's chats (serves them now, or may take them from the queue) may change their tags, notes and consent. */
  private async customerReadable(user: User, customerId: string): Promise<void> {
    const chats = await this.d.store.listConversations({ customerId, limit: 1000 });
    if (!chats.some((c) => canWatch(user, c))) throw new AppError('NOT_FOUND', 'no such customer');
  }

  private async view(c: Conversation): Promise<ConversationView> {
    const customer = await this.d.store.getCustomer(c.customerId);
    return {
      ...c,
      customerName: customer?.displayName,
      waitingSeconds: c.queuedAt ? Math.max(0, Math.round((Date.now() - Date.parse(c.queuedAt)) / 1000)) : undefined,
    };
  }

  private views(cs: Conversation[]): Promise<ConversationView[]> {
    return Promise.all(cs.map((c) => this.view(c)));
  }

  private async agentViews(): Promise<AgentView[]> {
    const users = await this.d.store.listUsers();
    // The board without last replies beats no board: Redis away costs only that column.
    const replies = await this.d.handoff.lastReplyAt(users.map((u) => u.id)).catch(() => new Map<string, string>());
    return Promise.all(
      users.map(async (u) => ({
        id: u.id,
        name: u.name,
        role: u.role,
        presence: u.presence,
        skills: u.skills,
        languages: u.languages,
        capacity: u.capacity,
        activeChats: await this.d.store.countActiveChats(u.id),
        lastReplyAt: replies.get(u.id),
      })),
    );
  }

  /** Never rejects: a failed snapshot is logged and the next change sends a fresh one. */
  private async broadcastAgents(): Promise<void> {
    if (this.stopped) return;
    try {
      this.io.to(SUPERVISORS).emit('agents:updated', { agents: await this.agentViews() });
    } catch (err) {
      this.d.log.warn({ err }, 'agents broadcast failed');
    }
  }

  private agentsTimer: NodeJS.Timeout | undefined;

  /** Agents' last replies move often: at most one board snapshot a second. */
  private scheduleAgentsBroadcast(): void {
    if (this.agentsTimer || this.stopped) return;
    this.agentsTimer = setTimeout(() => {
      this.agentsTimer = undefined;
      void this.broadcastAgents();
    }, 1000);
  }

  /** Coalesces bursts of queue changes into one delta; `notify`: the change happened here, other instances are told. */
  private scheduleQueueBroadcast(notify = true): void {
    this.queueNotify ||= notify;
    if (this.queueTimer || this.stopped) return;
    this.queueTimer = setTimeout(() => {
      this.queueTimer = undefined;
      const tell = this.queueNotify;
      this.queueNotify = false;
      void this.broadcastQueue(tell);
    }, 25);
  }

  /** Never rejects: a failed read is logged and the next change sends what changed since the last delta. */
  private async broadcastQueue(notify: boolean): Promise<void> {
    try {
      await this.queue.refresh();
    } catch (err) {
      this.d.log.warn({ err }, 'queue broadcast failed');
    }
    if (!notify || !this.clustered || this.stopped) return;
    try {
      (this.io as unknown as ClusterServer).serverSideEmit('queue:changed');
    } catch (err) {
      this.d.log.warn({ err }, 'queue change not told to other instances');
    }
  }

  /**
   * Sends one of a chat's events to the sockets that may watch it now: those in its room and, when `owner`, the
   * owner's sockets, each checked against the conversation as stored at this moment (not as the event carried it:
   * a change of owner a moment ago counts). Never rejects; a failed push is logged, and the console's sync on its
   * next reconnect replays messages from the store.
   */
  private push(conversationId: string, owner: boolean, send: (s: Recipient) => void): void {
    this.serially(conversationId, async () => {
      const c = await this.d.store.getConversation(conversationId);
      if (!c) return;
      const rooms = [convRoom(c.id)];
      if (owner && c.state === 'agent' && c.agentId) rooms.push(agentRoom(c.agentId));
      for (const s of await this.io.in(rooms).fetchSockets()) if (canWatch(viewerOf(s.data), c)) send(s);
    });
  }

  /** After a change of owner: sockets that may no longer watch the chat leave its room. */
  private evict(conversationId: string): void {
    this.serially(conversationId, async () => {
      const c = await this.d.store.getConversation(conversationId);
      for (const s of await this.io.in(convRoom(conversationId)).fetchSockets()) if (!c || !canWatch(viewerOf(s.data), c)) s.leave(convRoom(conversationId));
    });
  }

  private serially(conversationId: string, fn: () => Promise<void>): void {
    const next = (this.pushes.get(conversationId) ?? Promise.resolve())
      .then(fn)
      .catch((err) => this.d.log.warn({ err, conversationId }, 'console push failed'));
    this.pushes.set(conversationId, next);
    void next.then(() => {
      if (this.pushes.get(conversationId) === next) this.pushes.delete(conversationId);
    });
  }

  private subscribe(): void {
    const e = this.d.events;
    this.unsubscribe.push(
      e.on('message.created', ({ conversation, message }) => {
        if (message.role === 'agent' && message.kind === 'message') this.scheduleAgentsBroadcast();
        this.push(conversation.id, true, (s) => s.emit('message:new', { conversationId: conversation.id, message }));
      }),
      e.on('typing', ({ conversation, from, agentId, internal }) => {
        // Who types goes along: colleagues with the chat open see "Sam is typing" (the console skips its own).
        const who = from === 'agent' && agentId ? { userId: agentId, ...(internal ? { internal } : {}) } : {};
        // The owner hears a colleague's typing too (the console skips its own), even without the chat open.
        this.push(conversation.id, from === 'customer' || agentId !== conversation.agentId, (s) =>
          s.emit('typing', { conversationId: conversation.id, from, ...who }),
        );
      }),
      e.on('conversation.queued', () => this.scheduleQueueBroadcast()),
      e.on('conversation.withdrawn', () => this.scheduleQueueBroadcast()),
      e.on('conversation.offered', ({ conversation, agentId }) => {
        this.view(conversation).then(
          (view) => this.io.to(agentRoom(agentId)).emit('conversation:offered', { conversation: view }),
          (err) => this.d.log.warn({ err }, 'offer push failed'),
        );
      }),
      e.on('conversation.changed', ({ conversation, previous, cause, actorId }) => {
        // The agent who held the chat and no longer does is told why.
        const released = previous.state === 'agent' && previous.agentId && previous.agentId !== conversation.agentId ? previous.agentId : undefined;
        if (released)
          this.io.to(agentRoom(released)).emit('conversation:released', {
            conversationId: conversation.id,
            reason: RELEASE_REASON[cause] ?? 'transferred',
            ...(cause === 'taken_over' && conversation.agentId ? { takenOverBy: conversation.agentId } : {}),
            ...(cause === 'reassigned' && actorId ? { reassignedBy: actorId } : {}),
          });
        this.evict(conversation.id);
      }),
      e.on('conversation.assigned', ({ conversation, agentId }) => {
        this.scheduleQueueBroadcast();
        void this.broadcastAgents();
        this.view(conversation).then(
          (view) => this.io.to(agentRoom(agentId)).emit('conversation:assigned', { conversation: view }),
          (err) => this.d.log.warn({ err }, 'assignment push failed'),
        );
      }),
      e.on('conversation.transferred', () => this.scheduleQueueBroadcast()),
      e.on('conversation.returned', () => {
        this.scheduleQueueBroadcast();
        void this.broadcastAgents();
      }),
      e.on('conversation.closed', () => {
        this.scheduleQueueBroadcast();
        void this.broadcastAgents();
      }),
    );
  }
}
