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

export type CancelResult = { ok: true } | { ok: false; reason: OrderRefusal | 'already_shipped' | 'already_cancelled' };

export interface CommerceBackend {
  getOrder(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Order>>;
  /** Fails with a reason when the order has already shipped, is not this customer's, or does not exist. */
  cancelOrder(who: CustomerIdentity, orderNumber: string): Promise<CancelResult>;
  requestRefund(who: CustomerIdentity, orderNumber: string, reason: string): Promise<OrderResult<Refund>>;
  /** The refund of one of this customer's orders; `value` is null when none was requested. */
  getRefund(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Refund | null>>;
  /** Opens a return; an order with one open gets that one back (never a second). `value` null: no return possible. */
  startReturn(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<ReturnRequest | null>>;
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
