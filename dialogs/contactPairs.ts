/**
 * Two contact changes in one message ("my email is wrong, it should be ana.new@example.com, also change my phone to
 * +34 600 123 456"; outside tester): the contact dialog takes one contact per request, and the second was dropped. The
 * message is cut where the second change starts: the first is asked now, the second kept for later
 * (dialogs/laterRequests.ts) and taken up after it, as any other pair of requests is.
 */
const L = '\\p{L}';
const EMAIL = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/u;
const PHONE = /\+?\(?\d[\d\s().-]{5,18}\d/u;
const EMAIL_WORD = new RegExp(`(?<![${L}])(?:e-?mail|correo)(?![${L}])`, 'iu');
const PHONE_WORD = new RegExp(`(?<![${L}])(?:phone|mobile|cell|telephone|number|tel[eé]fono|m[oó]vil|celular|n[uú]mero)(?![${L}])`, 'iu');
/** Where another request starts: "also", "and", "plus", "y", "además" (after a comma or not). */
const JOIN = new RegExp(
  `(?:[,;.]\\s*|\\s+)(?:and\\s+also|and|also|plus|as\\s+well\\s+as|y\\s+tambi[eé]n|y\\s+adem[aá]s|adem[aá]s|tambi[eé]n|y)(?![${L}])[,:]?\\s*`,
  'giu',
);
/** The second part names the change in so many words, or it is prefixed with one to be read on its own. */
const CHANGE_VERB = new RegExp(`(?<![${L}])(?:change|update|replace|set|correct|fix|cambi${L}*|actuali[zc]${L}*|modific${L}*|pon${L}*)(?![${L}])`, 'iu');

type Kind = 'email' | 'phone';
const kindOf = (part: string): Kind | undefined => {
  const email = EMAIL.test(part) || EMAIL_WORD.test(part.replace(EMAIL, ' '));
  const phone = PHONE.test(part.replace(EMAIL, ' ')) || PHONE_WORD.test(part);
  return email && !phone ? 'email' : phone && !email ? 'phone' : undefined;
};

export interface ContactPair {
  /** The first change, with its value: asked now. */
  head: string;
  /** The second change, to be read on its own when the first is done. */
  tail: string;
}

/**
 * The two changes of a message that gives a new e-mail address and a new phone number (in either order), or
 * undefined when it gives one kind only (an old and a new number are one change).
 */
export function splitContactChanges(text: string, language: string): ContactPair | undefined {
  if (!EMAIL.test(text) || !PHONE.test(text.replace(EMAIL, ' '))) return undefined;
  for (const m of text.matchAll(JOIN)) {
    const head = text.slice(0, m.index).trim();
    const rest = text.slice(m.index + m[0].length).trim();
    const first = kindOf(head);
    const second = kindOf(rest);
    // Each part one kind, with its value: "…ana.new@example.com" | "change my phone to +34 600 123 456".
    if (!first || !second || first === second) continue;
    if (!(first === 'email' ? EMAIL : PHONE).test(head) || !(second === 'email' ? EMAIL : PHONE).test(rest)) continue;
    const tail = CHANGE_VERB.test(rest) ? rest : `${language === 'es' ? 'cambia' : 'change'} ${rest}`;
    return { head, tail };
  }
  return undefined;
}
