import fs from 'node:fs';
import { OOS_LABEL, type LabeledText } from './intentPipeline';
import type { LanguageCorpus } from './corpus';
import { parseCsv } from '../core/csv';

/**
 * The data nlu:eval reads: the public benchmarks (CLINC150, Braun et al.), CSV files and our own corpus format,
 * each as train / validation / test splits.
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

export function holdBack(all: LabeledText[]): { train: LabeledText[]; validation: LabeledText[]; heldBack: true } {
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

/** The splits named by `--format` and its files (`--data`, or `--train` and `--test`). */
export function loadSplits(args: { format?: string; data?: string; train?: string; test?: string }): Splits {
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
