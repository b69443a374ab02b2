import type { StatePropertyAccessor } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isOpenReturn } from '../commerce/commerceBackend';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered, askYesNo, end } from './dialogResult';
import { whyNotReturn } from '../commerce/orderRules';
import { changePossible, refusalReply, RETURN_BLOCKED } from './orderChangeRefusals';
import { describeItems, OrderDialog, type ActingDeps, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

/**
 * Opens a return for one of the customer's orders: only a delivered one (said before any code when its status shows
 * otherwise), a verified owner (verifySteps), then an explicit yes to a question naming it.
 */
export class ReturnDialog extends OrderDialog {
  static readonly id = 'returnRequest';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>, acting: ActingDeps) {
    super(ReturnDialog.id, orders, proofs, acting, 'return.request');
    this.addDialog(
      new WaterfallDialog('main', [
        ...this.orderSteps(),
        (s) => changePossible(s, whyNotReturn, RETURN_BLOCKED),
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
    await step.context.sendActivity(
      r.ok
        ? t(language, 'returnStarted', { ret: r.value.returnId, label: r.value.labelUrl })
        : t(language, refusalReply(RETURN_BLOCKED, r.reason), { order: order.number }),
    );
    return answered(step);
  }
}
