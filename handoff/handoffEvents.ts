import { EventEmitter } from 'node:events';
import type { Conversation, Message } from '../models/records';
import type { EscalationReason } from './escalationPolicy';

/** Domain events; the agent console gateway and analytics subscribe. The handoff service never imports a transport. */
export interface HandoffEventMap {
  'conversation.queued': { conversation: Conversation; reason: EscalationReason; detail: string; position: number; estimatedWaitSeconds: number };
  'conversation.offered': { conversation: Conversation; agentId: string };
  'conversation.assigned': { conversation: Conversation; agentId: string; previousAgentId?: string | null };
  'conversation.transferred': { conversation: Conversation; fromAgentId: string; toAgentId?: string; skill?: string; note?: string };
  'conversation.returned': { conversation: Conversation; byAgentId: string };
  /** The customer withdrew their request for a person before anyone took it. */
  'conversation.withdrawn': { conversation: Conversation };
  'conversation.closed': { conversation: Conversation; byAgentId?: string };
  'message.created': { conversation: Conversation; message: Message };
  'typing': { conversation: Conversation; from: 'customer' | 'agent'; agentId?: string };
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
