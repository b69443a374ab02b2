import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadShippedCorpus } from '../../nlu/corpus';
import { NlpRecognizer } from '../../nlu/nlpRecognizer';

let shared: Promise<NlpRecognizer> | undefined;

/**
 * One trained recognizer per jest worker; the model cache in the temp dir is shared across workers and runs.
 * Its name carries the corpus's hash, so checkouts with different corpora on one machine do not retrain in turn.
 */
export function sharedRecognizer(): Promise<NlpRecognizer> {
  shared ??= (async () => {
    const r = new NlpRecognizer(loadShippedCorpus(), { maxChars: 2000, cacheFile: sharedModelCache() });
    await r.train();
    return r;
  })();
  return shared;
}

/** The model cache file of the shipped corpus, for tests whose app retrains (it then finds this model). */
export function sharedModelCache(): string {
  const tag = createHash('sha256').update(JSON.stringify(loadShippedCorpus())).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `crm-test-nlu-model-${tag}.json`);
}
