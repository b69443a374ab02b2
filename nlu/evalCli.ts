import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS_PIPELINE, DEFAULT_PIPELINE, IntentPipeline, OOS_LABEL, type LabeledText, type PipelineOptions, type Ranking } from './intentPipeline';
import { CORPUS_DIR, loadShippedCorpus, type LanguageCorpus } from './corpus';
import { DEFAULT_CONFIDENCE, decide, type ConfidencePolicy } from './confidencePolicy';
import { perIntentTable, requestMetrics, type JudgedRequest, type RequestMetrics } from './evalMetrics';
import { mulberry32 } from './linearClassifier';
import { intentOf, NlpRecognizer } from './nlpRecognizer';
import { withTypos } from './typoAugment';
import { OUT_OF_SCOPE, type Recognition } from './recognizer';
import { parseCsv } from '../core/csv';

export const USAGE = `Intent recognition evaluation. The last line printed is one JSON object.

  npm run nlu:eval -- --testset [DIR]
      train on the shipped corpus (nlu/corpus/en.json, es.json) exactly as the bot does, evaluate on
      nlu/testset/en.json and es.json (or DIR/en.json, DIR/es.json; same format as the corpus)
  npm run nlu:eval -- --cv nlu/corpus/en.json
      5-fold cross-validation of one corpus file
  npm run nlu:eval -- --calibrate
      5-fold cross-validation of the shipped corpus (both languages together, as the bot trains), then the
      confidence policy (answerAt, clarifyAt, margin) that answers most requests right with at most
      3 % of them answered wrong (--target 0.03), also with typos injected into the test folds
  npm run nlu:eval -- --format corpus --train nlu/corpus/en.json --test other.json
  npm run nlu:eval -- --format clinc150 --data ../shared/data/clinc150/data_full.json
  npm run nlu:eval -- --format braun --data ../shared/data/braun2017/ChatbotCorpus.json
  npm run nlu:eval -- --format csv --train train.csv --test test.csv

Corpus and test set evaluations also print out-of-scope recall, how the confidence policy
(nlu/confidencePolicy.ts) decides (answered wrong, clarify, unknown) and a per-intent table.
Options: --no-nodenlp (linear model only), --nodenlp-settings JSON.
`;

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
  return rows
    .filter((r) => r[ti]?.trim())
    .map((r) => ({
      text: r[ti],
      label: r[li].trim() === 'oos' || r[li].trim() === 'none' ? OOS_LABEL : r[li].trim(),
      language: lang >= 0 ? r[lang] || 'en' : 'en',
    }));
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
function recognitionOf(o: Outcome): Recognition {
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

/** Every flag of nlu:eval (see USAGE). A value-taking flag without its value, or an unknown flag, is an error. */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  testset: { type: 'boolean' },
  cv: { type: 'string' },
  calibrate: { type: 'boolean' },
  target: { type: 'string' },
  format: { type: 'string' },
  data: { type: 'string' },
  train: { type: 'string' },
  test: { type: 'string' },
  'no-nodenlp': { type: 'boolean' },
  'nodenlp-settings': { type: 'string' },
} as const;

export type EvalArgs = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** The flags, and the test set directory (`--testset DIR`: the one argument that is not a flag). */
export function parseEvalArgs(argv: string[]): { values: EvalArgs; testsetDir?: string } {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length > (values.testset ? 1 : 0)) throw new Error(`unexpected argument: ${positionals.join(' ')}`);
  return { values, ...(positionals[0] !== undefined ? { testsetDir: positionals[0] } : {}) };
}

export function loadSplits(args: Pick<EvalArgs, 'format' | 'data' | 'train' | 'test'>): Splits {
  const format = args.format;
  const need = (n: 'data' | 'train' | 'test') => {
    const v = args[n];
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
      const train = corpusExamples(JSON.parse(fs.readFileSync(need('train'), 'utf8')) as LanguageCorpus);
      return { ...holdBack(train), test: corpusExamples(JSON.parse(fs.readFileSync(need('test'), 'utf8')) as LanguageCorpus) };
    }
    default:
      throw new Error('--format must be corpus, csv, clinc150 or braun');
  }
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

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);

/** The lines every corpus and test set evaluation prints. */
export function describeMetrics(m: RequestMetrics, policy: ConfidencePolicy = DEFAULT_CONFIDENCE): string[] {
  return [
    `in-scope accuracy   ${pct(m.accuracy)}  (${m.inScope} requests)`,
    `out-of-scope recall ${pct(m.oosRecall)}  (${m.outOfScope} requests)`,
    `confidence policy   answerAt ${policy.answerAt}, clarifyAt ${policy.clarifyAt}, margin ${policy.margin}:`,
    `  answered wrong    ${pct(m.confidentWrong)} of all requests (out-of-scope ones answered as an intent included)`,
    `  answered right    ${pct(m.answeredRight)} of in-scope requests`,
    `  clarify           ${pct(m.clarify)} of all requests (the right intent offered in ${pct(m.clarifyOffersGold)} of in-scope ones)`,
    `  unknown           ${pct(m.unknown)} of all requests`,
    ...perIntentTable(m.perIntent),
  ];
}

function policyLine(m: RequestMetrics): string {
  return `answered wrong ${pct(m.confidentWrong)}, right ${pct(m.answeredRight)}, clarify ${pct(m.clarify)}, unknown ${pct(m.unknown)}`;
}

function summary(m: RequestMetrics): Record<string, number | null> {
  return {
    accuracy: m.accuracy,
    oosRecall: m.oosRecall,
    confidentWrong: m.confidentWrong,
    answeredRight: m.answeredRight,
    clarify: m.clarify,
    unknown: m.unknown,
    inScope: m.inScope,
    outOfScope: m.outOfScope,
  };
}

const write = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);

function fromOutcomes(outcomes: readonly Outcome[]): { gold: string; recognition: Recognition }[] {
  return outcomes.map((o) => ({ gold: o.item.label, recognition: recognitionOf(o) }));
}

/** The test set: trained like the bot (NlpRecognizer on the shipped corpus), then the bot's own recognize(). */
async function runTestset(dirArg: string | undefined): Promise<number> {
  // From dist/nlu the test set stays in the source tree, beside the corpus.
  const dir =
    dirArg ??
    [path.join(path.dirname(CORPUS_DIR), 'testset'), path.join(__dirname, '..', '..', 'nlu', 'testset')].find((d) => fs.existsSync(d)) ??
    'nlu/testset';
  const shipped = loadShippedCorpus();
  const files = shipped.map((c) => path.join(dir, `${c.language}.json`));
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length) {
    const where = dirArg ?? 'nlu/testset';
    process.stderr.write(
      `nlu:eval: no test set: ${missing.map((f) => path.join(where, path.basename(f))).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing (the corpus format: {language, intents: {label: [texts]}, outOfScope: [texts]})\n`,
    );
    return 1;
  }
  const recognizer = new NlpRecognizer(shipped, { maxChars: 2000 });
  const t0 = Date.now();
  await recognizer.train();
  write([
    `trained on the shipped corpus (${shipped.map((c) => c.language).join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; out-of-scope threshold ${recognizer.outOfScopeThreshold.toFixed(2)}`,
  ]);
  const all: { gold: string; recognition: Recognition }[] = [];
  const byLanguage: Record<string, Record<string, number | null>> = {};
  for (const file of files) {
    const test = corpusExamples(JSON.parse(fs.readFileSync(file, 'utf8')) as LanguageCorpus);
    const mine: { gold: string; recognition: Recognition }[] = [];
    for (const t of test) mine.push({ gold: t.label, recognition: await recognizer.recognize(t.text, { language: t.language }) });
    const m = requestMetrics(judge(mine), OUT_OF_SCOPE);
    write(['', `${path.basename(file)}: ${test.length} requests`, ...describeMetrics(m)]);
    byLanguage[path.basename(file, '.json')] = summary(m);
    all.push(...mine);
  }
  const m = requestMetrics(judge(all), OUT_OF_SCOPE);
  write(['', `all languages: ${all.length} requests`, ...describeMetrics(m).slice(0, 7)]);
  write([JSON.stringify({ ...summary(m), languages: byLanguage, policy: DEFAULT_CONFIDENCE, data: 'testset' })]);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values: args, testsetDir } = parseEvalArgs(argv);
  if (argv.length === 0 || args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.testset) return runTestset(testsetDir);
  const cv = args.cv;
  if (cv) {
    const r = await crossValidate(corpusExamples(JSON.parse(fs.readFileSync(cv, 'utf8')) as LanguageCorpus), 5, CORPUS_PIPELINE);
    const m = requestMetrics(judge(fromOutcomes(r.outcomes)), OUT_OF_SCOPE);
    write([
      `5-fold cross-validation of ${cv}: in-scope accuracy ${pct(r.accuracy)}, out-of-scope recall ${pct(r.oosRecall)}; folds ${r.folds.map((x) => (x * 100).toFixed(1)).join(', ')}`,
      ...describeMetrics(m),
    ]);
    write([JSON.stringify({ ...summary(m), folds: r.folds, data: path.basename(cv) })]);
    return 0;
  }
  if (args.calibrate) {
    const target = Number(args.target ?? 0.03);
    if (!(target > 0 && target < 1)) throw new Error('--target must be a fraction between 0 and 1, e.g. 0.03');
    const shipped = loadShippedCorpus();
    const r = await crossValidate(shipped.flatMap(corpusExamples), 5, CORPUS_PIPELINE, 99);
    const outcomes = fromOutcomes(r.outcomes);
    const noisy = fromOutcomes(r.noisyOutcomes ?? []);
    const current = requestMetrics(judge(outcomes), OUT_OF_SCOPE);
    write([
      `5-fold cross-validation of the shipped corpus (${shipped.map((c) => c.language).join(' + ')}, trained together), with the current policy:`,
      ...describeMetrics(current).slice(0, 7),
      `the same with typos injected into the test folds: ${policyLine(requestMetrics(judge(noisy), OUT_OF_SCOPE))}`,
    ]);
    const curve = [0.01, 0.02, 0.03, 0.05].map((t) => ({ t, c: choosePolicy(outcomes, t, [noisy]) }));
    write([
      '',
      'at most … answered wrong, with and without typos: the policy that answers most right',
      ...curve.map(({ t, c }) =>
        c
          ? `  ${pct(t)}: answerAt ${c.policy.answerAt}, clarifyAt ${c.policy.clarifyAt}, margin ${c.policy.margin}: ${policyLine(c.metrics)}; with typos ${policyLine(c.harder[0])}`
          : `  ${pct(t)}: none`,
      ),
    ]);
    const chosen = curve.find((x) => x.t === target)?.c ?? choosePolicy(outcomes, target, [noisy]);
    if (!chosen) {
      write([`no policy keeps wrong answers at or under ${pct(target)}`, JSON.stringify({ target, policy: null })]);
      return 1;
    }
    write([
      '',
      `chosen for at most ${pct(target)} answered wrong:`,
      ...describeMetrics(chosen.metrics, chosen.policy),
      `with typos injected: ${policyLine(chosen.harder[0])}`,
    ]);
    write([JSON.stringify({ target, policy: chosen.policy, ...summary(chosen.metrics), withTypos: summary(chosen.harder[0]) })]);
    return 0;
  }
  const splits = loadSplits(args);
  const nodeNlp = args['nodenlp-settings'];
  // Our own corpus format is evaluated as the bot trains on it; the public benchmarks with the default pipeline.
  const base = args.format === 'corpus' ? CORPUS_PIPELINE : DEFAULT_PIPELINE;
  const options: PipelineOptions = {
    ...base,
    useNodeNlp: !args['no-nodenlp'],
    ...(nodeNlp ? { nodeNlp: JSON.parse(nodeNlp) as PipelineOptions['nodeNlp'] } : {}),
  };
  write([`train ${splits.train.length}, validation ${splits.validation.length}, test ${splits.test.length}; node-nlp ${options.useNodeNlp ? 'on' : 'off'}`]);
  const { result: r, outcomes } = await measureWithOutcomes(await prepareEvaluation(splits, options), splits.test);
  write([
    `in-scope accuracy   ${pct(r.accuracy)}  (${r.inScope} utterances)`,
    `macro F1            ${r.macroF1.toFixed(3)}`,
    `out-of-scope recall ${pct(r.oosRecall)}  precision ${pct(r.oosPrecision)}  (${r.outOfScope} utterances)`,
    `chosen on validation: linear weight ${r.alpha} (word+char model ${r.beta}, word network ${Math.round((1 - r.beta) * 100) / 100}), threshold ${r.threshold.toFixed(2)}`,
    `training            ${r.trainSeconds.toFixed(1)} s`,
    `per utterance       ${r.msPerUtterance.toFixed(3)} ms`,
    'most confused (gold → predicted):',
    ...r.confused.map((c) => `  ${c.count}× ${c.gold} → ${c.predicted}`),
  ]);
  const { confused, ...rest } = r;
  let policyFigures: Record<string, number | null> = {};
  if (args.format === 'corpus') {
    const m = requestMetrics(judge(fromOutcomes(outcomes)), OUT_OF_SCOPE);
    write(describeMetrics(m).slice(2));
    policyFigures = summary(m);
  }
  write([JSON.stringify({ ...rest, ...policyFigures, confused: confused.slice(0, 5), data: path.basename(args.data ?? args.test ?? '') })]);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`nlu:eval: ${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    },
  );
}
