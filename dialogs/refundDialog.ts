import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isOpenRefund } from '../commerce/commerceBackend';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered, askYesNo, end } from './dialogResult';
import { whyNotRefund } from '../commerce/orderRules';
import { changePossible, REFUND_BLOCKED, refusalReply } from './orderChangeRefusals';
import { describeItems, OrderDialog, type ActingDeps, type OrderProofs } from './orderDialog';
import { asksSomethingElse, reasonIn } from './laterRequests';
import { turnInfo } from './turnInfo';
import { readYesNo, words } from './yesNo';

/** Keeps a request the customer made at a prompt for when this one is done; false when it was kept already. */
export type KeepForLater = (context: TurnContext, text: string) => Promise<boolean>;

interface RefundOptions {
  orderNumber?: string;
  /** The reason the request itself named ("arrived broken"): only confirmed, never asked for again. */
  givenReason?: string;
}

/**
 * Asks for a refund: order number, an order that shipped (one being prepared is cancelled instead, one cancelled was
 * refunded by it: said before any code), a verified owner (verifySteps), a reason, then an explicit yes to a question
 * naming the order and the amount.
 */
export class RefundDialog extends OrderDialog {
  static readonly id = 'refundRequest';

  constructor(orders: OrderService, proofs: StatePropertyAccessor<OrderProofs>, acting: ActingDeps, keep?: KeepForLater) {
    super(RefundDialog.id, orders, proofs, acting, 'refund.request');
    this.addDialog(
      new TextPrompt('reason', async (p) => {
        const text = p.recognized.value ?? '';
        // "what about my email change?", "where is my other order?": no reason (once the refund's reason, H4). Kept
        // for when the refund is done, said so, and the reason asked again.
        if (asksSomethingElse(text)) {
          const kept = keep ? await keep(p.context, text) : false;
          const language = turnInfo(p.context).language;
          // One message with the question again (the prompt sends no retry once something was said this turn).
          const noted = t(language, kept ? 'laterRequestNoted' : 'laterRequestKept', { request: text.slice(0, 80) });
          await p.context.sendActivity(`${noted} ${t(language, 'retryRefundReason')}`);
          return false;
        }
        // A bare "yes", "ok" or "no" is no reason (outside tester: "yes" was taken as one): asked again once.
        return !bareAnswer(text) || p.attemptCount >= 2;
      }),
    );
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

  /** The reason the request named, read from the message that started the refund (the router's recognition). */
  override async beginDialog(dc: DialogContext, options?: object): Promise<DialogTurnResult> {
    const language = turnInfo(dc.context).language;
    const givenReason = (options as RefundOptions | undefined)?.givenReason ?? reasonIn(turnInfo(dc.context).recognition.text, language);
    return super.beginDialog(dc, { ...(options ?? {}), givenReason } satisfies RefundOptions);
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
    // "my order arrived broken, I want my money back": the reason is known, only the refund is confirmed.
    const given = (step.options as RefundOptions | undefined)?.givenReason;
    if (given) return step.next(given);
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
    const confirm = t(language, 'confirmRefund', { amount: order.total, currency: order.currency, order: order.number, items: describeItems(order, language) });
    const given = (step.options as RefundOptions | undefined)?.givenReason;
    return askYesNo(step, language, given ? `${t(language, 'refundReasonGiven', { reason: given })} ${confirm}` : confirm);
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
