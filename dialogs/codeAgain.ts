import { MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogTurnStatus, type DialogContext } from 'botbuilder-dialogs';
import type { ContactVerification } from '../commerce/contactVerification';
import { intentLabel } from '../locale/intentLabels';
import { t } from '../locale/replies';
import { asksCodeAgain, missesCodeAgain } from './codeQuestion';
import type { DialogEnd, RouteOutcome } from './dialogResult';
import { lockedMinutes, type OrderDialogOptions, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

/** What is left of a message that is only a code once its digits are taken out: "123 456", "my code is 123456". */
export const BARE_CODE = /^[\s.:,!-]*(?:(?:my|the|code|is|it's|it|here|c[oó]digo|mi|el|es)[\s.:,!-]*)*$/iu;

/** How long a change asked for with a code stays pending after the question was last asked, ms. */
export const PENDING_CODE_MS = 30 * 60_000;

/**
 * "Send me a new code" once the code question has closed (the customer said "no" to it, asked something else, or
 * typed the code after it expired). While the code question is open dialogs/codeQuestion.ts reads these words; after
 * it, the router asks here first. A change still pending (the dialog and order it was for, orderDialog.ts
 * `pendingCode`) starts again with a new code, through the same per-address limit as every code (askCode); with
 * nothing pending, the customer is told plainly there is no code to resend and what they can do. Undefined: the
 * message is not about the code.
 */
export async function codeAgain(
  context: TurnContext,
  dialogs: () => Promise<DialogContext>,
  proofs: StatePropertyAccessor<OrderProofs>,
  verification: ContactVerification,
): Promise<RouteOutcome | undefined> {
  const { recognition, language } = turnInfo(context);
  const text = recognition.text;
  // A code typed while codes are locked out (too many wrong ones): never read as an order number or anything else;
  // the customer is told it was not checked, and when the lock-out ends.
  if (verification.codeIn(text) && BARE_CODE.test(text.replace(/\d/g, ''))) {
    const minutes = lockedMinutes(await proofs.get(context, { proofs: [], failed: 0 }), verification.now());
    if (minutes !== undefined) {
      await context.sendActivity(t(language, 'codeLockedOut', { minutes }));
      return { kind: 'answered' };
    }
  }
  // The words first: most messages are not about a code, and need no state read.
  if (!asksCodeAgain(text, true) && !missesCodeAgain(text)) return undefined;
  const state = await proofs.get(context, { proofs: [], failed: 0 });
  const p = state.pendingCode;
  const pending = p && verification.now() - p.at < PENDING_CODE_MS ? p : undefined;
  const asks = asksCodeAgain(text, !!pending);
  if (!asks && !missesCodeAgain(text)) return undefined;
  if (pending) {
    // "I never got the code" is offered a new one (where it went, if it still works); "send another" gets it.
    const options: OrderDialogOptions = { orderNumber: pending.orderNumber, ...(asks ? { newCode: true } : { offerNewCode: true }) };
    const result = await (await dialogs()).beginDialog(pending.dialogId, options);
    if (result.status === DialogTurnStatus.complete) return (result.result as DialogEnd | undefined)?.outcome ?? { kind: 'answered' };
    return { kind: 'answered' };
  }
  const buttons = ['order.cancel', 'return.request', 'refund.request', 'human.request'].map((i) => intentLabel(i, language));
  await context.sendActivity(MessageFactory.suggestedActions(buttons, t(language, 'codeNothingToResend')));
  return { kind: 'answered' };
}
