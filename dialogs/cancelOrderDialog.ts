import { ConfirmPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend } from '../bot/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from './replies';
import { turnInfo } from './turnInfo';

export class CancelOrderDialog extends OrderDialog {
  static readonly id = 'cancelOrder';

  constructor(private readonly backend: CommerceBackend) {
    super(CancelOrderDialog.id);
    this.addDialog(new ConfirmPrompt('confirm'));
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.confirm(s), (s) => this.cancel(s)]));
    this.initialDialogId = 'main';
  }

  private async confirm(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const number = this.orderNumberFrom(step);
    if (!number) {
      await step.context.sendActivity(t(language, 'notUnderstood'));
      return step.endDialog({ resolved: false });
    }
    const order = await this.backend.getOrder(number);
    if (!order) {
      await step.context.sendActivity(t(language, 'orderNotFound', { order: number }));
      return step.endDialog({ resolved: false });
    }
    (step.values as Record<string, string>).order = number;
    return step.prompt('confirm', { prompt: t(language, 'confirmCancel', { order: number }) }, );
  }

  private async cancel(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const number = (step.values as Record<string, string>).order;
    if (step.result !== true) {
      await step.context.sendActivity(t(language, 'cancelKept'));
      return step.endDialog({ resolved: true });
    }
    const r = await this.backend.cancelOrder(number);
    const key = r.ok ? 'cancelled' : r.reason === 'already_cancelled' ? 'cancelAlreadyCancelled' : r.reason === 'already_shipped' ? 'cancelAlreadyShipped' : 'orderNotFound';
    await step.context.sendActivity(t(language, key, { order: number }));
    return step.endDialog({ resolved: r.ok });
  }
}
