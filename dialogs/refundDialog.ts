import { TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend } from '../commerce/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from '../locale/replies';
import { turnInfo } from './turnInfo';

/** Asks for a refund: order number, then a reason. */
export class RefundDialog extends OrderDialog {
  static readonly id = 'refundRequest';

  constructor(backend: CommerceBackend) {
    super(RefundDialog.id, backend);
    this.addDialog(new TextPrompt('reason'));
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.askReason(s), (s) => this.request(s)]));
    this.initialDialogId = 'main';
  }

  private async askReason(step: WaterfallStepContext) {
    const order = await this.orderOrExplain(step);
    if (!order) return step.endDialog({ resolved: false });
    (step.values as Record<string, string>).order = order.number;
    return step.prompt('reason', { prompt: t(turnInfo(step.context).language, 'askRefundReason') });
  }

  private async request(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const number = (step.values as Record<string, string>).order;
    const refund = await this.backend.requestRefund(number, String(step.result ?? '').slice(0, 500));
    if (!refund) {
      await step.context.sendActivity(t(language, 'orderNotFound', { order: number }));
      return step.endDialog({ resolved: false });
    }
    await step.context.sendActivity(t(language, 'refundRequested', { refund: refund.id, amount: refund.amount, currency: refund.currency, order: number }));
    return step.endDialog({ resolved: true });
  }
}

/** Where is my refund. */
export class RefundStatusDialog extends OrderDialog {
  static readonly id = 'refundStatus';

  constructor(backend: CommerceBackend) {
    super(RefundStatusDialog.id, backend);
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
    const refund = await this.backend.getRefund(number);
    await step.context.sendActivity(
      refund ? t(language, 'refundStatus', { refund: refund.id, order: number, status: refund.status }) : t(language, 'noRefund', { order: number }),
    );
    return step.endDialog({ resolved: true });
  }
}
