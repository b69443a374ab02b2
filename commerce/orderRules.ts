import type { Order, Refund, ReturnRequest } from './commerceBackend';
import { isOpenReturn } from './commerceBackend';

/**
 * What may happen to an order, from its own state alone (who asks is checked apart). One place for the rules, so the
 * backend that changes the order (at the moment of the change) and the dialogs (before asking for a code they would
 * waste) read them alike:
 * - an order is cancelled only while it is being prepared, and never with a return open (the cancellation refunds it);
 * - an order is returned only once delivered: never while on its way, never once cancelled;
 * - a refund is asked for an order that shipped: one being prepared is cancelled instead, one cancelled was refunded
 *   by its cancellation. One refund per order, whatever asks for it, so none is ever paid twice.
 */

/** Why an order cannot be cancelled now. */
export type CancelBlock = 'already_shipped' | 'delivered' | 'already_cancelled' | 'return_open';
/** Why an order cannot be returned now. */
export type ReturnBlock = 'not_shipped' | 'not_delivered' | 'cancelled';
/** Why no refund can be asked for an order now. */
export type RefundBlock = 'not_shipped' | 'cancelled';

/** What is known of an order besides itself: its latest return and its refund (either may be unknown yet). */
export interface OrderFacts {
  order: Pick<Order, 'status'>;
  ret?: ReturnRequest | null;
  refund?: Refund | null;
}

export function whyNotCancel(f: OrderFacts): CancelBlock | undefined {
  if (f.order.status === 'cancelled') return 'already_cancelled';
  if (f.ret && isOpenReturn(f.ret)) return 'return_open';
  if (f.order.status === 'delivered') return 'delivered';
  if (f.order.status === 'shipped') return 'already_shipped';
  return undefined;
}

export function whyNotReturn(f: OrderFacts): ReturnBlock | undefined {
  if (f.order.status === 'cancelled') return 'cancelled';
  if (f.order.status === 'processing') return 'not_shipped';
  if (f.order.status === 'shipped') return 'not_delivered';
  return undefined;
}

export function whyNotRefund(f: OrderFacts): RefundBlock | undefined {
  if (f.order.status === 'cancelled') return 'cancelled';
  if (f.order.status === 'processing') return 'not_shipped';
  return undefined;
}

/**
 * Whether a cancellation adds the order's refund: not when it already has one that was not turned down (asked for
 * before these rules, or by another system), which then stands for it.
 */
export function cancelRefunds(refund: Refund | null | undefined): boolean {
  return !refund || refund.status === 'rejected';
}
