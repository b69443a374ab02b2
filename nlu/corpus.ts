import fs from 'node:fs';
import path from 'node:path';

export interface LanguageCorpus {
  language: string;
  intents: Record<string, string[]>;
  outOfScope: string[];
}

export interface Example {
  text: string;
  intent: string;
  language: string;
}

export const CORPUS_DIR = path.join(__dirname, 'corpus');

/** Loads the shipped corpus (nlu/corpus/*.json); the source folder is used from dist/ too. */
export function loadShippedCorpus(dir = resolveCorpusDir()): LanguageCorpus[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as LanguageCorpus);
}

function resolveCorpusDir(): string {
  // From dist/nlu the JSON files stay in the source tree.
  const candidates = [CORPUS_DIR, path.join(__dirname, '..', '..', 'nlu', 'corpus')];
  return candidates.find((d) => fs.existsSync(d)) ?? CORPUS_DIR;
}

export function examplesOf(corpora: LanguageCorpus[]): Example[] {
  const out: Example[] = [];
  for (const c of corpora) for (const [intent, texts] of Object.entries(c.intents)) for (const text of texts) out.push({ text, intent, language: c.language });
  return out;
}
