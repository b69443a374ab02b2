import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
// node-nlp ships no types: node-nlp.d.ts types the part of it used here.
import { Language, NlpManager, type ExtractedEntity } from 'node-nlp';

/**
 * node-nlp's language guesser (trigram profiles). nlp.js adds every training sentence to these profiles, which
 * are shared by all instances, so after training they lean toward the trained corpus; short support messages are
 * therefore decided by function words first, and by trigrams only when those say nothing.
 */
const guesser = new Language();

const FUNCTION_WORDS: Record<string, Set<string>> = {
  en: new Set(
    'the a an is are am was my me i you your to of and in on for with this that it where what when how why can could would want need please not no do does did have has be from at by our we they hi hello thanks thank bye goodbye good morning evening afternoon'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las un una de del que y en mi mis me tu te es son está estoy por para con no sí quiero necesito dónde donde cómo como cuándo cuando qué por favor hola su sus al lo se nos ya pero muy'.split(
      ' ',
    ),
  ),
};

export function functionWordGuess(text: string, languages: readonly string[]): string | undefined {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  let best: string | undefined;
  let bestScore = 0;
  let tie = false;
  for (const lang of languages) {
    const set = FUNCTION_WORDS[lang];
    if (!set) continue;
    const score = words.filter((w) => set.has(w)).length;
    if (score > bestScore) {
      best = lang;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return tie ? undefined : best;
}
import type { Example, LanguageCorpus } from './corpus';
import { examplesOf } from './corpus';
import { CORPUS_PIPELINE, IntentPipeline, OOS_LABEL, type LabeledText, type PipelineJson, type Ranking } from './intentPipeline';
import type { Entity, Recognition, RecognitionHint, Recognizer } from './recognizer';
import { OUT_OF_SCOPE } from './recognizer';
import { scoreSentiment } from './sentiment';

export interface NlpRecognizerOptions {
  /** Text beyond this many characters is not given to the NLU. */
  maxChars: number;
  /** File to cache the trained model in; retrained when the corpus changes. */
  cacheFile?: string;
  /** Scores below this are out of scope. Chosen on held-out data by train() when not given. */
  threshold?: number;
}

function newManager(languages: string[]): NlpManager {
  const m = new NlpManager({ languages, forceNER: true, autoSave: false, nlu: { log: false, useNoneFeature: true }, ner: { threshold: 0.9 } });
  // Order numbers: 5–10 digits, optionally after '#'.
  m.addRegexEntity('orderNumber', languages, /#?\b\d{5,10}\b/gi);
  return m;
}

/** Deterministic split: every fifth example per intent is held back for choosing the threshold. */
function split(examples: Example[]): { train: Example[]; held: Example[] } {
  const counts = new Map<string, number>();
  const train: Example[] = [];
  const held: Example[] = [];
  for (const e of examples) {
    const k = `${e.language}/${e.intent}`;
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    (n % 5 === 0 ? held : train).push(e);
  }
  return { train, held };
}

/** Digits, '@', or a relative-date word: the only texts an order number, email, phone, amount or date can be in. */
const MAY_HOLD_ENTITY =
  /[0-9@]|\b(today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|hoy|mañana|ayer|lunes|martes|miércoles|jueves|viernes|sábado|domingo|semana|mes)\b/i;

/**
 * Recognitions kept per model: customers send the same short texts again and again ("hi", "thanks", "yes", a button's
 * title), and recognition is a pure function of the text, the hint and the trained model (a retrained model is a new
 * recognizer with an empty cache). Only short texts are kept, so the cache stays well under a megabyte.
 */
const RECOGNITION_CACHE_SIZE = 2000;
const RECOGNITION_CACHE_MAX_CHARS = 200;

export class NlpRecognizer implements Recognizer {
  readonly languages: string[];
  private ner!: NlpManager;
  private pipeline!: IntentPipeline;
  private readonly recent = new Map<string, Recognition>();

  constructor(
    private readonly corpora: LanguageCorpus[],
    private readonly options: NlpRecognizerOptions,
  ) {
    this.languages = corpora.map((c) => c.language);
  }

  get outOfScopeThreshold(): number {
    return this.pipeline.threshold;
  }

  /** Names the corpus and the training code: a cached model with another hash is retrained. */
  hash(): string {
    return createHash('sha256').update(JSON.stringify(this.corpora)).update('v6').digest('hex').slice(0, 16);
  }

  /**
   * Trains (or loads the cached model). The mixing weight of node-nlp and the linear model and the
   * out-of-scope threshold are chosen on a held-out fifth of the corpus, then everything is retrained on all of it.
   */
  async train(): Promise<void> {
    const hash = this.hash();
    const cache = this.options.cacheFile;
    this.recent.clear();
    this.ner = newManager(this.languages);
    if (cache && fs.existsSync(cache)) {
      try {
        const saved = JSON.parse(fs.readFileSync(cache, 'utf8')) as { hash: string; pipeline: PipelineJson };
        if (saved.hash === hash) {
          this.pipeline = IntentPipeline.import(saved.pipeline, CORPUS_PIPELINE);
          if (this.options.threshold !== undefined) this.pipeline.threshold = this.options.threshold;
          return;
        }
      } catch {
        // A corrupt cache is retrained below.
      }
    }
    const all: LabeledText[] = [
      ...examplesOf(this.corpora).map((e) => ({ text: e.text, label: e.intent, language: e.language })),
      ...this.corpora.flatMap((c) => c.outOfScope.map((text) => ({ text, label: OOS_LABEL, language: c.language }))),
    ];
    const { train, held } = split(all.map((e) => ({ text: e.text, intent: e.label, language: e.language }))) as unknown as {
      train: LabeledText[];
      held: LabeledText[];
    };
    const probe = new IntentPipeline(CORPUS_PIPELINE);
    await probe.train(train.map(fromExample));
    const chosen = await probe.calibrate(held.map(fromExample));
    this.pipeline = new IntentPipeline(CORPUS_PIPELINE);
    await this.pipeline.train(all);
    this.pipeline.alpha = chosen.alpha;
    this.pipeline.beta = chosen.beta;
    this.pipeline.threshold = this.options.threshold ?? chosen.threshold;
    if (cache) {
      fs.mkdirSync(path.dirname(cache), { recursive: true });
      const tmp = `${cache}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ hash, pipeline: this.pipeline.export() }));
      fs.renameSync(tmp, cache);
    }
  }

  async recognize(rawText: string, hint: RecognitionHint = {}): Promise<Recognition> {
    const text = (typeof rawText === 'string' ? rawText : '').slice(0, this.options.maxChars);
    if (text.length > RECOGNITION_CACHE_MAX_CHARS) return this.recognizeNow(text, hint);
    const key = `${hint.language ?? ''}\u0000${hint.entities === false ? '-' : ''}\u0000${text}`;
    let r = this.recent.get(key);
    if (r) {
      // Most recently used last: the first entry is the one to forget.
      this.recent.delete(key);
    } else {
      r = await this.recognizeNow(text, hint);
      if (this.recent.size >= RECOGNITION_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    }
    this.recent.set(key, r);
    return copyOf(r);
  }

  private async recognizeNow(text: string, hint: RecognitionHint): Promise<Recognition> {
    if (text.trim() === '') {
      return { text, intent: OUT_OF_SCOPE, score: 0, entities: [], sentiment: 0, language: hint.language ?? this.languages[0] };
    }
    const language = this.pickLanguage(text, hint.language);
    // Entity extraction (Microsoft recognizers inside node-nlp) is the costliest step; skip it for text that cannot hold one.
    const [ranking, found] = await Promise.all([
      this.pipeline.rank(text, language),
      hint.entities === false ? { entities: [] } : this.entities(text, language),
    ]);
    return {
      text,
      ...intentOf(ranking),
      entities: mapEntities(found.entities ?? [], language),
      sentiment: scoreSentiment(text, language),
      language,
    };
  }

  /** node-nlp's extraction, unless the only thing the text can hold is an order number (the common case). */
  private entities(text: string, language: string): Promise<{ entities?: ExtractedEntity[] }> {
    if (!MAY_HOLD_ENTITY.test(text)) return Promise.resolve({ entities: [] });
    const withoutOrders = text.replace(/#?\b\d{5,10}\b/g, '');
    if (!MAY_HOLD_ENTITY.test(withoutOrders)) {
      const found = [...text.matchAll(/#?\b\d{5,10}\b/g)].map((m) => ({ entity: 'orderNumber', sourceText: m[0] }));
      return Promise.resolve({ entities: found });
    }
    return this.ner.extractEntities(language, text);
  }

  /** Function words of the message, then the customer's known language, then node-nlp's trigram guess. */
  private pickLanguage(text: string, preferred?: string): string {
    if (/[ñ¿¡áéíóú]/i.test(text) && this.languages.includes('es')) return 'es';
    const byWords = functionWordGuess(text, this.languages);
    if (byWords) return byWords;
    if (preferred && this.languages.includes(preferred)) return preferred;
    const best = guesser.guess(text, this.languages)[0];
    return best && this.languages.includes(best.alpha2) ? best.alpha2 : this.languages[0];
  }
}

/**
 * The recognized intent and its ranked alternatives (at most three, scores on the same scale as `score`). The
 * alternatives are the classifier's ranking: when the best intent scored under the out-of-scope threshold, the
 * intent is OUT_OF_SCOPE and the alternatives still name what came closest, for a clarifying question.
 */
export function intentOf(ranking: Ranking): Pick<Recognition, 'intent' | 'score' | 'alternatives'> {
  const name = (label: string) => (label === OOS_LABEL ? OUT_OF_SCOPE : label);
  return {
    intent: name(ranking.prediction.label),
    score: ranking.prediction.confidence,
    alternatives: ranking.ranked.slice(0, 3).map((p) => ({ intent: name(p.label), score: p.confidence })),
  };
}

/** Each caller gets its own copy of a kept recognition: nothing a turn does to it reaches the next one. */
function copyOf(r: Recognition): Recognition {
  return {
    ...r,
    entities: r.entities.map((e) => ({ ...e })),
    ...(r.alternatives ? { alternatives: r.alternatives.map((a) => ({ ...a })) } : {}),
  };
}

function fromExample(e: unknown): LabeledText {
  const x = e as { text: string; intent?: string; label?: string; language: string };
  return { text: x.text, label: x.label ?? x.intent ?? OOS_LABEL, language: x.language };
}

function mapEntities(raw: readonly ExtractedEntity[], language: string): Entity[] {
  const out: Entity[] = [];
  for (const e of raw) {
    const text = String(e.sourceText ?? e.utteranceText ?? '');
    switch (e.entity) {
      case 'orderNumber':
        out.push({ type: 'orderNumber', text, value: text.replace(/^#/, '') });
        break;
      case 'email':
        out.push({ type: 'email', text, value: String(e.resolution?.value ?? text).toLowerCase() });
        break;
      case 'phonenumber':
        out.push({ type: 'phone', text, value: String(e.resolution?.value ?? text) });
        break;
      case 'currency':
        out.push({ type: 'amount', text, value: Number(e.resolution?.value ?? NaN) });
        break;
      case 'date':
        // Spanish "mi" (my) is read as miércoles by the date recognizer; a real date has a digit or a longer word.
        if (language === 'es' && text.length <= 3 && !/\d/.test(text)) break;
        out.push({ type: 'date', text, value: String(e.resolution?.strValue ?? e.resolution?.timex ?? text) });
        break;
      default:
        break;
    }
  }
  return out;
}
