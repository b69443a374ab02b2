import { DEFAULT_LINEAR, Featurizer, mulberry32, shuffle, softmaxInPlace, tokenize, type LinearOptions } from './linearClassifier';

/**
 * A one-hidden-layer network over the same sparse TF-IDF features as the linear model (words and adjacent word
 * pairs by default). Its hidden layer is a small learned representation in which words that play the same part
 * in training utterances end up close, and it can weigh combinations of words, which a linear model over the
 * same features cannot. Measured on CLINC150 over words only it is
 * about one point better than the linear model over the same features, and its errors differ from those of
 * the word + character linear model, which is what the mix in intentPipeline.ts needs.
 * Sparse AdaGrad: only the rows of features present in an example are touched.
 */
export interface MlpOptions {
  /** Featurization (n-gram kinds and pruning), as in the linear model. */
  features: Pick<LinearOptions, 'charMin' | 'charMax' | 'minCharCount' | 'words' | 'chars'>;
  hidden: number;
  epochs: number;
  learningRate: number;
  /** Fraction of hidden units dropped per training example. */
  dropout: number;
  seed: number;
}

export const DEFAULT_MLP: MlpOptions = {
  features: { ...DEFAULT_LINEAR, chars: false },
  hidden: 128,
  epochs: 12,
  learningRate: 0.05,
  dropout: 0.5,
  seed: 5,
};

export interface MlpModelJson {
  labels: string[];
  features: string[];
  idf: number[];
  hidden: number;
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}

export class MlpClassifier {
  labels: string[] = [];
  private readonly featurizer: Featurizer;
  private hidden: number;
  private w1 = new Float32Array(0); // feature-major: w1[f * H + j]
  private b1 = new Float32Array(0);
  private w2 = new Float32Array(0); // label-major: w2[c * H + j]
  private b2 = new Float32Array(0);

  constructor(private readonly options: MlpOptions = DEFAULT_MLP) {
    this.featurizer = new Featurizer(options.features);
    this.hidden = options.hidden;
  }

  train(examples: { text: string; label: string }[]): void {
    this.labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(this.labels.map((l, i) => [l, i]));
    this.featurizer.fit(examples.map((e) => e.text));
    const H = (this.hidden = this.options.hidden);
    const F = this.featurizer.size;
    const C = this.labels.length;
    const rand = mulberry32(this.options.seed);
    // Uniform Glorot-style initialization; an utterance has a few dozen active features.
    const a1 = Math.sqrt(6 / (20 + H));
    const a2 = Math.sqrt(6 / (H + C));
    this.w1 = Float32Array.from({ length: F * H }, () => (rand() * 2 - 1) * a1);
    this.b1 = new Float32Array(H);
    this.w2 = Float32Array.from({ length: C * H }, () => (rand() * 2 - 1) * a2);
    this.b2 = new Float32Array(C);
    const g1 = new Float32Array(F * H).fill(1e-8);
    const gb1 = new Float32Array(H).fill(1e-8);
    const g2 = new Float32Array(C * H).fill(1e-8);
    const gb2 = new Float32Array(C).fill(1e-8);
    const data = examples.map((e) => ({ x: this.featurizer.vectorize(e.text), y: labelIndex.get(e.label)! }));
    const h = new Float32Array(H);
    const mask = new Float32Array(H);
    const dh = new Float32Array(H);
    const p = new Float64Array(C);
    const { learningRate: lr, dropout } = this.options;
    const keep = 1 / (1 - dropout);
    const order = data.map((_, i) => i);
    const { w1, b1, w2, b2 } = this;
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      shuffle(order, rand);
      for (const o of order) {
        const { x, y } = data[o];
        h.set(b1);
        for (let k = 0; k < x.idx.length; k++) {
          const base = x.idx[k] * H;
          const v = x.val[k];
          for (let j = 0; j < H; j++) h[j] += w1[base + j] * v;
        }
        for (let j = 0; j < H; j++) {
          mask[j] = h[j] > 0 && rand() >= dropout ? keep : 0;
          h[j] *= mask[j];
        }
        this.outputInto(h, p);
        softmaxInPlace(p);
        dh.fill(0);
        for (let c = 0; c < C; c++) {
          const g = p[c] - (c === y ? 1 : 0);
          if (Math.abs(g) < 1e-5) continue;
          const base = c * H;
          for (let j = 0; j < H; j++) {
            if (h[j] === 0) continue;
            dh[j] += g * w2[base + j];
            const gr = g * h[j];
            g2[base + j] += gr * gr;
            w2[base + j] -= (lr * gr) / Math.sqrt(g2[base + j]);
          }
          gb2[c] += g * g;
          b2[c] -= (lr * g) / Math.sqrt(gb2[c]);
        }
        for (let j = 0; j < H; j++) {
          dh[j] *= mask[j];
          if (dh[j] === 0) continue;
          gb1[j] += dh[j] * dh[j];
          b1[j] -= (lr * dh[j]) / Math.sqrt(gb1[j]);
        }
        for (let k = 0; k < x.idx.length; k++) {
          const base = x.idx[k] * H;
          const v = x.val[k];
          for (let j = 0; j < H; j++) {
            if (dh[j] === 0) continue;
            const gr = dh[j] * v;
            g1[base + j] += gr * gr;
            w1[base + j] -= (lr * gr) / Math.sqrt(g1[base + j]);
          }
        }
      }
    }
  }

  private outputInto(h: Float32Array, out: Float64Array): void {
    const H = this.hidden;
    for (let c = 0; c < out.length; c++) {
      let s = this.b2[c];
      const base = c * H;
      for (let j = 0; j < H; j++) s += this.w2[base + j] * h[j];
      out[c] = s;
    }
  }

  /** Probabilities per label, in `labels` order. */
  predict(text: string): Float64Array {
    return this.predictWords(tokenize(text));
  }

  /** predict() of already tokenized text (tokenize). */
  predictWords(words: readonly string[]): Float64Array {
    const x = this.featurizer.vectorizeWords(words);
    const H = this.hidden;
    const h = Float32Array.from(this.b1);
    for (let k = 0; k < x.idx.length; k++) {
      const base = x.idx[k] * H;
      const v = x.val[k];
      for (let j = 0; j < H; j++) h[j] += this.w1[base + j] * v;
    }
    for (let j = 0; j < H; j++) if (h[j] < 0) h[j] = 0;
    const out = new Float64Array(this.labels.length);
    this.outputInto(h, out);
    softmaxInPlace(out);
    return out;
  }

  toJSON(): MlpModelJson {
    const round = (a: Float32Array) => Array.from(a, (w) => Math.round(w * 1e5) / 1e5);
    return {
      labels: this.labels,
      ...this.featurizer.toJSON(),
      hidden: this.hidden,
      w1: round(this.w1),
      b1: round(this.b1),
      w2: round(this.w2),
      b2: round(this.b2),
    };
  }

  static fromJSON(j: MlpModelJson, options: MlpOptions = DEFAULT_MLP): MlpClassifier {
    const m = new MlpClassifier(options);
    m.labels = j.labels;
    m.featurizer.load(j);
    m.hidden = j.hidden;
    m.w1 = Float32Array.from(j.w1);
    m.b1 = Float32Array.from(j.b1);
    m.w2 = Float32Array.from(j.w2);
    m.b2 = Float32Array.from(j.b2);
    return m;
  }
}
