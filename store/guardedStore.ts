import { AppError } from '../core/errors';
import type { AttachmentRecord } from '../models/records';
import type { Store } from './store';
import { clampLimit, plain, plainNumber } from './storeGuards';
import { MAX_PAGE } from './storeTypes';
import { GuardedReview } from './guardedReview';
import type { ForgetResult, OutboxCounts, OutboxEntry, OutboxEvent, OutboxFailure, WriteOptions } from './storeTypes';

/**
 * The guard layer above both engines (guardedRecords.ts says what it guards): SqliteStore and MongoStore are this
 * class over their engine. This file: sync, privacy, leases, quotas, the webhook outbox and attachments.
 */
export class GuardedStore extends GuardedReview implements Store {
  private readonly outboxWrites = new Set<Promise<void>>();

  /** Also waits for outbox writes under way (a webhook event emitted during a turn is stored before it answers). */
  async sync(): Promise<void> {
    const outbox = [...this.outboxWrites];
    await this.engine.sync();
    await Promise.allSettled(outbox);
  }

  // ---- privacy

  async forgetCustomer(customerId: string): Promise<ForgetResult> {
    return this.engine.privacy.forgetCustomer(plain(customerId, 'customerId'));
  }

  // ---- leases, quotas and the webhook outbox

  async acquireLease(name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const ttl = plainNumber(ttlMs, 'ttlMs');
    if (ttl <= 0) throw new AppError('STORE_INVALID_QUERY', 'ttlMs must be positive', { details: { field: 'ttlMs' } });
    return this.engine.leases.acquireLease(plain(name, 'name'), plain(holder, 'holder'), ttl, plainNumber(now, 'now'));
  }

  async releaseLease(name: string, holder: string): Promise<boolean> {
    return this.engine.leases.releaseLease(plain(name, 'name'), plain(holder, 'holder'));
  }

  async takeQuota(key: string, limit: number, windowMs: number, now = Date.now()): Promise<boolean> {
    for (const [value, field] of [
      [limit, 'limit'],
      [windowMs, 'windowMs'],
    ] as const)
      if (!Number.isInteger(plainNumber(value, field)) || value <= 0)
        throw new AppError('STORE_INVALID_QUERY', `${field} must be a positive integer`, { details: { field } });
    return this.engine.quotas.takeQuota(plain(key, 'key'), limit, windowMs, plainNumber(now, 'now'));
  }

  async enqueueOutbox(event: OutboxEvent, options?: WriteOptions): Promise<void> {
    plain(event.id, 'id');
    plain(event.type, 'type');
    plain(event.at, 'at');
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))
      throw new AppError('STORE_INVALID_QUERY', 'data must be an object', { details: { field: 'data' } });
    const write = this.engine.outbox.enqueueOutbox({ id: event.id, type: event.type, at: event.at, data: event.data }, options);
    // MongoDB: the write is a round trip of its own; sync() waits for it (SQLite: it is in the open transaction).
    this.outboxWrites.add(write);
    void write.catch(() => undefined).finally(() => this.outboxWrites.delete(write));
    return write;
  }

  async dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.engine.outbox.dueOutbox(plain(now, 'now'), clampLimit(limit, 50, MAX_PAGE));
  }

  async completeOutbox(id: string): Promise<void> {
    return this.engine.outbox.completeOutbox(plain(id, 'id'));
  }

  async failOutbox(id: string, failure: OutboxFailure): Promise<void> {
    plainNumber(failure.attempts, 'attempts');
    if (failure.nextAttemptAt !== undefined) plain(failure.nextAttemptAt, 'nextAttemptAt');
    return this.engine.outbox.failOutbox(plain(id, 'id'), {
      attempts: failure.attempts,
      error: String(failure.error).slice(0, 500),
      ...(failure.nextAttemptAt !== undefined ? { nextAttemptAt: failure.nextAttemptAt } : {}),
    });
  }

  outboxCounts(): Promise<OutboxCounts> {
    return this.engine.outbox.outboxCounts();
  }

  // ---- attachments

  async putAttachment(record: AttachmentRecord, content: Uint8Array): Promise<AttachmentRecord> {
    plain(record.id, 'id');
    plain(record.conversationId, 'conversationId');
    plain(record.name, 'name');
    plain(record.contentType, 'contentType');
    plain(record.sha256, 'sha256');
    plainNumber(record.size, 'size');
    if (record.messageSeq !== undefined) plainNumber(record.messageSeq, 'messageSeq');
    if (record.activityId !== undefined) plain(record.activityId, 'activityId');
    plain(record.uploader?.id, 'uploader.id');
    if (!(content instanceof Uint8Array) || content.length !== record.size)
      throw new AppError('STORE_INVALID_QUERY', 'content must be the bytes the record describes', { details: { field: 'content' } });
    const clean: AttachmentRecord = {
      id: record.id,
      conversationId: record.conversationId,
      ...(record.messageSeq !== undefined ? { messageSeq: record.messageSeq } : {}),
      ...(record.activityId !== undefined ? { activityId: record.activityId } : {}),
      name: record.name,
      contentType: record.contentType,
      size: record.size,
      sha256: record.sha256,
      uploader: { role: record.uploader.role === 'agent' ? 'agent' : 'customer', id: record.uploader.id },
      createdAt: record.createdAt ?? new Date().toISOString(),
    };
    return this.engine.attachments.putAttachment(clean, Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    return this.engine.attachments.getAttachment(plain(id, 'id'));
  }

  async readAttachment(id: string): Promise<{ record: AttachmentRecord; content: Uint8Array } | null> {
    return this.engine.attachments.readAttachment(plain(id, 'id'));
  }

  async listAttachments(conversationId: string): Promise<AttachmentRecord[]> {
    return this.engine.attachments.listAttachments(plain(conversationId, 'conversationId'));
  }

  async deleteAttachmentsOf(conversationIds: readonly string[]): Promise<number> {
    conversationIds.forEach((id) => plain(id, 'conversationId'));
    if (conversationIds.length === 0) return 0;
    return this.engine.attachments.deleteAttachmentsOf(conversationIds);
  }
}
