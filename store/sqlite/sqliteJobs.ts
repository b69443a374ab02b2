import type { EngineLeases, EngineOutbox, EngineQuotas } from '../storeEngine';
import type { OutboxCounts, OutboxEntry, OutboxEvent, OutboxFailure, WriteOptions } from '../storeTypes';
import { promised, type GroupCommit } from './groupCommit';

type Row = Record<string, unknown>;

/**
 * Leases by compare-and-set in one statement: the row is taken when absent, expired or already the holder's. The
 * IMMEDIATE transaction of the group commit serializes it with every other process's writes on the file.
 */
export class SqliteLeases implements EngineLeases {
  constructor(private readonly gc: GroupCommit) {}

  acquireLease(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return this.gc.tx(
      () =>
        this.gc
          .stmt(
            `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
             ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
          )
          .run(name, holder, now + ttlMs, now).changes > 0,
    );
  }

  releaseLease(name: string, holder: string): Promise<boolean> {
    return this.gc.tx(() => this.gc.stmt('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder).changes > 0);
  }
}

/**
 * Quotas in a rolling window: one row per use. Trimming, counting and adding are one IMMEDIATE transaction, so two
 * processes (or instances on one file) asking at once are serialized: together they never count more than the limit.
 */
export class SqliteQuotas implements EngineQuotas {
  constructor(private readonly gc: GroupCommit) {}

  takeQuota(key: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    return this.gc.tx(() => {
      // Uses past their own window go, whatever their key (the table stays the size of the live windows).
      this.gc.stmt('DELETE FROM quota_uses WHERE until <= ?').run(now);
      const used = (this.gc.stmt('SELECT count(*) AS n FROM quota_uses WHERE key = ? AND at > ?').get(key, now - windowMs) as Row).n as number;
      if (used >= limit) return false;
      this.gc.stmt('INSERT INTO quota_uses (key, at, until) VALUES (?, ?, ?)').run(key, now, now + windowMs);
      return true;
    });
  }
}

const outboxEntry = (row: Row): OutboxEntry => ({
  event: JSON.parse(row.doc as string) as OutboxEvent,
  attempts: row.attempts as number,
  nextAttemptAt: row.next_attempt_at as string,
  ...(row.last_error ? { lastError: row.last_error as string } : {}),
});

/** The webhook outbox: one row per event until it is delivered; dead letters stay, marked. */
export class SqliteOutbox implements EngineOutbox {
  constructor(private readonly gc: GroupCommit) {}

  async enqueueOutbox(event: OutboxEvent, options?: WriteOptions): Promise<void> {
    await this.gc.tx(() => {
      this.gc
        .stmt("INSERT OR IGNORE INTO outbox (id, state, next_attempt_at, attempts, doc) VALUES (?, 'pending', ?, 0, ?)")
        .run(event.id, event.at, JSON.stringify(event));
    }, options);
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return promised(() =>
      (
        this.gc.run(() =>
          this.gc.stmt("SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(now, limit),
        ) as Row[]
      ).map(outboxEntry),
    );
  }

  async completeOutbox(id: string): Promise<void> {
    await this.gc.tx(() => {
      this.gc.stmt('DELETE FROM outbox WHERE id = ?').run(id);
    });
  }

  async failOutbox(id: string, failure: OutboxFailure): Promise<void> {
    await this.gc.tx(() => {
      this.gc
        .stmt("UPDATE outbox SET attempts = ?, last_error = ?, state = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ? AND state = 'pending'")
        .run(failure.attempts, failure.error, failure.nextAttemptAt ? 'pending' : 'dead', failure.nextAttemptAt ?? null, id);
    });
  }

  outboxCounts(): Promise<OutboxCounts> {
    return promised(() => {
      const rows = this.gc.run(() => this.gc.stmt('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state').all() as Row[]);
      const n = (state: string) => (rows.find((r) => r.state === state)?.n as number | undefined) ?? 0;
      return { pending: n('pending'), dead: n('dead') };
    });
  }
}
