import { MessageFactory, type Activity } from 'botbuilder';
import type { WaterfallStepContext } from 'botbuilder-dialogs';
import { t } from '../locale/replies';
import { readExplicitYes } from './explicitYes';
import { readYesNo, words, type YesNo } from './yesNo';

/**
 * What a turn of the router amounts to, for the bot's not-understood counter and escalation:
 * answered resets the counter, neutral (help, a question back) leaves it, not_understood adds one, escalate hands
 * the chat to a person with the reason the agent reads.
 */
export type RouteOutcome =
  | { kind: 'answered' }
  | { kind: 'neutral' }
  | { kind: 'not_understood' }
  /** `priorityBoost`: added to the queue priority beyond the reason's own (a reported account misuse comes first). */
  | { kind: 'escalate'; reason: 'policy_intent' | 'customer_asked'; detail: string; priorityBoost?: number };

/**
 * How a dialog ends. `reroute`: the answer to its question was not an answer but a new request, which the router
 * then handles like any message (the dialog changed nothing). `pick`: a clarifying question's chosen intent.
 */
export interface DialogEnd {
  outcome?: RouteOutcome;
  reroute?: boolean;
  pick?: { intent: string; text: string; orderNumber?: string; email?: string };
}

export const end = (step: WaterfallStepContext, result: DialogEnd) => step.endDialog(result);
export const answered = (step: WaterfallStepContext) => end(step, { outcome: { kind: 'answered' } });

/** How sure a message must be of another intent, or of being out of scope, to leave a pending question. */
export const SURE_ELSEWHERE = 0.9;

/** The prompt every yes/no question uses: free text, read by readYesNo in the next step. */
export const YES_NO_PROMPT = 'yesNo';

export function yesNoActivity(language: string, text: string): Partial<Activity> {
  return MessageFactory.suggestedActions([t(language, 'yesButton'), t(language, 'noButton')], text);
}

/**
 * The yes/no prompt of a contact change's "Save …?": a question typed there is answered beside it and the question
 * asked again (dialogs/contactSaveAside.ts), where any other yes/no question reads it as no answer.
 */
export const CONTACT_SAVE_PROMPT = 'contactSave';

export function askYesNo(step: WaterfallStepContext, language: string, text: string, prompt = YES_NO_PROMPT) {
  return step.prompt(prompt, { prompt: yesNoActivity(language, text) });
}

/** Words that may name the change being confirmed after the yes ("yes, cancel it", "sí, cancélalo"). */
const CHANGE_WORDS = [
  'cancel',
  'refund',
  'return',
  'it',
  'the',
  'order',
  'cancélalo',
  'cancelalo',
  'cancela',
  'devuélvelo',
  'devuelvelo',
  'reembolsa',
  'el',
  'pedido',
];

/** The answer to the yes/no question of the previous step. */
export function answerOf(step: WaterfallStepContext, options: { strict?: boolean; keepIsNo?: boolean } = {}): YesNo | undefined {
  const text = typeof step.result === 'string' ? step.result : undefined;
  if (options.keepIsNo && keepsAsIs(text)) return 'no';
  if (!options.strict) return readYesNo(text);
  // Strict: the explicit-yes reader consent uses; "ok", a shrug or a "yes, but…" is no answer yet.
  const a = readExplicitYes(text, { naming: CHANGE_WORDS });
  return a === 'yes' || a === 'no' ? a : undefined;
}

/** Words that may come before or after keeping something as it is: "no actually keep it", "mejor déjalo, gracias". */
const KEEP_FILLER = new Set([
  'no',
  'nah',
  'nope',
  'actually',
  'wait',
  'oh',
  'ok',
  'okay',
  'then',
  'rather',
  'please',
  'thanks',
  'mejor',
  'entonces',
  'vale',
  'bueno',
  'espera',
  'pues',
  'por',
  'favor',
  'gracias',
  'en',
  'realidad',
  'just',
  'i',
  "i'll",
  "i'd",
]);
const KEEP =
  /^(?:(?:keep|leave|maintain) (?:it|that|them|the \w+|my \w+)(?: as (?:it is|is))?|don't cancel(?: it)?|do not cancel(?: it)?|mantenlo|mantenla|mantenlos|d[eé]jalo|d[eé]jala|d[eé]jalo como est[aá])$/;
/** "no lo canceles": the no is the answer's own, not a filler. */
const DONT_CANCEL = /(?:^| )no (?:lo|la|los) canceles(?: por favor)?$/;

/**
 * At a question about changing something (cancel this order, delete the account), keeping it as it is is a no: "keep
 * it", "no actually keep it", "leave it as it is", "mantenlo", "no, mejor déjalo". Read only where the bot asked to
 * change something; at "keep receiving them?" the same words mean yes.
 */
export function keepsAsIs(text: string | undefined): boolean {
  const all = words(text ?? '');
  if (all.length <= 6 && DONT_CANCEL.test(all.join(' '))) return true;
  if (speaksOfKeeping(all)) return true;
  const w = [...all];
  while (w.length > 0 && KEEP_FILLER.has(w[0])) w.shift();
  while (w.length > 0 && KEEP_FILLER.has(w[w.length - 1])) w.pop();
  return w.length > 0 && w.length <= 6 && KEEP.test(w.join(' '));
}

/** Keeping, in either language ("keep", "quedarme con", "mantenerlo", "conservarla"). */
const KEEP_WORD =
  /(?:^| )(?:keep|keeping|quedar(?:me)?|qued[aá]rmel[oa]s?|me (?:lo|la|los|las) quedo|me quedo|mantener(?:l[oa]s?)?|conservar(?:l[oa]s?)?)(?: |$)/;
/**
 * "I don't want to keep it", "no quiero quedármelo": keeping refused, which is no wish to keep it as it is. A bare
 * "no" before it is the answer's own ("no, prefiero mantenerlo").
 */
const KEEP_REFUSED =
  /(?:^| )(?:don't|dont|do not|not|never|nunca|no need to|no quiero|no necesito|no hace falta)(?: \S+){0,2} (?:keep|keeping|quedar\S*|qued[aá]rmel\S*|mantener\S*|conservar\S*)(?: |$)/;
/** "keep me posted": no keeping of the thing asked about. */
const KEEP_ME = /(?:^| )keep (?:me|us) /;

/**
 * Any short answer that speaks of keeping, unless it refuses to keep: "actually no, wait, I want to keep it", "yes,
 * but can I keep the socks?" (a change of mind, or a condition the change cannot meet: not the yes it needs).
 */
function speaksOfKeeping(w: readonly string[]): boolean {
  const joined = w.join(' ');
  return w.length <= 12 && KEEP_WORD.test(joined) && !KEEP_REFUSED.test(joined) && !KEEP_ME.test(`${joined} `);
}

/** "can I keep the socks?": keeping part of what the change is about (its items), not the whole order. */
export function keepsPart(text: string | undefined): boolean {
  const w = words(text ?? '');
  const m = /(?:^| )(?:keep|quedar(?:me)? con|me quedo con|mantener|conservar) (?:the|my|those|these|el|la|los|las|mis) (\S+)/.exec(w.join(' '));
  return speaksOfKeeping(w) && !!m && !/^(order|orders|pedido|pedidos|account|cuenta)$/.test(m[1]);
}
