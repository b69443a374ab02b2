import fs from 'node:fs';

/** Files that settings name, read and checked at start (core/config.ts lists what is wrong with every other setting). */

/**
 * What is wrong with the FAQ file KNOWLEDGE_FILE names, if anything: the bot's knowledge answers would otherwise
 * vanish without a word (a missing file) or the start fail on a stack trace (invalid JSON). The shape checked is
 * dialogs/knowledge.ts's: an object of articles, each with "en" and "es" answers.
 */
export function knowledgeFileProblem(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? String(err))})`;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `${file} is not valid JSON (${(err as Error).message})`;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return `${file} must hold a JSON object of articles ({ "id": { "en": …, "es": … } })`;
  const articles = Object.entries(raw as Record<string, unknown>).filter(([id]) => !id.startsWith('_'));
  const answered = articles.filter(([, v]) => {
    const a = v as { en?: unknown; es?: unknown } | null;
    return !!a && typeof a === 'object' && typeof a.en === 'string' && typeof a.es === 'string';
  });
  if (answered.length === 0) return `${file} holds no article with "en" and "es" answers`;
  const bad = articles.filter((x) => !answered.includes(x)).map(([id]) => id);
  if (bad.length)
    return `${file}: ${bad.length === 1 ? 'article' : 'articles'} ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''} without "en" and "es" answers`;
  return undefined;
}
