import { isWithdrawRequest } from './humanRequest';

/** Clauses, also at an opening "¿" and at "just", "only", "solo": "never mind the agent, just tell me the hours". */
function parts(text: string): string[] {
  return text
    .split(/(?<=[,.;!?])\s+|\s*[¿¡]\s*|\s+(?:but|and|also|just|only|pero|y|además|solo|sólo)\s+/iu)
    .map((s) => s.trim().replace(/^(?:just|only|solo|sólo)\s+/iu, ''))
    .filter(Boolean);
}
const FILLER = /^(?:actually|ok|okay|well|oh|so|sorry|no wait|wait|no|en realidad|bueno|vale|perdón|perdona|pues)[,.!]*$/iu;

/**
 * What a message that withdraws the request for a person asks besides ("actually I don't need a person, just tell me
 * your opening hours" → "tell me your opening hours"). Empty when withdrawing is all it says.
 */
export function besideWithdrawal(text: string): string {
  return parts(text)
    .filter((p) => !isWithdrawRequest(p) && !FILLER.test(p) && p.split(/\s+/).length >= 2)
    .join(' ')
    .trim();
}
