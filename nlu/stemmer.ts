// node-nlp ships no types (node-nlp.d.ts types the part used). Its stemmers (Snowball, per language) are the only part of it used outside the recognizer.
import { NlpUtil } from 'node-nlp';

type Stemmer = { stem(word: string): string };
const stemmers = new Map<string, Stemmer>();

/** The stem of one lower-cased word ("refunds" → "refund", "devoluciones" → "devolu"); the word itself for other languages. */
export function stem(word: string, language: string): string {
  if (language !== 'en' && language !== 'es') return word;
  let s = stemmers.get(language);
  if (!s) {
    s = NlpUtil.getStemmer(language);
    stemmers.set(language, s);
  }
  return s.stem(word);
}
