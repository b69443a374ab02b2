import type { Customer } from '../models/records';
import type { Recognition } from '../nlu/recognizer';

/** Why a conversation went to a person; the agent sees this. Closed set. */
export type EscalationReason =
  'customer_asked' | 'not_understood' | 'negative_sentiment' | 'important_customer' | 'policy_intent' | 'dialog_decided' | 'social_mention';

export interface EscalationPolicyConfig {
  /** Consecutive not-understood turns before handoff. */
  failuresBeforeHandoff: number;
  /** Intents the company always wants handled by people. */
  alwaysHumanIntents: readonly string[];
  /**
   * Always-human intents handed over only after the customer confirmed in a dialog (deleting an account): a guess
   * of the classifier must not queue someone who only forgot a password.
   */
  confirmBeforeHandoff: readonly string[];
  /** A message at or below this sentiment (-1…1) escalates. */
  negativeSentiment: number;
  /** A fall of this much between the average of earlier messages and the latest one escalates. */
  sentimentDrop: number;
  importantSegments: readonly string[];
  /** Followers at or above this count make a customer important. */
  reachThreshold: number;
  lifetimeValueThreshold: number;
  /** Intents that are small talk: an important customer saying hello is offered no person. */
  smallTalkIntents: readonly string[];
}

export const DEFAULT_ESCALATION_POLICY: EscalationPolicyConfig = {
  failuresBeforeHandoff: 2,
  alwaysHumanIntents: ['complaint', 'account.delete'],
  confirmBeforeHandoff: ['account.delete'],
  negativeSentiment: -0.6,
  sentimentDrop: 0.8,
  importantSegments: ['vip'],
  reachThreshold: 10_000,
  lifetimeValueThreshold: 5_000,
  smallTalkIntents: ['greeting', 'goodbye', 'thanks', 'help', 'none'],
};

export interface EscalationInput {
  /** The intent is the one the bot acts on: the recognizer's only when it is sure (nlu/confidencePolicy), else none. */
  recognition: Recognition;
  /** Consecutive not-understood turns including this one. */
  failures: number;
  customer: Customer;
  /** Sentiment of this customer's earlier messages, oldest first. */
  recentSentiment: readonly number[];
}

export interface EscalationDecision {
  reason: EscalationReason;
  /** What the agent reads: which rule fired and with what value. */
  detail: string;
  /** Added to the queue priority. */
  priorityBoost: number;
}

export function isImportant(c: Customer, p: EscalationPolicyConfig): string | undefined {
  const seg = c.segments.find((s) => p.importantSegments.includes(s));
  if (seg) return `segment ${seg}`;
  if (c.reach.followers >= p.reachThreshold) return `reach ${c.reach.followers} followers`;
  if (c.lifetimeValue >= p.lifetimeValueThreshold) return `lifetime value ${c.lifetimeValue}`;
  return undefined;
}

/**
 * Decides whether this turn goes to a person. Pure: the same input gives the same answer. An important customer is
 * not handed over for a routine question (they get the answer and an offer of a person, see offerPerson), but sooner
 * than others when the bot does not understand them.
 */
export function decideEscalation(input: EscalationInput, p: EscalationPolicyConfig = DEFAULT_ESCALATION_POLICY): EscalationDecision | null {
  const { recognition: r, customer } = input;
  const important = isImportant(customer, p);
  const boost = important ? 10 : 0;
  if (r.intent === 'human.request') return { reason: 'customer_asked', detail: `asked for a person: "${r.text.slice(0, 80)}"`, priorityBoost: boost };
  if (p.alwaysHumanIntents.includes(r.intent) && !p.confirmBeforeHandoff.includes(r.intent))
    return { reason: 'policy_intent', detail: `intent ${r.intent} is always handled by people`, priorityBoost: boost + 2 };
  if (r.sentiment <= p.negativeSentiment) return { reason: 'negative_sentiment', detail: `sentiment ${r.sentiment.toFixed(2)}`, priorityBoost: boost + 3 };
  if (input.recentSentiment.length >= 2) {
    const avg = input.recentSentiment.reduce((a, b) => a + b, 0) / input.recentSentiment.length;
    if (avg - r.sentiment >= p.sentimentDrop)
      return { reason: 'negative_sentiment', detail: `sentiment fell from ${avg.toFixed(2)} to ${r.sentiment.toFixed(2)}`, priorityBoost: boost + 3 };
  }
  if (important && input.failures >= 1)
    return {
      reason: 'important_customer',
      detail: `${important}, ${input.failures} turn${input.failures === 1 ? '' : 's'} not understood`,
      priorityBoost: boost,
    };
  if (input.failures >= p.failuresBeforeHandoff)
    return { reason: 'not_understood', detail: `${input.failures} turns in a row not understood`, priorityBoost: boost + 1 };
  return null;
}

/**
 * Whether to offer an important customer a person after answering a routine question (not small talk): an offer
 * they may take, never a forced handoff. Returns why they are important, for the offer's record.
 */
export function offerPerson(customer: Customer, intent: string, p: EscalationPolicyConfig = DEFAULT_ESCALATION_POLICY): string | undefined {
  if (p.smallTalkIntents.includes(intent)) return undefined;
  return isImportant(customer, p);
}
