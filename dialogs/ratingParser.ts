import { words } from './yesNo';

/**
 * A 1–5 satisfaction rating from what customers actually write to a survey: a digit ("4", "4/5", "4 stars",
 * "4 de 5"), stars ("★★★★"), a number word ("four", "cuatro") or a verdict in English or Spanish ("great",
 * "terrible", "genial", "fatal") as a short answer of its own, with "not"/"no" turning a verdict around ("not good" is
 * a 2). A number or stars rate wherever they stand; a word of feeling inside a sentence never does.
 */
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
};

const VERDICTS: Record<string, number> = {
  // English
  terrible: 1,
  awful: 1,
  horrible: 1,
  worst: 1,
  useless: 1,
  appalling: 1,
  dreadful: 1,
  disgraceful: 1,
  pathetic: 1,
  bad: 2,
  poor: 2,
  disappointing: 2,
  disappointed: 2,
  unhelpful: 2,
  mediocre: 2,
  meh: 3,
  ok: 3,
  okay: 3,
  fine: 3,
  average: 3,
  decent: 3,
  'so-so': 3,
  acceptable: 3,
  alright: 3,
  good: 4,
  nice: 4,
  helpful: 4,
  satisfied: 4,
  pleased: 4,
  happy: 4,
  solid: 4,
  great: 5,
  excellent: 5,
  perfect: 5,
  amazing: 5,
  fantastic: 5,
  awesome: 5,
  brilliant: 5,
  outstanding: 5,
  superb: 5,
  wonderful: 5,
  exceptional: 5,
  flawless: 5,
  // Spanish
  fatal: 1,
  pésimo: 1,
  pesimo: 1,
  pésima: 1,
  pesima: 1,
  malísimo: 1,
  malisimo: 1,
  horroroso: 1,
  nefasto: 1,
  lamentable: 1,
  penoso: 1,
  inútil: 1,
  inutil: 1,
  mal: 2,
  malo: 2,
  mala: 2,
  flojo: 2,
  decepcionante: 2,
  decepcionado: 2,
  decepcionada: 2,
  regular: 3,
  normal: 3,
  aceptable: 3,
  pasable: 3,
  correcto: 3,
  bien: 4,
  bueno: 4,
  buena: 4,
  útil: 4,
  util: 4,
  contento: 4,
  contenta: 4,
  satisfecho: 4,
  satisfecha: 4,
  genial: 5,
  excelente: 5,
  perfecto: 5,
  perfecta: 5,
  estupendo: 5,
  estupenda: 5,
  fantástico: 5,
  fantastico: 5,
  increíble: 5,
  increible: 5,
  buenísimo: 5,
  buenisimo: 5,
  maravilloso: 5,
  espectacular: 5,
  inmejorable: 5,
};
const VERY = new Set(['very', 'really', 'super', 'so', 'extremely', 'muy', 'súper', 'realmente', 'bastante']);
const NOT = new Set(['not', "wasn't", "isn't", 'no', 'nada', 'never', 'ni']);
/** The most words a rating in words may have: a verdict with an intensifier or negation and a noun or two. */
const SHORT_ANSWER_WORDS = 4;
const TIME_UNITS = /^\s*(h|hr|hrs|hours?|min|mins|minutes?|days?|weeks?|horas?|minutos?|días?|dias?|semanas?)\b/i;

/** Words that may stand beside a rating and still leave it bare: "4 stars", "4 de 5", "8 out of 10". */
const RATING_FRAME = new Set(['star', 'stars', 'estrella', 'estrellas', 'out', 'of', 'de', 'sobre', 'points', 'puntos']);
/** Words that only say a rating is given ("I'd give it a", "my rating:", "le doy un"): no comment by themselves. */
const RATING_WORDS = new Set(
  ['i', "i'd", 'id', 'would', 'give', 'it', 'you', 'this', 'a', 'an', 'rate', 'rating', 'score', 'say', 'my', 'is', 'oh', 'and', 'ok', 'okay'].concat([
    'le',
    'te',
    'doy',
    'daría',
    'pongo',
    'pondría',
    'un',
    'una',
    'nota',
    'puntuación',
    'mi',
    'es',
    'y',
  ]),
);

/**
 * A message that says it gives a rating ("I'd rate it a 2", "I'd give it 4 stars", "le doy un 3"): a rating even
 * inside a longer sentence, as the afterthought of a customer who first answered the survey with "thanks".
 */
export const SAYS_RATING =
  /\b(?:rate|rating|score|give (?:it|you|this|them)|i'?d say|stars?|out of|nota|puntuaci[oó]n|punt[uú]o|estrellas?|(?:le|te|les) (?:doy|pongo|dar[ií]a|pondr[ií]a))\b/i;

export interface ParsedRating {
  score: number;
  /** What the customer wrote besides the rating itself (the comment), or undefined. */
  comment?: string;
}

export function parseRatingWithComment(text: string | undefined): ParsedRating | undefined {
  const raw = (text ?? '').trim();
  if (!raw) return undefined;
  const stars = (raw.match(/[★⭐🌟]/gu) ?? []).length;
  if (stars >= 1 && stars <= 5) return { score: stars, comment: rest(raw.replace(/[★⭐🌟☆]/gu, '')) };
  const outOf = raw.match(/\b(\d{1,2})\s*(?:\/|out of|de|sobre)\s*(5|10)\b/i);
  if (outOf) {
    const n = Number(outOf[1]);
    const max = Number(outOf[2]);
    const score = max === 10 ? Math.round(n / 2) : n;
    if (score >= 1 && score <= 5 && n <= max) return { score, comment: commentBeside(raw, outOf.index ?? 0, rest(raw.replace(outOf[0], ''))) };
  }
  // A sign right before the digit makes it no rating ("-1" is not one star).
  for (const m of raw.matchAll(/(^|[^\d.,\-−])([1-5])(?![\d.,]\d)/g)) {
    const after = raw.slice((m.index ?? 0) + m[0].length);
    if (TIME_UNITS.test(after)) continue;
    const without = raw.slice(0, (m.index ?? 0) + m[1].length) + raw.slice((m.index ?? 0) + m[0].length);
    const start = (m.index ?? 0) + m[1].length;
    return { score: Number(m[2]), comment: commentBeside(raw, start, rest(without.replace(/^\s*(stars?|estrellas?)\b/i, ''))) };
  }
  const w = words(raw);
  for (let i = 0; i < w.length; i++) {
    const n = NUMBER_WORDS[w[i]];
    // "one" and "una" only count alone or with "star(s)"/"estrella(s)": "one more thing" is no rating.
    if (n !== undefined && (w.length === 1 || /^(stars?|estrellas?)$/.test(w[i + 1] ?? '') || n > 1)) return { score: n, comment: undefined };
  }
  // A verdict or an emoji is a rating only as the whole short answer ("great", "muy bueno", "excelente atención",
  // "not bad at all"): in a sentence ("El producto llegó roto y nadie me responde, fatal") it is free text, which is
  // a comment at most, never a score (review 21: such a complaint was stored as a 1★ rating of the agent).
  if (w.length > SHORT_ANSWER_WORDS) return undefined;
  for (let i = 0; i < w.length; i++) {
    const v = VERDICTS[w[i]];
    if (v === undefined) continue;
    const negated = NOT.has(w[i - 1] ?? '') || (VERY.has(w[i - 1] ?? '') && NOT.has(w[i - 2] ?? ''));
    const intensified = VERY.has(w[i - 1] ?? '');
    let score = v;
    if (negated) score = v >= 4 ? 2 : v <= 2 ? 3 : 2;
    else if (intensified) score = v >= 4 ? 5 : v <= 2 ? 1 : v;
    return { score, comment: raw.slice(0, 1000) };
  }
  if (/👍|😀|😊|🙂|😃/u.test(raw)) return { score: 4, comment: undefined };
  if (/👎|😡|😠|🤬/u.test(raw)) return { score: 1, comment: undefined };
  return undefined;
}

/**
 * A message that is nothing but a rating, with no other words: "4", "4/5", "★★★★", "four", "terrible", "muy bueno",
 * "not bad", "👍". `verdict`: it is a word of feeling rather than a number or stars (a remark on a rating given).
 */
export function parseBareRating(text: string | undefined): (ParsedRating & { verdict: boolean }) | undefined {
  const raw = (text ?? '').trim().replace(/[\s.!¡?¿]+$/u, '');
  const parsed = parseRatingWithComment(raw);
  if (!parsed) return undefined;
  const w = words(raw.replace(/[★⭐🌟☆]/gu, ' '));
  if (w.length > 4) return undefined;
  const bare = w.every(
    (x) => VERDICTS[x] !== undefined || NUMBER_WORDS[x] !== undefined || VERY.has(x) || NOT.has(x) || RATING_FRAME.has(x) || /^\d{1,2}$/.test(x),
  );
  if (!bare) return undefined;
  return { ...parsed, verdict: !/[\d★⭐🌟]/u.test(raw) && w.some((x) => VERDICTS[x] !== undefined) };
}

export function parseRating(text: string | undefined): number | undefined {
  return parseRatingWithComment(text)?.score;
}

/**
 * The comment beside a number: what follows a rating that opens the message ("2, the agent was slow": "the agent was
 * slow"), but the whole message when the number stands inside the customer's sentence ("I'd give it a 2, nobody
 * solved my problem" was once stored as "I'd give it a , nobody solved my problem"). `start`: where the number is.
 */
function commentBeside(raw: string, start: number, after: string | undefined): string | undefined {
  // "I'd give it a 2", "rating: 4": words that only give the rating are no comment.
  if (after === undefined || words(after).every((w) => RATING_FRAME.has(w) || RATING_WORDS.has(w))) return undefined;
  return /\p{L}/u.test(raw.slice(0, start)) ? rest(raw) : after;
}

function rest(s: string): string | undefined {
  const r = s
    .replace(/^[\s,.;:!\-–—]+|[\s,.;:\-–—]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return r ? r.slice(0, 1000) : undefined;
}

/**
 * Words that say the customer is changing the score they gave ("wait actually, 3", "sorry, I meant 4", "make it a
 * 2", "espera, mejor un 3", "perdón, quise decir 4"). At least one of them must come before the number: a bare "3"
 * after a rating is more likely something new (an answer, a quantity) than a change of mind.
 */
const CORRECTION_SIGNAL =
  /\b(?:wait|actually|sorry|meant|i mean|make (?:it|that)|change (?:it|that|my rating|the rating) to|espera|perd[oó]n|mejor|en realidad|quise decir|quer[ií]a decir|cambi[ao](?:lo)? a|ponle)\b/i;
/** What may stand before the number beside those words: fillers and articles only, so "I need 2 refunds" is none. */
const CORRECTION_FILLER = /^(?:oh|ah|hmm+|um+|no|ok|okay|a|an|un|una|i|it's|its|es|the|rating|score|nota|la|el|to)$/i;
const CORRECTION_SIGNALS = new RegExp(CORRECTION_SIGNAL.source, 'gi');
/** What may follow the number: the scale, then the end of the clause. */
const AFTER_SCORE = /^\s*(?:stars?|estrellas?|\/\s*5|out of 5|de 5|sobre 5)?\s*(?:$|[.,;:!?)\-–—]|(?:and|but|y|pero)\b)/i;

/**
 * A change of score at the start of a message: the correction words, then a digit from 1 to 5 that ends its clause.
 * `comment`: the rest of the message (a request, often), or undefined.
 */
export function parseRatingCorrection(text: string | undefined): ParsedRating | undefined {
  const raw = (text ?? '').trim();
  const m = raw.match(/^([^\d]{0,60}?)(?<![-−+])\b([1-5])(?![\d.,]\d)/u);
  if (!m || !AFTER_SCORE.test(raw.slice(m[0].length))) return undefined;
  const lead = m[1];
  if (!CORRECTION_SIGNAL.test(lead)) return undefined;
  const leftover = words(lead.replace(CORRECTION_SIGNALS, ' '));
  if (!leftover.every((w) => CORRECTION_FILLER.test(w))) return undefined;
  return { score: Number(m[2]), comment: rest(raw.slice(m[0].length).replace(/^\s*(stars?|estrellas?|\/\s*5|out of 5|de 5|sobre 5)/i, '')) };
}
