import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PIPELINE, IntentPipeline, OOS_LABEL, type LabeledText, type PipelineOptions } from './intentPipeline';
import type { LanguageCorpus } from './corpus';
import { parseCsv } from '../core/csv';

/**
 * `npm run nlu:eval -- --format clinc150 --data ../shared/data/clinc150/data_full.json`
 * `npm run nlu:eval -- --format braun --data ../shared/data/braun2017/ChatbotCorpus.json`
 * `npm run nlu:eval -- --format csv --train train.csv --test test.csv`
 * `npm run nlu:eval -- --format corpus --train nlu/corpus/en.json --test other.json`
 * `npm run nlu:eval -- --cv nlu/corpus/es.json` (5-fold cross-validation of one corpus file)
 * Options: --no-nodenlp (linear model only). The last line printed is one JSON object.
 */
export interface Splits {
  train: LabeledText[];
  /** Used only to choose the mixing weight and the out-of-scope threshold. */
  validation: LabeledText[];
  test: LabeledText[];
  /** The validation slice was held back from the training data: retrain on both once the choices are made. */
  heldBack?: boolean;
}

export function loadClinc(file: string): Splits {
  const d = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, [string, string][]>;
  const rows = (k: string) => (d[k] ?? []).map(([text, label]) => ({ text, label: label === 'oos' ? OOS_LABEL : label, language: 'en' }));
  return { train: [...rows('train'), ...rows('oos_train')], validation: [...rows('val'), ...rows('oos_val')], test: [...rows('test'), ...rows('oos_test')] };
}

/** Braun et al.: `training: true/false`; the validation slice is every fifth training sentence per intent, held back. */
export function loadBraun(file: string): Splits {
  const d = JSON.parse(fs.readFileSync(file, 'utf8')) as { sentences: { text: string; intent: string; training: boolean }[] };
  const train: LabeledText[] = [];
  const test: LabeledText[] = [];
  for (const s of d.sentences) (s.training ? train : test).push({ text: s.text, label: s.intent, language: 'en' });
  return { ...holdBack(train), test, heldBack: true };
}

function holdBack(all: LabeledText[]): { train: LabeledText[]; validation: LabeledText[]; heldBack: true } {
  const seen = new Map<string, number>();
  const train: LabeledText[] = [];
  const validation: LabeledText[] = [];
  for (const e of all) {
    const n = (seen.get(e.label) ?? 0) + 1;
    seen.set(e.label, n);
    (n % 5 === 0 ? validation : train).push(e);
  }
  return { train, validation, heldBack: true };
}

export function loadCsv(file: string): LabeledText[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
  const h = header.map((x) => x.trim().toLowerCase());
  const ti = h.indexOf('text');
  const li = ['intent', 'category', 'label'].map((k) => h.indexOf(k)).find((i) => i >= 0) ?? -1;
  const lang = h.indexOf('language');
  if (ti < 0 || li < 0) throw new Error(`${file}: the header needs a text column and an intent, category or label column`);
  return rows.filter((r) => r[ti]?.trim()).map((r) => ({ text: r[ti], label: r[li].trim() === 'oos' || r[li].trim() === 'none' ? OOS_LABEL : r[li].trim(), language: lang >= 0 ? r[lang] || 'en' : 'en' }));
}

export function corpusExamples(c: LanguageCorpus): LabeledText[] {
  const out: LabeledText[] = [];
  for (const [label, texts] of Object.entries(c.intents)) for (const text of texts) out.push({ text, label, language: c.language });
  for (const text of c.outOfScope ?? []) out.push({ text, label: OOS_LABEL, language: c.language });
  return out;
}

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
  const { pipeline, alpha, beta, threshold, trainSeconds } = prepared;
  const t1 = process.hrtime.bigint();
  const preds: { gold: string; pred: string }[] = [];
  for (const e of test) preds.push({ gold: e.label, pred: (await pipeline.predict(e.text, e.language)).label });
  const msPerUtterance = Number(process.hrtime.bigint() - t1) / 1e6 / Math.max(1, test.length);
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
  return {
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
    confused: [...pairs].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, count]) => ({ gold: k.split('\u0000')[0], predicted: k.split('\u0000')[1], count })),
  };
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function loadSplits(argv: string[]): Splits {
  const format = arg(argv, 'format');
  const need = (n: string) => {
    const v = arg(argv, n);
    if (!v) throw new Error(`--${n} is required for --format ${format}`);
    if (!fs.existsSync(v)) throw new Error(`${v} does not exist`);
    return v;
  };
  switch (format) {
    case 'clinc150':
      return loadClinc(need('data'));
    case 'braun':
      return loadBraun(need('data'));
    case 'csv': {
      const split = holdBack(loadCsv(need('train')));
      return { ...split, test: loadCsv(need('test')) };
    }
    case 'corpus': {
      const train = corpusExamples(JSON.parse(fs.readFileSync(need('train'), 'utf8')));
      return { ...holdBack(train), test: corpusExamples(JSON.parse(fs.readFileSync(need('test'), 'utf8'))) };
    }
    default:
      throw new Error('--format must be corpus, csv, clinc150 or braun');
  }
}

/** k-fold cross-validation of one corpus file: every fifth example per intent is test data once. */
export async function crossValidate(examples: LabeledText[], k = 5, options: PipelineOptions = DEFAULT_PIPELINE): Promise<{ accuracy: number; oosRecall: number | null; folds: number[] }> {
  const seen = new Map<string, number>();
  const fold = examples.map((e) => {
    const n = (seen.get(e.label) ?? 0) + 1;
    seen.set(e.label, n);
    return n % k;
  });
  const folds: number[] = [];
  let correct = 0;
  let inScope = 0;
  let oosHit = 0;
  let oosTotal = 0;
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => fold[i] !== f);
    const test = examples.filter((_, i) => fold[i] === f);
    const r = await evaluate({ ...holdBack(train), test }, options);
    folds.push(r.accuracy);
    correct += r.accuracy * r.inScope;
    inScope += r.inScope;
    if (r.oosRecall !== null) (oosHit += r.oosRecall * r.outOfScope), (oosTotal += r.outOfScope);
  }
  return { accuracy: correct / inScope, oosRecall: oosTotal ? oosHit / oosTotal : null, folds };
}

async function main(argv: string[]): Promise<void> {
  const cv = arg(argv, 'cv');
  if (cv) {
    const r = await crossValidate(corpusExamples(JSON.parse(fs.readFileSync(cv, 'utf8'))));
    process.stdout.write(`5-fold cross-validation of ${cv}: in-scope accuracy ${(r.accuracy * 100).toFixed(1)} %, out-of-scope recall ${r.oosRecall === null ? 'n/a' : `${(r.oosRecall * 100).toFixed(1)} %`}; folds ${r.folds.map((x) => (x * 100).toFixed(1)).join(', ')}\n`);
    process.stdout.write(`${JSON.stringify({ accuracy: r.accuracy, oosRecall: r.oosRecall, folds: r.folds, data: path.basename(cv) })}\n`);
    return;
  }
  const splits = loadSplits(argv);
  const nodeNlp = arg(argv, 'nodenlp-settings');
  const options: PipelineOptions = { ...DEFAULT_PIPELINE, useNodeNlp: !argv.includes('--no-nodenlp'), ...(nodeNlp ? { nodeNlp: JSON.parse(nodeNlp) } : {}) };
  process.stdout.write(`train ${splits.train.length}, validation ${splits.validation.length}, test ${splits.test.length}; node-nlp ${options.useNodeNlp ? 'on' : 'off'}\n`);
  const r = await evaluate(splits, options);
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
  process.stdout.write(
    [
      `in-scope accuracy   ${pct(r.accuracy)}  (${r.inScope} utterances)`,
      `macro F1            ${r.macroF1.toFixed(3)}`,
      `out-of-scope recall ${pct(r.oosRecall)}  precision ${pct(r.oosPrecision)}  (${r.outOfScope} utterances)`,
      `chosen on validation: linear weight ${r.alpha} (word+char model ${r.beta}, word network ${Math.round((1 - r.beta) * 100) / 100}), threshold ${r.threshold.toFixed(2)}`,
      `training            ${r.trainSeconds.toFixed(1)} s`,
      `per utterance       ${r.msPerUtterance.toFixed(3)} ms`,
      'most confused (gold → predicted):',
      ...r.confused.map((c) => `  ${c.count}× ${c.gold} → ${c.predicted}`),
    ].join('\n') + '\n',
  );
  const { confused, ...summary } = r;
  process.stdout.write(`${JSON.stringify({ ...summary, confused: confused.slice(0, 5), data: path.basename(arg(argv, 'data') ?? arg(argv, 'test') ?? '') })}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`nlu:eval: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
