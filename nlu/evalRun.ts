import { DEFAULT_PIPELINE, IntentPipeline, OOS_LABEL, type LabeledText, type PipelineOptions, type Ranking } from './intentPipeline';
import { DEFAULT_CONFIDENCE, decide, type ConfidencePolicy } from './confidencePolicy';
import { requestMetrics, type JudgedRequest, type RequestMetrics } from './evalMetrics';
import { holdBack, type Splits } from './evalData';
import { mulberry32 } from './linearClassifier';
import { intentOf } from './nlpRecognizer';
import { withTypos } from './typoAugment';
import { OUT_OF_SCOPE, type Recognition } from './recognizer';

/**
 * How nlu:eval measures: train and calibrate on training and validation data, rank the test data, the figures;
 * k-fold cross-validation; and the confidence policy chosen from the ranked outcomes.
 */
export interface EvalResult {
  accuracy: number;
  macroF1: number;
  oosRecall: number | null;
  oosPrecision: number | null;
  msPerUtterance: number;
  trainSeconds: number;
  alpha: number;
  beta: number;
  threshold: number;
  inScope: number;
  outOfScope: number;
  confused: { gold: string; predicted: string; count: number }[];
}

export interface PreparedEvaluation {
  pipeline: IntentPipeline;
  alpha: number;
  beta: number;
  threshold: number;
  trainSeconds: number;
}

/** A test item and the pipeline's ranking of it. */
export interface Outcome {
  item: LabeledText;
  ranking: Ranking;
}

/** Training and the choices made on validation data: everything before the test data is touched. */
export async function prepareEvaluation(splits: Splits, options: PipelineOptions = DEFAULT_PIPELINE): Promise<PreparedEvaluation> {
  const pipeline = new IntentPipeline(options);
  const t0 = Date.now();
  await pipeline.train(splits.train);
  const { alpha, beta, threshold } = await pipeline.calibrate(splits.validation);
  if (splits.heldBack) await pipeline.train([...splits.train, ...splits.validation]);
  return { pipeline, alpha, beta, threshold, trainSeconds: (Date.now() - t0) / 1000 };
}

export async function evaluate(splits: Splits, options: PipelineOptions = DEFAULT_PIPELINE): Promise<EvalResult> {
  return measureEvaluation(await prepareEvaluation(splits, options), splits.test);
}

/** Predictions on the test data, timed, and the figures. */
export async function measureEvaluation(prepared: PreparedEvaluation, test: LabeledText[]): Promise<EvalResult> {
  return (await measureWithOutcomes(prepared, test)).result;
}

/** The figures and every test item's ranking (for the confidence policy's figures). */
export async function measureWithOutcomes(prepared: PreparedEvaluation, test: LabeledText[]): Promise<{ result: EvalResult; outcomes: Outcome[] }> {
  const { pipeline, alpha, beta, threshold, trainSeconds } = prepared;
  const t1 = process.hrtime.bigint();
  const outcomes: Outcome[] = [];
  for (const item of test) outcomes.push({ item, ranking: await pipeline.rank(item.text, item.language) });
  const msPerUtterance = Number(process.hrtime.bigint() - t1) / 1e6 / Math.max(1, test.length);
  const preds = outcomes.map((o) => ({ gold: o.item.label, pred: o.ranking.prediction.label }));
  const inScope = preds.filter((p) => p.gold !== OOS_LABEL);
  const oos = preds.filter((p) => p.gold === OOS_LABEL);
  const labels = [...new Set(inScope.map((p) => p.gold))];
  const f1s = labels.map((l) => {
    const tp = preds.filter((p) => p.gold === l && p.pred === l).length;
    const fp = preds.filter((p) => p.gold !== l && p.pred === l).length;
    const fn = preds.filter((p) => p.gold === l && p.pred !== l).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  const predictedOos = preds.filter((p) => p.pred === OOS_LABEL);
  const pairs = new Map<string, number>();
  for (const p of preds) if (p.gold !== p.pred) pairs.set(`${p.gold}\u0000${p.pred}`, (pairs.get(`${p.gold}\u0000${p.pred}`) ?? 0) + 1);
  const result: EvalResult = {
    accuracy: inScope.filter((p) => p.pred === p.gold).length / Math.max(1, inScope.length),
    macroF1: f1s.reduce((a, b) => a + b, 0) / Math.max(1, f1s.length),
    oosRecall: oos.length ? oos.filter((p) => p.pred === OOS_LABEL).length / oos.length : null,
    oosPrecision: oos.length ? (predictedOos.length ? predictedOos.filter((p) => p.gold === OOS_LABEL).length / predictedOos.length : 0) : null,
    msPerUtterance,
    trainSeconds,
    alpha,
    beta,
    threshold,
    inScope: inScope.length,
    outOfScope: oos.length,
    confused: [...pairs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([k, count]) => ({ gold: k.split('\u0000')[0], predicted: k.split('\u0000')[1], count })),
  };
  return { result, outcomes };
}

/** What the recognizer would return for a ranked item (entities and sentiment do not matter to the policy). */
export function recognitionOf(o: Outcome): Recognition {
  return { text: o.item.text, ...intentOf(o.ranking), entities: [], sentiment: 0, language: o.item.language };
}

/** The confidence policy's decision for every outcome; out-of-scope gold items are labelled OUT_OF_SCOPE like predictions. */
export function judge(outcomes: readonly { gold: string; recognition: Recognition }[], policy: ConfidencePolicy = DEFAULT_CONFIDENCE): JudgedRequest[] {
  return outcomes.map((o) => ({
    gold: o.gold === OOS_LABEL ? OUT_OF_SCOPE : o.gold,
    predicted: o.recognition.intent,
    decision: decide(o.recognition, policy),
  }));
}

export interface CrossValidation {
  accuracy: number;
  oosRecall: number | null;
  folds: number[];
  /** Every example once, ranked by a model that did not see it. */
  outcomes: Outcome[];
  /** The same with typos injected into the test text (when asked for). */
  noisyOutcomes?: Outcome[];
}

/**
 * k-fold cross-validation: every k-th example per intent is test data once. With `typoSeed`, every test
 * example is also ranked with typos injected (a harder test, standing in for text written by people outside
 * the project; the same kind of slips the training copies have, drawn independently).
 */
export async function crossValidate(examples: LabeledText[], k = 5, options: PipelineOptions = DEFAULT_PIPELINE, typoSeed?: number): Promise<CrossValidation> {
  const seen = new Map<string, number>();
  const fold = examples.map((e) => {
    const n = (seen.get(e.label) ?? 0) + 1;
    seen.set(e.label, n);
    return n % k;
  });
  const folds: number[] = [];
  const outcomes: Outcome[] = [];
  const noisyOutcomes: Outcome[] = [];
  const rand = mulberry32(typoSeed ?? 0);
  let correct = 0;
  let inScope = 0;
  let oosHit = 0;
  let oosTotal = 0;
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => fold[i] !== f);
    const test = examples.filter((_, i) => fold[i] === f);
    const prepared = await prepareEvaluation({ ...holdBack(train), test }, options);
    const { result: r, outcomes: mine } = await measureWithOutcomes(prepared, test);
    outcomes.push(...mine);
    if (typoSeed !== undefined) {
      const noisyTest = test.map((e) => ({ ...e, text: withTypos(e.text, rand) }));
      noisyOutcomes.push(...(await measureWithOutcomes(prepared, noisyTest)).outcomes);
    }
    folds.push(r.accuracy);
    correct += r.accuracy * r.inScope;
    inScope += r.inScope;
    if (r.oosRecall !== null) {
      oosHit += r.oosRecall * r.outOfScope;
      oosTotal += r.outOfScope;
    }
  }
  return { accuracy: correct / inScope, oosRecall: oosTotal ? oosHit / oosTotal : null, folds, outcomes, ...(typoSeed !== undefined ? { noisyOutcomes } : {}) };
}

export interface PolicyChoice {
  policy: ConfidencePolicy;
  metrics: RequestMetrics;
  /** The same policy on the harder sets `choosePolicy` was given. */
  harder: RequestMetrics[];
}

type Recognized = { gold: string; recognition: Recognition };

/**
 * The confidence policy that answers the most in-scope requests right while at most `target` of all requests
 * are answered with a wrong intent, in `outcomes` and in every one of the `harder` sets; among equals, the one
 * whose other decisions are most useful (a clarifying question that offers the right intent, "not understood"
 * for an out-of-scope request).
 */
export function choosePolicy(outcomes: readonly Recognized[], target = 0.03, harder: readonly (readonly Recognized[])[] = []): PolicyChoice | undefined {
  const grid = (from: number, to: number, step: number) =>
    Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);
  let best: (PolicyChoice & { useful: number }) | undefined;
  for (const answerAt of grid(0.2, 0.95, 0.025)) {
    // Widest margin first: among policies that decide alike, the one that stays careful if answerAt is lowered.
    for (const margin of grid(0, 0.5, 0.05).reverse()) {
      for (const clarifyAt of grid(0.05, answerAt, 0.025)) {
        const policy = { answerAt, clarifyAt, margin };
        const judged = judge(outcomes, policy);
        const metrics = requestMetrics(judged, OUT_OF_SCOPE);
        if (metrics.confidentWrong > target) continue;
        const other = harder.map((h) => requestMetrics(judge(h, policy), OUT_OF_SCOPE));
        if (other.some((m) => m.confidentWrong > target)) continue;
        const useful = judged.filter((j) =>
          j.gold === OUT_OF_SCOPE ? j.decision.kind === 'unknown' : j.decision.kind === 'clarify' && j.decision.options.includes(j.gold),
        ).length;
        const better =
          !best ||
          metrics.answeredRight > best.metrics.answeredRight + 1e-12 ||
          (Math.abs(metrics.answeredRight - best.metrics.answeredRight) < 1e-12 && useful > best.useful);
        if (better) best = { policy, metrics, harder: other, useful };
      }
    }
  }
  return best && { policy: best.policy, metrics: best.metrics, harder: best.harder };
}
