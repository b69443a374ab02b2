import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { SatisfactionSink } from './dialogServices';
import { t } from '../locale/replies';
import { turnInfo } from './turnInfo';

export function parseRating(text: string | undefined): number | undefined {
  const m = (text ?? '').match(/\b([1-5])\b/);
  return m ? Number(m[1]) : undefined;
}

/** Feedback and the satisfaction survey: a 1–5 rating and an optional comment. */
export class FeedbackDialog extends ComponentDialog {
  static readonly id = 'feedback';

  constructor(private readonly sink: SatisfactionSink) {
    super(FeedbackDialog.id);
    this.addDialog(new TextPrompt('rating', async (p) => parseRating(p.recognized.value) !== undefined || p.attemptCount >= 3));
    this.addDialog(new TextPrompt('comment'));
    this.addDialog(new WaterfallDialog('main', [(s) => this.askRating(s), (s) => this.askComment(s), (s) => this.save(s)]));
    this.initialDialogId = 'main';
  }

  private async askRating(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    return step.prompt('rating', { prompt: t(language, 'askRating'), retryPrompt: t(language, 'retryRating') });
  }

  private async askComment(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const rating = parseRating(String(step.result ?? ''));
    if (rating === undefined) {
      await step.context.sendActivity(t(language, 'notUnderstood'));
      return step.endDialog({ resolved: false });
    }
    (step.values as Record<string, number>).rating = rating;
    return step.prompt('comment', { prompt: t(language, 'askComment') });
  }

  private async save(step: WaterfallStepContext) {
    const { language, conversation } = turnInfo(step.context);
    const raw = String(step.result ?? '').trim();
    const comment = /^(no|nope|nothing|nada|non?)\.?$/i.test(raw) || raw === '' ? undefined : raw.slice(0, 1000);
    await this.sink.record(conversation.id, (step.values as Record<string, number>).rating, comment);
    await step.context.sendActivity(t(language, 'thanksFeedback'));
    return step.endDialog({ resolved: true });
  }
}
