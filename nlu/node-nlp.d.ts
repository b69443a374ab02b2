// node-nlp ships no types: the part of its API this project calls (nlpRecognizer, intentPipeline, sentiment, stemmer).
declare module 'node-nlp' {
  export interface NlpManagerSettings {
    languages: string[];
    forceNER?: boolean;
    autoSave?: boolean;
    nlu?: Record<string, unknown>;
    ner?: { threshold?: number };
  }

  /** One entity of NlpManager.extractEntities: the fields nlpRecognizer reads. */
  export interface ExtractedEntity {
    entity: string;
    sourceText?: string;
    utteranceText?: string;
    resolution?: { value?: string | number; strValue?: string; timex?: string };
  }

  export interface Classification {
    intent: string;
    score: number;
  }

  /** The Nlp behind an NlpManager (NlpManager.nlp): its NLU manager alone, without the rest of process(). */
  export interface Nlp {
    nluManager: { process(input: object): Promise<{ classifications?: Classification[] }> };
    settings: { nlu?: object };
    applySettings(target: object, settings?: object): object;
  }

  export class NlpManager {
    constructor(settings: NlpManagerSettings);
    nlp: Nlp;
    addDocument(locale: string, utterance: string, intent: string): void;
    addRegexEntity(entityName: string, languages: string[], regex: RegExp): void;
    train(): Promise<void>;
    extractEntities(locale: string, utterance: string): Promise<{ entities?: ExtractedEntity[] }>;
    export(minified?: boolean): string;
    import(data: string): void;
  }

  /** The trigram language guesser: best guess first. */
  export class Language {
    guess(utterance: string, allowList?: string[], limit?: number): { alpha3: string; alpha2: string; language: string; score: number }[];
  }

  export class SentimentAnalyzer {
    constructor(settings: { language: string });
    getSentiment(utterance: string): Promise<{ score: number }>;
  }

  export const NlpUtil: {
    getStemmer(locale: string): { stem(word: string): string };
  };
}
