import { AppError } from '../core/errors';
import { hasVisibleText } from '../core/visibleText';
import type { Conversation, Message } from '../models/records';
import { t } from '../locale/replies';
import { canAnnotate, canWhisper, isReviewer, type Actor } from '../review/accessPolicy';
import type { HandoffContext, LastReplies } from './handoffContext';
import type { HandoffRouting } from './handoffRouting';

/** How far back the holding notice looks for the holder's last answer and the last notice (messages). */
const TRANSCRIPT_LOOKBACK = 200;
/** The newest messages read first; most chats settle there (lastAnswerAndNotice). */
const TAIL_FIRST = 20;

/** At most one typing activity per chat this often (ms): channels show one for about three seconds. */
export const TYPING_EVERY_MS = 3000;

function memoryLastReplies(): LastReplies {
  const m = new Map<string, string>();
  return {
    set: (id, at) => Promise.resolve(void m.set(id, at)),
    get: (ids) => Promise.resolve(new Map(ids.flatMap((id) => (m.has(id) ? [[id, m.get(id)!] as const] : [])))),
  };
}

/**
 * Messages around a chat: agents' replies and notes, typing both ways, customers' messages relayed (never met
 * with silence), satisfaction ratings, and when each agent last answered.
 */
export class HandoffMessaging {
  constructor(
    private readonly ctx: HandoffContext,
    private readonly routing: HandoffRouting,
  ) {}

  private inMemoryReplies?: LastReplies;
  private get lastReply(): LastReplies {
    return this.ctx.options.lastReplies ?? (this.inMemoryReplies ??= memoryLastReplies());
  }

  /** When each of these agents last answered a customer (kept in memory, or in Redis across instances): the live board shows it. */
  lastReplyAt(agentIds: readonly string[]): Promise<Map<string, string>> {
    return this.lastReply.get(agentIds);
  }

  /**
   * Agent → customer: stored first, then sent on the customer's channel. A retried clientMessageId is stored and sent
   * once; the same id with different text is refused (IDEMPOTENCY_KEY_REUSED), never answered with the first message.
   */
  async agentMessage(agentId: string, conversationId: string, text: string, clientMessageId?: string): Promise<Message> {
    // Every transport: an empty or blank message would reach the customer as an empty bubble.
    if (typeof text !== 'string' || !hasVisibleText(text)) throw new AppError('VALIDATION_FAILED', 'the message is empty');
    // Stored only while this agent holds the chat at the moment of the write: one taken over, transferred, requeued
    // or closed since is answered as a chat that is no longer theirs, and nothing reaches the customer.
    const {
      conversation: c,
      appended: { message, created },
    } = await this.ctx.appendAsHolder(agentId, {
      conversationId,
      role: 'agent',
      kind: 'message',
      authorId: agentId,
      text,
      activityId: clientMessageId ? `agent:${agentId}:${clientMessageId}` : undefined,
    });
    if (!created) {
      // The same id with the same text is a retry (stored and sent once); with other text it is a new message that
      // would be lost behind the first: refused, so the console keeps it and says why.
      if (message.text !== text) throw new AppError('IDEMPOTENCY_KEY_REUSED', undefined, { details: { messageId: message.id, seq: message.seq } });
      return message;
    }
    // Only the board reads it: a failed write (Redis away) must not fail the message, which is stored.
    this.lastReply.set(agentId, message.createdAt).catch(() => undefined);
    // A message ends the channel's typing indicator: the next keystroke may show it again at once.
    this.typingSent.delete(c.id);
    // Set once (statistics' first response): of two first replies at once, the second never overwrites the first. Not
    // tied to holding the chat: a reply stored is the first response even if the chat changed hands since.
    if (!c.firstAgentReplyAt) await this.ctx.store.updateConversation(c.id, { firstAgentReplyAt: message.createdAt }, { absent: ['firstAgentReplyAt'] });
    this.ctx.events.emit('message.created', { conversation: c, message });
    // For the customer's next message (customerWroteToAgent), written while the channel sends: only the holding
    // notice reads it, and that one checks the transcript before it speaks, so a lost write costs nothing.
    const noted = this.ctx.store.updateConversation(c.id, { lastAgentReplyAt: message.createdAt }, { states: ['agent'], agentId }).catch(() => undefined);
    // In order after any notice still on its way; bounded, so the console hears the outcome before it gives up.
    try {
      await this.ctx.deliver(c, message);
    } catch (err) {
      throw new AppError('HANDOFF_DELIVERY_FAILED', undefined, { cause: err, details: { messageId: message.id, seq: message.seq } });
    } finally {
      await noted;
    }
    return message;
  }

  /**
   * An internal note on the transcript; the customer never sees it. A supervisor's or admin's note or whisper on a
   * chat is audited; an agent's own notes are part of their work.
   */
  async note(author: Actor, conversationId: string, text: string, kind: 'note' | 'whisper' = 'note'): Promise<Message> {
    const c = await this.ctx.conversation(conversationId);
    // Watching a queued chat is not serving it: notes are for its holder (and reviewers), whispers for reviewers.
    if (kind === 'whisper' && !canWhisper(author)) throw new AppError('FORBIDDEN', 'whispers are for supervisors');
    if (!canAnnotate(author, c)) throw new AppError('HANDOFF_NOT_OWNER');
    const message = await this.appendNote(c, author, text, kind);
    if (author.role !== 'agent')
      await this.ctx.store.appendAudit({
        actorId: author.id,
        action: kind === 'whisper' ? 'chat.whisper' : 'chat.note',
        targetType: 'conversation',
        targetId: c.id,
        data: { seq: message.seq },
      });
    return message;
  }

  /** A reviewer annotates any chat they may watch; an agent only the chat they hold at the moment of the write. */
  private async appendNote(c: Conversation, author: Actor, text: string, kind: 'note' | 'whisper'): Promise<Message> {
    const input = { conversationId: c.id, role: 'agent' as const, kind, authorId: author.id, text };
    const appended = isReviewer(author)
      ? await this.ctx.store.appendMessage(input)
      : await this.ctx.store.appendMessageIf(input, { states: ['agent'], agentId: author.id });
    // Taken over, transferred or closed since the check: refused as the check refuses it, nothing stored.
    if (!appended) throw new AppError('HANDOFF_NOT_OWNER');
    this.ctx.events.emit('message.created', { conversation: c, message: appended.message });
    return appended.message;
  }

  /** When a typing activity last went to each chat's channel (ms); see TYPING_EVERY_MS. */
  private readonly typingSent = new Map<string, number>();

  /**
   * The chat's owner is typing: colleagues watching see it at once; the customer's channel gets a typing activity at
   * most once every TYPING_EVERY_MS per chat (channels show one for a few seconds). Only the owner's typing counts.
   */
  async typing(agentId: string, conversationId: string, at = Date.now()): Promise<void> {
    const c = await this.ctx.owned(agentId, conversationId);
    this.ctx.events.emit('typing', { conversation: c, from: 'agent', agentId });
    if (at - (this.typingSent.get(c.id) ?? -Infinity) < TYPING_EVERY_MS) return;
    if (this.typingSent.size >= 10_000) for (const [id, when] of this.typingSent) if (at - when >= TYPING_EVERY_MS) this.typingSent.delete(id);
    this.typingSent.set(c.id, at);
    await this.ctx.channel.send(c, { kind: 'typing' }).catch(() => undefined);
  }

  /** Someone writing a note or whisper on a chat they may watch: colleagues see it; the customer never does. */
  async internalTyping(userId: string, conversationId: string): Promise<void> {
    const c = await this.ctx.conversation(conversationId);
    this.ctx.events.emit('typing', { conversation: c, from: 'agent', agentId: userId, internal: true });
  }

  async recordSatisfaction(conversationId: string, score: number, comment?: string): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new AppError('VALIDATION_FAILED', 'score must be 1 to 5');
    const c = await this.ctx.conversation(conversationId);
    const next = await this.ctx.store.updateConversation(c.id, {
      satisfaction: { score, comment, at: new Date().toISOString() },
      tags: c.tags.filter((t) => t !== 'survey_pending'),
    });
    if (next) await this.ctx.recordEvent(next, { type: 'satisfaction', score, comment });
  }

  /** A stored customer message on a chat owned by an agent: relay it (the console gets it through the event). */
  relayCustomerMessage(c: Conversation, message: Message): void {
    this.ctx.events.emit('message.created', { conversation: c, message });
  }

  /**
   * A customer wrote to a chat an agent holds: relayed, and never met with silence. A holder who is no longer online
   * (an offline the console could not report, e.g. across a restart) gives the chat back to the queue; one who has
   * not answered for the configured time gets the customer a "your message reached them" notice, at most once per
   * that period; if that holder is away and a colleague can take the chat now, it goes back to the queue instead.
   */
  async customerWroteToAgent(c: Conversation, message: Message, now = Date.now()): Promise<void> {
    this.relayCustomerMessage(c, message);
    if (c.state !== 'agent' || !c.agentId) return;
    // The console's push (its check of the chat and the agent's frame) runs in the microtasks the event started; the
    // holder's presence read below was synchronous and ran before it, on every relayed message. It waits one turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const agent = await this.ctx.store.getUser(c.agentId);
    if (!agent || agent.presence === 'offline') {
      await this.routing.requeueFromAgent(c, 'agent_offline');
      return;
    }
    const timeoutMs = (this.ctx.options.agentReplyTimeoutSeconds ?? 120) * 1000;
    const quiet = (answeredAt: number, toldAt: number) => now - Math.max(answeredAt, instant(c.assignedAt)) >= timeoutMs && now - toldAt >= timeoutMs;
    // The conversation keeps both instants: on the relay path, no read of the transcript.
    if (!quiet(instant(c.lastAgentReplyAt), instant(c.holdingNoticeAt))) return;
    // About to speak (at most once per timeout per chat): the transcript settles it, for a chat from before the
    // instants were kept or one whose instant was not written.
    if (!quiet(...(await this.lastAnswerAndNotice(c, message.seq, now - timeoutMs)))) return;
    // Away and silent this long: a colleague who can take it now answers sooner than someone who stepped away.
    if (agent.presence === 'away' && (await this.routing.requeueFromAgent(c, 'agent_away'))) return;
    await this.ctx.tell(c, t(c.language, 'agentStillThere', { name: agent.name }), { notice: 'agentStillThere' });
    // Not awaited (the turn need not wait for a second commit): lost, the next message reads the transcript again.
    void this.ctx.store
      .updateConversation(c.id, { holdingNoticeAt: new Date(now).toISOString() }, { states: ['agent'], agentId: c.agentId })
      .catch(() => undefined);
  }

  /**
   * When the holder last answered and the customer was last told they wait (ms; 0: not in the last
   * TRANSCRIPT_LOOKBACK messages). The newest TAIL_FIRST messages first: what they hold is the latest, and when the
   * oldest of them is already older than `before`, whatever precedes it is too, so only a tail of recent messages
   * makes the wider read. The same answer as reading the whole lookback, most often from a handful of rows.
   */
  private async lastAnswerAndNotice(c: Conversation, seq: number, before: number): Promise<[number, number]> {
    const isAnswer = (m: Message) => m.role === 'agent' && m.kind === 'message' && m.authorId === c.agentId;
    const isNotice = (m: Message) => m.role === 'system' && m.kind === 'message' && m.data?.notice === 'agentStillThere';
    const tail = await this.ctx.store.listMessages(c.id, { afterSeq: Math.max(0, seq - TAIL_FIRST) });
    let answer = lastOf(tail, isAnswer);
    let notice = lastOf(tail, isNotice);
    const whole = seq <= TAIL_FIRST || !tail.length || instant(tail[0].createdAt) < before;
    if ((!answer || !notice) && !whole) {
      const recent = await this.ctx.store.listMessages(c.id, { afterSeq: Math.max(0, seq - TRANSCRIPT_LOOKBACK) });
      answer = lastOf(recent, isAnswer);
      notice = lastOf(recent, isNotice);
    }
    return [instant(answer?.createdAt), instant(notice?.createdAt)];
  }

  customerTyping(c: Conversation): void {
    this.ctx.events.emit('typing', { conversation: c, from: 'customer' });
  }
}

/** An ISO instant in ms; absent, the beginning of time. */
function instant(iso: string | undefined): number {
  return iso ? Date.parse(iso) : 0;
}

function lastOf<T>(items: readonly T[], pred: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return items[i];
  return undefined;
}
