import { ComponentDialog, TextPrompt, type PromptValidatorContext, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { CommerceBackend, Order } from '../commerce/commerceBackend';
import { t } from '../locale/replies';
import { turnInfo } from './turnInfo';

export const ORDER_PROMPT = 'orderNumberPrompt';
const ORDER_RE = /#?\b(\d{5,10})\b/;

export function extractOrderNumber(text: string | undefined): string | undefined {
  return text?.match(ORDER_RE)?.[1];
}

export interface OrderDialogOptions {
  orderNumber?: string;
}

/** Base of every dialog that needs an order number: takes it from the utterance or asks, re-asking on bad input. */
export abstract class OrderDialog extends ComponentDialog {
  constructor(
    id: string,
    protected readonly backend: CommerceBackend,
  ) {
    super(id);
    this.addDialog(
      new TextPrompt(ORDER_PROMPT, async (p: PromptValidatorContext<string>) => {
        const n = extractOrderNumber(p.recognized.value);
        if (n) return true;
        // Two bad answers in a row end the prompt; the dialog then gives up gracefully.
        return p.attemptCount >= 3;
      }),
    );
  }

  protected async askOrderNumber(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const given = (step.options as OrderDialogOptions | undefined)?.orderNumber;
    if (given) return step.next(given);
    const language = turnInfo(step.context).language;
    return step.prompt(ORDER_PROMPT, { prompt: t(language, 'askOrderNumber'), retryPrompt: t(language, 'retryOrderNumber') });
  }

  /** The order number from the previous step, or undefined when the customer never gave one. */
  protected orderNumberFrom(step: WaterfallStepContext): string | undefined {
    return extractOrderNumber(String(step.result ?? ''));
  }

  /** The order named in the previous step; when there is none, tells the customer why and returns undefined. */
  protected async orderOrExplain(step: WaterfallStepContext): Promise<Order | undefined> {
    const language = turnInfo(step.context).language;
    const number = this.orderNumberFrom(step);
    if (!number) {
      await step.context.sendActivity(t(language, 'notUnderstood'));
      return undefined;
    }
    const order = await this.backend.getOrder(number);
    if (!order) await step.context.sendActivity(t(language, 'orderNotFound', { order: number }));
    return order ?? undefined;
  }
}
