import type { ConsentPurpose, Customer } from '../models/records';

/** A consent question staff asked the customer (the console's "Grant"), pending on the profile until answered. */
export interface ConsentAsk {
  purpose: ConsentPurpose;
  channel: string;
  by: string;
  at: string;
  /** After this a yes is not read as consent (CONSENT_ASK_HOURS): an answer days later may be to anything. */
  expiresAt: string;
  /** The chat the question was asked in, and the question's own message there: only the reply to it counts. */
  conversationId: string;
  seq: number;
}

/**
 * The consent question staff asked this customer, unanswered and not expired at `now`. A question stored before
 * questions expired (no expiry, no chat) counts as expired: it is exactly what must not be answered days later.
 */
export function pendingConsentAsk(c: Customer, now: number): ConsentAsk | undefined {
  const ask = c.attributes.consentAsk as ConsentAsk | undefined;
  if (!ask || typeof ask !== 'object' || typeof ask.purpose !== 'string') return undefined;
  if (typeof ask.expiresAt !== 'string' || typeof ask.conversationId !== 'string' || typeof ask.seq !== 'number') return undefined;
  return Date.parse(ask.expiresAt) > now ? ask : undefined;
}
