import fs from 'node:fs';
import path from 'node:path';
import { CORPUS_PIPELINE, DEFAULT_PIPELINE, type PipelineOptions } from './intentPipeline';
import { CORPUS_DIR, loadShippedCorpus, type LanguageCorpus } from './corpus';
import { DEFAULT_CONFIDENCE, type ConfidencePolicy } from './confidencePolicy';
import { perIntentTable, requestMetrics, type RequestMetrics } from './evalMetrics';
import { corpusExamples, loadSplits } from './evalData';
import { choosePolicy, crossValidate, judge, measureWithOutcomes, prepareEvaluation, recognitionOf, type Outcome } from './evalRun';
import { NlpRecognizer } from './nlpRecognizer';
import { parseEvalArgs, USAGE } from './evalArgs';
import { OUT_OF_SCOPE, type Recognition } from './recognizer';

// `npm run nlu:eval`: the flags in evalArgs.ts, the printed figures and the one JSON line here; the data in evalData.ts, the measuring in evalRun.ts.
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
