/**
 * A complementary intent classifier: multinomial logistic regression over word unigrams and bigrams and
 * character 3–4-grams (TF-IDF weighted, L2-normalized), trained with AdaGrad. Small, fast (well under a
 * millisecond per utterance) and strong on short texts; combined with node-nlp in intentPipeline.ts.
 */
export interface LinearOptions {
  epochs: number;
  learningRate: number;
  /** Character n-grams seen fewer times than this are dropped (keeps the model small). */
  minCharCount: number;
  seed: number;
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Word unigram and bigram features (off: a character-only view). */
  words?: boolean;
  /** Character n-gram features (off: a word-only view). */
  chars?: boolean;
}

export const DEFAULT_LINEAR: LinearOptions = { epochs: 12, learningRate: 0.5, minCharCount: 2, seed: 7, charMin: 3, charMax: 4 };

export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The normalized text's words: what every featurizer reads (intentPipeline.ts computes them once per message). */
export function tokenize(text: string): string[] {
  return normalize(text).split(' ').filter(Boolean);
}

function wordFeatures(words: readonly string[], out: string[]): void {
  for (let i = 0; i < words.length; i++) {
    out.push(`w:${words[i]}`);
    if (i > 0) out.push(`b:${words[i - 1]}_${words[i]}`);
  }
  if (words.length) out.push(`b:^_${words[0]}`);
}

function charFeatures(word: string, charMin: number, charMax: number, out: string[]): void {
  const padded = `<${word}>`;
  for (let n = charMin; n <= charMax; n++) for (let i = 0; i + n <= padded.length; i++) out.push(`c:${padded.slice(i, i + n)}`);
}

function rawFeatures(words: readonly string[], charMin = 3, charMax = 4, withWords = true, withChars = true): string[] {
  const out: string[] = [];
  if (withWords) wordFeatures(words, out);
  if (withChars) for (const w of words) charFeatures(w, charMin, charMax, out);
  return out;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle(order: number[], rand: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

export interface SparseVec {
  idx: Int32Array;
  val: Float32Array;
}

export interface LinearModelJson {
  labels: string[];
  features: string[];
  idf: number[];
  weights: number[];
  bias: number[];
}

/** Words whose character n-gram indices a featurizer keeps (a few MB); past it the oldest half is forgotten. */
const WORD_CACHE_SIZE = 20_000;

/** Sparse TF-IDF vectors (sublinear counts, L2-normalized) over a vocabulary fixed when fitted. */
export class Featurizer {
  private featureIndex = new Map<string, number>();
  private idf = new Float32Array(0);
  /**
   * A word's known character n-gram indices, in the order rawFeatures lists them: building and looking up a dozen
   * n-gram strings per word was the largest part of a recognition, and customers' words repeat. The vocabulary is
   * fixed once fitted or loaded, so a cached list is exactly what the strings would give.
   */
  private charCache = new Map<string, Int32Array>();

  constructor(private readonly options: Pick<LinearOptions, 'charMin' | 'charMax' | 'minCharCount' | 'words' | 'chars'>) {}

  get size(): number {
    return this.idf.length;
  }

  private raw(text: string): string[] {
    return rawFeatures(tokenize(text), this.options.charMin, this.options.charMax, this.options.words !== false, this.options.chars !== false);
  }

  fit(texts: string[]): void {
    const df = new Map<string, number>();
    const total = new Map<string, number>();
    for (const t of texts) {
      const feats = this.raw(t);
      for (const f of feats) total.set(f, (total.get(f) ?? 0) + 1);
      for (const f of new Set(feats)) df.set(f, (df.get(f) ?? 0) + 1);
    }
    this.featureIndex = new Map();
    this.charCache.clear();
    const idf: number[] = [];
    for (const [f, d] of df) {
      if (f.startsWith('c:') && (total.get(f) ?? 0) < this.options.minCharCount) continue;
      this.featureIndex.set(f, idf.length);
      idf.push(Math.log((1 + texts.length) / (1 + d)) + 1);
    }
    this.idf = Float32Array.from(idf);
  }

  vectorize(text: string): SparseVec {
    return this.vectorizeWords(tokenize(text));
  }

  /** The vector of already tokenized text (tokenize): the same as vectorize(text), one normalization shared by every view. */
  vectorizeWords(words: readonly string[]): SparseVec {
    const counts = new Map<number, number>();
    const count = (i: number | undefined) => {
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    };
    if (this.options.words !== false) {
      const feats: string[] = [];
      wordFeatures(words, feats);
      for (const f of feats) count(this.featureIndex.get(f));
    }
    if (this.options.chars !== false) for (const w of words) for (const i of this.charIndices(w)) count(i);
    const idx = new Int32Array(counts.size);
    const val = new Float32Array(counts.size);
    let k = 0;
    let norm = 0;
    for (const [i, c] of counts) {
      const v = (1 + Math.log(c)) * this.idf[i];
      idx[k] = i;
      val[k] = v;
      norm += v * v;
      k++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < val.length; j++) val[j] /= norm;
    return { idx, val };
  }

  private charIndices(word: string): Int32Array {
    const hit = this.charCache.get(word);
    if (hit) return hit;
    const feats: string[] = [];
    charFeatures(word, this.options.charMin, this.options.charMax, feats);
    const known: number[] = [];
    for (const f of feats) {
      const i = this.featureIndex.get(f);
      if (i !== undefined) known.push(i);
    }
    const out = Int32Array.from(known);
    if (this.charCache.size >= WORD_CACHE_SIZE) {
      // Maps iterate in insertion order: the first half are the oldest entries.
      let drop = WORD_CACHE_SIZE / 2;
      for (const k of this.charCache.keys()) {
        if (drop-- <= 0) break;
        this.charCache.delete(k);
      }
    }
    this.charCache.set(word, out);
    return out;
  }

  toJSON(): { features: string[]; idf: number[] } {
    return { features: [...this.featureIndex.keys()], idf: Array.from(this.idf) };
  }

  load(j: { features: string[]; idf: number[] }): this {
    this.featureIndex = new Map(j.features.map((f, i) => [f, i]));
    this.charCache.clear();
    this.idf = Float32Array.from(j.idf);
    return this;
  }
}

export class LinearClassifier {
  labels: string[] = [];
  private readonly featurizer: Featurizer;
  private weights = new Float32Array(0); // feature-major: weights[f * C + c]
  private bias = new Float32Array(0);

  constructor(private readonly options: LinearOptions = DEFAULT_LINEAR) {
    this.featurizer = new Featurizer(options);
  }

  train(examples: { text: string; label: string }[]): void {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    this.labels = labels;
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    this.featurizer.fit(examples.map((e) => e.text));
    const C = labels.length;
    const F = this.featurizer.size;
    this.weights = new Float32Array(F * C);
    this.bias = new Float32Array(C);
    const gw = new Float32Array(F * C).fill(1e-8);
    const gb = new Float32Array(C).fill(1e-8);
    const data = examples.map((e) => ({ x: this.featurizer.vectorize(e.text), y: labelIndex.get(e.label)! }));
    const rand = mulberry32(this.options.seed);
    const order = data.map((_, i) => i);
    const scores = new Float64Array(C);
    const lr = this.options.learningRate;
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      shuffle(order, rand);
      for (const o of order) {
        const { x, y } = data[o];
        this.scoresInto(x, scores);
        softmaxInPlace(scores);
        for (let c = 0; c < C; c++) {
          const g = scores[c] - (c === y ? 1 : 0);
          if (Math.abs(g) < 1e-4) continue;
          gb[c] += g * g;
          this.bias[c] -= (lr * g) / Math.sqrt(gb[c]);
          for (let k = 0; k < x.idx.length; k++) {
            const w = x.idx[k] * C + c;
            const gr = g * x.val[k];
            gw[w] += gr * gr;
            this.weights[w] -= (lr * gr) / Math.sqrt(gw[w]);
          }
        }
      }
    }
  }

  private scoresInto(x: SparseVec, out: Float64Array): void {
    const C = this.labels.length;
    for (let c = 0; c < C; c++) out[c] = this.bias[c];
    for (let k = 0; k < x.idx.length; k++) {
      const base = x.idx[k] * C;
      const v = x.val[k];
      for (let c = 0; c < C; c++) out[c] += this.weights[base + c] * v;
    }
  }

  /** Probabilities per label, in `labels` order. */
  predict(text: string): Float64Array {
    return this.predictWords(tokenize(text));
  }

  /** predict() of already tokenized text (tokenize). */
  predictWords(words: readonly string[]): Float64Array {
    const out = new Float64Array(this.labels.length);
    this.scoresInto(this.featurizer.vectorizeWords(words), out);
    softmaxInPlace(out);
    return out;
  }

  toJSON(): LinearModelJson {
    return {
      labels: this.labels,
      ...this.featurizer.toJSON(),
      weights: Array.from(this.weights, (w) => Math.round(w * 1e5) / 1e5),
      bias: Array.from(this.bias),
    };
  }

  static fromJSON(j: LinearModelJson, options: LinearOptions = DEFAULT_LINEAR): LinearClassifier {
    const m = new LinearClassifier(options);
    m.labels = j.labels;
    m.featurizer.load(j);
    m.weights = Float32Array.from(j.weights);
    m.bias = Float32Array.from(j.bias);
    return m;
  }
}

export function softmaxInPlace(a: Float64Array): void {
  let max = -Infinity;
  for (const v of a) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.exp(a[i] - max);
    sum += a[i];
  }
  for (let i = 0; i < a.length; i++) a[i] /= sum;
}
