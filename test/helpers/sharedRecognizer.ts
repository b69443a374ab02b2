import os from 'node:os';
import path from 'node:path';
import { loadShippedCorpus } from '../../nlu/corpus';
import { NlpRecognizer } from '../../nlu/nlpRecognizer';

let shared: Promise<NlpRecognizer> | undefined;

/** One trained recognizer per jest worker; the model cache in the temp dir is shared across workers and runs. */
export function sharedRecognizer(): Promise<NlpRecognizer> {
  shared ??= (async () => {
    const r = new NlpRecognizer(loadShippedCorpus(), { maxChars: 2000, cacheFile: path.join(os.tmpdir(), 'crm-test-nlu-model.json') });
    await r.train();
    return r;
  })();
  return shared;
}
