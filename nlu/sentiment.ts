// node-nlp ships no types: node-nlp.d.ts types the part of it used here.
import { SentimentAnalyzer } from 'node-nlp';
import { INTENSIFIERS, NEGATORS, PHRASES, WORDS } from './sentimentLexicon';

const analyzers = new Map<string, { getSentiment(text: string): Promise<{ score: number }> }>();

/**
 * Sentiment from -1 to 1. Today node-nlp's lexicon (senticon) score, clamped; issue #6 measures it
 * on labelled data and improves negation and intensifiers. Kept synchronous-looking by caching.
 */
export function scoreSentiment(text: string, language: string): number {
  return lexiconSentiment(text, language);
}

// node-nlp's analyzer is async; the bot path needs a cheap synchronous score: our lexicon (sentimentLexicon.ts),
// folded once per language into accent-free lemmas and phrases.
interface Lexicon {
  words: Map<string, number>;
  phrases: { tokens: string[]; score: number }[];
  negators: Set<string>;
  intensifiers: Set<string>;
}
const lexicons = new Map<string, Lexicon>();

/** Lower case without accents: "pésima" and "pesima" are one word to a customer typing fast. */
function fold(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}
const tokenize = (s: string) =>
  fold(s)
    .replace(/n't\b/g, " n't")
    .split(/[^\p{L}']+/u)
    .filter(Boolean);

function lexiconFor(language: string): Lexicon {
  const lang = WORDS[language] ? language : 'en';
  let l = lexicons.get(lang);
  if (!l) {
    l = {
      words: new Map(Object.entries(WORDS[lang]).map(([w, v]) => [fold(w), v])),
      // Longest first, so "nadie me responde" wins over "nadie responde" where both could start.
      phrases: (PHRASES[lang] ?? []).map(([p, score]) => ({ tokens: tokenize(p), score })).sort((a, b) => b.tokens.length - a.tokens.length),
      negators: new Set(NEGATORS[lang].map(fold)),
      intensifiers: new Set(INTENSIFIERS[lang].map(fold)),
    };
    lexicons.set(lang, l);
  }
  return l;
}

/**
 * A word's score, its inflections included. Spanish: plural (-s, -es, -ces → -z) and feminine (-a → -o) reduce
 * to the lemma, so "furiosas", "furiosa" and "furioso" score alike; the word as written is tried first.
 */
function wordScore(tok: string, language: string, words: Map<string, number>): number | undefined {
  const exact = words.get(tok);
  if (exact !== undefined || language !== 'es') return exact;
  const singular = [tok];
  if (tok.endsWith('ces')) singular.push(tok.slice(0, -3) + 'z');
  if (tok.endsWith('es')) singular.push(tok.slice(0, -2));
  if (tok.endsWith('s')) singular.push(tok.slice(0, -1));
  for (const s of singular) {
    const v = words.get(s) ?? (s.endsWith('a') ? words.get(s.slice(0, -1) + 'o') : undefined);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function lexiconSentiment(text: string, language: string): number {
  const lex = lexiconFor(language);
  let sum = 0;
  let hits = 0;
  // Negation and intensifiers reach only within their own clause: "never arrived. Worst shop" is not "never worst".
  for (const clause of text.split(/[.,;:!?¡¿\n]+/)) {
    const tokens = tokenize(clause);
    let floor = 0;
    for (let i = 0; i < tokens.length;) {
      const phrase = lex.phrases.find((p) => p.tokens.every((t, k) => tokens[i + k] === t));
      const base = phrase ? phrase.score : wordScore(tokens[i], language, lex.words);
      // A phrase's own words ("never arrived") do not negate the next one ("and nobody answers").
      const window = tokens.slice(Math.max(floor, i - 3), i);
      i += phrase ? phrase.tokens.length : 1;
      if (phrase) floor = i;
      if (!base) continue;
      let v = base;
      if (window.some((w) => lex.negators.has(w))) v = -v * 0.7; // "not good" is mildly negative, not the mirror of "good"
      if (window.some((w) => lex.intensifiers.has(w))) v *= 1.3;
      sum += v;
      hits++;
    }
  }
  if (text.includes('!') && sum < 0) sum *= 1.1;
  if (hits === 0) return 0;
  return Math.max(-1, Math.min(1, sum / Math.sqrt(hits)));
}

/** node-nlp's own analyzer, kept for the benchmark's before/after comparison. */
export async function nodeNlpSentiment(text: string, language: string): Promise<number> {
  let a = analyzers.get(language);
  if (!a) {
    a = new SentimentAnalyzer({ language });
    analyzers.set(language, a);
  }
  const r = await a.getSentiment(text);
  return Math.max(-1, Math.min(1, r.score));
}
