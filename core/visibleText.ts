/**
 * Characters that draw nothing: format controls (zero-width space and joiners, soft hyphen, BOM, bidi marks), the
 * braille blank and the Hangul fillers. A message of only these (and spaces) reaches its reader as an empty bubble.
 */
const INVISIBLE = /[\p{Cf}\p{Z}\s\u2800\u115F\u1160\u3164\uFFA0]/gu;

/** Whether the text shows anything at all. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '').length > 0;
}

/**
 * A text's length as the message limit counts it (MAX_MESSAGE_CHARS): characters, i.e. Unicode code points, so an
 * emoji is one, as the error says, not the two UTF-16 units String.length counts. The same count on every path.
 */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The one refusal of a text over the limit, whichever path it came by. */
export function messageTooLongMessage(maxChars: number): string {
  return `messages are at most ${maxChars} characters`;
}
