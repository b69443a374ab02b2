import type { Server as IoServer, Socket } from 'socket.io';
import type { AuthService } from '../../auth/authService';
import { AppError, toAppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HandoffEvents } from '../../handoff/handoffEvents';
import type { HandoffService } from '../../handoff/handoffService';
import type { Conversation, User } from '../../models/records';
import type { ProfileService } from '../../profile/profileService';
import type { Store } from '../../store/store';
import { ClientSchemas, type AgentView, type ClientEventName, type ClientToServerEvents, type ConversationView, type ServerToClientEvents, type SocketData } from './protocol';

type ConsoleServer = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const STAFF = 'staff';
const SUPERVISORS = 'supervisors';
const agentRoom = (id: string) => `agent:${id}`;
const convRoom = (id: string) => `conv:${id}`;
const OFFLINE_GRACE_MS = 10_000; // a flaky connection that comes back within this keeps its presence
const MAX_TIMER_MS = 2_147_483_647;

export interface GatewayDeps {
  store: Store;
  auth: AuthService;
  handoff: HandoffService;
  events: HandoffEvents;
  profiles: ProfileService;
  log: Logger;
  /** Origins allowed besides the server's own. */
  allowedOrigins: readonly string[];
}

function isStaffReader(u: { role: string }): boolean {
  return u.role === 'supervisor' || u.role === 'admin';
}

/** May this user read the conversation? Agents: their own chats and the queue. Supervisors and admins: all. */
export function canRead(user: { id: string; role: string }, c: Conversation): boolean {
  return isStaffReader(user) || c.agentId === user.id || c.state === 'queued';
}

/**
 * The Socket.IO edge of the agent console: authenticates, validates every payload, calls the handoff service,
 * and pushes handoff events to the sockets allowed to see them. Delivery does not rely on Socket.IO buffers:
 * messages carry their sequence number and clients `sync` from the store on every (re)connect.
 */
export class ConsoleGateway {
  private queueTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly io: ConsoleServer,
    private readonly d: GatewayDeps,
  ) {}

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
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe.forEach((u) => u());
    clearTimeout(this.queueTimer);
    clearTimeout(this.agentsTimer);
    for (const t of this.offlineTimers.values()) clearTimeout(t);
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

  private endSessions(match: (s: ConsoleSocket) => boolean, code: 'AUTH_REVOKED' | 'AUTH_EXPIRED'): void {
    for (const s of this.io.sockets.sockets.values()) {
      if (!match(s)) continue;
      s.emit('session:ended', { code });
      s.disconnect(true);
    }
  }

  private onConnection(socket: ConsoleSocket): void {
    const { userId, role } = socket.data;
    void socket.join([STAFF, agentRoom(userId), ...(role === 'agent' ? [] : [SUPERVISORS])]);
    const pending = this.offlineTimers.get(userId);
    if (pending) clearTimeout(pending), this.offlineTimers.delete(userId);
    socket.on('disconnect', () => this.onDisconnect(userId));

    this.on(socket, 'presence:set', async (user, p) => {
      const updated = await this.d.store.updateUser(user.id, { presence: p.presence });
      // Coalesced: a burst of presence changes is one board snapshot a second, not one each.
      this.scheduleAgentsBroadcast();
      this.scheduleQueueBroadcast();
      return { presence: updated!.presence };
    });
    this.on(socket, 'queue:list', async (user) => ({
      queue: await this.views(await this.d.handoff.queue()),
      mine: await this.views(await this.d.store.listConversations({ agentId: user.id, states: ['agent'] })),
    }));
    this.on(socket, 'agents:list', async () => ({ agents: await this.agentViews() }));
    this.on(socket, 'conversation:claim', async (user, p) => {
      const c = await this.d.handoff.claim(user.id, p.conversationId);
      void socket.join(convRoom(c.id));
      return { conversation: await this.view(c) };
    });
    this.on(socket, 'conversation:join', async (user, p) => {
      const c = await this.readable(user, p.conversationId);
      if (isStaffReader(user) && c.agentId !== user.id) {
        await this.d.store.appendAudit({ actorId: user.id, action: 'transcript.view', targetType: 'conversation', targetId: c.id, data: { live: c.state === 'agent' } });
      }
      void socket.join(convRoom(c.id));
      const [messages, customer, past] = await Promise.all([
        this.d.store.listMessages(c.id, { afterSeq: p.afterSeq ?? 0 }),
        this.d.profiles.get(c.customerId),
        this.d.store.listConversations({ customerId: c.customerId, limit: 20 }),
      ]);
      const history = await Promise.all(
        past.filter((x) => x.id !== c.id).slice(-5).map(async (x) => ({ conversation: x, messages: await this.d.store.listMessages(x.id, { limit: 200 }) })),
      );
      return { conversation: await this.view(c), messages, customer, history };
    });
    this.on(socket, 'conversation:leave', async (_user, p) => {
      void socket.leave(convRoom(p.conversationId));
      return {};
    });
    this.on(socket, 'conversation:transfer', async (user, p) => ({
      conversation: await this.view(await this.d.handoff.transfer(user.id, p.conversationId, { agentId: p.toAgentId, skill: p.skill, note: p.note })),
    }));
    this.on(socket, 'conversation:return', async (user, p) => ({ conversation: await this.view(await this.d.handoff.returnToBot(user.id, p.conversationId)) }));
    this.on(socket, 'conversation:close', async (user, p) => ({ conversation: await this.view(await this.d.handoff.close(user.id, p.conversationId)) }));
    this.on(socket, 'conversation:takeover', async (user, p) => {
      if (!isStaffReader(user)) throw new AppError('FORBIDDEN');
      const c = await this.d.handoff.takeover(user.id, p.conversationId);
      void socket.join(convRoom(c.id));
      return { conversation: await this.view(c) };
    });
    this.on(socket, 'message:send', async (user, p) => ({ message: await this.d.handoff.agentMessage(user.id, p.conversationId, p.text, p.clientMessageId) }));
    this.on(socket, 'note:add', async (user, p) => {
      await this.readable(user, p.conversationId);
      const message = await this.d.handoff.note(user.id, p.conversationId, p.text, p.whisper ? 'whisper' : 'note');
      // Supervisors' actions on chats are audited; an agent's own notes are part of their work.
      if (user.role !== 'agent') await this.d.store.appendAudit({ actorId: user.id, action: p.whisper ? 'chat.whisper' : 'chat.note', targetType: 'conversation', targetId: p.conversationId, data: { seq: message.seq } });
      return { message };
    });
    this.on(socket, 'typing:start', async (user, p) => {
      await this.d.handoff.typing(user.id, p.conversationId);
      return {};
    });
    this.on(socket, 'customer:consent', async (user, p) => {
      await this.customerReadable(user, p.customerId);
      const customer = await this.d.profiles.setConsent(p.customerId, p.purpose, p.granted, { channel: 'console', method: 'agent', scope: p.channel });
      await this.d.store.appendAudit({ actorId: user.id, action: 'customer.consent', targetType: 'customer', targetId: p.customerId, data: { purpose: p.purpose, channel: p.channel, granted: p.granted } });
      return { customer };
    });
    this.on(socket, 'customer:update', async (user, p) => {
      await this.customerReadable(user, p.customerId);
      const customer = await this.d.profiles.update(p.customerId, (c) => ({
        ...(p.tags ? { tags: [...new Set(p.tags as string[])] } : {}),
        ...(p.addNote
          ? { attributes: { ...c.attributes, notes: [...((c.attributes.notes as unknown[]) ?? []), { by: user.name, byId: user.id, at: new Date().toISOString(), text: p.addNote }] } }
          : {}),
      }));
      await this.d.store.appendAudit({ actorId: user.id, action: 'customer.update', targetType: 'customer', targetId: p.customerId, data: { tags: !!p.tags, note: !!p.addNote } });
      return { customer };
    });
    this.on(socket, 'sync', async (user, p) => {
      const messages = [];
      for (const [conversationId, afterSeq] of Object.entries(p.cursors as Record<string, number>)) {
        const c = await this.d.store.getConversation(conversationId);
        if (!c || !canRead(user, c)) continue;
        void socket.join(convRoom(c.id));
        messages.push(...(await this.d.store.listMessages(c.id, { afterSeq })));
      }
      return { messages };
    });
  }

  private onDisconnect(userId: string): void {
    if (this.stopped || this.offlineTimers.has(userId)) return;
    const t = setTimeout(async () => {
      this.offlineTimers.delete(userId);
      if (this.stopped) return;
      try {
        const still = (await this.io.in(agentRoom(userId)).fetchSockets()).length > 0;
        if (!still) {
          await this.d.store.updateUser(userId, { presence: 'offline' });
          await this.broadcastAgents();
        }
      } catch (err) {
        this.d.log.warn({ err, userId }, 'could not mark agent offline');
      }
    }, OFFLINE_GRACE_MS);
    t.unref();
    this.offlineTimers.set(userId, t);
  }

  /** Registers a handler: validates the payload, loads the caller fresh (role changes apply at once), acks a coded result. */
  private on<K extends ClientEventName>(socket: ConsoleSocket, name: K, fn: (user: User, payload: any) => Promise<unknown>): void {
    (socket as any).on(name, async (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      try {
        const parsed = ClientSchemas[name].safeParse(payload ?? {});
        if (!parsed.success) {
          throw new AppError('VALIDATION_FAILED', `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
        }
        const user = await this.d.store.getUser(socket.data.userId);
        if (!user) throw new AppError('AUTH_INVALID');
        reply({ ok: true, data: await fn(user, parsed.data) });
      } catch (err) {
        const e = toAppError(err);
        if (e.status >= 500) this.d.log.error({ err: e.cause ?? e, event: name }, 'console handler failed');
        else this.d.log.info({ code: e.code, event: name }, 'console request refused');
        reply({ ok: false, error: { code: e.code, message: e.message } });
      }
    });
  }

  /** Whoever may read one of the customer's chats may change the customer's tags, notes and consent. */
  private async customerReadable(user: User, customerId: string): Promise<void> {
    const chats = await this.d.store.listConversations({ customerId, limit: 1000 });
    if (!chats.some((c) => canRead(user, c))) throw new AppError('NOT_FOUND', 'no such customer');
  }

  private async readable(user: User, conversationId: string): Promise<Conversation> {
    const c = await this.d.store.getConversation(conversationId);
    // The same answer for "does not exist" and "not yours to see", so ids cannot be probed.
    if (!c || !canRead(user, c)) throw new AppError('HANDOFF_NOT_FOUND');
    return c;
  }

  private async view(c: Conversation): Promise<ConversationView> {
    const customer = await this.d.store.getCustomer(c.customerId);
    return { ...c, customerName: customer?.displayName, waitingSeconds: c.queuedAt ? Math.max(0, Math.round((Date.now() - Date.parse(c.queuedAt)) / 1000)) : undefined };
  }

  private views(cs: Conversation[]): Promise<ConversationView[]> {
    return Promise.all(cs.map((c) => this.view(c)));
  }

  private async agentViews(): Promise<AgentView[]> {
    const users = await this.d.store.listUsers();
    return Promise.all(
      users.map(async (u) => ({ id: u.id, name: u.name, role: u.role, presence: u.presence, skills: u.skills, languages: u.languages, capacity: u.capacity, activeChats: await this.d.store.countActiveChats(u.id), lastReplyAt: this.d.handoff.lastReplyAt(u.id) })),
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

  /** Coalesces bursts of queue changes into one snapshot. */
  private scheduleQueueBroadcast(): void {
    if (this.queueTimer || this.stopped) return;
    this.queueTimer = setTimeout(async () => {
      this.queueTimer = undefined;
      try {
        this.io.to(STAFF).emit('queue:updated', { queue: await this.views(await this.d.handoff.queue()) });
      } catch (err) {
        this.d.log.warn({ err }, 'queue broadcast failed');
      }
    }, 25);
  }

  private subscribe(): void {
    const e = this.d.events;
    this.unsubscribe.push(
      e.on('message.created', ({ conversation, message }) => {
        if (message.role === 'agent' && message.kind === 'message') this.scheduleAgentsBroadcast();
        const rooms = [convRoom(conversation.id)];
        if (conversation.agentId) rooms.push(agentRoom(conversation.agentId));
        this.io.to(rooms).emit('message:new', { conversationId: conversation.id, message });
      }),
      e.on('typing', ({ conversation, from }) => {
        const rooms = [convRoom(conversation.id)];
        if (conversation.agentId && from === 'customer') rooms.push(agentRoom(conversation.agentId));
        this.io.to(rooms).emit('typing', { conversationId: conversation.id, from });
      }),
      e.on('conversation.queued', () => this.scheduleQueueBroadcast()),
      e.on('conversation.offered', ({ conversation, agentId }) => {
        this.view(conversation).then(
          (view) => this.io.to(agentRoom(agentId)).emit('conversation:offered', { conversation: view }),
          (err) => this.d.log.warn({ err }, 'offer push failed'),
        );
      }),
      e.on('conversation.assigned', ({ conversation, agentId, previousAgentId }) => {
        this.scheduleQueueBroadcast();
        void this.broadcastAgents();
        if (previousAgentId && previousAgentId !== agentId) this.io.to(agentRoom(previousAgentId)).emit('conversation:released', { conversationId: conversation.id, reason: 'transferred' });
        this.view(conversation).then(
          (view) => this.io.to(agentRoom(agentId)).emit('conversation:assigned', { conversation: view }),
          (err) => this.d.log.warn({ err }, 'assignment push failed'),
        );
      }),
      e.on('conversation.transferred', ({ conversation, fromAgentId, toAgentId }) => {
        if (!toAgentId) this.io.to(agentRoom(fromAgentId)).emit('conversation:released', { conversationId: conversation.id, reason: 'transferred' });
        this.scheduleQueueBroadcast();
      }),
      e.on('conversation.returned', ({ conversation, byAgentId }) => {
        this.io.to(agentRoom(byAgentId)).emit('conversation:released', { conversationId: conversation.id, reason: 'returned' });
        this.scheduleQueueBroadcast();
        void this.broadcastAgents();
      }),
      e.on('conversation.closed', ({ conversation, byAgentId }) => {
        if (byAgentId) this.io.to(agentRoom(byAgentId)).emit('conversation:released', { conversationId: conversation.id, reason: 'closed' });
        this.scheduleQueueBroadcast();
        void this.broadcastAgents();
      }),
    );
  }
}
