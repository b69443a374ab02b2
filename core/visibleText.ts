import { textLength } from '../models/textLength';

/**
 * Characters that draw nothing: format controls (zero-width space and joiners, soft hyphen, BOM, bidi marks), the
 * braille blank and the Hangul fillers. A message of only these (and spaces) reaches its reader as an empty bubble.
 */
const INVISIBLE = /[\p{Cf}\p{Z}\s\u2800\u115F\u1160\u3164\uFFA0]/gu;

/** Whether the text shows anything at all. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '').length > 0;
}

/** The one refusal of a text over the limit, whichever path it came by. */
export function messageTooLongMessage(maxChars: number): string {
  return `messages are at most ${maxChars} characters`;
}

export { textLength };
