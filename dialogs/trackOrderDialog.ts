import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend, Order } from '../commerce/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from '../locale/replies';
import { turnInfo } from './turnInfo';

export function orderStatusText(language: string, o: Order): string {
  return t(language, `orderStatus_${o.status}`, { order: o.number, eta: o.eta, carrier: o.carrier, tracking: o.trackingCode });
}

export class TrackOrderDialog extends OrderDialog {
  static readonly id = 'trackOrder';

  constructor(backend: CommerceBackend) {
    super(TrackOrderDialog.id, backend);
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.answer(s)]));
    this.initialDialogId = 'main';
  }

  private async answer(step: WaterfallStepContext) {
    const order = await this.orderOrExplain(step);
    if (order) await step.context.sendActivity(orderStatusText(turnInfo(step.context).language, order));
    return step.endDialog({ resolved: !!order });
  }
}
