import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
// node-nlp ships no types; this file is the only one that touches it.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { NlpManager } = require('node-nlp');
import type { Example, LanguageCorpus } from './corpus';
import { examplesOf } from './corpus';
import type { Entity, Recognition, Recognizer } from './recognizer';
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

type Manager = { addDocument: Function; train: Function; process: Function; export: Function; import: Function; addRegexEntity: Function; guessLanguage?: unknown };

function newManager(languages: string[]): Manager {
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

/** Picks the threshold that best separates correct in-scope answers from out-of-scope ones. */
export function chooseThreshold(inScope: { correct: boolean; score: number }[], outOfScope: number[]): number {
  const candidates = [...new Set([...inScope.map((s) => s.score), ...outOfScope, 0])].sort((a, b) => a - b);
  let best = { t: 0.5, acc: -1 };
  for (const t of candidates) {
    const ok = inScope.filter((s) => s.correct && s.score >= t).length + outOfScope.filter((s) => s < t).length;
    const acc = ok / (inScope.length + outOfScope.length);
    if (acc > best.acc) best = { t, acc };
  }
  return best.t;
}

export class NlpRecognizer implements Recognizer {
  readonly languages: string[];
  private manager!: Manager;
  private threshold = 0.5;

  constructor(
    private readonly corpora: LanguageCorpus[],
    private readonly options: NlpRecognizerOptions,
  ) {
    this.languages = corpora.map((c) => c.language);
  }

  get outOfScopeThreshold(): number {
    return this.threshold;
  }

  private hash(): string {
    return createHash('sha256').update(JSON.stringify(this.corpora)).update('v1').digest('hex').slice(0, 16);
  }

  private async trainOn(examples: Example[]): Promise<Manager> {
    const m = newManager(this.languages);
    for (const e of examples) m.addDocument(e.language, e.text, e.intent);
    await m.train();
    return m;
  }

  /** Trains (or loads the cached model) and chooses the out-of-scope threshold on held-out data. */
  async train(): Promise<void> {
    const hash = this.hash();
    const cache = this.options.cacheFile;
    if (cache && fs.existsSync(cache)) {
      try {
        const saved = JSON.parse(fs.readFileSync(cache, 'utf8')) as { hash: string; threshold: number; model: string };
        if (saved.hash === hash) {
          this.manager = newManager(this.languages);
          this.manager.import(saved.model);
          this.threshold = this.options.threshold ?? saved.threshold;
          return;
        }
      } catch {
        // A corrupt cache is retrained below.
      }
    }
    const all = examplesOf(this.corpora);
    if (this.options.threshold === undefined) {
      const { train, held } = split(all);
      const probe = await this.trainOn(train);
      const inScope: { correct: boolean; score: number }[] = [];
      for (const e of held) {
        const r = await probe.process(e.language, e.text);
        inScope.push({ correct: r.intent === e.intent, score: r.score });
      }
      const oos: number[] = [];
      for (const c of this.corpora) for (const t of c.outOfScope) oos.push((await probe.process(c.language, t)).score);
      this.threshold = chooseThreshold(inScope, oos);
    } else {
      this.threshold = this.options.threshold;
    }
    this.manager = await this.trainOn(all);
    if (cache) {
      fs.mkdirSync(path.dirname(cache), { recursive: true });
      const tmp = `${cache}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ hash, threshold: this.threshold, model: this.manager.export(true) }));
      fs.renameSync(tmp, cache);
    }
  }

  async recognize(rawText: string, hint: { language?: string } = {}): Promise<Recognition> {
    const text = (typeof rawText === 'string' ? rawText : '').slice(0, this.options.maxChars);
    if (text.trim() === '') {
      return { text, intent: OUT_OF_SCOPE, score: 0, entities: [], sentiment: 0, language: hint.language ?? this.languages[0] };
    }
    const language = this.pickLanguage(text, hint.language);
    const r = await this.manager.process(language, text);
    const intent = r.intent === 'None' || r.score < this.threshold ? OUT_OF_SCOPE : r.intent;
    return {
      text,
      intent,
      score: r.score,
      entities: mapEntities(r.entities ?? [], language),
      sentiment: scoreSentiment(text, language),
      language,
    };
  }

  /** node-nlp's guess, unless the text is too short to tell and the profile knows the customer's language. */
  private pickLanguage(text: string, preferred?: string): string {
    const words = text.trim().split(/\s+/).length;
    const guess = this.guess(text);
    if (preferred && this.languages.includes(preferred) && (words < 3 || !guess)) return preferred;
    return guess ?? preferred ?? this.languages[0];
  }

  private guess(text: string): string | undefined {
    // Spanish-only characters settle it at once.
    if (/[ñ¿¡áéíóú]/i.test(text) && this.languages.includes('es')) return 'es';
    const g = (this.manager as any).container?.get?.('Language') ?? (this.manager as any).nlp?.guess;
    try {
      const found = (this.manager as any).guessLanguage ? (this.manager as any).guessLanguage(text) : g?.guessBest?.(text, this.languages);
      const code = typeof found === 'string' ? found : found?.alpha2;
      return code && this.languages.includes(code) ? code : undefined;
    } catch {
      return undefined;
    }
  }
}

function mapEntities(raw: any[], language: string): Entity[] {
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
