import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { SatisfactionSink } from './dialogServices';
import { t } from '../locale/replies';
import { answered, end } from './dialogResult';
import { parseRating, parseRatingWithComment } from './ratingParser';
import { turnInfo } from './turnInfo';
import { readYesNo } from './yesNo';

export { parseRating, parseRatingWithComment };

/**
 * Feedback offered by the customer: a 1–5 rating (digits, stars, or a short answer in words; never a sentence) and an
 * optional comment. Not while the chat waits for a person: nobody has served it yet.
 */
export class FeedbackDialog extends ComponentDialog {
  static readonly id = 'feedback';

  constructor(private readonly sink: SatisfactionSink) {
    super(FeedbackDialog.id);
    this.addDialog(new TextPrompt('rating', (p) => Promise.resolve(parseRating(p.recognized.value) !== undefined || p.attemptCount >= 3)));
    this.addDialog(new TextPrompt('comment'));
    this.addDialog(new WaterfallDialog('main', [(s) => this.askRating(s), (s) => this.askComment(s), (s) => this.save(s)]));
    this.initialDialogId = 'main';
  }

  private async askRating(step: WaterfallStepContext) {
    const { language, conversation } = turnInfo(step.context);
    if (conversation.state === 'queued') {
      // Waiting for a person: a rating now would score a chat nobody has served yet (review 21: a complaint sent next
      // was stored as 1★). The words stay in the transcript for the agent; the survey comes when the agent closes.
      await step.context.sendActivity(t(language, 'feedbackWhileWaiting'));
      return answered(step);
    }
    return step.prompt('rating', { prompt: t(language, 'askRating'), retryPrompt: t(language, 'retryRating') });
  }

  private async askComment(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const rating = parseRatingWithComment(String(step.result ?? ''));
    if (rating === undefined) {
      // The turn pipeline says it did not understand (with suggestions, or the queued customer's version): once.
      return end(step, { outcome: { kind: 'not_understood' } });
    }
    (step.values as Record<string, number>).rating = rating.score;
    return step.prompt('comment', { prompt: t(language, 'askComment') });
  }

  private async save(step: WaterfallStepContext) {
    const { language, conversation } = turnInfo(step.context);
    const raw = String(step.result ?? '').trim();
    const comment = raw === '' || readYesNo(raw) === 'no' ? undefined : raw.slice(0, 1000);
    await this.sink.record(conversation.id, (step.values as Record<string, number>).rating, comment);
    await step.context.sendActivity(t(language, 'thanksFeedback'));
    return answered(step);
  }
}
