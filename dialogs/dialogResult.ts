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
  { kind: 'answered' } | { kind: 'neutral' } | { kind: 'not_understood' } | { kind: 'escalate'; reason: 'policy_intent' | 'customer_asked'; detail: string };

/**
 * How a dialog ends. `reroute`: the answer to its question was not an answer but a new request, which the router
 * then handles like any message (the dialog changed nothing). `pick`: a clarifying question's chosen intent.
 */
export interface DialogEnd {
  outcome?: RouteOutcome;
  reroute?: boolean;
  pick?: { intent: string; text: string; orderNumber?: string };
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

export function askYesNo(step: WaterfallStepContext, language: string, text: string) {
  return step.prompt(YES_NO_PROMPT, { prompt: yesNoActivity(language, text) });
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
  const w = [...all];
  while (w.length > 0 && KEEP_FILLER.has(w[0])) w.shift();
  while (w.length > 0 && KEEP_FILLER.has(w[w.length - 1])) w.pop();
  return w.length > 0 && w.length <= 6 && KEEP.test(w.join(' '));
}
