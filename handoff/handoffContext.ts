import { AppError, isAppError } from '../core/errors';
import type { Conversation, ConversationPatch, Message, NewMessage, User } from '../models/records';
import { canSee, canWatch } from '../review/accessPolicy';
import type { AppendResult, Store } from '../store/store';
import type { HandoffEvents } from './handoffEvents';
import { transition, type TransitionRequest, type TransitionResult } from './handoffStatus';

/** How the handoff service reaches a customer on their channel; implemented by the bot (proactive messages). */
export interface CustomerChannel {
  send(conversation: Conversation, message: { kind: 'message' | 'typing'; text?: string }): Promise<void>;
}

export interface HandoffOptions {
  /** Handling time assumed before any chat was closed, seconds. */
  defaultHandleSeconds: number;
  /** A chat offered to an agent and not accepted within this many seconds goes to the next agent, one priority higher. */
  offerTimeoutSeconds: number;
  /** An agent who declined a chat, or let its offer time out, is not offered that chat again for this long, seconds (default 120). */
  offerCooldownSeconds?: number;
  /** A queued customer whose place did not improve is told it again only after this long, seconds (default 600). */
  queueNoticeQuietSeconds?: number;
  /** A queued web chat whose streams have all been closed this long is marked gone, seconds (default 300). */
  awayAfterSeconds?: number;
  /** A queued chat whose customer has not written, with no stream open, this long is marked gone, seconds (default 3600). */
  idleAwaySeconds?: number;
  /** When agents work; outside these hours customers are offered to leave a message. */
  businessHours?: BusinessHours;
  /**
   * A customer writing to a chat whose agent has not answered for this many seconds is told their message reached
   * the agent (at most once per this period): never silence.
   */
  agentReplyTimeoutSeconds?: number;
  /** Roles that are offered queued chats (supervisors and admins take chats themselves unless listed). */
  offerRoles?: readonly string[];
  /**
   * Longest wait for the customer's channel to take one message, ms (CHANNEL_SEND_TIMEOUT_MS): past it the send counts
   * as failed, so an agent's reply is answered before the console gives up (10 s).
   */
  channelSendTimeoutMs?: number;
  /** Where agents' last replies are kept: shared by every instance when several run (cluster/sharedState.ts); this process's memory otherwise. */
  lastReplies?: LastReplies;
}

/** When each agent last answered a customer (the supervisors' board). */
export interface LastReplies {
  set(agentId: string, at: string): Promise<void>;
  get(agentIds: readonly string[]): Promise<Map<string, string>>;
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

/** Compare-and-set attempts at one write to a queued chat: each failed one means another write landed meanwhile. */
export const QUEUED_WRITE_ATTEMPTS = 8;

/** How many of a chat's last messages are searched for the event that took it from an agent. */
const LOSS_LOOKBACK = 500;

/**
 * What every part of the handoff service shares: the store, the events, the customer's channel, the options, and
 * the few steps each part takes (find the chat, find the agent, move it through transition(), tell the customer).
 */
export class HandoffContext {
  constructor(
    readonly store: Store,
    readonly events: HandoffEvents,
    readonly channel: CustomerChannel,
    readonly options: HandoffOptions,
  ) {}

  isOpen(at = new Date()): boolean {
    return withinBusinessHours(this.options.businessHours, at);
  }

  async conversation(id: string): Promise<Conversation> {
    if (typeof id !== 'string') throw new AppError('VALIDATION_FAILED', 'conversationId must be a string');
    const c = await this.store.getConversation(id);
    if (!c) throw new AppError('HANDOFF_NOT_FOUND');
    return c;
  }

  async agent(id: string): Promise<User> {
    const u = typeof id === 'string' ? await this.store.getUser(id) : null;
    if (!u) throw new AppError('HANDOFF_UNKNOWN_AGENT');
    return u;
  }

  /** Every change of state goes through the state machine's transition(): table, compare-and-set, record, event. */
  move(req: TransitionRequest): Promise<TransitionResult> {
    return transition(this.store, this.events, req);
  }

  /**
   * A read-modify-write of a queued chat (its queue info: offers, what its customer was told, whether they are there),
   * compare-and-set on the version read: a write that landed meanwhile (an offer, the customer seen) is read again and
   * kept, never written over with the stale read nor the reason this write is dropped. `patch` is worked out from the
   * chat as it is now (undefined: nothing to write). Null when the chat is no longer queued (or kept changing).
   */
  async updateQueued(conversationId: string, patch: (c: Conversation) => ConversationPatch | undefined): Promise<Conversation | null> {
    for (let attempt = 0; attempt < QUEUED_WRITE_ATTEMPTS; attempt++) {
      const c = await this.store.getConversation(conversationId);
      if (!c || c.state !== 'queued') return null;
      const p = patch(c);
      if (!p) return c;
      const next = await this.store.updateConversation(c.id, p, { states: ['queued'], version: c.version });
      if (next) return next;
    }
    return null;
  }

  /** Records a fact (not a change of state) in the transcript, in sequence with the messages. */
  async recordEvent(c: Conversation, data: { type: string; [field: string]: unknown }, authorId?: string): Promise<Message> {
    const { message } = await this.store.appendMessage({ conversationId: c.id, role: 'system', kind: 'event', text: data.type, data, authorId });
    this.events.emit('message.created', { conversation: c, message });
    return message;
  }

  /**
   * A notice to the customer: stored in the transcript, then delivered in the background (in order with the chat's
   * other deliveries). The claim, transfer or close it reports never waits on a slow channel, and a failure to
   * deliver it is recorded, never undoing the change it reports.
   */
  async tell(c: Conversation, text: string, data?: Record<string, unknown>): Promise<Message> {
    const { message } = await this.store.appendMessage({ conversationId: c.id, role: 'system', kind: 'message', text, data });
    this.events.emit('message.created', { conversation: c, message });
    this.deliver(c, message).catch(() => undefined);
    return message;
  }

  /** Each chat's delivery chain: a later reply never overtakes an earlier notice on the customer's channel. */
  private readonly deliveries = new Map<string, Promise<void>>();

  /**
   * Sends one stored message on the customer's channel once the chat's earlier deliveries are done. The outcome
   * comes within channelSendTimeoutMs of asking, waiting included: past it the message counts as not delivered and
   * is not sent later (an agent who retries must not reach the customer twice). A failure is
   * HANDOFF_DELIVERY_FAILED, recorded on the transcript (`{type:'delivery_failed', forSeq}`) so every console, and a
   * reload, shows that message as not delivered.
   */
  deliver(c: Conversation, message: Message): Promise<void> {
    let gaveUp = false;
    const turn = (this.deliveries.get(c.id) ?? Promise.resolve()).then(() =>
      gaveUp ? undefined : this.channel.send(c, { kind: 'message', text: message.text }),
    );
    const attempt = this.bounded(turn, () => (gaveUp = true));
    // The chain moves on when this delivery has an outcome, a timeout included: a channel that never answers must
    // not hold every later message forever (one it takes late may then land after a later one; it is marked failed).
    const tail = attempt.catch(() => undefined);
    this.deliveries.set(c.id, tail);
    void tail.then(() => {
      if (this.deliveries.get(c.id) === tail) this.deliveries.delete(c.id);
    });
    return attempt.catch(async (err: unknown) => {
      const failed = isAppError(err, 'HANDOFF_DELIVERY_FAILED') ? err : new AppError('HANDOFF_DELIVERY_FAILED', undefined, { cause: err });
      const reason = (failed.details as { reason?: unknown } | undefined)?.reason;
      await this.recordEvent(c, { type: 'delivery_failed', forSeq: message.seq, ...(typeof reason === 'string' ? { reason } : {}) }).catch(() => undefined);
      throw failed;
    });
  }

  /** Every delivery queued for this chat so far has been tried (tests, shutdown). */
  async delivered(conversationId: string): Promise<void> {
    await this.deliveries.get(conversationId);
  }

  private bounded(work: Promise<void>, onTimeout: () => void): Promise<void> {
    const ms = this.options.channelSendTimeoutMs ?? 7000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new AppError('HANDOFF_DELIVERY_FAILED', undefined, { details: { reason: 'CHANNEL_TIMEOUT' } }));
      }, ms);
      timer.unref();
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * The chat, if this agent holds it. Not theirs, where they may see it (they held it, it is queued, they oversee it):
   * HANDOFF_REASSIGNED or HANDOFF_TAKEN_OVER when a supervisor last took it from them (read-only for them now, as
   * their `conversation:released` said), HANDOFF_NOT_OWNER where they may watch it (queued; supervisors). A chat
   * they may not watch (given away, closed, never theirs) answers exactly like one that does not exist.
   */
  async owned(agentId: string, conversationId: string): Promise<Conversation> {
    const c = await this.conversation(conversationId);
    if (c.state === 'agent' && c.agentId === agentId) return c;
    const user = await this.store.getUser(agentId);
    const actor = { id: agentId, role: user?.role ?? 'agent' };
    if (!user || !(canSee(actor, c) || canWatch(actor, c))) throw new AppError('HANDOFF_NOT_FOUND');
    const lost = await this.lastLoss(c, agentId);
    if (lost === 'reassigned') throw new AppError('HANDOFF_REASSIGNED');
    if (lost === 'taken_over') throw new AppError('HANDOFF_TAKEN_OVER');
    // The console's rule is the live one: a chat they held and gave away (or that was closed) is no longer theirs to
    // watch, and must answer like a random id, not confirm that it exists.
    if (!canWatch(actor, c)) throw new AppError('HANDOFF_NOT_FOUND');
    throw new AppError('HANDOFF_NOT_OWNER');
  }

  /**
   * Why an action on a chat this agent held was refused after owned() let it through (a takeover, transfer, requeue
   * or close landed first): what owned() answers now (HANDOFF_TAKEN_OVER, HANDOFF_REASSIGNED, HANDOFF_NOT_OWNER…).
   */
  async lostHold(agentId: string, conversationId: string): Promise<AppError> {
    try {
      await this.owned(agentId, conversationId);
    } catch (err) {
      if (isAppError(err)) return err;
      throw err;
    }
    return new AppError('HANDOFF_NOT_OWNER');
  }

  /**
   * Stores a message only if, at the moment of the write, the chat is in the agent state and held by this agent: a
   * takeover, transfer, requeue or close that lands between the check and the append makes it write nothing, and the
   * agent is told why as owned() tells them. A chat lost and held again meanwhile is checked again (a few times).
   */
  async appendAsHolder(agentId: string, input: NewMessage): Promise<{ conversation: Conversation; appended: AppendResult }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const conversation = await this.owned(agentId, input.conversationId);
      const appended = await this.store.appendMessageIf({ ...input, conversationId: conversation.id }, { states: ['agent'], agentId });
      if (appended) return { conversation, appended };
    }
    throw await this.lostHold(agentId, input.conversationId);
  }

  /** Why this agent last stopped holding the chat: the cause of the newest state event that took it from them. */
  private async lastLoss(c: Conversation, agentId: string): Promise<string | undefined> {
    if (!c.handledBy?.includes(agentId)) return undefined;
    // The recent transcript is enough: a chat lost long ago (hundreds of messages back) answers HANDOFF_NOT_OWNER.
    const recent = await this.store.listMessages(c.id, { afterSeq: Math.max(0, c.lastSeq - LOSS_LOOKBACK) });
    for (let i = recent.length - 1; i >= 0; i--) {
      const d = recent[i].data;
      if (recent[i].kind === 'event' && d?.type === 'state' && d.previousAgentId === agentId) return typeof d.cause === 'string' ? d.cause : undefined;
    }
    return undefined;
  }
}
