import { mulberry32 } from './linearClassifier';

/**
 * Training-time typo injection: customers type fast on phones, and a corpus written with care has few of the
 * slips they make. Each training utterance gets `copies` noisy twins with one or two slips each: a letter
 * dropped, doubled, swapped with its neighbour or replaced by a key next to it, or two words run together.
 * Order numbers and other digits are left alone.
 */
export interface TypoOptions {
  /** Noisy copies per training utterance. */
  copies: number;
  seed: number;
}

export const DEFAULT_TYPOS: TypoOptions = { copies: 1, seed: 11 };

/** Neighbouring keys on a QWERTY keyboard (Spanish keyboards differ only around ñ). */
const NEIGHBOURS: Record<string, string> = {
  q: 'wa',
  w: 'qes',
  e: 'wrd',
  r: 'etf',
  t: 'ryg',
  y: 'tuh',
  u: 'yij',
  i: 'uok',
  o: 'ipl',
  p: 'ol',
  a: 'qsz',
  s: 'adwx',
  d: 'sfe',
  f: 'dgr',
  g: 'fht',
  h: 'gjy',
  j: 'hku',
  k: 'jli',
  l: 'kñ',
  ñ: 'l',
  z: 'xa',
  x: 'zcs',
  c: 'xvd',
  v: 'cbf',
  b: 'vng',
  n: 'bmh',
  m: 'nj',
};

/** One to two slips in `text`; the same text and random source give the same result. */
export function withTypos(text: string, rand: () => number): string {
  const words = text.split(' ');
  const slips = text.length > 25 && rand() < 0.5 ? 2 : 1;
  for (let s = 0; s < slips; s++) {
    // Words of three letters or more, without digits.
    const candidates = words.map((_w, i) => i).filter((i) => /^\p{L}{3,}/u.test(words[i]) && !/\d/.test(words[i]));
    if (!candidates.length) break;
    const i = candidates[Math.floor(rand() * candidates.length)];
    const w = words[i];
    const letters = [...w];
    const at = 1 + Math.floor(rand() * (letters.length - 1));
    const kind = rand();
    if (kind < 0.15 && i + 1 < words.length && /^\p{L}+$/u.test(words[i + 1])) {
      words.splice(i, 2, w + words[i + 1]);
      continue;
    }
    if (kind < 0.4) letters.splice(at, 1);
    else if (kind < 0.6) letters.splice(at, 0, letters[at - 1]);
    else if (kind < 0.8 && at + 1 < letters.length) [letters[at], letters[at + 1]] = [letters[at + 1], letters[at]];
    else {
      const near = NEIGHBOURS[letters[at].toLowerCase()];
      if (near) letters[at] = near[Math.floor(rand() * near.length)];
      else letters.splice(at, 1);
    }
    words[i] = letters.join('');
  }
  return words.join(' ');
}

/** The examples followed by their noisy copies (copies identical to their original are left out). */
export function augmentWithTypos<T extends { text: string }>(examples: readonly T[], options: TypoOptions = DEFAULT_TYPOS): T[] {
  const rand = mulberry32(options.seed);
  const out = [...examples];
  for (let c = 0; c < options.copies; c++) {
    for (const e of examples) {
      const text = withTypos(e.text, rand);
      if (text !== e.text) out.push({ ...e, text });
    }
  }
  return out;
}
