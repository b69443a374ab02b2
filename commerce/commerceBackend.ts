import type { CancelBlock, RefundBlock, ReturnBlock } from './orderRules';

/**
 * What dialogs ask of the company's systems. The demo implementation (demoCommerceBackend.ts) keeps
 * its data in the store; a company plugs in its own connector with the same interface.
 *
 * Every call names who is asking (CustomerIdentity): a connector answers only about that customer's own orders,
 * so an order number alone never shows or changes anything.
 */
export type OrderStatus = 'processing' | 'shipped' | 'delivered' | 'cancelled';

export interface Order {
  number: string;
  status: OrderStatus;
  items: { name: string; quantity: number }[];
  total: number;
  currency: string;
  placedAt: string;
  /** Expected delivery date (YYYY-MM-DD) while not delivered. */
  eta?: string;
  carrier?: string;
  trackingCode?: string;
  /** The e-mail the order was placed with: whoever holds it owns the order. */
  customerEmail?: string;
}

/** A return of an order: its label is sent, then the parcel is awaited. */
export interface ReturnRequest {
  returnId: string;
  labelUrl: string;
  status: 'awaiting_item' | 'received' | 'closed';
}

/** A refund or return still under way: asking again says so instead of opening another. */
export const isOpenRefund = (r: Refund): boolean => r.status === 'requested' || r.status === 'approved';
export const isOpenReturn = (r: ReturnRequest): boolean => r.status !== 'closed';

export interface Refund {
  id: string;
  orderNumber: string;
  status: 'requested' | 'approved' | 'paid' | 'rejected';
  amount: number;
  currency: string;
  reason?: string;
  requestedAt: string;
}

/** Who is asking, as far as we can vouch for it. */
export interface CustomerIdentity {
  /** Our profile id (for the connector's own records and audit). */
  customerId: string;
  /** E-mails a channel or the company website's signed token vouched for (lower-cased). */
  verifiedEmails: readonly string[];
  /**
   * Orders an unverified visitor proved in this conversation by naming the order number together with the e-mail
   * on the order. Only the pair proves anything: the e-mail alone gives no access to other orders.
   */
  proofs: readonly { orderNumber: string; email: string }[];
}

/** Why an order is not shown or changed. `not_owner`: it exists but is not this customer's. */
export type OrderRefusal = 'not_found' | 'not_owner';

export type OrderResult<T> = { ok: true; value: T } | { ok: false; reason: OrderRefusal };

/** A change refused: not this customer's order, or one the order's state does not allow (commerce/orderRules.ts). */
export type ChangeResult<T, Block extends string> = { ok: true; value: T } | { ok: false; reason: OrderRefusal | Block };
/** A cancellation; `value` is the refund it is paid back by (the one the order already had, if any). */
export type CancelResult = ChangeResult<Refund | null, CancelBlock>;
export type RefundResult = ChangeResult<Refund, RefundBlock>;
export type ReturnResult = ChangeResult<ReturnRequest, ReturnBlock>;

/**
 * The changes (cancelOrder, requestRefund, startReturn) hold the rules of commerce/orderRules.ts themselves, checked
 * against the order's state at the moment of the change (not as some caller read it before): whoever calls, a bot
 * dialog or any other system, an order is never both returned and cancelled, and never refunded twice.
 */
export interface CommerceBackend {
  getOrder(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Order>>;
  /** Cancels an order being prepared and refunds it; refused once it shipped, was cancelled, or has a return open. */
  cancelOrder(who: CustomerIdentity, orderNumber: string): Promise<CancelResult>;
  /** One refund per order: asking again gets the same one back. Refused for an order not shipped, or cancelled. */
  requestRefund(who: CustomerIdentity, orderNumber: string, reason: string): Promise<RefundResult>;
  /** The refund of one of this customer's orders; `value` is null when none was requested. */
  getRefund(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Refund | null>>;
  /** Opens a return of a delivered order; an order with one open gets that one back (never a second). */
  startReturn(who: CustomerIdentity, orderNumber: string): Promise<ReturnResult>;
  /** The latest return of one of this customer's orders; `value` is null when none was opened. */
  getReturn(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<ReturnRequest | null>>;
  /** Sends a reset link to the account with this e-mail, if there is one (the answer is the same either way). */
  sendPasswordReset(who: CustomerIdentity, email: string): Promise<void>;
  /** This customer's orders that are still open (verified e-mails only), for personalized greetings. */
  openOrdersFor(who: CustomerIdentity): Promise<Order[]>;
}

/** Whether this identity may see and act on this order: a verified e-mail on it, or a proof naming it. */
export function owns(who: CustomerIdentity, order: Order): boolean {
  const email = order.customerEmail?.toLowerCase();
  if (!email) return false;
  if (who.verifiedEmails.some((e) => e.toLowerCase() === email)) return true;
  return who.proofs.some((p) => p.orderNumber === order.number && p.email.toLowerCase() === email);
}
