import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CommerceBackend } from '../bot/commerceBackend';
import { OrderDialog } from './orderDialog';
import { t } from './replies';
import { turnInfo } from './turnInfo';

export class ReturnDialog extends OrderDialog {
  static readonly id = 'returnRequest';

  constructor(private readonly backend: CommerceBackend) {
    super(ReturnDialog.id);
    this.addDialog(new WaterfallDialog('main', [(s) => this.askOrderNumber(s), (s) => this.open(s)]));
    this.initialDialogId = 'main';
  }

  private async open(step: WaterfallStepContext) {
    const language = turnInfo(step.context).language;
    const number = this.orderNumberFrom(step);
    if (!number) {
      await step.context.sendActivity(t(language, 'notUnderstood'));
      return step.endDialog({ resolved: false });
    }
    if (!(await this.backend.getOrder(number))) {
      await step.context.sendActivity(t(language, 'orderNotFound', { order: number }));
      return step.endDialog({ resolved: false });
    }
    const ret = await this.backend.startReturn(number);
    await step.context.sendActivity(ret ? t(language, 'returnStarted', { ret: ret.returnId, label: ret.labelUrl }) : t(language, 'returnImpossible', { order: number }));
    return step.endDialog({ resolved: !!ret });
  }
}
