/**
 * Opting out, misspelled as customers type it (outside tester 32, M3: "unsubscirbe me frm ur emials" was offered a
 * grant): a word one or two keystrokes from "unsubscribe" or "desuscribir(me)" is read as that word, so every reader
 * of consent (negations and questions included: "I never asked to unsubscirbe") sees the opt-out it means. Only long
 * words that start like the target are compared: no short word is ever taken for an opt-out. Pure words.
 */
const TARGETS = ['unsubscribe', 'desuscribir', 'desuscribirme'];
const MAX_EDITS = 2;

/** Edits between two words: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
function edits(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The opt-out word a misspelled word stands for, or undefined ("unsusbcribe" → "unsubscribe"). */
export function optOutSpelling(word: string): string | undefined {
  const w = word.toLowerCase();
  // Spelled right already ("unsubscribed", "desuscríbete" read as such by every reader), or too short to guess at.
  if (w.length < 9 || /^(?:unsubscrib|desuscrib)/.test(w)) return undefined;
  const near = TARGETS.filter((t) => w[0] === t[0] && Math.abs(w.length - t.length) <= MAX_EDITS)
    .map((t) => ({ t, n: edits(w, t) }))
    .filter((x) => x.n <= MAX_EDITS)
    .sort((a, b) => a.n - b.n);
  return near[0]?.t;
}

/** The text with misspelled opt-out words written right; anything else as it was. */
export function spellOptOut(text: string): string {
  return text.replace(/\p{L}{9,}/gu, (w) => optOutSpelling(w) ?? w);
}
