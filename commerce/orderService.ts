import type { AuditEntry } from '../models/records';
import type {
  CancelResult,
  CommerceBackend,
  CustomerIdentity,
  Order,
  OrderRefusal,
  OrderResult,
  Refund,
  RefundResult,
  ReturnRequest,
  ReturnResult,
} from './commerceBackend';

/** Where refused attempts are recorded: the store's audit log. */
export interface AuditSink {
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<unknown>;
}

/** Where the attempt came from, for the audit record. */
export interface OrderCallContext {
  conversationId?: string;
  channelId?: string;
}

export type OrderOperation = 'view' | 'cancel' | 'refund' | 'refund_status' | 'return' | 'return_status';

/**
 * The dialogs' way to orders: every call goes to the connector with the customer's identity, and every refused
 * attempt (someone else's order, a wrong e-mail offered as proof) is written to the audit log, so a supervisor can
 * see someone trying order numbers. Refusals read the same to the customer whether the order exists or not.
 */
export class OrderService {
  constructor(
    private readonly backend: CommerceBackend,
    private readonly audit: AuditSink,
  ) {}

  private async refused(
    who: CustomerIdentity,
    operation: OrderOperation | 'prove',
    orderNumber: string,
    reason: OrderRefusal,
    ctx: OrderCallContext,
  ): Promise<void> {
    await this.audit.appendAudit({
      actorId: `customer:${who.customerId}`,
      action: operation === 'prove' ? 'order.ownership_proof_failed' : 'order.access_refused',
      targetType: 'order',
      targetId: orderNumber,
      data: { operation, reason, conversationId: ctx.conversationId, channelId: ctx.channelId, verified: who.verifiedEmails.length > 0 },
    });
  }

  private async checked<T extends { ok: boolean }>(
    who: CustomerIdentity,
    operation: OrderOperation,
    orderNumber: string,
    ctx: OrderCallContext,
    r: T,
  ): Promise<T> {
    const reason = (r as { reason?: string }).reason;
    // A missing order is refused too: the customer cannot tell the two apart, and probing numbers shows in the log.
    if (!r.ok && (reason === 'not_owner' || reason === 'not_found')) await this.refused(who, operation, orderNumber, reason, ctx);
    return r;
  }

  async getOrder(who: CustomerIdentity, orderNumber: string, ctx: OrderCallContext = {}): Promise<OrderResult<Order>> {
    return this.checked(who, 'view', orderNumber, ctx, await this.backend.getOrder(who, orderNumber));
  }

  /**
   * Ownership for an unverified visitor: the order number together with the e-mail on the order. Returns the proof
   * to keep for this conversation, or the refusal (audited).
   */
  async prove(
    who: CustomerIdentity,
    orderNumber: string,
    email: string,
    ctx: OrderCallContext = {},
  ): Promise<{ ok: true; order: Order; proof: { orderNumber: string; email: string } } | { ok: false }> {
    const proof = { orderNumber, email: email.trim().toLowerCase() };
    const r = await this.backend.getOrder({ ...who, proofs: [...who.proofs, proof] }, orderNumber);
    if (r.ok) return { ok: true, order: r.value, proof };
    await this.refused(who, 'prove', orderNumber, r.reason, ctx);
    return { ok: false };
  }

  /**
   * A one-time code typed wrong, too often, or too late before acting on an order: audited like a wrong e-mail, so a
   * supervisor sees someone trying to take over an order. The code itself is never recorded.
   */
  async verificationFailed(who: CustomerIdentity, orderNumber: string, reason: 'wrong' | 'expired' | 'too_many', ctx: OrderCallContext = {}): Promise<void> {
    await this.audit.appendAudit({
      actorId: `customer:${who.customerId}`,
      action: 'order.verification_failed',
      targetType: 'order',
      targetId: orderNumber,
      data: { reason, conversationId: ctx.conversationId, channelId: ctx.channelId },
    });
  }

  async cancelOrder(who: CustomerIdentity, orderNumber: string, ctx: OrderCallContext = {}): Promise<CancelResult> {
    return this.checked(who, 'cancel', orderNumber, ctx, await this.backend.cancelOrder(who, orderNumber));
  }

  async requestRefund(who: CustomerIdentity, orderNumber: string, reason: string, ctx: OrderCallContext = {}): Promise<RefundResult> {
    return this.checked(who, 'refund', orderNumber, ctx, await this.backend.requestRefund(who, orderNumber, reason));
  }

  async getRefund(who: CustomerIdentity, orderNumber: string, ctx: OrderCallContext = {}): Promise<OrderResult<Refund | null>> {
    return this.checked(who, 'refund_status', orderNumber, ctx, await this.backend.getRefund(who, orderNumber));
  }

  async startReturn(who: CustomerIdentity, orderNumber: string, ctx: OrderCallContext = {}): Promise<ReturnResult> {
    return this.checked(who, 'return', orderNumber, ctx, await this.backend.startReturn(who, orderNumber));
  }

  async getReturn(who: CustomerIdentity, orderNumber: string, ctx: OrderCallContext = {}): Promise<OrderResult<ReturnRequest | null>> {
    return this.checked(who, 'return_status', orderNumber, ctx, await this.backend.getReturn(who, orderNumber));
  }

  sendPasswordReset(who: CustomerIdentity, email: string): Promise<void> {
    return this.backend.sendPasswordReset(who, email);
  }

  openOrdersFor(who: CustomerIdentity): Promise<Order[]> {
    return this.backend.openOrdersFor(who);
  }
}
