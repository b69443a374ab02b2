import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { maskEmail } from '../commerce/devCodeNotifier';
import { t } from '../locale/replies';
import type { Decision } from '../nlu/confidencePolicy';
import { OUT_OF_SCOPE, type Recognition } from '../nlu/recognizer';
import { asksNewCode, missesCode, stopsCode, waitsForCode } from './codeQuestion';
import type { OrderProofs } from './orderDialog';
import { isQuestion } from './questionForm';
import { DIALOG_FOR_INTENT } from './routingTables';
import { turnInfo } from './turnInfo';
import { changeStance } from './changeScope';
import { readYesNo } from './yesNo';

/**
 * A question asked while the bot waits for the one-time code ("how long do refunds usually take?", "do you ship to
 * Canada?", "¿cuánto tardan los reembolsos?"): answered, and the code still awaited (outside test 26, M5: such a
 * question ended the code step, or was answered "Please type the code"). Requests that change or show something
 * ("reset my password", "where is my order 24680?") still leave the step, as before; "never mind" still ends it.
 */

/** What answers the question: a knowledge-file article (by intent or id), or the cancellation rules (a reply). */
export type CodeAside = { faq: string } | { reply: 'cancelPolicy' };

/** Intents that are no question to answer beside the code: small talk, and a person (the bot's own path). */
const NOT_ASIDE = new Set(['greeting', 'goodbye', 'thanks', 'help', 'human.request', 'language.change', OUT_OF_SCOPE]);
/** The policy article for a question about a change ("can I return it later?", "how long does a refund take?"). */
const POLICY_OF_ACTION: Record<'refund' | 'return' | 'cancel', CodeAside> = {
  refund: { faq: 'refund.policy' },
  return: { faq: 'return.policy' },
  cancel: { reply: 'cancelPolicy' },
};

/**
 * What answers `r` typed at the code question, when it is a question to answer beside the code; undefined when it is
 * the code, something about the code, a way out, or a request of its own. `answers(id)`: the knowledge file has it;
 * `search(text)`: the article full-text search finds for it, if any.
 */
export function codeAside(
  r: Recognition,
  decision: Decision,
  answers: (id: string) => boolean,
  search: (text: string) => string | undefined,
): CodeAside | undefined {
  const text = r.text;
  // Digits may be the code (or an order number: another request); words about the code are the dialog's.
  if (/\d/.test(text) || readYesNo(text) || stopsCode(text) || asksNewCode(text) || missesCode(text) || waitsForCode(text)) return undefined;
  if (!isQuestion(text)) return undefined;
  // "how long do refunds usually take?", "can I return it later?": the rules, whichever change they name.
  const asked = (['refund', 'return', 'cancel'] as const).find((a) => changeStance(text, a) === 'question');
  if (asked) return POLICY_OF_ACTION[asked];
  const intent = decision.kind === 'answer' ? decision.intent : undefined;
  if (intent && NOT_ASIDE.has(intent)) return undefined;
  // A request the bot would act on ("where is my order?", "reset my password") leaves the code step, as before.
  if (intent && DIALOG_FOR_INTENT[intent]) return undefined;
  if (intent && answers(intent)) return { faq: intent };
  // Unsure what it is, but a question: the article the search finds for it (none found: the dialog reads it).
  if (!intent) {
    const article = search(text);
    if (article) return { faq: article };
  }
  return undefined;
}

export interface CodeAsideDeps {
  decide: (r: Recognition) => Decision;
  /** The knowledge file's answer for an intent or article id. */
  faq: (id: string, language: string) => string | undefined;
  /** The article the knowledge file's search finds for a text, if any. */
  search: (text: string, language: string) => string | undefined;
  proofs: StatePropertyAccessor<OrderProofs>;
  digits: number;
}

/**
 * At the code question: a question answered, then the reminder that the code is still awaited (where it went, for
 * which order). The dialog is not touched, so the code typed next works as if nothing came between. False: no
 * question to answer here (the code dialog reads the message).
 */
export async function answerBesideCode(context: TurnContext, d: CodeAsideDeps): Promise<boolean> {
  const { recognition, language } = turnInfo(context);
  const aside = codeAside(
    recognition,
    d.decide(recognition),
    (id) => d.faq(id, language) !== undefined,
    (text) => d.search(text, language),
  );
  if (!aside) return false;
  const answer = 'faq' in aside ? d.faq(aside.faq, language) : t(language, aside.reply);
  if (!answer) return false;
  const state = await d.proofs.get(context, { proofs: [], failed: 0 });
  const to = state.challenge ? maskEmail(state.challenge.email) : undefined;
  const order = state.pendingCode?.orderNumber;
  await context.sendActivity(answer);
  await context.sendActivity(t(language, to && order ? 'askVerifyCodeStill' : 'askVerifyCodeStillPlain', { digits: d.digits, to, order }));
  return true;
}
