/** "call me Maria", "my name is Rosalind", "llámame María José": a name the customer gives (up to three capitalised words). */
export const NAME_RE = /\b(call me|my name is|llámame|llamame|me llamo)\s+([\p{Lu}][\p{L}'-]*(?:\s+[\p{Lu}][\p{L}'-]*){0,2})/iu;

export interface GivenName {
  /** The name as it will be kept (spaces folded, at most 60 characters). */
  name: string;
  /** The rest of the message without the naming phrase ("call me Alex, I need a human" → ", I need a human"). */
  rest: string;
}

export function givenName(text: string): GivenName | undefined {
  const m = text.match(NAME_RE);
  if (!m) return undefined;
  const at = m.index ?? 0;
  return { name: m[2].trim().replace(/\s+/g, ' ').slice(0, 60), rest: `${text.slice(0, at)} ${text.slice(at + m[0].length)}`.trim() };
}

/**
 * The message without a name given in it: what is read for a request for a person, so that "call me Alex Agente" is
 * a name to refuse (profile/reservedNames.ts), never a request for an agent.
 */
export function withoutName(text: string): string {
  return givenName(text)?.rest ?? text;
}
