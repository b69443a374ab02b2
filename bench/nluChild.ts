import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { loadBraun, loadClinc } from '../nlu/evalData';
import { measureEvaluation, prepareEvaluation, type EvalResult } from '../nlu/evalRun';

/**
 * Child process of the benchmark: trains and calibrates on CLINC150 (the slow part, about two and a half
 * minutes) while the parent generates the store's history on the other core, prints `ready`, and waits for
 * `go` on stdin before it times anything: the predictions on test data (and the small Braun corpora) run
 * alone on the machine. Prints one JSON line with the figures. Argument: the data directory.
 */
async function main(): Promise<void> {
  const dir = process.argv[2];
  const clincFile = path.join(dir, 'clinc150', 'data_full.json');
  const clinc = fs.existsSync(clincFile) ? loadClinc(clincFile) : undefined;
  const prepared = clinc ? await prepareEvaluation(clinc) : undefined;
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    const rl = readline.createInterface({ input: process.stdin });
    let started = false;
    rl.on('line', (l) => l.trim() === 'go' && ((started = true), rl.close(), resolve()));
    // The parent went away without asking: nothing to measure.
    rl.on('close', () => started || process.exit(0));
  });
  const out: { clinc150?: EvalResult; braun: Record<string, EvalResult> } = { braun: {} };
  if (clinc && prepared) out.clinc150 = await measureEvaluation(prepared, clinc.test);
  for (const name of ['ChatbotCorpus', 'AskUbuntuCorpus', 'WebApplicationsCorpus']) {
    const file = path.join(dir, 'braun2017', `${name}.json`);
    if (!fs.existsSync(file)) continue;
    const splits = loadBraun(file);
    out.braun[name] = await measureEvaluation(await prepareEvaluation(splits), splits.test);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main().catch((err) => {
  process.stderr.write(`nluChild: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
