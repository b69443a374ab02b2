import type { CommerceBackend } from '../bot/commerceBackend';
import type { ConsentPurpose } from '../models/records';

/** What dialogs may change on the customer's profile; implemented by profile/profileService.ts. */
export interface ProfileActions {
  addContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }, source: string): Promise<void>;
  setLanguage(customerId: string, language: string): Promise<void>;
  setName(customerId: string, name: string): Promise<unknown>;
  setConsent(customerId: string, purpose: ConsentPurpose, granted: boolean, where: { channel: string; method: string }): Promise<unknown>;
}

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
