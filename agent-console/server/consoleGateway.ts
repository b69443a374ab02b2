// Over 400 lines: the one gateway of the console's socket requests and of the domain events it pushes; its parts (inbox, live, queue feed, presence, guards) are already apart.
import type { Server as IoServer, Socket } from 'socket.io';
import type { AuthService } from '../../auth/authService';
import { askCustomerConsent } from '../../bot/consentTurn';
import { AppError } from '../../core/errors';
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
  type QueueLeaveReason,
  type ServerToClientEvents,
  type SocketData,
} from './protocol';
import type { z } from 'zod';
import { ackedHandler } from './ackedHandler';
import { ConsoleSessions } from './consoleSessions';
import { agentViews, conversationView } from './consoleViews';
import { OutageRewind } from './outageRewind';
import { PresenceWatch } from './presenceWatch';
import { QueueFeed } from './queueFeed';

type ConsoleServer = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** What instances tell each other besides the adapter's own traffic (serverSideEmit). */
interface ClusterNotices {
  /** The queue changed on the sender: every instance sends its own sockets the delta of its own feed (with why chats left). */
  'queue:changed': (left?: Record<string, QueueLeaveReason>) => void;
}
type ClusterServer = IoServer<ClientToServerEvents, ServerToClientEvents, ClusterNotices, SocketData>;
/** What a request's ack carries when it succeeds (protocol.ts). */
type AckData<K extends ClientEventName> = Parameters<ClientToServerEvents[K]>[1] extends Ack<infer T> ? T : never;

const STAFF = 'staff';
const SUPERVISORS = 'supervisors';
/** How many of the customer's newest sentiment points the profile's chart draws. */
const SENTIMENT_CHART_POINTS = 30;
const agentRoom = (id: string) => `agent:${id}`;
const convRoom = (id: string) => `conv:${id}`;
/** What an agent who lost a chat is told, by the cause of the change (PROTOCOL.md). */
const RELEASE_REASON: Partial<
  Record<TransitionCause, 'transferred' | 'returned' | 'closed' | 'taken_over' | 'reassigned' | 'erased' | 'requeued' | 'offline'>
> = {
  transferred: 'transferred',
  reassigned: 'reassigned',
  requeued: 'transferred',
  taken_over: 'taken_over',
  returned: 'returned',
  closed: 'closed',
  // The customer's data was erased (an admin's privacy erasure ends their open chats): not a transfer.
  erased: 'erased',
  // Away and silent past the reply timeout while a colleague could answer: back in the queue.
  agent_away: 'requeued',
  // The holder went offline (presence, or a console closed past its grace): said as such, not as a transfer.
  agent_offline: 'offline',
};
/** Why a chat left the queue, by the cause of the change (PROTOCOL.md, QueueLeaveReason). */
const QUEUE_LEAVE_REASON: Partial<Record<TransitionCause, QueueLeaveReason>> = {
  claimed: 'claimed',
  taken_over: 'taken_over',
  reassigned: 'reassigned',
  withdrawn: 'withdrawn',
  closed: 'closed',
  erased: 'erased',
};
const isLeaveReason = (r: unknown): r is QueueLeaveReason => Object.values(QUEUE_LEAVE_REASON).includes(r as QueueLeaveReason);

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
  /** CONSOLE_SESSION_CHECK_SECONDS: how often open sockets have their session checked again. */
  sessionCheckSeconds?: number;
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
  private readonly rewind: OutageRewind;
  private readonly sessions: ConsoleSessions;
  private readonly presence: PresenceWatch;
  private readonly unsubscribe: (() => void)[] = [];
  /** Pushes under way per conversation: each waits for the one before, so a chat's events keep their order. */
  private readonly pushes = new Map<string, Promise<void>>();
  /** Why chats left the queue since other instances were last told (they send their own consoles the reason). */
  private readonly leftUntold = new Map<string, QueueLeaveReason>();

  constructor(
    private readonly io: ConsoleServer,
    private readonly d: GatewayDeps,
  ) {
    this.presence = new PresenceWatch(d.shared?.presenceGrace ?? memoryPresenceGrace(), {
      store: d.store,
      handoff: d.handoff,
      log: d.log,
      connected: async (userId) => (await io.in(agentRoom(userId)).fetchSockets()).length > 0,
      changed: () => this.broadcastAgents(),
    });
    this.rewind = new OutageRewind(d.store);
    this.sessions = new ConsoleSessions(io, d);
    // Each instance numbers its own deltas and sends them to its own sockets only (a console talks to one instance).
    this.queue = new QueueFeed(
      // The queue in serving order, then the chats whose customer has gone (shown apart; they count ahead of nobody).
      async () => this.views([...(await this.d.handoff.queue()), ...(await this.d.handoff.awayList())]),
      (delta) => this.io.local.to(STAFF).emit('queue:changed', delta),
    );
  }

  start(): void {
    this.unsubscribe.push(this.sessions.start());
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.subscribe();
    this.presence.start();
    // Pushes made while Redis was away may not have reached sockets on other instances: this instance's own
    // sockets reconnect (a transport close; the console reconnects by itself) and resync by sequence number.
    if (this.d.shared) this.unsubscribe.push(this.d.shared.onRecovered((since) => this.resyncLocal(since)));
    // A queue change on another instance: this one sends its own sockets the delta (its feed reads the shared store).
    if (this.clustered)
      (this.io as unknown as ClusterServer).on('queue:changed', (left) => {
        // From another instance of ours, still checked: only the known reasons are passed on.
        for (const [id, reason] of Object.entries(typeof left === 'object' && left ? left : {})) if (isLeaveReason(reason)) this.queue.leaving(id, reason);
        this.scheduleQueueBroadcast(false);
      });
  }

  /** After a Redis outage: this instance's sockets reconnect (a transport close; the console reconnects by itself and syncs, rewound: outageRewind.ts). */
  private resyncLocal(downSince: number): void {
    if (this.stopped) return;
    const { since, reconnect } = this.rewind.recovered(downSince);
    if (!reconnect) return;
    const local = [...this.io.sockets.sockets.values()];
    this.d.log.info({ sockets: local.length, since: new Date(since).toISOString() }, 'console sockets resync after a redis outage');
    for (const s of local) s.conn.close();
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
    this.presence.stop();
  }

  private onConnection(socket: ConsoleSocket): void {
    const { userId, role } = socket.data;
    void socket.join([STAFF, agentRoom(userId), ...(role === 'agent' ? [] : [SUPERVISORS])]);
    this.presence.connected(userId);
    socket.on('disconnect', () => this.presence.disconnected(userId));

    this.on(socket, 'presence:set', async (user, p) => {
      const updated = await this.d.store.updateUser(user.id, { presence: p.presence });
      // Offline hands the chats this agent holds back to the queue (and their offers on); away withdraws their offers
      // (their chats wait for them: the reply timeout moves them); online takes offers of what waits.
      if (p.presence === 'offline') await this.d.handoff.releaseAgentChats(user.id);
      else if (p.presence === 'away') await this.d.handoff.withdrawOffers(user.id);
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
      return {
        conversation: await this.view(c),
        messages,
        customer,
        sentiment: await this.d.store.listSentiment(customer.id, SENTIMENT_CHART_POINTS),
        history: history.filter((h) => canSee(user, h.conversation)),
      };
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
      // Consent is the customer's to give: a grant becomes the bot's question to them (bot/consentTurn.ts).
      if (p.granted) return { customer: await askCustomerConsent(this.d, user, p.customerId, p.purpose, p.channel), asked: true };
      return { customer: await this.d.profiles.consentByStaff(p.customerId, user, p.purpose, p.granted, p.channel) };
    });
    this.on(socket, 'customer:update', async (user, p) => {
      await this.customerReadable(user, p.customerId);
      return { customer: await this.d.profiles.updateByStaff(p.customerId, user, { tags: p.tags, addNote: p.addNote }) };
    });
    this.on(socket, 'sync', async (user, p) => {
      const cursors = await this.rewind.cursors(p.cursors);
      const { conversations, messages } = await this.d.review.syncLive(cursors, user);
      void socket.join(conversations.map((c) => convRoom(c.id)));
      return { messages };
    });
  }

  /** Registers a handler: validates the payload, loads the caller fresh (role changes apply at once), acks a coded result. */
  private on<K extends ClientEventName>(socket: ConsoleSocket, name: K, fn: (user: User, payload: ClientPayload<K>) => Promise<AckData<K>>): void {
    // The map types each listener with its own payload and ack; one generic handler (ackedHandler.ts) serves every event of it.
    ackedHandler(
      socket as unknown as Parameters<typeof ackedHandler>[0],
      this.d,
      'console',
      name,
      ClientSchemas[name] as unknown as z.ZodType<ClientPayload<K>>,
      (user, p) => {
        // A role changed since the handshake applies to this socket's pushes too.
        socket.data.role = user.role;
        return fn(user, p);
      },
    );
  }

  /** Whoever may watch one of the customer's chats (serves them now, or may take them from the queue) may change their tags, notes and consent. */
  private async customerReadable(user: User, customerId: string): Promise<void> {
    const chats = await this.d.store.listConversations({ customerId, limit: 1000 });
    if (!chats.some((c) => canWatch(user, c))) throw new AppError('NOT_FOUND', 'no such customer');
  }

  private view(c: Conversation): Promise<ConversationView> {
    return conversationView(this.d.store, c);
  }

  private views(cs: Conversation[]): Promise<ConversationView[]> {
    return Promise.all(cs.map((c) => this.view(c)));
  }

  private agentViews(): Promise<AgentView[]> {
    return agentViews(this.d.store, this.d.handoff);
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
      const left = Object.fromEntries(this.leftUntold);
      this.leftUntold.clear();
      (this.io as unknown as ClusterServer).serverSideEmit('queue:changed', left);
    } catch (err) {
      this.d.log.warn({ err }, 'queue change not told to other instances');
    }
  }

  /**
   * Sends one of a chat's events to the sockets that may watch it now: those in its room and, when `owner`, the
   * owner's sockets, each checked against the conversation as stored at this moment (not as the event carried it:
   * a change of owner a moment ago counts). Never rejects; a failed push is logged, and the console's sync on its
   * next reconnect replays messages from the store. The event is encoded once for all its recipients (a broadcast to
   * their socket ids), not once per socket: the owner's tabs and every supervisor watching share one frame.
   */
  private push<E extends 'message:new' | 'typing'>(conversationId: string, owner: boolean, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    this.serially(conversationId, async () => {
      // Who holds it is all the check reads: not the whole record, on every message of every watched chat.
      const c = await this.d.store.getConversationHolder(conversationId);
      if (!c) return;
      const rooms = [convRoom(c.id)];
      if (owner && c.state === 'agent' && c.agentId) rooms.push(agentRoom(c.agentId));
      const to: string[] = [];
      for (const s of await this.io.in(rooms).fetchSockets()) if (canWatch(viewerOf(s.data), c)) to.push(s.id);
      if (to.length) this.io.to(to).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
    });
  }

  /** After a change of owner: sockets that may no longer watch the chat leave its room. */
  private evict(conversationId: string): void {
    this.serially(conversationId, async () => {
      const c = await this.d.store.getConversationHolder(conversationId);
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
        this.push(conversation.id, true, 'message:new', { conversationId: conversation.id, message });
      }),
      e.on('typing', ({ conversation, from, agentId, internal }) => {
        // Who types goes along: colleagues with the chat open see "Sam is typing" (the console skips its own).
        const who = from === 'agent' && agentId ? { userId: agentId, ...(internal ? { internal } : {}) } : {};
        // The owner hears a colleague's typing too (the console skips its own), even without the chat open.
        this.push(conversation.id, from === 'customer' || agentId !== conversation.agentId, 'typing', { conversationId: conversation.id, from, ...who });
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
            ...(cause === 'reassigned' && conversation.agentId ? { reassignedTo: conversation.agentId } : {}),
            ...(cause === 'reassigned' && !conversation.agentId && conversation.skill ? { reassignedToSkill: conversation.skill } : {}),
          });
        this.evict(conversation.id);
        // It left the queue: consoles watching the queue are told why (QUEUE_LEAVE_REASON), with the delta.
        const leave = previous.state === 'queued' && conversation.state !== 'queued' ? QUEUE_LEAVE_REASON[cause] : undefined;
        if (leave) {
          this.queue.leaving(conversation.id, leave);
          if (this.clustered) this.leftUntold.set(conversation.id, leave);
          this.scheduleQueueBroadcast();
        }
        // Its customer left or came back: it moves between the queue and the gone list.
        if (cause === 'customer_left' || cause === 'customer_back') this.scheduleQueueBroadcast();
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
