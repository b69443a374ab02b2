import { ReservedNames } from '../profile/reservedNames';
import { looksLikeWord, NOT_A_NAME } from './nameWords';

/** "call me Maria", "my name is Rosalind", "llámame María José", "mi nombre es Ana": phrases that give a name. */
const TRIGGER = /\b(call me|my name is|my name['’]s|my names|llámame|llamame|me llamo|mi nombre es)\s+/iu;
/**
 * "I'm Robert", "im robert", "soy Ana": an introduction, read only at the start of the message (after a greeting, "hi,
 * I'm Ana"). The same words start "I'm angry" and "soy cliente", so what follows must look like a name (selfNamed).
 */
const INTRODUCTION =
  /^\s*(?:(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|hola|buenas(?: tardes| noches)?|buenos d[ií]as|buen d[ií]a)(?: there)?[\s,.!¡]+)?(i['’]?m|i am|soy)\s+/iu;
/**
 * The words right after the phrase, up to the first punctuation ("call me Alex, I need a human" → "Alex"). Digits and
 * signs inside a word stay in it ("Ѕupp0rt", "R2D2"): the reserved-name check reads them as the letters they pass for.
 */
const WORDS = /^[\p{L}][\p{L}\p{N}@$'’-]*(?:\s+[\p{L}][\p{L}\p{N}@$'’-]*)*/u;
/** What may follow a whole name: nothing, a space, or punctuation that ends the word ("Alex, …", "Ana!"), not "Adm!n". */
const NAME_END = /^(?:$|\s|[,.;:!?…)"»]+(?:$|\s))/u;
/** Small words inside names, written in lower case ("María de la Luz", "Ludwig van Beethoven"). */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'van', 'von', 'der', 'den', 'da', 'di', 'du', 'le', 'dos', 'das']);
/** Words that follow "call me" without being a name: "call me back", "can you call me later", "my name is not important". */
const NOT_NAMES = new Set([
  ...['back', 'later', 'now', 'tomorrow', 'today', 'tonight', 'asap', 'soon', 'please', 'when', 'if', 'at', 'on', 'again', 'maybe', 'not'],
  ...['mañana', 'luego', 'después', 'despues', 'ahora', 'pronto', 'por', 'cuando', 'más', 'mas', 'tarde', 'otra', 'no', 'si'],
]);
/** Words that join a name to a request: "I'm Ana and I want…", "soy Pedro y quiero…". */
const JOINS = new Set(['and', 'but', 'y', 'pero']);
const MAX_WORDS = 5;
/** An introduction's name is short: "I'm Ana García", not "I'm Robert's wife and…". */
const MAX_INTRODUCED = 3;
/** Role words on their own ("Agente", "Support"): a name made of them is refused, never left to the model. */
const ROLES = new ReservedNames();

export interface GivenName {
  /** The name as it will be kept (spaces folded, at most 60 characters). */
  name: string;
  /** The rest of the message without the naming phrase ("call me Alex, I need a human" → ", I need a human"). */
  rest: string;
}

const capitalised = (w: string) => /^\p{Lu}/u.test(w);

/**
 * The name a message gives: after "call me", "my name is", "me llamo" anywhere in it, or after "I'm", "soy" at its
 * start (selfNamed). Written with capitals, the capitalised words after the phrase (and the particles between them);
 * in lower case only when the name is all that follows, up to punctuation ("call me maria", "soy ana, dónde está mi
 * pedido"). Once any words went ("can you call me later" named the customer "later"; "me llamo pedro y quiero un
 * reembolso", "pedro y quiero").
 */
export function givenName(text: string): GivenName | undefined {
  const m = TRIGGER.exec(text);
  if (m) return nameAfter(text, m.index, m.index + m[0].length, false);
  const intro = INTRODUCTION.exec(text);
  // An introduction's greeting belongs to it: "hi, I'm Ana" leaves nothing else to answer.
  return intro ? nameAfter(text, 0, intro[0].length, true) : undefined;
}

/** The name after a phrase ending at `start`; `cut` is where the text kept before the phrase ends (in `rest`). */
function nameAfter(text: string, cut: number, start: number, introduction: boolean): GivenName | undefined {
  const tail = text.slice(start);
  const words = (WORDS.exec(tail)?.[0] ?? '').split(/\s+/).filter(Boolean);
  if (words.length === 0 || NOT_NAMES.has(words[0].toLowerCase())) return undefined;
  // Shouted ("I'M ROBERT", "I'M FURIOUS") says nothing about which words are names.
  const cased = /\p{Ll}/u.test(text);
  let taken: string[];
  if (cased && capitalised(words[0])) {
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
    // In lower case, the name is all there is up to the end or to punctuation: "soy ana, dónde está mi pedido".
    const upToPunctuation = tail
      .split(/[,;:.!?¡¿…]/u)[0]
      .replace(/\s+/g, ' ')
      .trim();
    if (words.length > 2 || words.join(' ') !== upToPunctuation || words.some((w) => PARTICLES.has(w) || NOT_NAMES.has(w.toLowerCase()))) return undefined;
    // Nor a word of the language: "can I have you call me something else", "call me an uber".
    if (words.some((w) => looksLikeWord(w) && !ROLES.isReserved(w))) return undefined;
    taken = words;
  }
  if (introduction && !selfNamed(taken, words, cased)) return undefined;
  const phrase = new RegExp(`^${taken.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')}`, 'u').exec(tail)!;
  let end = start + phrase[0].length;
  // Never a name cut short ("Adm!n" taken as "Adm"): the last word is taken whole, up to the next space.
  if (!NAME_END.test(text.slice(end))) {
    const more = /^\S*/u.exec(text.slice(end))![0].replace(/[,.;:!?…)"»]+$/u, '');
    taken.push(`${taken.pop()}${more}`);
    end += more.length;
  }
  return { name: tidy(taken).slice(0, 60), rest: `${text.slice(0, cut)} ${text.slice(end)}`.trim() };
}

/**
 * Whether the words after "I'm" or "soy" are a name and not what the customer is ("angry", "cliente", "de Madrid",
 * "still waiting"): short, the whole of the clause (up to punctuation, "and" or "y"), capitalised, and no word one of
 * the known words (nameWords.ts). In lower case nothing tells "soy ana" from "soy vegana" or "I'm ecstatic" (a
 * held-out set found 9 such words in 46 sentences): a wrong name is kept on the profile and shown to agents, a missed
 * one costs nothing, so lower case is left to the model. A word that passes for staff ("im alex agent") is still a
 * name to refuse, never a request for an agent.
 */
function selfNamed(taken: string[], words: string[], cased: boolean): boolean {
  const names = taken.filter((w) => !PARTICLES.has(w));
  if (names.length > MAX_INTRODUCED) return false;
  const next = words[taken.length];
  if (next !== undefined && !JOINS.has(next.toLowerCase())) return false;
  if (names.some((w) => ROLES.isReserved(w))) return true;
  return cased && names.every((w) => capitalised(w) && !NOT_A_NAME.has(w.toLowerCase()));
}

/** A name typed all in lower case or all in capitals is kept capitalised ("robert" → "Robert"), particles aside. */
function tidy(words: string[]): string {
  const joined = words.join(' ');
  if (joined !== joined.toLowerCase() && joined !== joined.toUpperCase()) return joined;
  // A word with digits is kept as typed: "R2D2" is no "R2d2".
  const cap = (w: string) => (/\p{N}/u.test(w) ? w : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
  return words.map((w) => (PARTICLES.has(w.toLowerCase()) ? w.toLowerCase() : cap(w))).join(' ');
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
 * "call me Alex Agente" or "I'm Alex Agente" is a name to refuse (profile/reservedNames.ts), never a request for an
 * agent, and "call me María de la Luz" or "soy Ana" no reason to answer in Spanish.
 */
export function withoutName(text: string): string {
  return givenName(text)?.rest ?? text;
}
