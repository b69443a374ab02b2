// nlu:eval's flags, apart from evalCli.ts so that reading them loads no recognizer (node-nlp).
import { parseArgs } from 'node:util';
import { UsageError } from '../core/cliArgs';

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
  if (positionals.length > (values.testset ? 1 : 0)) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  return { values, ...(positionals[0] !== undefined ? { testsetDir: positionals[0] } : {}) };
}
