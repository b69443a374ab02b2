import { textLength } from '../models/textLength';

/**
 * Any character but those that draw nothing: format controls (zero-width space and joiners, soft hyphen, BOM, bidi
 * marks), the braille blank and the Hangul fillers. A message of only these (and spaces) reaches its reader as an
 * empty bubble.
 */
const VISIBLE = /[^\p{Cf}\p{Z}\s\u2800\u115F\u1160\u3164\uFFA0]/u;

/** Whether the text shows anything at all: one character outside those (found without copying the text). */
export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text);
}

/** The one refusal of a text over the limit, whichever path it came by. */
export function messageTooLongMessage(maxChars: number): string {
  return `messages are at most ${maxChars} characters`;
}

export { textLength };
