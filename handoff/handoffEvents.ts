import { EventEmitter } from 'node:events';
import type { Conversation, Message } from '../models/records';
import type { EscalationReason } from './escalationPolicy';

/** Why a conversation changed state; recorded in its state event and carried by `conversation.changed`. */
export type TransitionCause =
  | 'escalated' // bot → queued
  | 'claimed' // queued → agent
  | 'taken_over' // queued or agent → a supervisor
  | 'transferred' // agent → another agent
  | 'requeued' // agent → queued (a transfer to a skill group)
  | 'reassigned' // queued or agent → an agent or a skill group, by a supervisor
  | 'agent_offline' // agent → queued (the holder went offline, or stopped answering and is no longer online)
  | 'agent_away' // agent → queued (the holder is away and silent past the reply timeout, and a colleague can take it)
  | 'returned' // agent → bot
  | 'withdrawn' // queued → bot (the customer no longer wants a person)
  | 'customer_left' // queued → queued, marked gone: counts ahead of nobody
  | 'customer_back' // queued → queued, gone no more: resumes its place
  | 'priority_raised' // queued → queued, a problem reported while waiting (fraud, a missing parcel): more urgent
  | 'closed' // agent → closed
  | 'reopened' // closed → bot (the customer wrote again, or a mention arrived)
  | 'external_started' // bot → external (Bot Framework handoff protocol)
  | 'external_ended' // external → bot or closed (handoff.status failed or completed)
  | 'erased'; // any open state → closed (the customer's data was erased)

/** Domain events; the agent console gateway and analytics subscribe. The handoff service never imports a transport. */
export interface HandoffEventMap {
  /**
   * Every change of state or owner, emitted by transition() once the change is stored and recorded, before the
   * more specific events below. `previous` is the conversation as it was: whoever could see it then and cannot now
   * must stop receiving it.
   */
  'conversation.changed': { conversation: Conversation; previous: Conversation; cause: TransitionCause; actorId?: string };
  'conversation.queued': { conversation: Conversation; reason: EscalationReason; detail: string; position: number; estimatedWaitSeconds: number };
  'conversation.offered': { conversation: Conversation; agentId: string };
  'conversation.assigned': { conversation: Conversation; agentId: string; previousAgentId?: string | null };
  'conversation.transferred': { conversation: Conversation; fromAgentId: string; toAgentId?: string; skill?: string; note?: string };
  'conversation.returned': { conversation: Conversation; byAgentId: string };
  /** The customer withdrew their request for a person before anyone took it. */
  'conversation.withdrawn': { conversation: Conversation };
  'conversation.closed': { conversation: Conversation; byAgentId?: string };
  'message.created': { conversation: Conversation; message: Message };
  /** `internal`: someone writing a note or whisper (never sent to the customer). */
  typing: { conversation: Conversation; from: 'customer' | 'agent'; agentId?: string; internal?: boolean };
}

export type HandoffEventName = keyof HandoffEventMap;

export class HandoffEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<K extends HandoffEventName>(name: K, listener: (payload: HandoffEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit<K extends HandoffEventName>(name: K, payload: HandoffEventMap[K]): void {
    this.emitter.emit(name, payload);
  }
}
