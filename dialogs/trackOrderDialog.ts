import type { StatePropertyAccessor } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Order } from '../commerce/commerceBackend';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered } from './dialogResult';
import { OrderDialog, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

export function orderStatusText(language: string, o: Order): string {
  return t(language, `orderStatus_${o.status}`, { order: o.number, eta: o.eta, carrier: o.carrier, tracking: o.trackingCode });
}

export class TrackOrderDialog extends OrderDialog {
  static readonly id = 'trackOrder';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>) {
    super(TrackOrderDialog.id, orders, proofs);
    this.addDialog(new WaterfallDialog('main', [...this.orderSteps(), (s) => this.answer(s)]));
    this.initialDialogId = 'main';
  }

  private async answer(step: WaterfallStepContext) {
    const order = this.keepOrder(step);
    await step.context.sendActivity(orderStatusText(turnInfo(step.context).language, order));
    return answered(step);
  }
}
