/** What dialogs know of the NLU. They never import node-nlp. */
export type EntityType = 'orderNumber' | 'email' | 'phone' | 'date' | 'amount' | 'number';

export interface Entity {
  type: EntityType;
  text: string;
  value: string | number;
}

export interface Recognition {
  text: string;
  /** An intent from the corpus, or OUT_OF_SCOPE. */
  intent: string;
  score: number;
  entities: Entity[];
  /** -1 (very negative) … 1 (very positive). */
  sentiment: number;
  language: string;
  /** The likeliest intents, best first (the top one included), at most three; absent when the recognizer cannot rank. */
  alternatives?: Alternative[];
}

export interface Alternative {
  intent: string;
  score: number;
}

export { UNRECOGNIZED_INTENT as OUT_OF_SCOPE } from '../models/records';

export interface RecognitionHint {
  language?: string;
  /** false: the caller uses no entities (a chat a person holds), so the costliest step, extraction, is skipped. */
  entities?: boolean;
}

export interface Recognizer {
  readonly languages: readonly string[];
  recognize(text: string, hint?: RecognitionHint): Promise<Recognition>;
}

export function entity(r: Recognition, type: EntityType): Entity | undefined {
  return r.entities.find((e) => e.type === type);
}
