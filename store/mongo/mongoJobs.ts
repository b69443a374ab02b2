import type { OutboxDoc } from '../../models/mongoSchemas';
import type { EngineLeases, EngineOutbox, EngineQuotas } from '../storeEngine';
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

/**
 * Quotas in a rolling window: one document per key holding the instants of its uses still in the window, changed by
 * one findOneAndUpdate with an update pipeline (MongoDB 4.2+), atomic as every single-document write: it drops the
 * instants at or before now − windowMs, counts what is left, appends `now` only when that is under the limit, and
 * records in `took` whether it did; the document it returns is this very update's result. Concurrent first uses of
 * a key upsert on an equality of `_id` alone, which the server retries on a duplicate key (4.2+): both are counted.
 */
export class MongoQuotas implements EngineQuotas {
  constructor(private readonly x: MongoContext) {}

  takeQuota(key: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const update = [
      { $set: { at: { $filter: { input: { $ifNull: ['$at', []] }, as: 'use', cond: { $gt: ['$$use', now - windowMs] } } } } },
      { $set: { took: { $lt: [{ $size: '$at' }, limit] } } },
      {
        $set: {
          at: { $cond: ['$took', { $concatArrays: ['$at', [now]] }, '$at'] },
          // The TTL index removes a key whose last use has left its window.
          expireAt: { $toDate: { $add: [{ $max: [{ $max: '$at' }, { $cond: ['$took', now, 0] }] }, windowMs] } },
        },
      },
    ];
    return this.x.wrap(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          // An update pipeline is sent as written (mongoose casts none of it); no defaults are added to it either.
          const doc = await this.x.m.Quota.findOneAndUpdate({ _id: key }, update, {
            upsert: true,
            new: true,
            projection: { took: 1 },
            setDefaultsOnInsert: false,
          }).lean();
          return doc?.took === true;
        } catch (err) {
          // A server that did not retry the concurrent upsert itself: the document exists now, so once more updates it.
          if (!isDuplicateKey(err) || attempt > 0) throw err;
        }
      }
    });
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
