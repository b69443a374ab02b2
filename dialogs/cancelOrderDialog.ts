import type { StatePropertyAccessor } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { askYesNo, end, keepsPart } from './dialogResult';
import { whyNotCancel } from '../commerce/orderRules';
import { CANCEL_BLOCKED, changePossible, refusalReply } from './orderChangeRefusals';
import { describeItems, OrderDialog, type ActingDeps, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

/**
 * Cancels one of the customer's orders: only one being prepared (said before any code when its status shows otherwise),
 * only for a verified owner (verifySteps), after an explicit yes to a question naming it and what is in it.
 */
export class CancelOrderDialog extends OrderDialog {
  static readonly id = 'cancelOrder';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>, acting: ActingDeps) {
    super(CancelOrderDialog.id, orders, proofs, acting, 'order.cancel');
    this.addDialog(
      new WaterfallDialog('main', [
        ...this.orderSteps(),
        (s) => changePossible(s, whyNotCancel, CANCEL_BLOCKED),
        ...this.verifySteps(),
        (s) => this.confirm(s),
        (s) => this.recheckYes(s, 'actionCancel'),
        (s) => this.cancel(s),
      ]),
    );
    this.initialDialogId = 'main';
  }

  private async confirm(step: WaterfallStepContext) {
    const order = this.keepOrder(step);
    const language = turnInfo(step.context).language;
    return askYesNo(step, language, t(language, 'confirmCancel', { order: order.number, items: describeItems(order, language) }));
  }

  private async cancel(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const order = this.keptOrder(step);
    const answer = this.finalAnswer(step);
    if (!answer.yes) {
      await step.context.sendActivity(t(language, 'cancelKept', { order: order.number }));
      // "yes, but can I keep the socks?": only whole orders are cancelled; said how to keep part of one.
      if (keepsPart(typeof step.result === 'string' ? step.result : undefined)) await step.context.sendActivity(t(language, 'cancelWholeOnly'));
      return end(step, answer.end);
    }
    const r = await this.orders.cancelOrder(await this.identity(step.context), order.number, this.callContext(step.context));
    const key = r.ok ? 'cancelled' : refusalReply(CANCEL_BLOCKED, r.reason);
    await step.context.sendActivity(t(language, key, { order: order.number }));
    return end(step, { outcome: { kind: 'answered' } });
  }
}
