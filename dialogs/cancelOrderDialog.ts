import { ConfirmPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend } from '../commerce/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from '../locale/replies';
import { turnInfo } from './turnInfo';

export class CancelOrderDialog extends OrderDialog {
  static readonly id = 'cancelOrder';

  constructor(backend: CommerceBackend) {
    super(CancelOrderDialog.id, backend);
    this.addDialog(new ConfirmPrompt('confirm'));
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.confirm(s), (s) => this.cancel(s)]));
    this.initialDialogId = 'main';
  }

  private async confirm(step: WaterfallStepContext) {
    const order = await this.orderOrExplain(step);
    if (!order) return step.endDialog({ resolved: false });
    (step.values as Record<string, string>).order = order.number;
    return step.prompt('confirm', { prompt: t(turnInfo(step.context).language, 'confirmCancel', { order: order.number }) });
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
