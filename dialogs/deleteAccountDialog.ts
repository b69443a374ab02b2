import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { t } from '../locale/replies';
import { answerOf, askYesNo, end, YES_NO_PROMPT } from './dialogResult';
import { turnInfo } from './turnInfo';

/**
 * Deleting an account is done by people (an always-human intent), but only once the customer said yes to it: the
 * classifier once took "I forgot my PIN, help me get back in" for a deletion and queued the customer for it.
 */
export class DeleteAccountDialog extends ComponentDialog {
  static readonly id = 'deleteAccount';

  constructor() {
    super(DeleteAccountDialog.id);
    this.addDialog(new TextPrompt(YES_NO_PROMPT));
    this.addDialog(new WaterfallDialog('main', [(s) => this.confirm(s), (s) => this.decide(s)]));
    this.initialDialogId = 'main';
  }

  private async confirm(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    return askYesNo(step, language, t(language, 'confirmDeleteAccount'));
  }

  private async decide(step: WaterfallStepContext) {
    const answer = answerOf(step, { keepIsNo: true });
    if (answer === 'yes')
      return end(step, {
        outcome: { kind: 'escalate', reason: 'policy_intent', detail: 'intent account.delete is always handled by people (confirmed by the customer)' },
      });
    if (answer === 'no') await step.context.sendActivity(t(turnInfo(step.context).language, 'deleteAccountKept'));
    return end(step, answer === 'no' ? { outcome: { kind: 'answered' } } : { reroute: true });
  }
}
