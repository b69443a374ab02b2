import type { Decision } from '../nlu/confidencePolicy';
import { entity, type Recognition } from '../nlu/recognizer';
import { DIALOG_FOR_INTENT, FORM_PROMPTS } from './routingTables';
import { asksSomethingElse } from './laterRequests';
import { lacksOrderNumber } from './orderNumberMissing';
import { refusesContact } from './contactRefusal';

/**
 * What leaves the question for the e-mail address an order was placed with (outside tester): "what about 55555" and
 * "show me my orders" were answered "That does not look like an e-mail address…". Another order named, a question or
 * another request ("show me…", "what about…") is routed as a new request; an address, a refusal or "I don't have the
 * order number" stays the question's to answer (once).
 */
const REQUEST_START =
  /^\s*(?:please\s+)?(?:show|list|give|tell|check|track|find|cancel|return|refund|muéstrame|muestrame|enséñame|ensename|dime|mira|revisa|cancela|devuelve)\b/iu;

export function leavesEmailQuestion(r: Recognition): boolean {
  const text = r.text;
  if (text.includes('@') || refusesContact(text) || lacksOrderNumber(text)) return false;
  if (r.entities.some((e) => e.type === 'orderNumber')) return true;
  return asksSomethingElse(text) || REQUEST_START.test(text);
}

/**
 * The order a message names at the e-mail question when it says nothing else the bot is sure of ("what about 55555"):
 * the pending request, for that order. Undefined when the message is a request of its own.
 */
export function anotherOrderAtEmail(
  q: { dialog: string | undefined; prompt: string },
  r: Recognition,
  d: Decision,
): { intent: string; orderNumber: string } | undefined {
  if (FORM_PROMPTS.get(q.prompt) !== 'email' || d.kind === 'answer') return undefined;
  const orderNumber = entity(r, 'orderNumber')?.value as string | undefined;
  const intent = Object.keys(DIALOG_FOR_INTENT).find((i) => DIALOG_FOR_INTENT[i] === q.dialog);
  return orderNumber && intent ? { intent, orderNumber } : undefined;
}
