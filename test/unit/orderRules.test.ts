import type { OrderStatus, Refund, ReturnRequest } from '../../commerce/commerceBackend';
import { cancelRefunds, whyNotCancel, whyNotRefund, whyNotReturn } from '../../commerce/orderRules';

/** The order rules over every status, with and without a return open (outside tester: a return and a cancel-refund on one order). */
describe('order rules', () => {
  const open: ReturnRequest = { returnId: 'RT-1', labelUrl: 'https://x', status: 'awaiting_item' };
  const closed: ReturnRequest = { ...open, status: 'closed' };
  const table: [OrderStatus, ReturnRequest | null, string | undefined, string | undefined, string | undefined][] = [
    // status, return, cancel, return, refund
    ['processing', null, undefined, 'not_shipped', 'not_shipped'],
    ['processing', open, 'return_open', 'not_shipped', 'not_shipped'],
    ['processing', closed, undefined, 'not_shipped', 'not_shipped'],
    ['shipped', null, 'already_shipped', 'not_delivered', undefined],
    ['shipped', open, 'return_open', 'not_delivered', undefined],
    ['delivered', null, 'delivered', undefined, undefined],
    ['delivered', open, 'return_open', undefined, undefined],
    ['cancelled', null, 'already_cancelled', 'cancelled', 'cancelled'],
    ['cancelled', open, 'already_cancelled', 'cancelled', 'cancelled'],
  ];
  test.each(table)('%s with return %p: cancel %p, return %p, refund %p', (status, ret, cancel, returned, refund) => {
    const f = { order: { status }, ret };
    expect(whyNotCancel(f)).toBe(cancel);
    expect(whyNotReturn(f)).toBe(returned);
    expect(whyNotRefund(f)).toBe(refund);
  });

  test('a cancellation refunds the order unless it has a refund that was not turned down', () => {
    const r = (status: Refund['status']): Refund => ({ id: 'R-1', orderNumber: '1', status, amount: 1, currency: 'EUR', requestedAt: '' });
    expect(cancelRefunds(null)).toBe(true);
    expect(cancelRefunds(r('rejected'))).toBe(true);
    for (const s of ['requested', 'approved', 'paid'] as const) expect(cancelRefunds(r(s))).toBe(false);
  });
});
