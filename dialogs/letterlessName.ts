/**
 * "call me =1+1", "my name is 12345": a name asked for with no letter in it. givenName.ts takes names that start with
 * a letter and lets anything else go to the intent model, which read "call me =1+1" as the opening hours (by "call").
 * Such a name is refused in so many words: shown to agents and in greetings, it could pass for a formula or a number.
 */
const TRIGGER = /(?<![\p{L}])(?:call me|my name is|my name's|llámame|llamame|me llamo|mi nombre es)\s+/iu;
/** A phone number after "call me" asks for a call (contactAsks.ts), not a name. */
const PHONE = /^\+?\d[\d\s().-]{5,18}\d/u;
/** Punctuation alone ("call me?", "call me …") gives no name at all. */
const ONLY_PUNCTUATION = /^[.,;:!?¿¡…'"()\-–—]+$/u;

export interface LetterlessName {
  /** The would-be name, as typed. */
  name: string;
  /** What the message says besides it. */
  rest: string;
}

export function letterlessName(text: string): LetterlessName | undefined {
  const m = TRIGGER.exec(text);
  if (!m) return undefined;
  const tail = text.slice(m.index + m[0].length);
  if (PHONE.test(tail)) return undefined;
  const token = /^\S+/u.exec(tail)?.[0].replace(/[,;:!?…]+$/u, '');
  if (!token || /\p{L}/u.test(token) || ONLY_PUNCTUATION.test(token)) return undefined;
  return { name: token, rest: `${text.slice(0, m.index)} ${tail.slice(token.length).replace(/^[,;:!?…\s]+/u, '')}`.trim() };
}
