import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend, Order } from '../bot/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from './replies';
import { turnInfo } from './turnInfo';

export function orderStatusText(language: string, o: Order): string {
  return t(language, `orderStatus_${o.status}`, { order: o.number, eta: o.eta, carrier: o.carrier, tracking: o.trackingCode });
}

export class TrackOrderDialog extends OrderDialog {
  static readonly id = 'trackOrder';

  constructor(private readonly backend: CommerceBackend) {
    super(TrackOrderDialog.id);
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.answer(s)]));
    this.initialDialogId = 'main';
  }

  private async answer(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const number = this.orderNumberFrom(step);
    if (!number) {
      await step.context.sendActivity(t(language, 'notUnderstood'));
      return step.endDialog({ resolved: false });
    }
    const order = await this.backend.getOrder(number);
    await step.context.sendActivity(order ? orderStatusText(language, order) : t(language, 'orderNotFound', { order: number }));
    return step.endDialog({ resolved: !!order });
  }
}
