import type { CommerceBackend } from '../commerce/commerceBackend';
import type { ProfileActions } from '../profile/profileActions';

export type { ProfileActions };

/** Escalation as dialogs see it: the bot wires it to the handoff service. */
export interface Escalator {
  escalate(conversationId: string, reason: string, detail?: Record<string, unknown>): Promise<void>;
}

export interface SatisfactionSink {
  record(conversationId: string, score: number, comment?: string): Promise<void>;
}

export interface DialogServices {
  backend: CommerceBackend;
  profiles: ProfileActions;
  satisfaction: SatisfactionSink;
}
