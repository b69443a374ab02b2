import type { StatePropertyAccessor } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Order } from '../commerce/commerceBackend';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered } from './dialogResult';
import { OrderDialog, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

/**
 * An order's status as the customer reads it. An expected delivery already past is never stated as expected: the
 * order is said to be late instead (the shop's dates can lag behind reality).
 */
export function orderStatusText(language: string, o: Order, today = new Date().toISOString().slice(0, 10)): string {
  const vars = { order: o.number, eta: o.eta, carrier: o.carrier, tracking: o.trackingCode };
  const open = o.status === 'processing' || o.status === 'shipped' ? o.status : undefined;
  if (open && o.eta !== undefined && o.eta < today) return t(language, `orderLate_${open}`, vars);
  return t(language, `orderStatus_${o.status}`, vars);
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
