import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Refund, ReturnRequest } from '../../commerce/commerceBackend';
import { DemoCommerceBackend, SAMPLE_ORDERS } from '../../commerce/demoCommerceBackend';
import { SqliteStore } from '../../store/sqlite/sqliteStore';

/**
 * The demo backend holds the order rules itself, at the moment of the change (outside tester: a return opened for an
 * order not shipped, then the order cancelled with an automatic refund). Whoever calls, the rules hold: no return
 * before delivery or after a cancellation, no cancellation with a return open, one refund per order.
 */
describe('order changes: the rules at the moment of the change', () => {
  let dir: string;
  let store: SqliteStore;
  let backend: DemoCommerceBackend;
  const ana = { customerId: 'c-ana', verifiedEmails: ['ana@example.com'], proofs: [] };
  const ben = { customerId: 'c-ben', verifiedEmails: ['ben@example.com'], proofs: [] };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-orders-'));
    store = new SqliteStore(path.join(dir, 'crm.sqlite'), { synchronous: 'normal', backgroundMs: 0 });
    await store.init();
    backend = new DemoCommerceBackend(store);
    await backend.seed();
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const status = async (n: string) => {
    const r = await backend.getOrder({ customerId: 'c-shop', verifiedEmails: ['ana@example.com', 'ben@example.com'], proofs: [] }, n);
    return r.ok ? r.value.status : r.reason;
  };

  test("the tester's order: no return while it is being prepared; cancelled, it is refunded once and cannot be returned", async () => {
    expect(await backend.startReturn(ana, '55555')).toEqual({ ok: false, reason: 'not_shipped' });
    expect(await backend.getReturn(ana, '55555')).toEqual({ ok: true, value: null });
    const cancelled = await backend.cancelOrder(ana, '55555');
    expect(cancelled).toEqual({ ok: true, value: expect.objectContaining({ orderNumber: '55555', status: 'approved', amount: 124.5 }) as unknown });
    expect(await status('55555')).toBe('cancelled');
    expect(await backend.startReturn(ana, '55555')).toEqual({ ok: false, reason: 'cancelled' });
    expect(await backend.requestRefund(ana, '55555', 'changed my mind')).toEqual({ ok: false, reason: 'cancelled' });
    expect(await backend.cancelOrder(ana, '55555')).toEqual({ ok: false, reason: 'already_cancelled' });
    // One refund: the cancellation's.
    const refund = await backend.getRefund(ana, '55555');
    expect(refund.ok && refund.value?.id).toBe(cancelled.ok && cancelled.value?.id);
  });

  test('no return on its way; a delivered order is returned once, and then cannot be cancelled', async () => {
    expect(await backend.startReturn(ana, '12345')).toEqual({ ok: false, reason: 'not_delivered' });
    const ret = await backend.startReturn(ben, '67890');
    expect(ret.ok).toBe(true);
    expect(await backend.startReturn(ben, '67890')).toEqual(ret);
    expect(await backend.cancelOrder(ben, '67890')).toEqual({ ok: false, reason: 'return_open' });
    expect(await backend.cancelOrder(ana, '12345')).toEqual({ ok: false, reason: 'already_shipped' });
  });

  test('a refund is asked for a shipped order, never for one being prepared; asked twice at once, it is one refund', async () => {
    expect(await backend.requestRefund(ana, '55555', 'late')).toEqual({ ok: false, reason: 'not_shipped' });
    const [a, b] = await Promise.all([backend.requestRefund(ben, '67890', 'broken'), backend.requestRefund(ben, '67890', 'broken')]);
    expect(a.ok && b.ok && a.value.id === b.value.id).toBe(true);
  });

  test("a return opened before these rules (the tester's data) keeps the order from being cancelled", async () => {
    const ret: ReturnRequest = { returnId: 'RT-OLD00001', labelUrl: 'https://returns.example.com/label/RT-OLD00001', status: 'awaiting_item' };
    await store.writeState('demo/returns/55555', { ret });
    expect(await backend.cancelOrder(ana, '55555')).toEqual({ ok: false, reason: 'return_open' });
    expect(await status('55555')).toBe('processing');
    expect(await backend.getRefund(ana, '55555')).toEqual({ ok: true, value: null });
  });

  test('a refund asked before these rules stands for the cancellation: never a second one', async () => {
    const old: Refund = {
      id: 'R-OLD00001',
      orderNumber: '55555',
      status: 'requested',
      amount: 124.5,
      currency: 'EUR',
      requestedAt: '2026-01-01T00:00:00.000Z',
    };
    await store.writeState('demo/refunds/55555', { refund: old });
    expect(await backend.cancelOrder(ana, '55555')).toEqual({ ok: true, value: old });
    expect(await backend.getRefund(ana, '55555')).toEqual({ ok: true, value: old });
  });

  test('two changes at once: one cancellation, one refund; the other is told the order is cancelled', async () => {
    const [a, b] = await Promise.all([backend.cancelOrder(ana, '55555'), backend.cancelOrder(ana, '55555')]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect([a, b].filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'already_cancelled' }]);
  });

  test('the order ships between the read and the write: the cancellation reads again and is refused', async () => {
    const key = 'demo/orders/55555';
    const read = store.readState.bind(store);
    let shipped = false;
    // Another system ships the order right after the backend read it.
    store.readState = async (keys) => {
      const found = await read(keys);
      if (!shipped && keys.includes(key)) {
        shipped = true;
        const e = found[key];
        await store.writeState(key, { ...e.value, order: { ...(e.value.order as object), status: 'shipped' } }, e.etag);
      }
      return found;
    };
    expect(await backend.cancelOrder(ana, '55555')).toEqual({ ok: false, reason: 'already_shipped' });
    expect(await status('55555')).toBe('shipped');
    expect(await backend.getRefund(ana, '55555')).toEqual({ ok: true, value: null });
  });

  test('a cancelled sample order carries the refund its cancellation paid', async () => {
    const cancelled = SAMPLE_ORDERS.find((o) => o.status === 'cancelled')!;
    const r = await backend.getRefund(ben, cancelled.number);
    expect(r.ok && r.value).toMatchObject({ status: 'paid', amount: cancelled.total });
  });
});
