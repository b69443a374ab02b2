import fs from 'node:fs';
import path from 'node:path';
import { lang } from '../locale/replies';

export type Knowledge = Record<string, { en: string; es: string }>;

/** The FAQ file; the source copy is used from dist/ too, so edits need no rebuild. */
export function loadKnowledge(file?: string): Knowledge {
  const candidates = file ? [file] : [path.join(__dirname, 'faq.json'), path.join(__dirname, '..', '..', 'dialogs', 'faq.json')];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) return {};
  const raw = JSON.parse(fs.readFileSync(found, 'utf8')) as Record<string, unknown>;
  const out: Knowledge = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('_') || !v || typeof v !== 'object') continue;
    const e = v as { en?: unknown; es?: unknown };
    if (typeof e.en === 'string' && typeof e.es === 'string') out[k] = { en: e.en, es: e.es };
  }
  return out;
}

export function answer(knowledge: Knowledge, intent: string, language: string): string | undefined {
  return knowledge[intent]?.[lang(language)];
}
