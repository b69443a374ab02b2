/**
 * What dialogs ask of the company's systems. The demo implementation (demoCommerceBackend.ts) keeps
 * its data in the store; a company plugs in its own connector with the same interface.
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
  customerEmail?: string;
}

export interface Refund {
  id: string;
  orderNumber: string;
  status: 'requested' | 'approved' | 'paid' | 'rejected';
  amount: number;
  currency: string;
  reason?: string;
  requestedAt: string;
}

export interface CommerceBackend {
  getOrder(orderNumber: string): Promise<Order | null>;
  /** Fails with a reason when the order has already shipped or does not exist. */
  cancelOrder(orderNumber: string): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'already_shipped' | 'already_cancelled' }>;
  requestRefund(orderNumber: string, reason: string): Promise<Refund | null>;
  getRefund(orderNumber: string): Promise<Refund | null>;
  startReturn(orderNumber: string): Promise<{ returnId: string; labelUrl: string } | null>;
  sendPasswordReset(email: string): Promise<void>;
  /** Orders of this customer email that are still open, for personalized greetings. */
  openOrdersFor(email: string): Promise<Order[]>;
}
