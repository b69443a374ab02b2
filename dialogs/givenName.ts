/** "call me Maria", "my name is Rosalind", "llámame María José": the phrases that give a name. */
const TRIGGER = /\b(call me|my name is|llámame|llamame|me llamo)\s+/iu;
/**
 * The words right after the phrase, up to the first punctuation ("call me Alex, I need a human" → "Alex"). Digits and
 * signs inside a word stay in it ("Ѕupp0rt", "R2D2"): the reserved-name check reads them as the letters they pass for.
 */
const WORDS = /^[\p{L}][\p{L}\p{N}@$'-]*(?:\s+[\p{L}][\p{L}\p{N}@$'-]*)*/u;
/** What may follow a whole name: nothing, a space, or punctuation that ends the word ("Alex, …", "Ana!"), not "Adm!n". */
const NAME_END = /^(?:$|\s|[,.;:!?…)"»]+(?:$|\s))/u;
/** Small words inside names, written in lower case ("María de la Luz", "Ludwig van Beethoven"). */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'van', 'von', 'der', 'den', 'da', 'di', 'du', 'le', 'dos', 'das']);
/** Words that follow "call me" without being a name: "call me back", "can you call me later", "my name is not important". */
const NOT_NAMES = new Set([
  ...['back', 'later', 'now', 'tomorrow', 'today', 'tonight', 'asap', 'soon', 'please', 'when', 'if', 'at', 'on', 'again', 'maybe', 'not'],
  ...['mañana', 'luego', 'después', 'despues', 'ahora', 'pronto', 'por', 'cuando', 'más', 'mas', 'tarde', 'otra', 'no', 'si'],
]);
const MAX_WORDS = 5;

export interface GivenName {
  /** The name as it will be kept (spaces folded, at most 60 characters). */
  name: string;
  /** The rest of the message without the naming phrase ("call me Alex, I need a human" → ", I need a human"). */
  rest: string;
}

const capitalised = (w: string) => /^\p{Lu}/u.test(w);

/**
 * The name a message gives. Written with capitals, the capitalised words after the phrase (and the particles between
 * them); in lower case only when the name is all that follows ("call me maria", "me llamo pedro"). Once any words
 * went ("can you call me later" named the customer "later"; "me llamo pedro y quiero un reembolso", "pedro y quiero").
 */
export function givenName(text: string): GivenName | undefined {
  const m = TRIGGER.exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  const words = (WORDS.exec(text.slice(start))?.[0] ?? '').split(/\s+/).filter(Boolean);
  if (words.length === 0 || NOT_NAMES.has(words[0].toLowerCase())) return undefined;
  let taken: string[];
  if (capitalised(words[0])) {
    taken = [words[0]];
    for (let i = 1; i < words.length && taken.length < MAX_WORDS; i++) {
      // Particles count only when a capitalised word follows them ("María de la Luz", not "Pedro y quiero").
      let j = i;
      while (j < words.length && PARTICLES.has(words[j])) j++;
      if (j >= words.length || !capitalised(words[j])) break;
      taken.push(...words.slice(i, j + 1));
      i = j;
    }
  } else {
    const tail = text.slice(start).replace(/[\s.!?¡¿…]+$/u, '');
    if (words.length > 2 || words.join(' ') !== tail.replace(/\s+/g, ' ') || words.some((w) => PARTICLES.has(w) || NOT_NAMES.has(w.toLowerCase())))
      return undefined;
    taken = words;
  }
  const phrase = new RegExp(`^${taken.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')}`, 'u').exec(text.slice(start))!;
  let end = start + phrase[0].length;
  // Never a name cut short ("Adm!n" taken as "Adm"): the last word is taken whole, up to the next space.
  if (!NAME_END.test(text.slice(end))) {
    const tail = /^\S*/u.exec(text.slice(end))![0].replace(/[,.;:!?…)"»]+$/u, '');
    taken.push(`${taken.pop()}${tail}`);
    end += tail.length;
  }
  return { name: taken.join(' ').slice(0, 60), rest: `${text.slice(0, m.index)} ${text.slice(end)}`.trim() };
}

/** Words that join a name to what follows it: "Me llamo Pedro y quiero…", "my name is Ana and my order…". */
const JOINERS = /^(?:[\s,.;:!?¡¿…-]|\b(?:and|but|so|please|y|pero|por favor)\b)+|[\s,.;:!?¡¿…-]+$/iu;

/** What the message asks besides giving a name, when it is more than a word of politeness. */
export function requestBeside(named: GivenName): string | undefined {
  const rest = named.rest
    .replace(/(\s*[,;]\s*){2,}/g, ', ')
    .replace(JOINERS, '')
    .replace(JOINERS, '');
  return rest.split(/\s+/).filter(Boolean).length >= 2 ? rest : undefined;
}

/**
 * The message without a name given in it: what is read for a request for a person, and for the language, so that
 * "call me Alex Agente" is a name to refuse (profile/reservedNames.ts), never a request for an agent, and "call me
 * María de la Luz" no reason to answer in Spanish.
 */
export function withoutName(text: string): string {
  return givenName(text)?.rest ?? text;
}
