import type { Decision } from '../nlu/confidencePolicy';
import type { Recognition } from '../nlu/recognizer';
import type { ReplyKey } from '../locale/replies';
import { codeAside } from './codeAside';
import { isQuestion } from './questionForm';
import { asksDataUse } from './privacyQuestion';
import { DIALOG_FOR_INTENT } from './routingTables';
import { asksAboutSpam } from './spamQuestion';
import { readYesNo } from './yesNo';

/**
 * A question typed at "Save ana.b@example.com as your new e-mail address?" ("will you send me spam?", "why do you need
 * it?", "¿para qué lo queréis?"): answered, and the save question asked again (outside test 32, M9: such a question was
 * read as "not a yes" and the change dropped). A request the bot would act on, an address, a yes or a no stays the
 * dialog's to read (contactDetailsDialog.ts). Plain functions of the recognition.
 */

/** "why do you need it?", "what's it for?", "¿para qué lo necesitáis?", "¿por qué me lo pedís?". */
const WHY =
  /(?<![\p{L}])(?:why(?: do| would| does)? (?:you|u|ya)|what(?:'s| is)? (?:it|that|this) for|what for|para qu[eé]|por qu[eé] (?:lo|la|me|te|os|necesit|quier|ped))(?![\p{L}])/iu;

export type SaveAside = { reply: ReplyKey } | { faq: string };

/**
 * What answers `r` at the save question, or undefined when it is no question to answer beside it. `answers(id)` and
 * `search(text)` as for codeAside: the knowledge file's article for an intent, or found for the text.
 */
export function contactSaveAside(
  r: Recognition,
  decision: Decision,
  answers: (id: string) => boolean,
  search: (text: string) => string | undefined,
): SaveAside | undefined {
  const text = r.text;
  // An address or a number is a correction of the contact; a yes or a no is the answer.
  if (/[@\d]/.test(text) || readYesNo(text) || !isQuestion(text)) return undefined;
  if (asksAboutSpam(text)) return { reply: 'marketingOnlyWithYes' };
  if (asksDataUse(text)) return { reply: 'privacyDataUse' };
  if (WHY.test(text)) return { reply: 'contactWhyAsked' };
  const aside = codeAside(r, decision, answers, search);
  if (aside) return 'faq' in aside ? aside : { reply: aside.reply };
  // A question the bot cannot answer here, and no request it would act on: said so, and the change kept pending.
  const intent = decision.kind === 'answer' ? decision.intent : undefined;
  if (intent && (DIALOG_FOR_INTENT[intent] || intent === 'human.request')) return undefined;
  return { reply: 'contactQuestionAside' };
}
