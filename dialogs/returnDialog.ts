import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend } from '../commerce/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from '../locale/replies';
import { turnInfo } from './turnInfo';

export class ReturnDialog extends OrderDialog {
  static readonly id = 'returnRequest';

  constructor(backend: CommerceBackend) {
    super(ReturnDialog.id, backend);
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.open(s)]));
    this.initialDialogId = 'main';
  }

  private async open(step: WaterfallStepContext) {
    const order = await this.orderOrExplain(step);
    if (!order) return step.endDialog({ resolved: false });
    const language = turnInfo(step.context).language;
    const ret = await this.backend.startReturn(order.number);
    await step.context.sendActivity(ret ? t(language, 'returnStarted', { ret: ret.returnId, label: ret.labelUrl }) : t(language, 'returnImpossible', { order: order.number }));
    return step.endDialog({ resolved: !!ret });
  }
}
