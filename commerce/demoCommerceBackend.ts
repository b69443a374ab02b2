import { randomUUID } from 'node:crypto';
import { isAppError } from '../core/errors';
import type { BotStateStore, CustomerStore } from '../store/store';
import {
  isOpenReturn,
  owns,
  type CancelResult,
  type ChangeResult,
  type CommerceBackend,
  type CustomerIdentity,
  type Order,
  type OrderResult,
  type Refund,
  type RefundResult,
  type ReturnRequest,
  type ReturnResult,
} from './commerceBackend';
import { cancelRefunds, whyNotCancel, whyNotRefund, whyNotReturn, type CancelBlock, type RefundBlock, type ReturnBlock } from './orderRules';

const KEY = (n: string) => `demo/orders/${n}`;
/** Where earlier versions kept an order's refund and return (read only: both now live in the order's entry). */
const REFUND_KEY = (n: string) => `demo/refunds/${n}`;
const RETURN_KEY = (n: string) => `demo/returns/${n}`;
/** Compare-and-set retries of one change before the conflict is the caller's (each retry follows another change). */
const MAX_CHANGE_ATTEMPTS = 5;

/** An order as one change reads it: itself, its latest return, its refund, and the entry's eTag. */
interface Facts {
  order: Order;
  ret: ReturnRequest | null;
  refund: Refund | null;
  etag: string;
}

function newRefund(order: Order, reason: string, status: Refund['status']): Refund {
  return {
    id: `R-${randomUUID().slice(0, 8).toUpperCase()}`,
    orderNumber: order.number,
    status,
    amount: order.total,
    currency: order.currency,
    reason,
    requestedAt: new Date().toISOString(),
  };
}

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
    // A cancelled sample order was refunded by its cancellation, as one cancelled here is.
    const refundOf = (o: Order) =>
      o.status === 'cancelled' ? { ...newRefund(o, 'order cancelled', 'paid'), requestedAt: `${o.placedAt}T12:00:00.000Z` } : null;
    for (const o of SAMPLE_ORDERS) if (!existing[KEY(o.number)]) await this.store.writeState(KEY(o.number), { order: o, ret: null, refund: refundOf(o) });
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

  /**
   * The order with its return and refund, if this identity owns it; otherwise why not. All three live in the order's
   * own entry, so one compare-and-set write changes them together (see change). Returns and refunds kept under their
   * own keys by earlier versions are read when the entry has none.
   */
  private async owned(who: CustomerIdentity, orderNumber: string): Promise<({ ok: true } & Facts) | { ok: false; reason: 'not_found' | 'not_owner' }> {
    const keys = [KEY(orderNumber), REFUND_KEY(orderNumber), RETURN_KEY(orderNumber)];
    const found = await this.store.readState(keys);
    const entry = found[KEY(orderNumber)];
    if (!entry) return { ok: false, reason: 'not_found' };
    const v = entry.value as { order: Order; ret?: ReturnRequest | null; refund?: Refund | null };
    if (!owns(who, v.order)) return { ok: false, reason: 'not_owner' };
    const ret = v.ret ?? (found[RETURN_KEY(orderNumber)]?.value.ret as ReturnRequest | undefined) ?? null;
    const refund = v.refund ?? (found[REFUND_KEY(orderNumber)]?.value.refund as Refund | undefined) ?? null;
    return { ok: true, order: v.order, ret, refund, etag: entry.etag };
  }

  /**
   * One change to an order, decided on its state as read and written only if that state is still the one stored
   * (compare-and-set on the order's entry): a concurrent change makes it read again and decide again, so two changes
   * never both pass rules that only one of them may (a return and a cancellation, two refunds).
   */
  private async change<T, B extends string>(
    who: CustomerIdentity,
    orderNumber: string,
    decide: (f: Facts) => { refused: B } | { value: T; write?: Partial<Omit<Facts, 'etag'>> },
  ): Promise<ChangeResult<T, B>> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.owned(who, orderNumber);
      if (!r.ok) return r;
      const d = decide(r);
      if ('refused' in d) return { ok: false, reason: d.refused };
      if (!d.write) return { ok: true, value: d.value };
      const next = { order: r.order, ret: r.ret, refund: r.refund, ...d.write };
      try {
        await this.store.writeState(KEY(orderNumber), next, r.etag);
        return { ok: true, value: d.value };
      } catch (err) {
        if (!isAppError(err, 'STORE_ETAG_CONFLICT') || attempt >= MAX_CHANGE_ATTEMPTS) throw err;
      }
    }
  }

  async getOrder(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Order>> {
    const r = await this.owned(who, orderNumber);
    return r.ok ? { ok: true, value: r.order } : r;
  }

  async cancelOrder(who: CustomerIdentity, orderNumber: string): Promise<CancelResult> {
    return this.change<Refund | null, CancelBlock>(who, orderNumber, (f) => {
      const blocked = whyNotCancel(f);
      if (blocked) return { refused: blocked };
      // The cancellation's refund, under the order's one refund: a refund it already has stands for it instead.
      const refund = cancelRefunds(f.refund) ? newRefund(f.order, 'order cancelled', 'approved') : f.refund;
      return { value: refund, write: { order: { ...f.order, status: 'cancelled', eta: undefined }, refund } };
    });
  }

  async requestRefund(who: CustomerIdentity, orderNumber: string, reason: string): Promise<RefundResult> {
    return this.change<Refund, RefundBlock>(who, orderNumber, (f) => {
      const blocked = whyNotRefund(f);
      if (blocked) return { refused: blocked };
      if (f.refund) return { value: f.refund };
      const refund = newRefund(f.order, reason, 'requested');
      return { value: refund, write: { refund } };
    });
  }

  async getRefund(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<Refund | null>> {
    const r = await this.owned(who, orderNumber);
    return r.ok ? { ok: true, value: r.refund } : r;
  }

  async startReturn(who: CustomerIdentity, orderNumber: string): Promise<ReturnResult> {
    return this.change<ReturnRequest, ReturnBlock>(who, orderNumber, (f) => {
      const blocked = whyNotReturn(f);
      if (blocked) return { refused: blocked };
      if (f.ret && isOpenReturn(f.ret)) return { value: f.ret };
      const returnId = `RT-${randomUUID().slice(0, 8).toUpperCase()}`;
      const ret: ReturnRequest = { returnId, labelUrl: `https://returns.example.com/label/${returnId}`, status: 'awaiting_item' };
      return { value: ret, write: { ret } };
    });
  }

  async getReturn(who: CustomerIdentity, orderNumber: string): Promise<OrderResult<ReturnRequest | null>> {
    const r = await this.owned(who, orderNumber);
    return r.ok ? { ok: true, value: r.ret } : r;
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
