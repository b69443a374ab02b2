import type { StatePropertyAccessor } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isOpenReturn } from '../commerce/commerceBackend';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered, askYesNo, end } from './dialogResult';
import { describeItems, OrderDialog, type ActingDeps, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

/** Opens a return for one of the customer's orders: a verified owner (verifySteps), then an explicit yes to a question naming it. */
export class ReturnDialog extends OrderDialog {
  static readonly id = 'returnRequest';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>, acting: ActingDeps) {
    super(ReturnDialog.id, orders, proofs, acting, 'return.request');
    this.addDialog(
      new WaterfallDialog('main', [
        ...this.orderSteps(),
        ...this.verifySteps(),
        (s) => this.confirm(s),
        (s) => this.recheckYes(s, 'actionReturn'),
        (s) => this.open(s),
      ]),
    );
    this.initialDialogId = 'main';
  }

  private async confirm(step: WaterfallStepContext) {
    const order = this.keepOrder(step);
    const language = turnInfo(step.context).language;
    if (order.status === 'cancelled') {
      await step.context.sendActivity(t(language, 'returnImpossible', { order: order.number }));
      return answered(step);
    }
    // One open already: said, with its id and where it stands, instead of asking to open another.
    const open = await this.orders.getReturn(await this.identity(step.context), order.number, this.callContext(step.context));
    if (open.ok && open.value && isOpenReturn(open.value)) {
      const ret = open.value;
      const key = ret.status === 'received' ? 'returnOpenReceived' : 'returnOpenAwaitingItem';
      await step.context.sendActivity(t(language, key, { order: order.number, ret: ret.returnId, label: ret.labelUrl }));
      return answered(step);
    }
    return askYesNo(step, language, t(language, 'confirmReturn', { order: order.number, items: describeItems(order, language) }));
  }

  private async open(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const order = this.keptOrder(step);
    const answer = this.finalAnswer(step);
    if (!answer.yes) {
      await step.context.sendActivity(t(language, 'returnKept', { order: order.number }));
      return end(step, answer.end);
    }
    const r = await this.orders.startReturn(await this.identity(step.context), order.number, this.callContext(step.context));
    const ret = r.ok ? r.value : null;
    await step.context.sendActivity(
      ret ? t(language, 'returnStarted', { ret: ret.returnId, label: ret.labelUrl }) : t(language, 'returnImpossible', { order: order.number }),
    );
    return answered(step);
  }
}
