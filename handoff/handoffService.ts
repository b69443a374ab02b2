import { AppError } from '../core/errors';
import type { Conversation, Message, User } from '../models/records';
import type { Store } from '../store/store';
import type { EscalationDecision, EscalationReason } from './escalationPolicy';
import type { HandoffEvents } from './handoffEvents';
import { sourcesOf, transition, type TransitionRequest, type TransitionResult } from './handoffStatus';
import { t } from '../locale/replies';
import { canAnnotate, canSee, canWatch, canWhisper, type Actor } from '../review/accessPolicy';

/** At most one typing activity per chat this often (ms): channels show one for about three seconds. */
export const TYPING_EVERY_MS = 3000;

/** How the handoff service reaches a customer on their channel; implemented by the bot (proactive messages). */
export interface CustomerChannel {
  send(conversation: Conversation, message: { kind: 'message' | 'typing'; text?: string }): Promise<void>;
}

export interface QueueTicket {
  position: number;
  /** The likeliest wait, seconds; -1 when nobody can take the chat now. */
  estimatedWaitSeconds: number;
  /** What the estimate may turn out to be, seconds (absent when nobody can take the chat now). */
  waitRange?: { low: number; high: number };
  agentsOnline: number;
}

export interface HandoffOptions {
  /** Handling time assumed before any chat was closed, seconds. */
  defaultHandleSeconds: number;
  /** A chat offered to an agent and not accepted within this many seconds goes to the next agent, one priority higher. */
  offerTimeoutSeconds: number;
  /** When agents work; outside these hours customers are offered to leave a message. */
  businessHours?: BusinessHours;
  /**
   * A customer writing to a chat whose agent has not answered for this many seconds is told their message reached
   * the agent (at most once per this period): never silence.
   */
  agentReplyTimeoutSeconds?: number;
  /** Roles that are offered queued chats (supervisors and admins take chats themselves unless listed). */
  offerRoles?: readonly string[];
  /** Where agents' last replies are kept: shared by every instance when several run (cluster/sharedState.ts); this process's memory otherwise. */
  lastReplies?: LastReplies;
}

/** When each agent last answered a customer (the supervisors' board). */
export interface LastReplies {
  set(agentId: string, at: string): Promise<void>;
  get(agentIds: readonly string[]): Promise<Map<string, string>>;
}

function memoryLastReplies(): LastReplies {
  const m = new Map<string, string>();
  return {
    set: (id, at) => Promise.resolve(void m.set(id, at)),
    get: (ids) => Promise.resolve(new Map(ids.flatMap((id) => (m.has(id) ? [[id, m.get(id)!] as const] : [])))),
  };
}

/** Days 1 (Monday) to 7 (Sunday), and a daily window in a time zone. */
export interface BusinessHours {
  days: number[];
  open: string;
  close: string;
  timeZone: string;
}

export function withinBusinessHours(h: BusinessHours | undefined, at: Date): boolean {
  if (!h) return true;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: h.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return h.days.includes(day) && minutes >= m(h.open) && minutes < m(h.close);
}

export function formatWait(seconds: number, language: string | undefined): string {
  const es = language === 'es';
  if (seconds < 60) return es ? 'menos de 1 minuto' : 'under 1 minute';
  const m = Math.round(seconds / 60);
  return es ? `unos ${m} minutos` : `about ${m} minute${m === 1 ? '' : 's'}`;
}

/** The wait as the customer reads it: one figure when the estimate is firm, a range in minutes when it is not. */
export function formatWaitRange(ticket: Pick<QueueTicket, 'estimatedWaitSeconds' | 'waitRange'>, language: string | undefined): string {
  const r = ticket.waitRange;
  if (!r) return formatWait(ticket.estimatedWaitSeconds, language);
  const low = Math.floor(r.low / 60);
  const high = Math.max(low, Math.ceil(r.high / 60));
  if (high <= 1) return formatWait(Math.min(r.high, 59), language);
  if (high - low <= Math.max(1, Math.round(high * 0.2))) return formatWait((r.low + r.high) / 2, language);
  const es = language === 'es';
  if (low < 1) return es ? `hasta ${high} minutos` : `up to ${high} minutes`;
  return es ? `entre ${low} y ${high} minutos` : `${low} to ${high} minutes`;
}

/**
 * Bot ↔ agent handoff: queue, claim, relay, transfer, return, close. No transport imports: the console
 * gateway subscribes to HandoffEvents and calls these methods; customers are reached through CustomerChannel.
 */
export class HandoffService {
  constructor(
    private readonly store: Store,
    private readonly events: HandoffEvents,
    private readonly channel: CustomerChannel,
    private readonly options: HandoffOptions = { defaultHandleSeconds: 300, offerTimeoutSeconds: 60 },
  ) {}

  isOpen(at = new Date()): boolean {
    return withinBusinessHours(this.options.businessHours, at);
  }

  private async conversation(id: string): Promise<Conversation> {
    if (typeof id !== 'string') throw new AppError('VALIDATION_FAILED', 'conversationId must be a string');
    const c = await this.store.getConversation(id);
    if (!c) throw new AppError('HANDOFF_NOT_FOUND');
    return c;
  }

  private async agent(id: string): Promise<User> {
    const u = typeof id === 'string' ? await this.store.getUser(id) : null;
    if (!u) throw new AppError('HANDOFF_UNKNOWN_AGENT');
    return u;
  }

  /** Every change of state goes through the state machine's transition(): table, compare-and-set, record, event. */
  private move(req: TransitionRequest): Promise<TransitionResult> {
    return transition(this.store, this.events, req);
  }

  /** Records a fact (not a change of state) in the transcript, in sequence with the messages. */
  private async recordEvent(c: Conversation, data: { type: string; [field: string]: unknown }, authorId?: string): Promise<Message> {
    const { message } = await this.store.appendMessage({ conversationId: c.id, role: 'system', kind: 'event', text: data.type, data, authorId });
    this.events.emit('message.created', { conversation: c, message });
    return message;
  }

  private async tell(c: Conversation, text: string, data?: Record<string, unknown>): Promise<void> {
    const { message } = await this.store.appendMessage({ conversationId: c.id, role: 'system', kind: 'message', text, data });
    this.events.emit('message.created', { conversation: c, message });
    // A notice is in the transcript already; failing to deliver it must not undo the state change it reports.
    await this.channel.send(c, { kind: 'message', text }).catch(() => undefined);
  }

  /** Bot → queue. Returns the ticket the bot tells the customer. Idempotent for an already-queued chat. */
  async escalate(conversationId: string, decision: EscalationDecision): Promise<QueueTicket> {
    const c = await this.conversation(conversationId);
    if (c.state === 'queued') return this.ticket(c);
    const now = new Date().toISOString();
    const online = this.isOpen() ? await this.onlineAgents() : [];
    const tags = online.length === 0 ? [...new Set([...c.tags, 'offline_message'])] : c.tags;
    // An agent's chat goes back to the queue only by a transfer to a skill group.
    const r = await this.move({
      conversationId: c.id,
      to: 'queued',
      cause: 'escalated',
      from: sourcesOf('queued').filter((s) => s !== 'agent'),
      expectedVersion: c.version,
      patch: { handoffReason: decision.reason, priority: decision.priorityBoost + (online.length === 0 ? 1 : 0), queuedAt: now, tags },
      detail: { reason: decision.reason, detail: decision.detail },
    });
    if (!r.ok) throw new AppError('HANDOFF_INVALID_TRANSITION', `cannot queue a conversation in state ${r.current?.state ?? c.state}`);
    const queued = r.conversation;
    const ticket = await this.announceQueued(queued, decision.reason, decision.detail);
    await this.offer(queued.id);
    return ticket;
  }

  /**
   * The customer withdraws their request for a person while still queued (no agent took it yet): back to the bot.
   * Returns null when the chat was no longer queued (an agent took it meanwhile).
   */
  async withdraw(conversationId: string): Promise<Conversation | null> {
    const c = await this.conversation(conversationId);
    const r = await this.move({
      conversationId,
      to: 'bot',
      cause: 'withdrawn',
      from: ['queued'],
      expectedVersion: c.version,
      patch: { tags: c.tags.filter((x) => x !== 'offline_message') },
      detail: { withdrawnBy: 'customer' },
    });
    if (!r.ok) return null;
    this.events.emit('conversation.withdrawn', { conversation: r.conversation });
    return r.conversation;
  }

  /**
   * Position and an honest wait, from the real queue: the chats ahead (and how long they have waited already), the
   * free capacity of online agents, and the handling times of recent chats. Never below what the chats ahead have
   * already waited (a queue that has not moved for them will not move faster for this one); a range when the
   * handling times spread or are few.
   */
  async ticket(c: Conversation, now = Date.now()): Promise<QueueTicket> {
    const queue = await this.queue();
    const index = queue.findIndex((q) => q.id === c.id);
    const ahead = index >= 0 ? queue.slice(0, index) : queue;
    const position = ahead.length + 1;
    // Outside business hours nobody counts as available, whatever their presence says.
    const online = this.isOpen(new Date(now)) ? await this.onlineAgents() : [];
    if (online.length === 0) return { position, estimatedWaitSeconds: -1, agentsOnline: 0 };
    const capacity = online.reduce((n, a) => n + a.capacity, 0);
    let busy = 0;
    for (const a of online) busy += await this.store.countActiveChats(a.id);
    const free = Math.max(0, capacity - busy);
    const handle = await this.handlingTimes();
    const waitedAhead = Math.max(0, ...ahead.map((q) => (now - Date.parse(q.queuedAt ?? q.updatedAt)) / 1000));
    let low: number;
    let mid: number;
    let high: number;
    if (position <= free) {
      // A free slot takes the chat as soon as an agent accepts the offer.
      [low, mid, high] = [0, 30, 60];
    } else {
      // Each chat beyond the free slots waits for one to free up: with every slot busy, one frees up every
      // handling time ÷ capacity on average.
      const slots = position - free;
      [low, mid, high] = [handle.low, handle.median, handle.high].map((h) => (slots * h) / Math.max(1, capacity)) as [number, number, number];
    }
    low = Math.max(low, waitedAhead);
    mid = Math.max(mid, waitedAhead);
    high = Math.max(high, mid, waitedAhead * 1.5);
    return { position, estimatedWaitSeconds: Math.round(mid), waitRange: { low: Math.round(low), high: Math.round(high) }, agentsOnline: online.length };
  }

  /** Queued chats in the order they are served: priority first, then who asked for a person first. */
  async queue(): Promise<Conversation[]> {
    const queued = await this.store.listConversations({ states: ['queued'], limit: 1000 });
    const asked = (c: Conversation) => c.queuedAt ?? c.createdAt;
    return queued.sort((a, b) => b.priority - a.priority || asked(a).localeCompare(asked(b)) || a.id.localeCompare(b.id));
  }

  private async onlineAgents(): Promise<User[]> {
    return (await this.store.listUsers()).filter((u) => u.presence === 'online' && u.capacity > 0);
  }

  /**
   * Handling time (accepted → closed) of the last 200 closed chats: median and quartiles, seconds. With fewer than
   * five, the configured default with a wide range (half to double): the estimate is a guess and says so.
   */
  private async handlingTimes(): Promise<{ low: number; median: number; high: number }> {
    const closed = await this.store.listConversations({ states: ['closed'], limit: 200 });
    const times = closed.filter((c) => c.assignedAt && c.closedAt).map((c) => Math.max(30, (Date.parse(c.closedAt!) - Date.parse(c.assignedAt!)) / 1000));
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.max(0, Math.ceil(p * times.length) - 1))];
    if (times.length < 5) {
      const median = times.length > 0 ? at(0.5) : this.options.defaultHandleSeconds;
      return { low: median / 2, median, high: median * 2 };
    }
    return { low: at(0.25), median: at(0.5), high: at(0.75) };
  }

  /**
   * Routing: among online agents of the offered roles under capacity (chats held plus offers standing) who were not
   * offered this chat yet, those with the skill and language first, then the least busy relative to capacity.
   */
  async pickAgent(c: Conversation, exclude: readonly string[] = []): Promise<User | undefined> {
    const roles = this.options.offerRoles ?? ['agent'];
    const offers = await this.standingOffers(c.id);
    const candidates = [];
    for (const a of await this.onlineAgents()) {
      if (exclude.includes(a.id) || !roles.includes(a.role)) continue;
      const load = (await this.store.countActiveChats(a.id)) + (offers.get(a.id) ?? 0);
      if (load >= a.capacity) continue;
      const fit = (!c.skill || a.skills.includes(c.skill) ? 0 : 2) + (!c.language || a.languages.length === 0 || a.languages.includes(c.language) ? 0 : 1);
      candidates.push({ a, fit, load: load / a.capacity });
    }
    candidates.sort((x, y) => x.fit - y.fit || x.load - y.load);
    return candidates[0]?.a;
  }

  /** Offers standing per agent (a queued chat's last offer, not yet timed out), besides the chat `except`. */
  private async standingOffers(except: string, now = Date.now()): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const q of await this.store.listConversations({ states: ['queued'], limit: 1000 })) {
      if (q.id === except) continue;
      const to = q.queueInfo?.offeredTo.at(-1);
      const at = q.queueInfo?.offeredAt ? Date.parse(q.queueInfo.offeredAt) : NaN;
      if (to && now - at < this.options.offerTimeoutSeconds * 1000) out.set(to, (out.get(to) ?? 0) + 1);
    }
    return out;
  }

  /**
   * Offers every queued chat without a standing offer, in queue order, as far as capacity allows: run when an agent
   * comes online or frees a slot, so chats are spread at once instead of after an offer timeout.
   */
  async offerWaiting(now = Date.now()): Promise<string[]> {
    const offered: string[] = [];
    for (const c of await this.queue()) {
      const at = c.queueInfo?.offeredAt ? Date.parse(c.queueInfo.offeredAt) : NaN;
      if (c.queueInfo?.offeredTo.length && now - at < this.options.offerTimeoutSeconds * 1000) continue;
      if (await this.offer(c.id)) offered.push(c.id);
    }
    return offered;
  }

  /** Offers a queued chat to the best agent who has not had it yet; returns who, if anyone. */
  async offer(conversationId: string): Promise<string | undefined> {
    const c = await this.store.getConversation(conversationId);
    if (!c || c.state !== 'queued') return undefined;
    const offeredTo = c.queueInfo?.offeredTo ?? [];
    const best = await this.pickAgent(c, offeredTo);
    if (!best) return undefined;
    const next = await this.store.updateConversation(
      c.id,
      { queueInfo: { ...c.queueInfo, offeredTo: [...offeredTo, best.id], offeredAt: new Date().toISOString() } },
      { states: ['queued'], version: c.version },
    );
    if (!next) return undefined;
    this.events.emit('conversation.offered', { conversation: next, agentId: best.id });
    return best.id;
  }

  /**
   * Runs periodically: a chat whose offer was not accepted in time goes one priority up and to the next agent;
   * customers whose position or wait changed meaningfully are told again.
   */
  async sweep(now = new Date()): Promise<{ reoffered: string[]; notified: string[] }> {
    const reoffered: string[] = [];
    const notified: string[] = [];
    for (const c of await this.queue()) {
      const offeredAt = c.queueInfo?.offeredAt ? Date.parse(c.queueInfo.offeredAt) : c.queuedAt ? Date.parse(c.queuedAt) : now.getTime();
      if (now.getTime() - offeredAt >= this.options.offerTimeoutSeconds * 1000) {
        const raised = await this.store.updateConversation(c.id, { priority: c.priority + 1 }, { states: ['queued'], version: c.version });
        if (raised && (await this.offer(c.id))) reoffered.push(c.id);
        else if (raised)
          await this.store.updateConversation(
            c.id,
            { queueInfo: { ...raised.queueInfo, offeredTo: raised.queueInfo?.offeredTo ?? [], offeredAt: now.toISOString() } },
            { states: ['queued'] },
          );
      }
      const fresh = await this.store.getConversation(c.id);
      if (!fresh || fresh.state !== 'queued') continue;
      const ticket = await this.ticket(fresh);
      const last = fresh.queueInfo?.lastNotice;
      // Meaningful: a better position, or a wait that moved by at least a minute and a quarter of what was said.
      const moved = !last || ticket.position < last.position || Math.abs(ticket.estimatedWaitSeconds - last.waitSeconds) >= Math.max(60, last.waitSeconds / 4);
      if (moved && ticket.agentsOnline > 0) {
        await this.store.updateConversation(
          fresh.id,
          { queueInfo: { ...(fresh.queueInfo ?? { offeredTo: [] }), lastNotice: { position: ticket.position, waitSeconds: ticket.estimatedWaitSeconds } } },
          { states: ['queued'] },
        );
        await this.tell(fresh, t(fresh.language, 'queuePosition', { position: ticket.position, wait: formatWaitRange(ticket, fresh.language) }));
        notified.push(fresh.id);
      }
    }
    return { reoffered, notified };
  }

  /** An agent takes a queued chat. Compare-and-set in the store: two agents never both win. */
  async claim(agentId: string, conversationId: string): Promise<Conversation> {
    const agent = await this.agent(agentId);
    await this.conversation(conversationId);
    const r = await this.move({
      conversationId,
      to: 'agent',
      cause: 'claimed',
      from: ['queued'],
      agent: { id: agentId, maxActive: agent.capacity },
      patch: { assignedAt: new Date().toISOString() },
      actorId: agentId,
      detail: { agentName: agent.name },
    });
    if (!r.ok) throw this.claimError(r, agentId);
    await this.presentAsHolder(agent);
    this.events.emit('conversation.assigned', { conversation: r.conversation, agentId, previousAgentId: null });
    await this.tell(r.conversation, t(r.conversation.language, 'agentJoined', { name: agent.name }));
    return r.conversation;
  }

  /**
   * Someone who just took a chat is present, whatever their stored presence says: a supervisor who took over without
   * ever going online was otherwise read as gone at the customer's next message, and the chat went back to the queue.
   * Going offline later (presence or a closed console) still hands their chats back.
   */
  private async presentAsHolder(user: User): Promise<void> {
    if (user.presence === 'offline') await this.store.updateUser(user.id, { presence: 'online' });
  }

  /** A refused claim or takeover, judged by the state after the race (transition() reads it again), not before. */
  private claimError(r: Extract<TransitionResult, { ok: false }>, agentId: string): AppError {
    if (r.reason === 'not_found' || !r.current) return new AppError('HANDOFF_NOT_FOUND');
    if (r.reason === 'capacity') return new AppError('HANDOFF_AT_CAPACITY');
    if (r.current.state === 'agent' && r.current.agentId !== agentId) return new AppError('HANDOFF_ALREADY_CLAIMED');
    return new AppError('HANDOFF_INVALID_TRANSITION', `conversation is ${r.current.state}`);
  }

  /**
   * The chat, if this agent holds it. Not theirs: HANDOFF_NOT_OWNER where they may see it (they held it, it is queued,
   * they oversee it); a chat they may not see answers exactly like one that does not exist (ids cannot be probed).
   */
  private async owned(agentId: string, conversationId: string): Promise<Conversation> {
    const c = await this.conversation(conversationId);
    if (c.state === 'agent' && c.agentId === agentId) return c;
    const user = await this.store.getUser(agentId);
    const actor = { id: agentId, role: user?.role ?? 'agent' };
    if (!user || !(canSee(actor, c) || canWatch(actor, c))) throw new AppError('HANDOFF_NOT_FOUND');
    throw new AppError('HANDOFF_NOT_OWNER');
  }

  /** A supervisor takes a live or queued chat; the previous agent is released. Audited. */
  async takeover(supervisorId: string, conversationId: string): Promise<Conversation> {
    const sup = await this.agent(supervisorId);
    const before = await this.conversation(conversationId);
    const r = await this.move({
      conversationId,
      to: 'agent',
      cause: 'taken_over',
      from: ['queued', 'agent'],
      expectedAgentId: before.agentId,
      agent: { id: sup.id, maxActive: Number.MAX_SAFE_INTEGER },
      patch: { assignedAt: new Date().toISOString() },
      actorId: sup.id,
      detail: { takeover: true },
    });
    if (!r.ok) throw this.claimError(r, sup.id);
    await this.presentAsHolder(sup);
    await this.store.appendAudit({
      actorId: sup.id,
      action: 'chat.takeover',
      targetType: 'conversation',
      targetId: conversationId,
      data: { previousAgentId: r.previous.agentId },
    });
    this.events.emit('conversation.assigned', { conversation: r.conversation, agentId: sup.id, previousAgentId: r.previous.agentId });
    // The customer is told someone else writes now: a colleague continues a held chat; a queued one was simply joined.
    const notice = r.previous.state === 'agent' ? 'takenOver' : 'agentJoined';
    await this.tell(r.conversation, t(r.conversation.language, notice, { name: sup.name }));
    return r.conversation;
  }

  /**
   * A supervisor moves any open chat (queued or held) to another agent (within that agent's capacity) or to a skill
   * group (back to the queue with that skill, offered afresh). The previous agent is released like after a transfer;
   * the customer is told. Audited.
   */
  async reassign(supervisorId: string, conversationId: string, to: { agentId?: string; skill?: string }): Promise<Conversation> {
    const sup = await this.agent(supervisorId);
    const before = await this.conversation(conversationId);
    if (before.state !== 'queued' && before.state !== 'agent') throw new AppError('HANDOFF_INVALID_TRANSITION', `conversation is ${before.state}`);
    const now = new Date().toISOString();
    const detail = { reassignedBy: sup.id, fromAgentId: before.agentId ?? undefined, toAgentId: to.agentId, skill: to.skill };
    // Judged by the state after a refused move: a chat that changed meanwhile is not silently moved anyway.
    const refused = (r: Extract<TransitionResult, { ok: false }>) =>
      r.reason === 'not_found'
        ? new AppError('HANDOFF_NOT_FOUND')
        : r.reason === 'capacity'
          ? new AppError('HANDOFF_AT_CAPACITY', 'the target agent is at capacity')
          : new AppError('HANDOFF_INVALID_TRANSITION', 'the chat changed meanwhile; look again');
    let next: Conversation;
    if (to.agentId) {
      const target = await this.agent(to.agentId);
      if (target.id === before.agentId) throw new AppError('VALIDATION_FAILED', 'this agent holds the chat already');
      const r = await this.move({
        conversationId,
        to: 'agent',
        cause: 'reassigned',
        from: ['queued', 'agent'],
        expectedAgentId: before.agentId,
        expectedVersion: before.version,
        agent: { id: target.id, maxActive: target.capacity },
        patch: { assignedAt: now },
        actorId: sup.id,
        detail,
      });
      if (!r.ok) throw refused(r);
      next = r.conversation;
    } else if (to.skill) {
      const patch = { skill: to.skill, queuedAt: before.queuedAt ?? now, queueInfo: { offeredTo: [] } };
      if (before.state === 'queued') {
        // Still queued: only its skill group changes (no change of state or owner), offered afresh.
        const updated = await this.store.updateConversation(conversationId, patch, { states: ['queued'], version: before.version });
        if (!updated) throw new AppError('HANDOFF_INVALID_TRANSITION', 'the chat changed meanwhile; look again');
        await this.recordEvent(updated, { type: 'reassigned', ...detail }, sup.id);
        next = updated;
      } else {
        const r = await this.move({
          conversationId,
          to: 'queued',
          cause: 'reassigned',
          from: ['agent'],
          expectedAgentId: before.agentId,
          expectedVersion: before.version,
          patch: { ...patch, queuedAt: now },
          actorId: sup.id,
          detail,
        });
        if (!r.ok) throw refused(r);
        next = r.conversation;
      }
    } else {
      throw new AppError('VALIDATION_FAILED', 'reassign needs an agentId or a skill');
    }
    await this.store.appendAudit({ actorId: sup.id, action: 'chat.reassign', targetType: 'conversation', targetId: conversationId, data: detail });
    if (before.agentId)
      this.events.emit('conversation.transferred', { conversation: next, fromAgentId: before.agentId, toAgentId: to.agentId, skill: to.skill });
    if (next.state === 'agent') {
      this.events.emit('conversation.assigned', { conversation: next, agentId: next.agentId!, previousAgentId: before.agentId });
      const target = await this.agent(next.agentId!);
      if (before.state === 'agent') await this.tell(next, t(next.language, 'transferred'));
      await this.tell(next, t(next.language, 'agentJoined', { name: target.name }));
    } else {
      const ticket = await this.ticket(next);
      this.events.emit('conversation.queued', {
        conversation: next,
        reason: (next.handoffReason as EscalationReason | undefined) ?? 'dialog_decided',
        detail: `reassigned to ${to.skill}`,
        position: ticket.position,
        estimatedWaitSeconds: ticket.estimatedWaitSeconds,
      });
      if (before.state === 'agent') await this.tell(next, t(next.language, 'transferred'));
      await this.offer(next.id);
    }
    return (await this.store.getConversation(next.id)) ?? next;
  }

  private inMemoryReplies?: LastReplies;
  private get lastReply(): LastReplies {
    return this.options.lastReplies ?? (this.inMemoryReplies ??= memoryLastReplies());
  }

  /** When each of these agents last answered a customer (kept in memory, or in Redis across instances): the live board shows it. */
  lastReplyAt(agentIds: readonly string[]): Promise<Map<string, string>> {
    return this.lastReply.get(agentIds);
  }

  /** Agent → customer: stored first, then sent on the customer's channel. A retried clientMessageId is stored and sent once. */
  async agentMessage(agentId: string, conversationId: string, text: string, clientMessageId?: string): Promise<Message> {
    const c = await this.owned(agentId, conversationId);
    const { message, created } = await this.store.appendMessage({
      conversationId: c.id,
      role: 'agent',
      kind: 'message',
      authorId: agentId,
      text,
      activityId: clientMessageId ? `agent:${agentId}:${clientMessageId}` : undefined,
    });
    if (!created) return message;
    // Only the board reads it: a failed write (Redis away) must not fail the message, which is stored.
    this.lastReply.set(agentId, message.createdAt).catch(() => undefined);
    // A message ends the channel's typing indicator: the next keystroke may show it again at once.
    this.typingSent.delete(c.id);
    if (!c.firstAgentReplyAt) await this.store.updateConversation(c.id, { firstAgentReplyAt: message.createdAt }, { states: ['agent'], agentId });
    this.events.emit('message.created', { conversation: c, message });
    try {
      await this.channel.send(c, { kind: 'message', text });
    } catch (err) {
      throw new AppError('HANDOFF_DELIVERY_FAILED', undefined, { cause: err, details: { messageId: message.id, seq: message.seq } });
    }
    return message;
  }

  /**
   * An internal note on the transcript; the customer never sees it. A supervisor's or admin's note or whisper on a
   * chat is audited; an agent's own notes are part of their work.
   */
  async note(author: Actor, conversationId: string, text: string, kind: 'note' | 'whisper' = 'note'): Promise<Message> {
    const c = await this.conversation(conversationId);
    // Watching a queued chat is not serving it: notes are for its holder (and reviewers), whispers for reviewers.
    if (kind === 'whisper' && !canWhisper(author)) throw new AppError('FORBIDDEN', 'whispers are for supervisors');
    if (!canAnnotate(author, c)) throw new AppError('HANDOFF_NOT_OWNER');
    const { message } = await this.store.appendMessage({ conversationId: c.id, role: 'agent', kind, authorId: author.id, text });
    this.events.emit('message.created', { conversation: c, message });
    if (author.role !== 'agent')
      await this.store.appendAudit({
        actorId: author.id,
        action: kind === 'whisper' ? 'chat.whisper' : 'chat.note',
        targetType: 'conversation',
        targetId: c.id,
        data: { seq: message.seq },
      });
    return message;
  }

  /** When a typing activity last went to each chat's channel (ms); see TYPING_EVERY_MS. */
  private readonly typingSent = new Map<string, number>();

  /**
   * The chat's owner is typing: colleagues watching see it at once; the customer's channel gets a typing activity at
   * most once every TYPING_EVERY_MS per chat (channels show one for a few seconds). Only the owner's typing counts.
   */
  async typing(agentId: string, conversationId: string, at = Date.now()): Promise<void> {
    const c = await this.owned(agentId, conversationId);
    this.events.emit('typing', { conversation: c, from: 'agent', agentId });
    if (at - (this.typingSent.get(c.id) ?? -Infinity) < TYPING_EVERY_MS) return;
    if (this.typingSent.size >= 10_000) for (const [id, when] of this.typingSent) if (at - when >= TYPING_EVERY_MS) this.typingSent.delete(id);
    this.typingSent.set(c.id, at);
    await this.channel.send(c, { kind: 'typing' }).catch(() => undefined);
  }

  /** Someone writing a note or whisper on a chat they may watch: colleagues see it; the customer never does. */
  async internalTyping(userId: string, conversationId: string): Promise<void> {
    const c = await this.conversation(conversationId);
    this.events.emit('typing', { conversation: c, from: 'agent', agentId: userId, internal: true });
  }

  /** To another agent (compare-and-set on the current owner, respecting the target's capacity) or back to the queue for a skill group. */
  async transfer(agentId: string, conversationId: string, to: { agentId?: string; skill?: string; note?: string }): Promise<Conversation> {
    await this.owned(agentId, conversationId);
    const now = new Date().toISOString();
    const detail = { fromAgentId: agentId, toAgentId: to.agentId, skill: to.skill };
    let next: Conversation;
    if (to.agentId) {
      const target = await this.agent(to.agentId);
      const r = await this.move({
        conversationId,
        to: 'agent',
        cause: 'transferred',
        from: ['agent'],
        expectedAgentId: agentId,
        agent: { id: target.id, maxActive: target.capacity },
        patch: { assignedAt: now },
        actorId: agentId,
        detail,
      });
      if (!r.ok) throw r.reason === 'capacity' ? new AppError('HANDOFF_AT_CAPACITY', 'the target agent is at capacity') : new AppError('HANDOFF_NOT_OWNER');
      next = r.conversation;
    } else if (to.skill) {
      const r = await this.move({
        conversationId,
        to: 'queued',
        cause: 'requeued',
        from: ['agent'],
        expectedAgentId: agentId,
        patch: { skill: to.skill, queuedAt: now },
        actorId: agentId,
        detail,
      });
      if (!r.ok) throw new AppError('HANDOFF_NOT_OWNER');
      next = r.conversation;
    } else {
      throw new AppError('VALIDATION_FAILED', 'transfer needs an agentId or a skill');
    }
    if (to.note) await this.note({ id: agentId, role: 'agent' }, conversationId, to.note);
    this.events.emit('conversation.transferred', { conversation: next, fromAgentId: agentId, toAgentId: to.agentId, skill: to.skill, note: to.note });
    if (next.state === 'agent') this.events.emit('conversation.assigned', { conversation: next, agentId: next.agentId!, previousAgentId: agentId });
    else
      this.events.emit('conversation.queued', {
        conversation: next,
        reason: 'dialog_decided',
        detail: `transferred to ${to.skill}`,
        position: (await this.ticket(next)).position,
        estimatedWaitSeconds: (await this.ticket(next)).estimatedWaitSeconds,
      });
    await this.tell(next, t(next.language, 'transferred'));
    return next;
  }

  /** Agent → bot; the bot picks up with a welcome back. */
  async returnToBot(agentId: string, conversationId: string): Promise<Conversation> {
    await this.owned(agentId, conversationId);
    const r = await this.move({ conversationId, to: 'bot', cause: 'returned', from: ['agent'], expectedAgentId: agentId, actorId: agentId });
    if (!r.ok) throw new AppError('HANDOFF_NOT_OWNER');
    const next = r.conversation;
    this.events.emit('conversation.returned', { conversation: next, byAgentId: agentId });
    await this.tell(next, t(next.language, 'returnedToBot'));
    // A slot freed up; routing failing here must not turn the done change into an error.
    await this.offerWaiting().catch(() => undefined);
    return next;
  }

  /** Closes and asks the customer for a 1–5 rating; the next customer message with a number is stored as the rating. */
  async close(agentId: string, conversationId: string): Promise<Conversation> {
    // Tags stay: supervisors review closed chats by them ('offline_message', their own tags).
    const current = await this.owned(agentId, conversationId);
    const r = await this.move({
      conversationId,
      to: 'closed',
      cause: 'closed',
      from: ['agent'],
      expectedAgentId: agentId,
      patch: { closedAt: new Date().toISOString(), tags: [...new Set([...current.tags, 'survey_pending'])] },
      actorId: agentId,
    });
    if (!r.ok) throw new AppError('HANDOFF_NOT_OWNER');
    const withSurvey = r.conversation;
    this.events.emit('conversation.closed', { conversation: withSurvey, byAgentId: agentId });
    await this.tell(withSurvey, t(withSurvey.language, 'survey'));
    // A slot freed up; routing failing here must not turn the done change into an error.
    await this.offerWaiting().catch(() => undefined);
    return withSurvey;
  }

  /**
   * closed → bot: the customer wrote again, or a social mention arrived. A survey still pending is dropped. Returns
   * the reopened conversation, or null when it was no longer closed.
   */
  async reopen(conversationId: string): Promise<Conversation | null> {
    const c = await this.conversation(conversationId);
    const r = await this.move({
      conversationId,
      to: 'bot',
      cause: 'reopened',
      from: ['closed'],
      patch: { tags: c.tags.filter((x) => x !== 'survey_pending') },
    });
    return r.ok ? r.conversation : null;
  }

  /** bot → external: a contact centre takes over through the Bot Framework handoff protocol. Null when the bot no longer had it. */
  async startExternal(conversationId: string, decision: EscalationDecision): Promise<Conversation | null> {
    const r = await this.move({
      conversationId,
      to: 'external',
      cause: 'external_started',
      from: ['bot'],
      patch: { handoffReason: decision.reason },
      detail: { reason: decision.reason },
    });
    return r.ok ? r.conversation : null;
  }

  /** external → closed (the contact centre completed) or bot (it failed), from its handoff.status event. */
  async endExternal(conversationId: string, status: 'completed' | 'failed'): Promise<Conversation | null> {
    const r = await this.move({
      conversationId,
      to: status === 'completed' ? 'closed' : 'bot',
      cause: 'external_ended',
      from: ['external'],
      detail: { handoffStatus: status },
    });
    return r.ok ? r.conversation : null;
  }

  async recordSatisfaction(conversationId: string, score: number, comment?: string): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new AppError('VALIDATION_FAILED', 'score must be 1 to 5');
    const c = await this.conversation(conversationId);
    const next = await this.store.updateConversation(c.id, {
      satisfaction: { score, comment, at: new Date().toISOString() },
      tags: c.tags.filter((t) => t !== 'survey_pending'),
    });
    if (next) await this.recordEvent(next, { type: 'satisfaction', score, comment });
  }

  /** A stored customer message on a chat owned by an agent: relay it (the console gets it through the event). */
  relayCustomerMessage(c: Conversation, message: Message): void {
    this.events.emit('message.created', { conversation: c, message });
  }

  /**
   * A customer wrote to a chat an agent holds: relayed, and never met with silence. A holder who is no longer online
   * (an offline the console could not report, e.g. across a restart) gives the chat back to the queue; one who has
   * not answered for the configured time gets the customer a "your message reached them" notice, at most once per
   * that period.
   */
  async customerWroteToAgent(c: Conversation, message: Message, now = Date.now()): Promise<void> {
    this.relayCustomerMessage(c, message);
    if (c.state !== 'agent' || !c.agentId) return;
    const agent = await this.store.getUser(c.agentId);
    if (!agent || agent.presence === 'offline') {
      await this.requeueFromAgent(c, 'agent_offline');
      return;
    }
    const timeoutMs = (this.options.agentReplyTimeoutSeconds ?? 120) * 1000;
    const recent = await this.store.listMessages(c.id, { afterSeq: Math.max(0, message.seq - 200) });
    const at = (m: Message | undefined) => (m ? Date.parse(m.createdAt) : 0);
    const lastAnswer = Math.max(
      at(lastOf(recent, (m) => m.role === 'agent' && m.kind === 'message' && m.authorId === c.agentId)),
      c.assignedAt ? Date.parse(c.assignedAt) : 0,
    );
    const lastHolding = at(lastOf(recent, (m) => m.role === 'system' && m.kind === 'message' && m.data?.notice === 'agentStillThere'));
    if (now - lastAnswer < timeoutMs || now - lastHolding < timeoutMs) return;
    await this.tell(c, t(c.language, 'agentStillThere', { name: agent.name }), { notice: 'agentStillThere' });
  }

  /**
   * The agent went offline (said so, or their last console closed and the grace passed): every chat they hold goes
   * back to the queue through transition(), ahead of newer requests, its customer is told (another agent, or the
   * leave-a-message path when nobody is online), and it is offered to the next agent. Returns the requeued chats.
   */
  async releaseAgentChats(agentId: string): Promise<Conversation[]> {
    const held = await this.store.listConversations({ agentId, states: ['agent'], limit: 1000 });
    const out: Conversation[] = [];
    for (const c of held) {
      const next = await this.requeueFromAgent(c, 'agent_offline');
      if (next) out.push(next);
    }
    // Offers standing to them move on now, not after the offer timeout.
    for (const q of await this.queue()) if (q.queueInfo?.offeredTo.at(-1) === agentId) await this.offer(q.id);
    return out;
  }

  /** A chat just queued: the console and webhooks hear of it with its place and wait, and no offer stands yet. */
  private async announceQueued(queued: Conversation, reason: EscalationReason, detail: string): Promise<QueueTicket> {
    const ticket = await this.ticket(queued);
    this.events.emit('conversation.queued', {
      conversation: queued,
      reason,
      detail,
      position: ticket.position,
      estimatedWaitSeconds: ticket.estimatedWaitSeconds,
    });
    await this.store.updateConversation(
      queued.id,
      { queueInfo: { offeredTo: [], lastNotice: { position: ticket.position, waitSeconds: ticket.estimatedWaitSeconds } } },
      { states: ['queued'] },
    );
    return ticket;
  }

  private async requeueFromAgent(c: Conversation, cause: 'agent_offline'): Promise<Conversation | null> {
    const now = new Date().toISOString();
    const online = this.isOpen() ? (await this.onlineAgents()).filter((a) => a.id !== c.agentId) : [];
    const tags = online.length === 0 ? [...new Set([...c.tags, 'offline_message'])] : c.tags;
    const r = await this.move({
      conversationId: c.id,
      to: 'queued',
      cause,
      from: ['agent'],
      expectedAgentId: c.agentId,
      // It keeps the place it first queued at and goes one priority up: this customer has waited already.
      patch: { queuedAt: c.queuedAt ?? now, priority: c.priority + 1, tags },
      detail: { reason: 'agent_offline', previousAgentId: c.agentId },
    });
    if (!r.ok) return null;
    const queued = r.conversation;
    const ticket = await this.announceQueued(queued, 'dialog_decided', 'the agent went offline');
    await this.tell(
      queued,
      ticket.agentsOnline > 0
        ? t(queued.language, 'agentLeftRequeued', { position: ticket.position, wait: formatWaitRange(ticket, queued.language) })
        : t(queued.language, 'agentLeftNobody'),
    );
    await this.offer(queued.id);
    return queued;
  }

  customerTyping(c: Conversation): void {
    this.events.emit('typing', { conversation: c, from: 'customer' });
  }
}

function lastOf<T>(items: readonly T[], pred: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return items[i];
  return undefined;
}
