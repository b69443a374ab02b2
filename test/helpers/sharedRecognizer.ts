import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadShippedCorpus } from '../../nlu/corpus';
import { NlpRecognizer } from '../../nlu/nlpRecognizer';

let shared: Promise<NlpRecognizer> | undefined;

/**
 * The model cache in the temp dir, shared across workers and runs. Its name carries the model's hash, so
 * checkouts with different corpora on one machine do not retrain in turn.
 */
function newRecognizer(): { recognizer: NlpRecognizer; cacheFile: string } {
  const corpus = loadShippedCorpus();
  const probe = new NlpRecognizer(corpus, { maxChars: 2000 });
  const cacheFile = path.join(os.tmpdir(), `crm-test-nlu-model-${probe.hash()}.json`);
  return { recognizer: new NlpRecognizer(corpus, { maxChars: 2000, cacheFile }), cacheFile };
}

/**
 * One trained recognizer per jest worker: the test environment (test/environment.js) keeps it across the worker's
 * test files. Outside that environment (the environment itself, or another runner), one per module registry.
 */
export function sharedRecognizer(): Promise<NlpRecognizer> {
  const fromWorker = (globalThis as { crmWorkerRecognizer?: () => Promise<NlpRecognizer> }).crmWorkerRecognizer;
  if (fromWorker) return fromWorker();
  shared ??= (async () => {
    const { recognizer } = newRecognizer();
    await recognizer.train();
    return recognizer;
  })();
  return shared;
}

/** The model cache file of the shipped corpus, for tests whose app retrains (it then finds this model). */
export function sharedModelCache(): string {
  return newRecognizer().cacheFile;
}

/**
 * Trains the cached model before the workers start when there is none for this corpus (jest's globalSetup):
 * training takes tens of seconds on a busy machine, longer than a test's hook may wait, and the workers would
 * each train it at once.
 */
export async function warmRecognizerCache(): Promise<void> {
  const { recognizer, cacheFile } = newRecognizer();
  if (fs.existsSync(cacheFile)) return;
  process.stderr.write('\nTraining the NLU model for the tests (the corpus or the training code changed)…\n');
  await recognizer.train();
}
