import { AppError } from '../core/errors';
import { UNRECOGNIZED_INTENT, type CorpusAddition } from '../models/records';
import type { AuditStore, CorpusStore } from '../store/store';
import type { LanguageCorpus } from './corpus';
import type { Recognition, RecognitionHint, Recognizer } from './recognizer';

export type { CorpusAddition };

/**
 * Utterances people add from the dashboard's not-understood list. They live in the store (so every
 * instance and every restart sees them) and are trained together with the shipped corpus.
 */
export class CorpusAdditions {
  constructor(
    private readonly store: CorpusStore & AuditStore,
    private readonly shipped: readonly LanguageCorpus[],
  ) {}

  /** What may be added to: each language with its intents (UNRECOGNIZED_INTENT means "not something we handle"). */
  catalogue(): { language: string; intents: string[] }[] {
    return this.shipped.map((c) => ({ language: c.language, intents: [...Object.keys(c.intents).sort(), UNRECOGNIZED_INTENT] }));
  }

  async list(): Promise<CorpusAddition[]> {
    return this.store.listCorpusAdditions();
  }

  async add(input: { text: string; intent: string; language: string }, actorId: string): Promise<{ addition: CorpusAddition; added: boolean }> {
    const text = input.text.trim().replace(/\s+/g, ' ');
    const corpus = this.shipped.find((c) => c.language === input.language);
    if (!corpus) throw new AppError('VALIDATION_FAILED', `language must be one of ${this.shipped.map((c) => c.language).join(', ')}`);
    if (input.intent !== UNRECOGNIZED_INTENT && !(input.intent in corpus.intents))
      throw new AppError('VALIDATION_FAILED', `unknown intent ${input.intent} for ${input.language}`);
    const addition: CorpusAddition = { text, intent: input.intent, language: input.language, by: actorId, at: new Date().toISOString() };
    // The store keeps one per text and language, however many people add it at once.
    const stored = await this.store.addCorpusAddition(addition);
    if (stored.added) await this.store.appendAudit({ actorId, action: 'nlu.utterance_add', data: { intent: addition.intent, language: addition.language } });
    return stored;
  }

  /**
   * Takes one addition out of the corpus (text and language as listed); the same text added for another language
   * stays. Audited. Returns whether it was there. The next retrain (or restart) trains without it.
   */
  async remove(input: { text: string; language: string }, actorId: string): Promise<boolean> {
    const text = input.text.trim().replace(/\s+/g, ' ').toLowerCase();
    const all = await this.store.listCorpusAdditions();
    const same = (a: CorpusAddition) => a.text.trim().toLowerCase() === text;
    const target = all.find((a) => same(a) && a.language === input.language);
    if (!target) return false;
    // The store removes a text in every language: the other languages' copies go back as they were.
    const others = all.filter((a) => same(a) && a.language !== input.language);
    await this.store.removeCorpusAdditions([target.text]);
    for (const o of others) await this.store.addCorpusAddition(o);
    await this.store.appendAudit({ actorId, action: 'nlu.utterance_remove', data: { intent: target.intent, language: target.language } });
    return true;
  }

  /** Starts retraining the live recognizer with the additions (audited); the new model swaps in when it is ready. */
  async retrain(recognizer: LiveRecognizer, actorId: string, onError: (err: unknown) => void): Promise<void> {
    void recognizer.retrainNow(onError);
    await this.store.appendAudit({ actorId, action: 'nlu.retrain' });
  }

  /**
   * Privacy erasure: removes every addition whose text is one of these (what an erased person wrote), compared as
   * add() stores them, case-insensitively. Returns how many went.
   */
  async removeTexts(texts: readonly string[]): Promise<number> {
    return this.store.removeCorpusAdditions(texts.map((t) => t.trim()).filter(Boolean));
  }

  /** The shipped corpus with the additions in it (duplicates of shipped examples dropped). */
  static apply(corpora: readonly LanguageCorpus[], additions: readonly CorpusAddition[]): LanguageCorpus[] {
    return corpora.map((c) => {
      const mine = additions.filter((a) => a.language === c.language);
      if (!mine.length) return c;
      const intents = Object.fromEntries(Object.entries(c.intents).map(([k, v]) => [k, [...v]]));
      const outOfScope = [...c.outOfScope];
      const known = new Set([...Object.values(intents).flat(), ...outOfScope].map((t) => t.toLowerCase()));
      for (const a of mine) {
        if (known.has(a.text.toLowerCase())) continue;
        known.add(a.text.toLowerCase());
        if (a.intent === UNRECOGNIZED_INTENT) outOfScope.push(a.text);
        else intents[a.intent]?.push(a.text);
      }
      return { ...c, intents, outOfScope };
    });
  }
}

/**
 * The recognizer the bot uses: delegates to the current model and swaps in a retrained one when it is
 * ready, so retraining never stops the bot answering.
 */
export class LiveRecognizer implements Recognizer {
  private training: Promise<void> | undefined;
  private trainedWith: number;

  constructor(
    private current: Recognizer,
    private readonly retrain: () => Promise<{ recognizer: Recognizer; additions: number }>,
    additions: number,
  ) {
    this.trainedWith = additions;
  }

  get languages(): readonly string[] {
    return this.current.languages;
  }

  recognize(text: string, hint?: RecognitionHint): Promise<Recognition> {
    return this.current.recognize(text, hint);
  }

  status(): { training: boolean; trainedWithAdditions: number } {
    return { training: !!this.training, trainedWithAdditions: this.trainedWith };
  }

  /** Starts a retrain unless one runs; resolves when the new model is in use. */
  retrainNow(onError: (err: unknown) => void): Promise<void> {
    this.training ??= this.retrain().then(
      ({ recognizer, additions }) => {
        this.current = recognizer;
        this.trainedWith = additions;
        this.training = undefined;
      },
      (err: unknown) => {
        this.training = undefined;
        onError(err);
      },
    );
    return this.training;
  }
}
