import mongoose from 'mongoose';
import { AppError } from '../../core/errors';
import type { MongoModels } from '../../models/mongoSchemas';
import { noFaults, type FaultHook, type FaultPoint } from '../faults';

/** Our own operators in a filter, marked as such: sanitizeFilter neutralizes every other `$` key. */
export const t = mongoose.trusted;

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

export function duplicateOn(err: unknown, field: string): boolean {
  const e = err as { keyPattern?: Record<string, unknown>; message?: string };
  return isDuplicateKey(err) && (e.keyPattern ? field in e.keyPattern : String(e.message).includes(field));
}

const dayOf = (at: string | null | undefined) => (typeof at === 'string' && at.length >= 10 ? [at.slice(0, 10)] : []);

/**
 * The part of a conversation's update (operator form) that records a dashboard change in the written document
 * itself, so the record and its mark are one atomic write; MongoRollups.collect passes it to the days' rollups.
 */
export function rollupMark(times: readonly (string | null | undefined)[]) {
  return { $inc: { rollupMarks: 1 }, $addToSet: { rollupDays: t({ $each: [...new Set(times.flatMap(dayOf))] }) } };
}

/** The same inside an update pipeline: the conversation's own day and these days (already YYYY-MM-DD). */
export function rollupMarkStage(days: readonly string[]) {
  return {
    rollupMarks: { $add: [{ $ifNull: ['$rollupMarks', 0] }, 1] },
    rollupDays: { $setUnion: [{ $ifNull: ['$rollupDays', []] }, [{ $substrBytes: ['$createdAt', 0, 10] }, ...days.map((d) => ({ $literal: d }))]] },
  };
}

/** What every part of the MongoDB engine shares: the models, error mapping, the fault hook. */
export class MongoContext {
  constructor(
    readonly m: MongoModels,
    private readonly faults: FaultHook = noFaults,
  ) {}

  fault(point: FaultPoint): void {
    this.faults(point);
  }

  /**
   * Marks the days of these createdAt times stale in the dashboard's rollups (mongoRollups.ts), after the record
   * write that changed them: a counter bump, never figures, so a retried or concurrent mark cannot double count.
   * `dropRows` (an erasure) also forgets the days' stored rows at once: they hold sample texts of customer messages.
   * Writes to a conversation mark it in the same update instead (rollupMark); this is for writes that cannot.
   */
  async markDays(times: Iterable<string | null | undefined>, options?: { dropRows?: boolean }): Promise<void> {
    const days = new Set<string>();
    for (const at of times) for (const d of dayOf(at)) days.add(d);
    if (!days.size) return;
    this.fault('rollup.beforeMark');
    await this.m.DayRollup.bulkWrite(
      [...days].map((day) => ({
        updateOne: { filter: { _id: day }, update: { $inc: { gen: 1 }, $set: { stale: true, ...(options?.dropRows ? { rows: null } : {}) } }, upsert: true },
      })),
      { ordered: false },
    );
  }

  /** Marks the days where these customers' segments count (their conversations with scored sentiment). */
  async markCustomerDays(customerIds: readonly string[]): Promise<void> {
    if (!customerIds.length) return;
    const days = await this.m.Conversation.aggregate<{ _id: string }>([
      { $match: { customerId: { $in: [...customerIds] }, sentimentN: { $gt: 0 } } },
      { $group: { _id: { $substrBytes: ['$createdAt', 0, 10] } } },
    ]);
    await this.markDays(days.map((d) => d._id));
  }

  /** Driver and mongoose errors become coded store errors. */
  async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (isDuplicateKey(err)) throw new AppError('STORE_CONFLICT', undefined, { cause: err });
      const name = (err as Error)?.name ?? '';
      if (name === 'MongooseError' && /not allowed with sanitizeFilter/.test((err as Error).message)) {
        throw new AppError('STORE_INVALID_QUERY', (err as Error).message, { cause: err });
      }
      throw new AppError('STORE_UNAVAILABLE', (err as Error)?.message, { cause: err });
    }
  }
}
