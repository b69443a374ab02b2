import type { WaterfallStepContext } from 'botbuilder-dialogs';
import type { Order, OrderRefusal } from '../commerce/commerceBackend';
import type { CancelBlock, OrderFacts, RefundBlock, ReturnBlock } from '../commerce/orderRules';
import { t, type ReplyKey } from '../locale/replies';
import { answered } from './dialogResult';
import { turnInfo } from './turnInfo';

/** What the customer reads when the order's state does not allow a change: why, and what they can do instead. */
export const CANCEL_BLOCKED: Record<CancelBlock, ReplyKey> = {
  already_shipped: 'cancelAlreadyShipped',
  delivered: 'cancelDelivered',
  already_cancelled: 'cancelAlreadyCancelled',
  return_open: 'cancelReturnOpen',
};
export const RETURN_BLOCKED: Record<ReturnBlock, ReplyKey> = {
  not_shipped: 'returnNotShipped',
  not_delivered: 'returnNotDelivered',
  cancelled: 'returnCancelled',
};
export const REFUND_BLOCKED: Record<RefundBlock, ReplyKey> = {
  not_shipped: 'refundNotShipped',
  cancelled: 'refundCancelled',
};

/** The reply to a change the backend refused: the order's state, or (not found, not theirs) the same for both. */
export function refusalReply<B extends string>(table: Record<B, ReplyKey>, reason: B | OrderRefusal): ReplyKey {
  return reason === 'not_found' || reason === 'not_owner' ? 'orderNotFound' : table[reason];
}

/**
 * The step between the order and the one-time code of a dialog that changes it: when the order's status (as the
 * status answer read it) already shows the change is impossible, that is said at once, with no code sent and no
 * yes asked. The backend checks again at the moment of the change, as the order may move meanwhile.
 */
export async function changePossible<B extends string>(step: WaterfallStepContext, whyNot: (f: OrderFacts) => B | undefined, table: Record<B, ReplyKey>) {
  const order = step.result as Order;
  const blocked = whyNot({ order });
  if (!blocked) return step.next(order);
  await step.context.sendActivity(t(turnInfo(step.context).language, table[blocked], { order: order.number }));
  return answered(step);
}
