import type { ConfidencePolicy } from '../nlu/confidencePolicy';
import type { Recognition } from '../nlu/recognizer';
import { onlyEmail } from './contactDetailsDialog';
import { orderNumberAnswer } from './orderNumberAnswer';
import { deniesPendingChange, leavesQuestion, type PendingQuestion } from './questionExits';
import type { RouterMemory } from './routerMemory';
import { CONTACT_PROMPTS, FORM_PROMPTS } from './routingTables';
import { readYesNo } from './yesNo';

/**
 * Whether a customer's message is the answer to a question the bot asked, read before the turn stores it: such a
 * message is stored without an intent (the model's guess at "yes" or "482288" is noise: it once counted "yes" as
 * newsletter.subscribe on the dashboard), so intent counts and the not-understood list hold only new requests.
 * Plain functions of what is pending and the message's words.
 */

/** What was pending before this message: a dialog's question, or the router's (routerMemory.ts), as stored last turn. */
export interface Pending {
  question?: PendingQuestion;
  lastQuestion?: RouterMemory['lastQuestion'];
  offeredChange?: RouterMemory['offeredChange'];
  /** An e-mail to answer to was asked for (queued, nobody online) and may still come. */
  replyEmailAsked?: boolean;
}

/** A one-time code or an order number alone ("482288", "# 55555"). */
const DIGITS = /^#?\s*\d{4,12}[.!]?$/;

/** The message has an answer's form: a yes or a no, an e-mail address, a code or an order number, alone. */
export function answerShaped(text: string): boolean {
  const s = text.trim();
  return readYesNo(s) !== undefined || onlyEmail(s) !== undefined || DIGITS.test(s) || orderNumberAnswer(s) !== undefined;
}

/** Whether the message answers what was pending (and does not leave it for a new request). */
export function answersPending(p: Pending, r: Recognition, confidence?: ConfidencePolicy): boolean {
  const text = r.text;
  if (!answerShaped(text)) return false;
  if (p.question) return !leavesQuestion(p.question, r, confidence) && !deniesPendingChange(p.question, text);
  if (p.replyEmailAsked && onlyEmail(text) !== undefined) return true;
  if (p.lastQuestion === 'replyEmail') return onlyEmail(text) !== undefined || orderNumberAnswer(text) !== undefined;
  if (p.lastQuestion === 'anythingElse') return readYesNo(text) !== undefined;
  if (p.offeredChange) return orderNumberAnswer(text) !== undefined || onlyEmail(text) !== undefined;
  return false;
}

/** The pending question asks for an e-mail address (the one on an order, a new contact). */
export function asksForEmail(q: PendingQuestion | undefined): boolean {
  return q !== undefined && (FORM_PROMPTS.get(q.prompt) === 'email' || CONTACT_PROMPTS.has(q.prompt));
}
