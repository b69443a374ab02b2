import type { Conversation, Message, User } from '../models/records';
import type { Actor } from '../review/accessPolicy';
import type { Store } from '../store/store';
import type { EscalationDecision } from './escalationPolicy';
import type { HandoffEvents } from './handoffEvents';
import { HandoffContext, type CustomerChannel, type HandoffOptions } from './handoffContext';
import { HandoffLifecycle } from './handoffLifecycle';
import { HandoffMessaging } from './handoffMessaging';
import { CustomerAway } from './customerAway';
import { HandoffRouting, type QueueTicket } from './handoffRouting';

export { withinBusinessHours, type BusinessHours, type CustomerChannel, type HandoffOptions, type LastReplies } from './handoffContext';
export { formatWait, formatWaitRange, type QueueTicket } from './handoffRouting';
export { TYPING_EVERY_MS } from './handoffMessaging';

/**
 * Bot ↔ agent handoff: queue, claim, relay, transfer, return, close. No transport imports: the console
 * gateway subscribes to HandoffEvents and calls these methods; customers are reached through CustomerChannel.
 *
 * The one public face of three parts, each alone in its file: routing (the queue, offers, an offline agent's chats
 * handed back), messaging (replies, notes, typing, relay) and lifecycle (claim, takeover, reassign, transfer,
 * return, close). Every method here hands the call on unchanged.
 */
export class HandoffService {
  private readonly ctx: HandoffContext;
  private readonly routing: HandoffRouting;
  private readonly messaging: HandoffMessaging;
  private readonly lifecycle: HandoffLifecycle;
  private readonly away: CustomerAway;

  constructor(store: Store, events: HandoffEvents, channel: CustomerChannel, options: HandoffOptions = { defaultHandleSeconds: 300, offerTimeoutSeconds: 60 }) {
    this.ctx = new HandoffContext(store, events, channel, options);
    this.routing = new HandoffRouting(this.ctx);
    this.messaging = new HandoffMessaging(this.ctx, this.routing);
    this.lifecycle = new HandoffLifecycle(this.ctx, this.routing);
    this.away = new CustomerAway(this.ctx, this.routing);
  }

  isOpen(at = new Date()): boolean {
    return this.ctx.isOpen(at);
  }

  /** A notice to the customer in their chat (stored, then delivered in order): the consent question staff ask for. */
  tell(c: Conversation, text: string, data?: Record<string, unknown>): Promise<Message> {
    return this.ctx.tell(c, text, data);
  }

  // Routing: handoffRouting.ts

  escalate(conversationId: string, decision: EscalationDecision): Promise<QueueTicket> {
    return this.routing.escalate(conversationId, decision);
  }
  withdraw(conversationId: string): Promise<Conversation | null> {
    return this.routing.withdraw(conversationId);
  }
  /** A problem reported while queued (fraud, a missing parcel): priority up once per problem, a note for the agent. */
  markUrgent(conversationId: string, decision: EscalationDecision, mark: string): Promise<{ conversation: Conversation; raised: boolean } | null> {
    return this.routing.markUrgent(conversationId, decision, mark);
  }
  ticket(c: Conversation, now = Date.now()): Promise<QueueTicket> {
    return this.routing.ticket(c, now);
  }
  /** The place and wait to tell the customer (held to what they were told before), kept as told. */
  tellTicket(c: Conversation, now = Date.now()): Promise<QueueTicket> {
    return this.routing.tellTicket(c, now);
  }
  queue(): Promise<Conversation[]> {
    return this.routing.queue();
  }
  pickAgent(c: Conversation, exclude: readonly string[] = [], now = Date.now()): Promise<User | undefined> {
    return this.routing.pickAgent(c, exclude, now);
  }
  offerWaiting(now = Date.now()): Promise<string[]> {
    return this.routing.offerWaiting(now);
  }
  offer(conversationId: string): Promise<string | undefined> {
    return this.routing.offer(conversationId);
  }
  decline(agentId: string, conversationId: string): Promise<string | undefined> {
    return this.routing.decline(agentId, conversationId);
  }
  /** The queue's periodic check: gone customers marked first (they count ahead of nobody), then offers and notices. */
  async sweep(now = new Date()): Promise<{ reoffered: string[]; notified: string[]; gone: string[] }> {
    const gone = await this.away.markGone(now.getTime());
    return { ...(await this.routing.sweep(now)), gone };
  }

  // Customers who left the queue without a word: customerAway.ts

  streamOpened(conversationId: string): Promise<void> {
    return this.away.streamOpened(conversationId);
  }
  streamsClosed(conversationId: string): Promise<void> {
    return this.away.streamsClosed(conversationId);
  }
  /** The customer of a queued chat wrote: here; a gone chat resumes its place. */
  customerSeen(conversationId: string): Promise<Conversation | null> {
    return this.away.seen(conversationId);
  }
  awayList(): Promise<Conversation[]> {
    return this.away.list();
  }
  releaseAgentChats(agentId: string): Promise<Conversation[]> {
    return this.routing.releaseAgentChats(agentId);
  }
  withdrawOffers(agentId: string): Promise<string[]> {
    return this.routing.withdrawOffers(agentId);
  }

  // Lifecycle: handoffLifecycle.ts

  claim(agentId: string, conversationId: string): Promise<Conversation> {
    return this.lifecycle.claim(agentId, conversationId);
  }
  takeover(supervisorId: string, conversationId: string): Promise<Conversation> {
    return this.lifecycle.takeover(supervisorId, conversationId);
  }
  reassign(supervisorId: string, conversationId: string, to: { agentId?: string; skill?: string }): Promise<Conversation> {
    return this.lifecycle.reassign(supervisorId, conversationId, to);
  }
  transfer(agentId: string, conversationId: string, to: { agentId?: string; skill?: string; note?: string }): Promise<Conversation> {
    return this.lifecycle.transfer(agentId, conversationId, to);
  }
  returnToBot(agentId: string, conversationId: string): Promise<Conversation> {
    return this.lifecycle.returnToBot(agentId, conversationId);
  }
  close(agentId: string, conversationId: string): Promise<Conversation> {
    return this.lifecycle.close(agentId, conversationId);
  }
  reopen(conversationId: string): Promise<Conversation | null> {
    return this.lifecycle.reopen(conversationId);
  }
  startExternal(conversationId: string, decision: EscalationDecision): Promise<Conversation | null> {
    return this.lifecycle.startExternal(conversationId, decision);
  }
  endExternal(conversationId: string, status: 'completed' | 'failed'): Promise<Conversation | null> {
    return this.lifecycle.endExternal(conversationId, status);
  }

  // Messaging: handoffMessaging.ts

  lastReplyAt(agentIds: readonly string[]): Promise<Map<string, string>> {
    return this.messaging.lastReplyAt(agentIds);
  }
  agentMessage(agentId: string, conversationId: string, text: string, clientMessageId?: string): Promise<Message> {
    return this.messaging.agentMessage(agentId, conversationId, text, clientMessageId);
  }
  note(author: Actor, conversationId: string, text: string, kind: 'note' | 'whisper' = 'note'): Promise<Message> {
    return this.messaging.note(author, conversationId, text, kind);
  }
  typing(agentId: string, conversationId: string, at = Date.now()): Promise<void> {
    return this.messaging.typing(agentId, conversationId, at);
  }
  internalTyping(userId: string, conversationId: string): Promise<void> {
    return this.messaging.internalTyping(userId, conversationId);
  }
  recordSatisfaction(conversationId: string, score: number, comment?: string): Promise<void> {
    return this.messaging.recordSatisfaction(conversationId, score, comment);
  }
  relayCustomerMessage(c: Conversation, message: Message): void {
    this.messaging.relayCustomerMessage(c, message);
  }
  customerWroteToAgent(c: Conversation, message: Message, now = Date.now()): Promise<void> {
    return this.messaging.customerWroteToAgent(c, message, now);
  }
  customerTyping(c: Conversation): void {
    this.messaging.customerTyping(c);
  }
}
