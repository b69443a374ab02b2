import type { OutboxDoc } from '../../models/mongoSchemas';
import type { EngineLeases, EngineOutbox } from '../storeEngine';
import type { OutboxCounts, OutboxEntry, OutboxEvent, OutboxFailure } from '../storeTypes';
import { isDuplicateKey, t, type MongoContext } from './mongoContext';

/**
 * Leases as single-document compare-and-set: findOneAndUpdate matches the lease only when it is this holder's or
 * expired, and upserts it when absent. When the lease exists and is another's live one, nothing matches and the
 * upsert's insert collides on `_id` (duplicate key, E11000): not taken. MongoDB does not retry that insert itself
 * (the filter is not an equality on `_id` alone), so exactly one of several concurrent takers wins.
 */
export class MongoLeases implements EngineLeases {
  constructor(private readonly x: MongoContext) {}

  acquireLease(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return this.x.wrap(async () => {
      try {
        const doc = await this.x.m.Lease.findOneAndUpdate(
          { _id: name, $or: t([{ holder }, { expiresAt: t({ $lte: now }) }]) },
          { $set: { holder, expiresAt: now + ttlMs } },
          { upsert: true, new: true },
        ).lean();
        return doc?.holder === holder;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    });
  }

  releaseLease(name: string, holder: string): Promise<boolean> {
    return this.x.wrap(async () => (await this.x.m.Lease.deleteOne({ _id: name, holder })).deletedCount === 1);
  }
}

const outboxEntry = (d: OutboxDoc): OutboxEntry => ({
  event: d.event,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  ...(d.lastError ? { lastError: d.lastError } : {}),
});

/** The webhook outbox: one document per event, found by the (state, nextAttemptAt) index. */
export class MongoOutbox implements EngineOutbox {
  constructor(private readonly x: MongoContext) {}

  enqueueOutbox(event: OutboxEvent): Promise<void> {
    return this.x.wrap(async () => {
      // Idempotent per id: a second enqueue of the same event matches and changes nothing.
      await this.x.m.Outbox.updateOne(
        { _id: event.id },
        { $setOnInsert: { state: 'pending', nextAttemptAt: event.at, attempts: 0, lastError: null, event } },
        { upsert: true },
      );
    });
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.x.wrap(async () =>
      (
        await this.x.m.Outbox.find({ state: 'pending', nextAttemptAt: t({ $lte: now }) })
          .sort({ nextAttemptAt: 1, _id: 1 })
          .limit(limit)
          .lean<OutboxDoc[]>()
      ).map(outboxEntry),
    );
  }

  completeOutbox(id: string): Promise<void> {
    return this.x.wrap(async () => {
      await this.x.m.Outbox.deleteOne({ _id: id });
    });
  }

  failOutbox(id: string, failure: OutboxFailure): Promise<void> {
    return this.x.wrap(async () => {
      await this.x.m.Outbox.updateOne(
        { _id: id, state: 'pending' },
        {
          $set: {
            attempts: failure.attempts,
            lastError: failure.error,
            state: failure.nextAttemptAt ? 'pending' : 'dead',
            ...(failure.nextAttemptAt ? { nextAttemptAt: failure.nextAttemptAt } : {}),
          },
        },
      );
    });
  }

  outboxCounts(): Promise<OutboxCounts> {
    return this.x.wrap(async () => {
      // Two counts served by the index's prefix.
      const [pending, dead] = await Promise.all([this.x.m.Outbox.countDocuments({ state: 'pending' }), this.x.m.Outbox.countDocuments({ state: 'dead' })]);
      return { pending, dead };
    });
  }
}
