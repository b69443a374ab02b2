import fs from 'node:fs';
import path from 'node:path';
import { describeBusinessHours, type HoursSetting } from '../locale/businessHoursText';
import { lang, type ReplyLanguage } from '../locale/replies';
import { stem } from '../nlu/stemmer';

/**
 * The FAQ file (dialogs/faq.json, or KNOWLEDGE_FILE): articles per language. An article keyed by an intent answers
 * that intent; every article can also be found by full-text search when no intent fits. Each entry:
 * `{ "en": answer, "es": answer, "title"?: { en, es }, "keywords"?: { en: [...], es: [...] } }`.
 */
export interface Article {
  id: string;
  answer: Record<ReplyLanguage, string>;
  title?: Record<ReplyLanguage, string>;
  keywords?: Record<ReplyLanguage, string[]>;
}

export interface SearchHit {
  article: Article;
  score: number;
}

const STOPWORDS: Record<ReplyLanguage, Set<string>> = {
  en: new Set(
    'a an the is are am was were be been being i me my mine you your we our us they them their it its this that these those to of and or in on at for with from by as about into over can could would should will shall do does did have has had not no yes please hi hello hey thanks thank what which who whom how when where why there here if then so just also any some all more most very too get got want need like know tell help question'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las un una unos unas de del al y o u en a por para con sin sobre que qué es son está están estoy ser estar mi mis me tu tus te su sus nos yo él ella lo le les se ya pero muy más mas como cómo cuando cuándo donde dónde por qué porque hay hola gracias quiero necesito puedo puedes favor ayuda saber pregunta este esta esto eso esa ese'.split(
      ' ',
    ),
  ),
};

/** Lower-case words without stop words, stemmed, accents removed (customers often leave them out). */
export function terms(text: string, language: ReplyLanguage): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOPWORDS[language].has(w))
    .map((w) => stem(w, language).normalize('NFD').replace(/\p{M}/gu, ''))
    .filter(Boolean);
}

interface Indexed {
  article: Article;
  tf: Map<string, number>;
  length: number;
  /** Terms of the title and keywords: a query term found there is a strong sign. */
  strong: Set<string>;
}

/** Okapi BM25 over each article's title and keywords (counted twice) and its answer. */
class Bm25 {
  private readonly docs: Indexed[] = [];
  private readonly df = new Map<string, number>();
  private avgLength = 1;

  constructor(
    articles: Article[],
    private readonly language: ReplyLanguage,
  ) {
    for (const article of articles) {
      const strong = [...terms(article.title?.[language] ?? '', language), ...(article.keywords?.[language] ?? []).flatMap((k) => terms(k, language))];
      const all = [...strong, ...strong, ...terms(article.answer[language], language)];
      const tf = new Map<string, number>();
      for (const x of all) tf.set(x, (tf.get(x) ?? 0) + 1);
      this.docs.push({ article, tf, length: all.length, strong: new Set(strong) });
      for (const x of tf.keys()) this.df.set(x, (this.df.get(x) ?? 0) + 1);
    }
    this.avgLength = this.docs.reduce((n, d) => n + d.length, 0) / Math.max(1, this.docs.length);
  }

  search(text: string, limit: number): (SearchHit & { coverage: number; strongHits: number })[] {
    const query = [...new Set(terms(text, this.language))];
    if (query.length === 0) return [];
    const n = this.docs.length;
    const k1 = 1.2;
    const b = 0.75;
    const hits = this.docs.map((d) => {
      let score = 0;
      let matched = 0;
      let strongHits = 0;
      for (const q of query) {
        const f = d.tf.get(q);
        if (!f) continue;
        matched++;
        if (d.strong.has(q)) strongHits++;
        const df = this.df.get(q) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / this.avgLength));
      }
      return { article: d.article, score, coverage: matched / query.length, strongHits };
    });
    return hits
      .filter((h) => h.score > 0)
      .sort((x, y) => y.score - x.score)
      .slice(0, limit);
  }
}

/** The articles, the answer for an intent, and a search that only offers an article it has good reason to. */
export class KnowledgeBase {
  private readonly byId = new Map<string, Article>();
  private readonly indexes: Record<ReplyLanguage, Bm25>;

  constructor(articles: Article[]) {
    for (const a of articles) this.byId.set(a.id, a);
    this.indexes = { en: new Bm25(articles, 'en'), es: new Bm25(articles, 'es') };
  }

  get size(): number {
    return this.byId.size;
  }

  article(id: string): Article | undefined {
    return this.byId.get(id);
  }

  /** The article keyed by this intent, in this language. */
  answer(intent: string, language: string): string | undefined {
    return this.byId.get(intent)?.answer[lang(language)];
  }

  /**
   * The best article for a free question, or undefined when none fits well enough to offer: at least half of the
   * question's content words found in it, or one of them in its title or keywords.
   */
  best(text: string, language: string): SearchHit | undefined {
    const [top] = this.indexes[lang(language)].search(text, 1);
    if (!top) return undefined;
    if (top.coverage >= 0.5 || (top.strongHits >= 1 && top.coverage >= 0.25)) return { article: top.article, score: top.score };
    return undefined;
  }
}

/**
 * The FAQ file; the source copy is used from dist/ too, so edits need no rebuild. `{hours}` in an answer is when the
 * team answers, from `BUSINESS_HOURS` (unset: always), so the FAQ never states hours the queue does not keep.
 */
export function loadKnowledge(file?: string, businessHours?: HoursSetting): KnowledgeBase {
  const candidates = file ? [file] : [path.join(__dirname, 'faq.json'), path.join(__dirname, '..', '..', 'dialogs', 'faq.json')];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) return new KnowledgeBase([]);
  const raw = JSON.parse(fs.readFileSync(found, 'utf8')) as Record<string, unknown>;
  const articles: Article[] = [];
  for (const [id, v] of Object.entries(raw)) {
    if (id.startsWith('_') || !v || typeof v !== 'object') continue;
    const e = v as { en?: unknown; es?: unknown; title?: { en?: unknown; es?: unknown }; keywords?: { en?: unknown; es?: unknown } };
    if (typeof e.en !== 'string' || typeof e.es !== 'string') continue;
    const title = e.title && typeof e.title.en === 'string' && typeof e.title.es === 'string' ? { en: e.title.en, es: e.title.es } : undefined;
    const list = (x: unknown) => (Array.isArray(x) ? x.filter((k): k is string => typeof k === 'string') : []);
    const keywords = e.keywords ? { en: list(e.keywords.en), es: list(e.keywords.es) } : undefined;
    const fill = (text: string, language: ReplyLanguage) => text.replaceAll('{hours}', describeBusinessHours(businessHours, language));
    articles.push({ id, answer: { en: fill(e.en, 'en'), es: fill(e.es, 'es') }, title, keywords });
  }
  return new KnowledgeBase(articles);
}
