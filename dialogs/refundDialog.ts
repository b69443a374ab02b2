import type { StatePropertyAccessor } from 'botbuilder';
import { TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isOpenRefund } from '../commerce/commerceBackend';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered, askYesNo, end } from './dialogResult';
import { whyNotRefund } from '../commerce/orderRules';
import { changePossible, REFUND_BLOCKED, refusalReply } from './orderChangeRefusals';
import { describeItems, OrderDialog, type ActingDeps, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';
import { readYesNo, words } from './yesNo';

/**
 * Asks for a refund: order number, an order that shipped (one being prepared is cancelled instead, one cancelled was
 * refunded by it: said before any code), a verified owner (verifySteps), a reason, then an explicit yes to a question
 * naming the order and the amount.
 */
export class RefundDialog extends OrderDialog {
  static readonly id = 'refundRequest';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>, acting: ActingDeps) {
    super(RefundDialog.id, orders, proofs, acting, 'refund.request');
    // A bare "yes", "ok" or "no" is no reason (outside tester: "yes" was taken as one): asked again once.
    this.addDialog(new TextPrompt('reason', (p) => Promise.resolve(!bareAnswer(p.recognized.value) || p.attemptCount >= 2)));
    this.addDialog(
      new WaterfallDialog('main', [
        ...this.orderSteps(),
        (s) => changePossible(s, whyNotRefund, REFUND_BLOCKED),
        ...this.verifySteps(),
        (s) => this.askReason(s),
        (s) => this.confirm(s),
        (s) => this.recheckYes(s, 'actionRefund'),
        (s) => this.request(s),
      ]),
    );
    this.initialDialogId = 'main';
  }

  private async askReason(step: WaterfallStepContext) {
    const order = this.keepOrder(step);
    const language = turnInfo(step.context).language;
    // One already: said, with its id and where it stands, instead of asking a reason and a yes again.
    const open = await this.orders.getRefund(await this.identity(step.context), order.number, this.callContext(step.context));
    if (open.ok && open.value && isOpenRefund(open.value)) {
      const r = open.value;
      const key = r.status === 'approved' ? 'refundOpenApproved' : 'refundOpenRequested';
      await step.context.sendActivity(t(language, key, { order: order.number, refund: r.id, amount: r.amount, currency: r.currency }));
      return answered(step);
    }
    // Paid or turned down: an order has one refund, never a second; where it stands is the answer.
    if (open.ok && open.value) {
      await step.context.sendActivity(t(language, `refundStatus_${open.value.status}`, { refund: open.value.id, order: order.number }));
      return answered(step);
    }
    return step.prompt('reason', { prompt: t(language, 'askRefundReason'), retryPrompt: t(language, 'retryRefundReason') });
  }

  private async confirm(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const order = this.keptOrder(step);
    if (bareAnswer(String(step.result ?? ''))) {
      await step.context.sendActivity(t(language, 'refundNeedsReason', { order: order.number }));
      return answered(step);
    }
    (step.values as Record<string, string>).reason = String(step.result ?? '').slice(0, 500);
    return askYesNo(
      step,
      language,
      t(language, 'confirmRefund', { amount: order.total, currency: order.currency, order: order.number, items: describeItems(order, language) }),
    );
  }

  private async request(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const order = this.keptOrder(step);
    const answer = this.finalAnswer(step);
    if (!answer.yes) {
      await step.context.sendActivity(t(language, 'refundKept', { order: order.number }));
      return end(step, answer.end);
    }
    const r = await this.orders.requestRefund(
      await this.identity(step.context),
      order.number,
      (step.values as Record<string, string>).reason,
      this.callContext(step.context),
    );
    if (!r.ok) {
      await step.context.sendActivity(t(language, refusalReply(REFUND_BLOCKED, r.reason), { order: order.number }));
      return answered(step);
    }
    const refund = r.value;
    await step.context.sendActivity(
      t(language, 'refundRequested', { refund: refund.id, amount: refund.amount, currency: refund.currency, order: order.number }),
    );
    return answered(step);
  }
}

/**
 * "refund", "a refund please", "reembolso": the topic alone, which the recognizer splits between asking for one and
 * asking where one stands. It is a request for one: the dialog asks for the order, and says where a refund already
 * asked for stands instead of asking again.
 */
export function namesRefundOnly(text: string): boolean {
  const plain = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\s]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  return /^(a |my |un |mi )?(refund|reimbursement|reembolso|reintegro)( please| pls| por favor)?$/.test(plain);
}

/** A yes or no alone ("yes", "ok", "nope"), or no word at all: an answer, but no reason for a refund. */
function bareAnswer(text: string | undefined): boolean {
  return readYesNo(text) !== undefined || !words(text ?? '').some((w) => /\p{L}{2,}/u.test(w));
}

/** Where is my refund. */
export class RefundStatusDialog extends OrderDialog {
  static readonly id = 'refundStatus';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>) {
    super(RefundStatusDialog.id, orders, proofs);
    this.addDialog(new WaterfallDialog('main', [...this.orderSteps(), (s) => this.answer(s)]));
    this.initialDialogId = 'main';
  }

  private async answer(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const order = this.keepOrder(step);
    const r = await this.orders.getRefund(await this.identity(step.context), order.number, this.callContext(step.context));
    const refund = r.ok ? r.value : null;
    await step.context.sendActivity(
      refund ? t(language, `refundStatus_${refund.status}`, { refund: refund.id, order: order.number }) : t(language, 'noRefund', { order: order.number }),
    );
    return answered(step);
  }
}
