import type { Alternative, Recognition, Recognizer } from '../../nlu/recognizer';

export interface Script {
  intent: string;
  score: number;
  alternatives?: Alternative[];
  language?: string;
}

/**
 * The real recognizer, except for the texts scripted here: tests of what the bot does when it is unsure (close
 * intents, middling scores) must not depend on the exact scores the shipped corpus gives borderline phrasings.
 */
export class ScriptedRecognizer implements Recognizer {
  constructor(
    private readonly real: Recognizer,
    private readonly scripts: Record<string, Script>,
  ) {}

  get languages(): readonly string[] {
    return this.real.languages;
  }

  async recognize(text: string, hint?: { language?: string }): Promise<Recognition> {
    const base = await this.real.recognize(text, hint);
    const s = this.scripts[text];
    if (!s) return base;
    return { ...base, intent: s.intent, score: s.score, alternatives: s.alternatives, language: s.language ?? base.language };
  }
}
