import { CancelOrderDialog } from './cancelOrderDialog';
import { ChangeConsentDialog } from './changeConsentDialog';
import { ClarifyDialog } from './clarifyDialog';
import { ContactDetailsDialog } from './contactDetailsDialog';
import { DeleteAccountDialog } from './deleteAccountDialog';
import { CONTACT_SAVE_PROMPT, YES_NO_PROMPT } from './dialogResult';
import { FeedbackDialog } from './feedbackDialog';
import { ORDER_EMAIL_PROMPT, ORDER_PROMPT, VERIFY_CODE_PROMPT } from './orderDialog';
import { PasswordResetDialog } from './passwordResetDialog';
import { RefundDialog, RefundStatusDialog } from './refundDialog';
import { ReturnDialog } from './returnDialog';
import { TrackOrderDialog } from './trackOrderDialog';

/** The router's tables (dialogs/mainDialog.ts): which dialog takes an intent, and how pending questions are judged. */

/** Intent → dialog that takes it. Intents answered from the knowledge file are not listed. */
export const DIALOG_FOR_INTENT: Record<string, string> = {
  'order.track': TrackOrderDialog.id,
  'order.cancel': CancelOrderDialog.id,
  'refund.request': RefundDialog.id,
  'refund.status': RefundStatusDialog.id,
  'return.request': ReturnDialog.id,
  'password.recover': PasswordResetDialog.id,
  'feedback.review': FeedbackDialog.id,
  'contact.change': ContactDetailsDialog.id,
  'consent.change': ChangeConsentDialog.id,
  'newsletter.subscribe': ChangeConsentDialog.id,
  'account.delete': DeleteAccountDialog.id,
};

/** The dialogs about one order (they take an order number). */
export const ORDER_DIALOGS = new Set([TrackOrderDialog.id, CancelOrderDialog.id, RefundDialog.id, RefundStatusDialog.id, ReturnDialog.id]);

/**
 * Prompts that judge a new request themselves: free text (any sentence is an answer: a refund reason, a survey
 * comment), yes/no and the one-time code (the dialog says what it did not do, then the request is routed) and the
 * clarifying choice.
 */
export const SELF_JUDGING_PROMPTS = new Set(['reason', 'comment', YES_NO_PROMPT, CONTACT_SAVE_PROMPT, VERIFY_CODE_PROMPT, 'clarifyChoice']);
/**
 * Prompts whose answer has a form, and the entity that is it: anything else the recognizer is sure of is another
 * request ("where is my order 55555" at the question for another order's e-mail).
 */
export const FORM_PROMPTS = new Map([
  [ORDER_PROMPT, 'orderNumber'],
  [ORDER_EMAIL_PROMPT, 'email'],
]);
/** Prompts that ask for a contact detail: a refusal ("I'd rather not give my email") is their answer. */
export const CONTACT_PROMPTS = new Set([ORDER_EMAIL_PROMPT, 'contact']);
/**
 * Dialogs that read an opt-out at their own question: the consent dialog's question is about it, and a clarifying
 * question hands anything that is not a pick to the router, which withdraws.
 */
export const READS_OPT_OUTS = new Set([ChangeConsentDialog.id, ClarifyDialog.id]);
export { SURE_ELSEWHERE } from './dialogResult';
