// node-nlp ships no types.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { NlpManager } = require('node-nlp');
import { DEFAULT_LINEAR, LinearClassifier, type LinearOptions } from './linearClassifier';

export interface LabeledText {
  text: string;
  label: string;
  language: string;
}

export const OOS_LABEL = 'oos';

export interface PipelineOptions {
  linear: LinearOptions;
  /** A second linear model over words only: a different view whose errors differ; validation sets its weight. */
  wordView?: LinearOptions;
  /** Train node-nlp's classifier too and let validation decide its weight. */
  useNodeNlp: boolean;
  /** node-nlp neural network settings (its defaults stop early on larger corpora: deltaErrorThresh). */
  nodeNlp?: Record<string, number>;
}

export const DEFAULT_PIPELINE: PipelineOptions = {
  linear: { ...DEFAULT_LINEAR, charMin: 2, charMax: 5, epochs: 10, learningRate: 0.3 },
  wordView: { ...DEFAULT_LINEAR, chars: false, epochs: 15, learningRate: 0.3 },
  useNodeNlp: true,
};

export interface Scores {
  linear: Float64Array;
  words?: Float64Array;
  nlp?: Float64Array;
}

export interface Prediction {
  label: string;
  confidence: number;
}

/**
 * Intent classification: node-nlp's neural classifier and a linear n-gram model, their probabilities mixed
 * with a weight chosen on validation data, then an out-of-scope threshold also chosen on validation data.
 * Out-of-scope examples in training become their own class (OOS_LABEL).
 */
export class IntentPipeline {
  private linear!: LinearClassifier;
  private words: LinearClassifier | undefined;
  /** Weight of the word+character model within the linear part (1 − beta for the word-only view). */
  beta = 1;
  private managers = new Map<string, { process: Function }>();
  /** Weight of the linear model (1 − weight for node-nlp). */
  alpha = 1;
  threshold = 0;

  constructor(private readonly options: PipelineOptions = DEFAULT_PIPELINE) {}

  async train(examples: LabeledText[]): Promise<void> {
    this.linear = new LinearClassifier(this.options.linear);
    this.linear.train(examples);
    this.words = undefined;
    if (this.options.wordView) {
      this.words = new LinearClassifier(this.options.wordView);
      this.words.train(examples);
    }
    this.managers.clear();
    if (!this.options.useNodeNlp) return;
    const languages = [...new Set(examples.map((e) => e.language))];
    for (const lang of languages) {
      const m = new NlpManager({ languages: [lang], autoSave: false, nlu: { log: false, ...this.options.nodeNlp } });
      for (const e of examples) if (e.language === lang) m.addDocument(lang, e.text, e.label);
      await m.train();
      this.managers.set(lang, m);
    }
  }

  /** Per-label probabilities from each model, in the linear model's label order. */
  async scores(text: string, language: string): Promise<Scores> {
    const linear = this.linear.predict(text);
    // Both linear models are trained on the same examples, so their labels come in the same (sorted) order.
    const words = this.words?.predict(text);
    const m = this.managers.get(language) ?? this.managers.values().next().value;
    if (!m) return { linear, words };
    const r = await m.process(language, text);
    const nlp = new Float64Array(linear.length);
    const index = new Map(this.linear.labels.map((l, i) => [l, i]));
    let sum = 0;
    for (const c of (r.classifications ?? []) as { intent: string; score: number }[]) {
      const i = index.get(c.intent);
      if (i !== undefined && c.score > 0) (nlp[i] = c.score), (sum += c.score);
    }
    if (sum > 0) for (let i = 0; i < nlp.length; i++) nlp[i] /= sum;
    return { linear, words, nlp };
  }

  combine(s: Scores, alpha = this.alpha, beta = this.beta): Prediction {
    let best = 0;
    let bestScore = -1;
    for (let i = 0; i < s.linear.length; i++) {
      const lin = s.words ? beta * s.linear[i] + (1 - beta) * s.words[i] : s.linear[i];
      const v = s.nlp ? alpha * lin + (1 - alpha) * s.nlp[i] : lin;
      if (v > bestScore) (bestScore = v), (best = i);
    }
    return { label: this.linear.labels[best], confidence: bestScore };
  }

  async predict(text: string, language: string): Promise<Prediction> {
    const p = this.combine(await this.scores(text, language));
    return p.confidence < this.threshold ? { label: OOS_LABEL, confidence: p.confidence } : p;
  }

  /**
   * Chooses the mixing weight and the threshold on validation data: the weight by in-scope accuracy, the
   * threshold by accuracy over all validation examples (out-of-scope ones count as right when refused).
   */
  async calibrate(validation: LabeledText[]): Promise<{ alpha: number; beta: number; threshold: number }> {
    const scored = await Promise.all(validation.map(async (v) => ({ v, s: await this.scores(v.text, v.language) })));
    const alphas = this.managers.size ? [0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1] : [1];
    const betas = this.words ? [1, 0.7, 0.5, 0.3] : [1];
    const inScope = scored.filter((x) => x.v.label !== OOS_LABEL);
    let bestMix = { alpha: 1, beta: 1, acc: -1 };
    for (const beta of betas) {
      for (const alpha of alphas) {
        const acc = inScope.filter((x) => this.combine(x.s, alpha, beta).label === x.v.label).length / Math.max(1, inScope.length);
        if (acc > bestMix.acc) bestMix = { alpha, beta, acc };
      }
    }
    this.alpha = bestMix.alpha;
    this.beta = bestMix.beta;
    const preds = scored.map((x) => ({ gold: x.v.label, p: this.combine(x.s) }));
    const hasOos = preds.some((p) => p.gold === OOS_LABEL);
    let best = { t: 0, acc: -1 };
    if (hasOos) {
      for (let t = 0; t <= 1.0001; t += 0.01) {
        const ok = preds.filter((p) => (p.gold === OOS_LABEL ? p.p.label === OOS_LABEL || p.p.confidence < t : p.p.label === p.gold && p.p.confidence >= t)).length;
        if (ok / preds.length > best.acc) best = { t, acc: ok / preds.length };
      }
    }
    this.threshold = hasOos ? best.t : 0;
    return { alpha: this.alpha, beta: this.beta, threshold: this.threshold };
  }

  get labels(): string[] {
    return this.linear.labels;
  }

  export(): PipelineJson {
    const managers: Record<string, string> = {};
    for (const [lang, m] of this.managers) managers[lang] = (m as unknown as { export(min: boolean): string }).export(true);
    return { alpha: this.alpha, beta: this.beta, threshold: this.threshold, linear: this.linear.toJSON(), words: this.words?.toJSON(), managers };
  }

  static import(j: PipelineJson, options: PipelineOptions = DEFAULT_PIPELINE): IntentPipeline {
    const p = new IntentPipeline(options);
    p.alpha = j.alpha;
    p.threshold = j.threshold;
    p.linear = LinearClassifier.fromJSON(j.linear, options.linear);
    if (j.words && options.wordView) p.words = LinearClassifier.fromJSON(j.words, options.wordView);
    p.beta = p.words ? (j.beta ?? 1) : 1;
    for (const [lang, model] of Object.entries(j.managers)) {
      const m = new NlpManager({ languages: [lang], autoSave: false, nlu: { log: false } });
      m.import(model);
      p.managers.set(lang, m);
    }
    return p;
  }
}

export interface PipelineJson {
  alpha: number;
  beta?: number;
  words?: import('./linearClassifier').LinearModelJson;
  threshold: number;
  linear: import('./linearClassifier').LinearModelJson;
  managers: Record<string, string>;
}
