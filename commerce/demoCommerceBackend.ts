import { randomUUID } from 'node:crypto';
import type { BotStateStore, CustomerStore } from '../store/store';
import {
  isOpenReturn,
  owns,
  type CancelResult,
  type CommerceBackend,
  type CustomerIdentity,
  type Order,
  type OrderResult,
  type Refund,
  type ReturnRequest,
} from './commerceBackend';

const KEY = (n: string) => `demo/orders/${n}`;
const REFUND_KEY = (n: string) => `demo/refunds/${n}`;
const RETURN_KEY = (n: string) => `demo/returns/${n}`;

/** The demo shop's customers: every sample order belongs to one of them (by the e-mail it was placed with). */
export const DEMO_CUSTOMERS = [
  { email: 'ana@example.com', name: 'Ana García', language: 'es' },
  { email: 'ben@example.com', name: 'Ben Carter', language: 'en' },
] as const;

/** A date `days` from `today` (negative: before), as the YYYY-MM-DD the orders carry. */
const day = (today: Date, days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Sample orders so the demo works end to end, dated relative to `today` (a fixed date once showed an order "being
 * prepared" with an expected delivery already past); written once, never overwritten.
 */
export function sampleOrders(today = new Date()): Order[] {
  return [
    {
      number: '12345',
      status: 'shipped',
      items: [{ name: 'Trail running shoes', quantity: 1 }],
      total: 89.9,
      currency: 'EUR',
      placedAt: day(today, -3),
      eta: day(today, 2),
      carrier: 'DHL',
      trackingCode: 'DH123456789',
      customerEmail: 'ana@example.com',
    },
    {
      number: '55555',
      status: 'processing',
      items: [
        { name: 'Rain jacket', quantity: 1 },
        { name: 'Wool socks', quantity: 3 },
      ],
      total: 124.5,
      currency: 'EUR',
      placedAt: day(today, -1),
      eta: day(today, 4),
      customerEmail: 'ana@example.com',
    },
    {
      number: '67890',
      status: 'delivered',
      items: [{ name: 'Backpack 30L', quantity: 1 }],
      total: 59,
      currency: 'EUR',
      placedAt: day(today, -30),
      carrier: 'UPS',
      trackingCode: '1Z999AA10123456784',
      customerEmail: 'ben@example.com',
    },
    {
      number: '24680',
      status: 'cancelled',
      items: [{ name: 'Headlamp', quantity: 2 }],
      total: 40,
      currency: 'EUR',
      placedAt: day(today, -25),
      customerEmail: 'ben@example.com',
    },
  ];
}
export const SAMPLE_ORDERS: Order[] = sampleOrders();

export class DemoCommerceBackend implements CommerceBackend {
  readonly passwordResets: string[] = [];

  constructor(private readonly store: BotStateStore & CustomerStore) {}

  /**
   * Writes the sample orders once. With `customers`, also the demo customers they belong to (profiles with the
   * order e-mail as a verified contact), so a signed-in demo visitor sees their own orders.
   */
  async seed(options: { customers?: boolean } = {}): Promise<void> {
    const existing = await this.store.readState(SAMPLE_ORDERS.map((o) => KEY(o.number)));
    for (const o of SAMPLE_ORDERS) if (!existing[KEY(o.number)]) await this.store.writeState(KEY(o.number), { order: o });
    await this.store.writeState('demo/index', { orders: SAMPLE_ORDERS.map((o) => o.number) }, '*');
    if (!options.customers) return;
    for (const c of DEMO_CUSTOMERS) {
      if (await this.store.findCustomerByKey({ kind: 'email', value: c.email })) continue;
      const now = new Date().toISOString();
      try {
        await this.store.createCustomer({
          displayName: c.name,
          language: c.language,
          contacts: [{ type: 'email', value: c.email, verified: true, source: 'import', addedAt: now }],
          tags: ['demo'],
        });
      } catch {
        // Another instance seeded it first.
      }
    }
  }

  private async read(orderNumber: string) {
    return (await this.store.readState([KEY(orderNumber)]))[KEY(orderNumber)];
  }

  /** The order if this identity owns it; otherwise why not. */
  private async owned(
    who: CustomerIdentity,
    orderNumber: string,
  ): Promise<{ ok: true; order: Order; etag: string } | { ok: false; reason: 'not_found' | 'not_owner' }> {
    const entry = await this.read(orderNumber);
    if (!entry) return { ok: false, reason: 'not_found' };
    const order = entry.value.order as Order;
    if (!owns(who, order)) return { ok: false, reason: 'not_owner' };
    return { ok: true, order, etag: entry.etag };
  }

  async getOrder(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Order>> {
    const r = await this.owned(who, orderNumber);
    return r.ok ? { ok: true, value: r.order } : r;
  }

  async cancelOrder(who: CustomerIdentity, orderNumber: string): Promise<CancelResult> {
    const r = await this.owned(who, orderNumber);
    if (!r.ok) return r;
    if (r.order.status === 'cancelled') return { ok: false, reason: 'already_cancelled' };
    if (r.order.status !== 'processing') return { ok: false, reason: 'already_shipped' };
    await this.store.writeState(KEY(orderNumber), { order: { ...r.order, status: 'cancelled', eta: undefined } }, r.etag);
    return { ok: true };
  }

  async requestRefund(who: CustomerIdentity, orderNumber: string, reason: string): Promise<OrderResult<Refund>> {
    const r = await this.owned(who, orderNumber);
    if (!r.ok) return r;
    const existing = await this.refundOf(orderNumber);
    if (existing) return { ok: true, value: existing };
    const refund: Refund = {
      id: `R-${randomUUID().slice(0, 8).toUpperCase()}`,
      orderNumber,
      status: 'requested',
      amount: r.order.total,
      currency: r.order.currency,
      reason,
      requestedAt: new Date().toISOString(),
    };
    await this.store.writeState(REFUND_KEY(orderNumber), { refund });
    return { ok: true, value: refund };
  }

  private async refundOf(orderNumber: string): Promise<Refund | null> {
    const found = await this.store.readState([REFUND_KEY(orderNumber)]);
    return (found[REFUND_KEY(orderNumber)]?.value.refund as Refund | undefined) ?? null;
  }

  async getRefund(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Refund | null>> {
    const r = await this.owned(who, orderNumber);
    return r.ok ? { ok: true, value: await this.refundOf(orderNumber) } : r;
  }

  async startReturn(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<ReturnRequest | null>> {
    const r = await this.owned(who, orderNumber);
    if (!r.ok) return r;
    if (r.order.status === 'cancelled') return { ok: true, value: null };
    const existing = await this.returnOf(orderNumber);
    if (existing && isOpenReturn(existing)) return { ok: true, value: existing };
    const returnId = `RT-${randomUUID().slice(0, 8).toUpperCase()}`;
    const ret: ReturnRequest = { returnId, labelUrl: `https://returns.example.com/label/${returnId}`, status: 'awaiting_item' };
    await this.store.writeState(RETURN_KEY(orderNumber), { ret });
    return { ok: true, value: ret };
  }

  async getReturn(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<ReturnRequest | null>> {
    const r = await this.owned(who, orderNumber);
    return r.ok ? { ok: true, value: await this.returnOf(orderNumber) } : r;
  }

  private async returnOf(orderNumber: string): Promise<ReturnRequest | null> {
    const found = await this.store.readState([RETURN_KEY(orderNumber)]);
    return (found[RETURN_KEY(orderNumber)]?.value.ret as ReturnRequest | undefined) ?? null;
  }

  sendPasswordReset(_who: CustomerIdentity, email: string): Promise<void> {
    this.passwordResets.push(email);
    return Promise.resolve();
  }

  async openOrdersFor(who: CustomerIdentity): Promise<Order[]> {
    if (who.verifiedEmails.length === 0) return [];
    const index = await this.store.readState(['demo/index']);
    const numbers = (index['demo/index']?.value.orders as string[] | undefined) ?? [];
    const orders = await Promise.all(numbers.map(async (n) => (await this.read(n))?.value.order as Order | undefined));
    return orders.filter((o): o is Order => !!o && owns(who, o) && (o.status === 'processing' || o.status === 'shipped'));
  }
}
