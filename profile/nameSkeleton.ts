/**
 * The skeleton two names are compared on to tell whether one passes for the other, in the spirit of Unicode TR39's
 * confusable detection (https://www.unicode.org/reports/tr39/#Confusable_Detection): names that look alike get the
 * same skeleton. The skeleton is for comparing only: no name is ever kept or shown altered. Framework-free.
 */
import { LATIN_LOOK_ALIKES, OTHER_SCRIPT_LOOK_ALIKES } from './latinLookAlikes';

/**
 * Besides (and over) the generated tables: lower-case Cyrillic and Greek letters that pass for a Latin small capital
 * or letter (TR39 reads them as such capitals, not as letters), and digits or signs written for letters ("Adm1n").
 */
const LOWER: Record<string, string> = {
  в: 'b',
  к: 'k',
  м: 'm',
  н: 'h',
  т: 't',
  β: 'b',
  ε: 'e',
  κ: 'k',
  τ: 't',
  χ: 'x',
  ω: 'w',
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'l',
  '|': 'l',
};

/** Entries of the generated tables (latinLookAlikes.ts), each a letter followed by what it passes for. */
const entries = (lines: readonly string[]) => lines.flatMap((line) => line.split(' ')).map((e) => [...e]);
/**
 * Read before the name is lowered, so a capital is read as it looks: Greek Η is "H" but its η reads "n", Cherokee Ꭺ
 * is "A" but its ꭺ reads nothing.
 */
const BEFORE: Record<string, string> = Object.fromEntries(entries(OTHER_SCRIPT_LOOK_ALIKES).map(([ch, ...base]) => [ch, base.join('')]));
/** Read after it is lowered: Latin look-alikes by name, other scripts' letters (TR39's), then ours. */
const AFTER: Record<string, string> = {
  ...Object.fromEntries([...entries(LATIN_LOOK_ALIKES), ...entries(OTHER_SCRIPT_LOOK_ALIKES)].map(([ch, ...base]) => [ch, base.join('')])),
  ...LOWER,
};

/**
 * What is never seen: format characters (zero-width spaces and joiners, bidi controls) and the other default-ignorable
 * code points, Hangul fillers among them, letters that draw nothing ("Sup\u3164port").
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;
/**
 * Marks on letters of scripts whose marks are accents (Latin, Greek, Cyrillic, and on signs and digits): "Sãm" is
 * "Sam". Marks of other scripts are vowels and stay: Devanagari "राम" and "रम" are two names.
 */
const ACCENTS = /([\p{sc=Latin}\p{sc=Greek}\p{sc=Cyrillic}\p{sc=Common}])\p{M}+/gu;

function mapped(text: string, table: Record<string, string>): string {
  let out = '';
  for (const ch of text) out += table[ch] ?? ch;
  return out;
}
const withoutAccents = (text: string) => text.normalize('NFKD').replace(ACCENTS, '$1');

/**
 * The words of a name as compared, in lower case: NFKD (full-width, mathematical and circled letters, ligatures,
 * superscripts), accents dropped, invisible characters dropped, look-alikes of every script read as the Latin letters
 * they pass for (Cyrillic, Greek, dotless i, letters with strokes, bars and hooks, small capitals, IPA), digits and
 * signs read as letters ("Adm1n"), "rn" read as "m" and "l" as "i" (on both sides of every comparison). Words split
 * at anything but a letter and, unless `splitCase` is false, at a lower-to-upper case change ("AcmeSupport"). Letters of other scripts are kept as
 * they are, so a name written in them is compared too.
 */
export function nameSkeleton(name: string, splitCase = true): string[] {
  const plain = withoutAccents(name.replace(INVISIBLE, '')).replace(INVISIBLE, '');
  const cased = splitCase ? plain.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2') : plain;
  const lower = withoutAccents(mapped(cased, BEFORE).toLowerCase());
  return mapped(lower, AFTER)
    .split(/[^\p{L}\p{M}]+/u)
    .filter(Boolean)
    .map((w) => w.replace(/rn/g, 'm').replace(/l/g, 'i'));
}

/** The Latin letters of a skeleton's words, each run of them a word: what role words are compared with. */
export function latinWords(skeleton: readonly string[]): string[] {
  return skeleton.flatMap((w) => w.split(/[^a-z]+/)).filter(Boolean);
}

/** The words of a name as written, split at spaces (digits and signs written for letters stay in their word). */
const words = (name: string) => name.normalize('NFC').split(/\s+/u).filter(Boolean);

/** A letter of a script of its own (not Latin, nor the Common and Inherited letters every script shares). */
const OTHER_SCRIPT = /(?![\p{sc=Latin}\p{sc=Common}\p{sc=Inherited}])\p{L}/u;
const LATIN = /\p{sc=Latin}/u;
const mixed = (word: string) => LATIN.test(word) && OTHER_SCRIPT.test(word);

/**
 * Whether a word of the name holds Latin letters and letters of another script together ("Stafferд", "Sаm" with a Cyrillic а). A name wholly in one script never does (Łukasz, Александр,
 * 山田太郎), nor one with words in two scripts side by side ("Sam 山田").
 */
export function mixesScripts(name: string): boolean {
  return words(name).some(mixed);
}

/**
 * The name as a staff name would be compared with it, once the letters of other scripts inside its mixed words are
 * dropped: "Sam Stafferд" is "samstaffer". Words wholly in one script are kept as nameSkeleton reads them.
 */
export function mixedWordsDropped(name: string): string {
  return words(name)
    .map((w) => {
      const skeleton = nameSkeleton(w).join('');
      return mixed(w) ? latinWords([skeleton]).join('') : skeleton;
    })
    .join('');
}

/** Whether `a` becomes `b` by at most one letter added, dropped, changed, or two neighbours swapped. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const [ra, rb] = [a.slice(i), b.slice(i)];
  return ra.slice(1) === rb.slice(1) || ra.slice(1) === rb || ra === rb.slice(1) || (ra[0] === rb[1] && ra[1] === rb[0] && ra.slice(2) === rb.slice(2));
}
