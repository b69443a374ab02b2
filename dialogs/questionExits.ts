import { decide, DEFAULT_CONFIDENCE, type ConfidencePolicy } from '../nlu/confidencePolicy';
import { OUT_OF_SCOPE, type Recognition } from '../nlu/recognizer';
import { ACTION_OF_INTENT, changeStance } from './changeScope';
import { withdrawsConsent } from './consentWish';
import { namesContactChange } from './contactChangeWords';
import { lacksOrderNumber } from './orderNumberMissing';
import { leavesEmailQuestion } from './emailQuestionExits';
import { CONTACT_PROMPTS, DIALOG_FOR_INTENT, FORM_PROMPTS, READS_OPT_OUTS, SELF_JUDGING_PROMPTS, SURE_ELSEWHERE } from './routingTables';
import { refusesContact } from './contactRefusal';
import { readYesNo } from './yesNo';

/**
 * Whether a message answers the question a dialog is waiting on, or leaves it (dialogs/mainDialog.ts). Plain
 * functions of the recognition and the dialogs' ids, so the router's rules read without its framework.
 */

/** Where the pending question stands: the dialog that asked (outermost) and the prompt that waits (innermost). */
export interface PendingQuestion {
  dialog: string | undefined;
  prompt: string;
}

/** The top intent and those likely enough to be offered in a clarifying question. */
export function likelyIntents(r: Recognition, confidence: ConfidencePolicy = DEFAULT_CONFIDENCE): string[] {
  return [r.intent, ...(r.alternatives ?? []).filter((x) => x.score >= confidence.clarifyAt).map((x) => x.intent)];
}

/**
 * Whether the message withdraws marketing consent while another question waits (by the explicit opt-out rules of
 * consentWish.ts, never a guess). The consent dialog's own question reads it itself, and a clarifying question
 * hands anything that is not a pick to the router, which withdraws.
 */
export function optsOutAtQuestion(q: PendingQuestion, r: Recognition, confidence?: ConfidencePolicy): boolean {
  if (q.dialog !== undefined && READS_OPT_OUTS.has(q.dialog)) return false;
  return withdrawsConsent(r.text, likelyIntents(r, confidence));
}

/**
 * Whether the message leaves the pending question for something else: the recognizer is sure of an intent, the
 * message is a sentence (four words or more), it carries nothing the questions ask for (an e-mail, an order number,
 * a phone number), and the question is not one that judges new requests itself.
 */
export function leavesQuestion(q: PendingQuestion, recognition: Recognition, confidence?: ConfidencePolicy): boolean {
  if (SELF_JUDGING_PROMPTS.has(q.prompt)) return false;
  // "I'd rather not give my email" at a question for one is its answer (a refusal), whatever the model reads in it.
  if (CONTACT_PROMPTS.has(q.prompt) && refusesContact(recognition.text)) return false;
  const d = decide(recognition, confidence);
  const form = FORM_PROMPTS.get(q.prompt);
  if (form) {
    if (recognition.entities.some((e) => e.type === form)) return false;
    // "i dont remember the number", "no me acuerdo del número": the order question's answer (the dialog offers what
    // can be done without one), however sure the model is of a contact change or a password reset in it.
    if (form === 'orderNumber' && lacksOrderNumber(recognition.text)) return false;
    // Whatever has not the answer's form and is clearly something else leaves: another intent the bot would answer
    // (not the one that asked: "I want to track my order" at its own prompt is asked again), or a message sure to be
    // out of scope ("what's the weather tomorrow"). A bare "no" is the prompt's to read.
    if (readYesNo(recognition.text)) return false;
    // "where is order 12345" at "the e-mail order 67890 was placed with": the same kind of request, but a new one
    // (it names its own order), once read as a bad e-mail address in a loop.
    const ownOrder = form === 'email' && recognition.entities.some((e) => e.type === 'orderNumber');
    // "what about 55555", "show me my orders": a new request, never a bad address (emailQuestionExits.ts).
    if (form === 'email' && leavesEmailQuestion(recognition)) return true;
    if (d.kind === 'answer' && d.intent === 'contact.change' && !namesContactChange(recognition.text)) return false;
    if (d.kind === 'answer') return ownOrder || DIALOG_FOR_INTENT[d.intent] !== q.dialog;
    return recognition.intent === OUT_OF_SCOPE && recognition.score >= SURE_ELSEWHERE;
  }
  if (recognition.entities.some((e) => e.type === 'email' || e.type === 'orderNumber' || e.type === 'phone')) return false;
  if (recognition.text.trim().split(/\s+/).length < 4) return false;
  return d.kind === 'answer' && recognition.score >= SURE_ELSEWHERE;
}

/**
 * Whether the message, typed at a change dialog's form question (the order number, the e-mail on the order, the new
 * contact), denies that very change ("I don't want to cancel, where is 12345?" at "What is your order number?"): the
 * question is dropped and the message routed, so the number is not taken for the change. Yes/no and code questions
 * read their own answers ("no, don't cancel it" is a no there).
 */
export function deniesPendingChange(q: PendingQuestion, text: string): boolean {
  if (SELF_JUDGING_PROMPTS.has(q.prompt)) return false;
  const intent = Object.keys(DIALOG_FOR_INTENT).find((i) => DIALOG_FOR_INTENT[i] === q.dialog && ACTION_OF_INTENT[i] !== undefined);
  return intent !== undefined && changeStance(text, ACTION_OF_INTENT[intent]) === 'negated';
}
