import { randomUUID } from 'node:crypto';
import type { BotStateStore } from '../store/store';
import type { CommerceBackend, Order, Refund } from './commerceBackend';

const KEY = (n: string) => `demo/orders/${n}`;
const REFUND_KEY = (n: string) => `demo/refunds/${n}`;

/** Sample orders so the demo works end to end; written once, never overwritten. */
export const SAMPLE_ORDERS: Order[] = [
  { number: '12345', status: 'shipped', items: [{ name: 'Trail running shoes', quantity: 1 }], total: 89.9, currency: 'EUR', placedAt: '2026-11-15', eta: '2026-11-25', carrier: 'DHL', trackingCode: 'DH123456789', customerEmail: 'ana@example.com' },
  { number: '55555', status: 'processing', items: [{ name: 'Rain jacket', quantity: 1 }, { name: 'Wool socks', quantity: 3 }], total: 124.5, currency: 'EUR', placedAt: '2026-11-20', eta: '2026-11-27', customerEmail: 'ana@example.com' },
  { number: '67890', status: 'delivered', items: [{ name: 'Backpack 30L', quantity: 1 }], total: 59, currency: 'EUR', placedAt: '2026-10-30', carrier: 'UPS', trackingCode: '1Z999AA10123456784', customerEmail: 'ben@example.com' },
  { number: '24680', status: 'cancelled', items: [{ name: 'Headlamp', quantity: 2 }], total: 40, currency: 'EUR', placedAt: '2026-11-01', customerEmail: 'ben@example.com' },
];

export class DemoCommerceBackend implements CommerceBackend {
  readonly passwordResets: string[] = [];

  constructor(private readonly store: BotStateStore) {}

  async seed(): Promise<void> {
    const existing = await this.store.readState(SAMPLE_ORDERS.map((o) => KEY(o.number)));
    for (const o of SAMPLE_ORDERS) if (!existing[KEY(o.number)]) await this.store.writeState(KEY(o.number), { order: o });
    await this.store.writeState('demo/index', { orders: SAMPLE_ORDERS.map((o) => o.number) }, '*');
  }

  async getOrder(orderNumber: string): Promise<Order | null> {
    const found = await this.store.readState([KEY(orderNumber)]);
    return (found[KEY(orderNumber)]?.value.order as Order | undefined) ?? null;
  }

  private async save(order: Order, etag: string): Promise<void> {
    await this.store.writeState(KEY(order.number), { order }, etag);
  }

  async cancelOrder(orderNumber: string) {
    const found = await this.store.readState([KEY(orderNumber)]);
    const entry = found[KEY(orderNumber)];
    if (!entry) return { ok: false as const, reason: 'not_found' as const };
    const order = entry.value.order as Order;
    if (order.status === 'cancelled') return { ok: false as const, reason: 'already_cancelled' as const };
    if (order.status !== 'processing') return { ok: false as const, reason: 'already_shipped' as const };
    await this.save({ ...order, status: 'cancelled', eta: undefined }, entry.etag);
    return { ok: true as const };
  }

  async requestRefund(orderNumber: string, reason: string): Promise<Refund | null> {
    const order = await this.getOrder(orderNumber);
    if (!order) return null;
    const existing = await this.getRefund(orderNumber);
    if (existing) return existing;
    const refund: Refund = { id: `R-${randomUUID().slice(0, 8).toUpperCase()}`, orderNumber, status: 'requested', amount: order.total, currency: order.currency, reason, requestedAt: new Date().toISOString() };
    await this.store.writeState(REFUND_KEY(orderNumber), { refund });
    return refund;
  }

  async getRefund(orderNumber: string): Promise<Refund | null> {
    const found = await this.store.readState([REFUND_KEY(orderNumber)]);
    return (found[REFUND_KEY(orderNumber)]?.value.refund as Refund | undefined) ?? null;
  }

  async startReturn(orderNumber: string) {
    const order = await this.getOrder(orderNumber);
    if (!order || order.status === 'cancelled') return null;
    const returnId = `RT-${randomUUID().slice(0, 8).toUpperCase()}`;
    return { returnId, labelUrl: `https://returns.example.com/label/${returnId}` };
  }

  async sendPasswordReset(email: string): Promise<void> {
    this.passwordResets.push(email);
  }

  async openOrdersFor(email: string): Promise<Order[]> {
    const index = await this.store.readState(['demo/index']);
    const numbers = (index['demo/index']?.value.orders as string[] | undefined) ?? [];
    const orders = await Promise.all(numbers.map((n) => this.getOrder(n)));
    return orders.filter((o): o is Order => !!o && o.customerEmail === email && (o.status === 'processing' || o.status === 'shipped'));
  }
}
