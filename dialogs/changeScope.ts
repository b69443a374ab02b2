/**
 * Whether a message asks for a change, or only mentions one: "I don't want to cancel order 12345", "I'm not asking
 * for a return", "no quiero darme de baja", "can I return it once it arrives?", "why did my offers stop?". Every
 * intent that changes something the customer owns (an order, a contact, consent, the account) reads its message here
 * before a change flow starts: the intent model ranks the words "cancel" and "order", not whether they were denied.
 *
 * A message is read clause by clause (split at punctuation and at "but", "just", "pero", "solo"…), and every mention
 * of the action in it is judged in its own clause: negated (a negation before it: don't, not, never, no need to, no
 * quiero, no + verb), a question about it (can I…?, how do I…?, ¿puedo…?, ¿se puede…?), a question about how it
 * stands (why did…, how is my return going, ¿cómo va…?), or asked. One mention asked is a request; when every mention
 * is negated or questioned, nobody asked for the change.
 */

/** The state-changing actions a message may name. */
export type ChangeAction = 'cancel' | 'return' | 'refund' | 'contact' | 'deleteAccount' | 'optOut';

/**
 * How a message stands towards an action: `asked` (at least one mention asks for it), `negated` (every mention is
 * denied), `question` (asks whether or how it can be done), `status` (asks how an existing one stands, or why
 * something stopped). Undefined: the message does not name the action in words (the intent model's reading stands).
 */
export type ChangeStance = 'asked' | 'negated' | 'question' | 'status';

// Letters, as \b knows only ASCII ones: "cancélalo", "devolución" are words here.
const L = '\\p{L}';
const word = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'gu');

/**
 * How each action is named, in English and Spanish. Opting out is named by its verbs only: "no more", "ya no" are
 * themselves refusals of what we send ("I don't want the newsletter any more"), not something a negation undoes.
 */
const MENTIONS: Record<ChangeAction, RegExp> = {
  cancel: word(`canc[eé]l${L}*|call off|anul${L}*`),
  return: word(`returns?|returning|returned|send (?:[${L}']+ ){0,2}back|devoluci[oó]n|devoluciones|devolv${L}*|devuelv${L}*|devu[eé]lv${L}*`),
  refund: word(`refund${L}*|money back|reembols${L}*|(?:devolver|devolverme|devolv[eé]is|devuelvan|devu[eé]lveme) (?:el|mi) dinero`),
  contact: word(`change|changing|update|updating|replace|edit|correct|cambi${L}*|actuali[zc]${L}*|modific${L}*`),
  deleteAccount: word(`delete|deleting|close|closing|remove|erase|borr${L}*|elimin${L}*|cerr${L}*|cierr${L}*|de baja`),
  optOut: word(
    `unsubscrib${L}*|unsub|opt(?:ed|ing)? (?:me )?out|optout|stop${L}*|cancel${L}*|quit|remove|withdraw|revoke|pause|block|(?:take|get|remove|drop) (?:me )?off|de baja|desuscrib${L}*|desapunt${L}*|dej${L}* de|par${L}* de|quit(?!e(?![${L}]))[aáeé]${L}*|qu[ií]t(?:ame|anos|adme|enme)|s[aá]ca${L}*|saqu${L}*`,
  ),
};

/** An e-mail address or a phone number, as contactDetailsDialog.ts reads them. */
const CONTACT_VALUE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|\+\d[\d\s().-]{6,18}\d/gu;

/**
 * A negation whose scope reaches a later word of its clause. "no" alone counts before a word ("no quiero", "no lo
 * canceles", "no need to"), not in "no more" or "no problem" (the first is itself a stop, matched as a mention first).
 */
const NEGATION = word(
  `not|never|n't|dont|didnt|doesnt|wont|isnt|wasnt|aint|havent|hasnt|cannot|without|nunca|jam[aá]s|tampoco|ni|no(?= (?!more|problem|worries|m[aá]s)${L})|no longer`,
);
/** "I didn't want…" reads as "didn't": the apostrophe form joins its verb. */
const NT = /n't(?![\p{L}])/gu;

/** Asking whether or how the change can be done: a question about it, not a request for it. */
const CAPABILITY = word(
  [
    `can i|could i|may i|can we|could we|is it possible|am i (?:able|allowed)|how (?:do|does|did|can|could|would|will|should)|how to|how long|is there (?:a|any) way|what if|what happens if|do you (?:accept|allow|take)`,
    // "where can I unsubscribe?", "I want to know if I can opt out", "if I unsubscribe, will…": asking, or supposing.
    `where (?:can|do|could|should) (?:i|we)|where to|(?:if|whether) (?:i|we) (?:can|could|may)|if (?:i|we)|in case (?:i|we)|suppose (?:i|we)`,
    `puedo|podr[ií]a|podemos|se puede|es posible|c[oó]mo (?:(?:me|te|se|nos|lo|la|le) )?(?:puedo|podemos|se|hago|hacemos|podr[ií]a|doy|damos|das|da|pido|solicito|quito|cancelo|devuelvo|anulo|borro|elimino|cambio|desuscribo|desapunto)|cómo(?! (?:es posible|puede ser) que)|d[oó]nde (?:puedo|se|me|lo)|hay (?:forma|manera|alguna forma|alguna manera)|qu[eé] (?:pasa|pasar[ií]a|ocurre) si|y si`,
    // "¿si me doy de baja…?", "si lo devuelvo…": a supposition ("sí", accented, is a yes and never matches).
    `si(?= (?:me|te|nos|lo|la|los|las|le|les|yo) )`,
    // "¿cuánto tarda un reembolso?": how long, in Spanish.
    `cu[aá]nto (?:tarda|tardan|tardar[aá]|tiempo|se tarda|dura)`,
  ].join('|'),
);
/**
 * A yes/no question about the change itself, led by its auxiliary: "would unsubscribing also stop my order updates?",
 * "does opting out stop everything?", "should I cancel it?". Not when it asks someone to do it ("can you cancel it",
 * "could someone unsubscribe me"): that is a request.
 */
const QUESTION_LEAD =
  /^(?:would|will|does|do|did|is|are|can|could|should|might|may|shall)(?![\p{L}'])(?! (?:you|u|ya|someone|somebody|anyone|anybody|y'all)(?![\p{L}]))/u;
/**
 * The rules for the change, not the change: "the return policy", "the refund conditions", "la política de
 * devoluciones", "el plazo de devolución". What they are is a question, whatever verb asks it ("just tell me…").
 */
const POLICY_AFTER = /^\s*(?:policy|policies|rules|conditions|terms|window|deadline|period)(?![\p{L}])/u;
const POLICY_BEFORE = /(?<![\p{L}])(?:pol[ií]ticas?|condiciones|plazos?|normas|reglas) de (?:(?:la|las|los|el) )?$/u;
/**
 * Not knowing how to do it is asking how, not refusing it: "I don't know how to cancel my order", "no sé cómo darme de
 * baja". Read before the negation it contains.
 */
const HOW_UNKNOWN = word(
  `(?:don't|dont|do not) know (?:how|where)|not sure (?:how|where)|no idea how|unsure how|(?:can't|cannot|can not) (?:figure out|work out|find|see) (?:how|where)|no s[eé] (?:c[oó]mo|d[oó]nde)|no encuentro (?:c[oó]mo|d[oó]nde)|no tengo claro c[oó]mo`,
);
/** Asking how something stands, or why it happened: "why did my offers stop?", "¿cómo va la devolución?". */
const STATUS = word(
  `why|how come|por qu[eé]|porqu[eé]|how is|how's|how are|what'?s (?:happening|going on) with|what happened (?:to|with)|status|any (?:news|update)|c[oó]mo va|c[oó]mo van|qu[eé] pasa con|qu[eé] ha pasado con|en qu[eé] (?:estado|punto)|alguna novedad`,
);
/** Where a clause ends: punctuation (not the dots of an e-mail address), and words that start another thought ("but", "just", "so", "pero", "solo"). */
const CLAUSE_END = /[.,;:!?)]+(?=\s|$)|[¿¡(\n]+|\s(?:but|just|only|so|because|instead|i just|pero|solo|sólo|sino|así que|porque|en vez de|sino que)\s/u;

/** The text's clauses, lower-cased, apostrophes made one kind. */
export function clauses(text: string): string[] {
  return ` ${text.toLowerCase().replace(/[’`´]/g, "'")} `
    .split(CLAUSE_END)
    .map((c) => c.trim())
    .filter(Boolean);
}

/** What one mention is, judged in its clause. */
function mentionStance(clause: string, at: number, end: number): ChangeStance {
  const before = clause.slice(0, at);
  if (hasMatch(STATUS, clause)) return 'status';
  if (hasMatch(HOW_UNKNOWN, before)) return 'question';
  if (POLICY_AFTER.test(clause.slice(end)) || POLICY_BEFORE.test(before)) return 'question';
  if (negates(clause, at) || DENIED_AFTER.test(clause.slice(end))) return 'negated';
  if (hasMatch(CAPABILITY, before) || QUESTION_LEAD.test(before)) return 'question';
  return 'asked';
}

/**
 * Words a negation reaches: "no hace falta que me deis de baja" does, "i dont want the order anymore cancel it" does
 * not (the scope ends at "anymore").
 */
const NEGATION_REACH = 5;
/** Words that close a negation's scope: what was denied is done with ("…anymore, cancel it"). */
const SCOPE_END = /(?<![\p{L}])(?:any ?more|no longer|ya no)(?![\p{L}])/u;

/** Denied right after it: "ben@old.example is no longer my e-mail", "+34 600 123 456 isn't mine", "… ya no es mío". */
const DENIED_AFTER = /^\s*(?:(?:is|was|are|'s) (?:not|no longer)|isn't|isnt|wasn't|no longer|(?:ya )?no es)(?![\p{L}])/u;

/** Whether the last negation before the mention at `at` reaches it (read in the whole clause: "no borres" needs its verb). */
function negates(clause: string, at: number): boolean {
  let end = -1;
  for (const re of [NEGATION, NT]) {
    re.lastIndex = 0;
    for (let m = re.exec(clause); m && m.index + m[0].length <= at; m = re.exec(clause)) end = Math.max(end, m.index + m[0].length);
    re.lastIndex = 0;
  }
  if (end < 0) return false;
  const gap = clause.slice(end, at);
  return gap.split(/\s+/).filter(Boolean).length <= NEGATION_REACH && !SCOPE_END.test(gap);
}

function hasMatch(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  const found = re.test(text);
  re.lastIndex = 0;
  return found;
}

/** Every mention (a match of `re`, a global regular expression) in the text, with its stance. */
function mentions(text: string, re: RegExp): ChangeStance[] {
  const out: ChangeStance[] = [];
  for (const clause of clauses(text)) {
    re.lastIndex = 0;
    for (let m = re.exec(clause); m; m = re.exec(clause)) out.push(mentionStance(clause, m.index, m.index + m[0].length));
    re.lastIndex = 0;
  }
  return out;
}

/** How the text stands towards what `re` (global) matches: see ChangeStance. Undefined when nothing matches. */
export function stanceOf(text: string, re: RegExp): ChangeStance | undefined {
  const found = mentions(text, re);
  if (found.length === 0) return undefined;
  if (found.includes('asked')) return 'asked';
  if (found.includes('status')) return 'status';
  if (found.includes('question')) return 'question';
  return 'negated';
}

/** A global, Unicode-aware whole-word pattern of alternatives (for stanceOf). */
export { word as wordPattern };

/** How the message stands towards the action (see ChangeStance); undefined when it does not name it. */
export function changeStance(text: string, action: ChangeAction): ChangeStance | undefined {
  // A contact change is judged by its verb when it has one ("don't change my email, x@y.com was a typo": the address
  // stands in a clause of its own), else by the address or number itself ("+34 600 123 456 is not my number any more").
  const stance = stanceOf(text, MENTIONS[action]);
  return stance ?? (action === 'contact' ? stanceOf(text, CONTACT_VALUE) : undefined);
}

/**
 * The message without the clauses that deny the action or ask about it: what else the customer said ("I don't want
 * to cancel order 12345, I just want to know when it arrives" → "i just want to know when it arrives"). Empty when
 * nothing else was said.
 */
export function restOf(text: string, action: ChangeAction): string {
  return clauses(text)
    .filter((c) => mentions(c, MENTIONS[action]).length === 0)
    .join(', ');
}

/** The action each state-changing intent asks for (the consent intents read their own wish: consentWish.ts). */
export const ACTION_OF_INTENT: Readonly<Record<string, ChangeAction>> = {
  'order.cancel': 'cancel',
  'return.request': 'return',
  'refund.request': 'refund',
  'contact.change': 'contact',
  'account.delete': 'deleteAccount',
};
