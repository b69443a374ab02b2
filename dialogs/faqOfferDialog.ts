import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { t } from '../locale/replies';
import { answerOf, askYesNo, end, YES_NO_PROMPT } from './dialogResult';
import { turnInfo } from './turnInfo';

export interface FaqOfferOptions {
  /** The article's text in the customer's language. */
  text: string;
  articleId: string;
}

/**
 * When no intent fits: the best article from the knowledge search, then "Did this answer your question?". Only a
 * "no" counts as not understood; a "yes" is an answer; anything else is a new request.
 */
export class FaqOfferDialog extends ComponentDialog {
  static readonly id = 'faqOffer';

  constructor(private readonly onAnythingElse: (step: WaterfallStepContext) => Promise<void>) {
    super(FaqOfferDialog.id);
    this.addDialog(new TextPrompt(YES_NO_PROMPT));
    this.addDialog(new WaterfallDialog('main', [(s) => this.offer(s), (s) => this.read(s)]));
    this.initialDialogId = 'main';
  }

  private async offer(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    await step.context.sendActivity((step.options as FaqOfferOptions).text);
    return askYesNo(step, language, t(language, 'faqDidItAnswer'));
  }

  private async read(step: WaterfallStepContext) {
    const answer = answerOf(step);
    if (answer === 'yes') {
      await step.context.sendActivity(t(turnInfo(step.context).language, 'faqGlad'));
      await this.onAnythingElse(step);
      return end(step, { outcome: { kind: 'answered' } });
    }
    if (answer === 'no') return end(step, { outcome: { kind: 'not_understood' } });
    return end(step, { reroute: true });
  }
}
