/**
 * A text's length as the message limit counts it (MAX_MESSAGE_CHARS): characters, i.e. Unicode code points, so an
 * emoji is one, as the error says, not the two UTF-16 units String.length counts. The same count on every path, the
 * server's and the browsers'.
 */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
