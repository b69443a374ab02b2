// Over 400 lines: the group commit's transactions, fsyncs and failure states are one state machine, read whole.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../core/errors';
import type { StoreHealth, WriteOptions } from '../storeTypes';
import { WalCheckpointer } from './walCheckpointer';

/**
 * The delicate part of the embedded store, alone in this file: one SQLite connection, its transactions (group
 * commit), durability (fsync of the WAL off the event loop) and checkpoints (a worker thread). Everything else
 * in store/sqlite/ runs its SQL through `tx` (writes) and `run` (reads). docs/adr/0001 and 0002 say why.
 */

/** Writes committed together at most; keeps one flush from holding the event loop too long. */
const MAX_BATCH = 256;
/**
 * fsyncs of the WAL under way at once at most. A group that closes while one runs commits and starts its own at once
 * instead of waiting for it to end first: a write arriving during a flush waited for that flush and then its own
 * (about twice a flush); now about one. A third waits, so a busy disk still gets bigger groups, not more flushes.
 */
export const MAX_SYNCS = 2;

/** One group-commit transaction: how many writes it holds, and the promise of its commit reaching the disk. */
interface Batch {
  writes: number;
  /** Waits for one of the running fsyncs to end before it commits (MAX_SYNCS). */
  afterSync?: boolean;
  durable: Promise<void>;
  settle: { resolve: () => void; reject: (e: unknown) => void };
}

/**
 * Runs a synchronous read now and hands its value over as a promise, the way an async function would: a throw
 * becomes a rejected promise, never an exception at the call.
 */
export function promised<T>(read: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(read()));
}

export function storeError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isUniqueViolation(err)) return new AppError('STORE_CONFLICT', undefined, { cause: err });
  return new AppError('STORE_UNAVAILABLE', (err as Error)?.message, { cause: err });
}

/** The disk refused a write (full, or an I/O error): not the write's own fault, and it may pass. */
function isDiskError(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR');
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export interface GroupCommitOptions {
  synchronous?: 'full' | 'normal';
  /**
   * Milliseconds writes stay refused after a batch of applied writes was rolled back (a full disk at commit), before
   * a probe may find the store writable again: longer than any bot turn takes between a deferSync write and its
   * sync(), so a turn whose write was lost learns it from sync() instead of syncing after the recovery.
   */
  recoveryHoldMs?: number;
}

/** Default of recoveryHoldMs, milliseconds. */
const RECOVERY_HOLD_MS = 30_000;

export class GroupCommit {
  private database!: Database.Database;
  private closed = false;
  /** Our own descriptor on the WAL file, fsynced off the event loop (see syncWal). */
  private walFd: number | undefined;
  /** fsyncs under way; close() waits for them. */
  private syncing = new Set<Promise<void>>();
  /** `syncing.size` in shared memory: the checkpointer's worker begins no checkpoint while an fsync runs. */
  private readonly syncCount = new Int32Array(new SharedArrayBuffer(4));
  /**
   * Set when an fsync failed (or a transaction could not even be rolled back): what the disk holds is unknown, so
   * no write is acknowledged again; health() says `failed` and liveness fails, so the process is restarted.
   */
  private fatal: Error | undefined;
  /**
   * Set when writes failed for a reason that may pass (a full disk) and were cleanly rolled back: writes are refused
   * until `until`, then a probe write (ping) or the next write shows whether the disk takes writes again.
   */
  private degraded: { error: Error; until: number } | undefined;
  private checkpointer: WalCheckpointer | undefined;
  /** The transaction writes are applied in, until it commits (see tx). */
  private batch: Batch | undefined;
  /** Durability of the last committed batch: what sync() waits for when no transaction is open. */
  private lastDurable: Promise<void> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly file: string,
    private readonly options: GroupCommitOptions = {},
  ) {}

  /**
   * WAL mode is kept in the file, so only the first opener of a new file switches it. Two processes opening a new file
   * together can each hold a read lock while wanting the write lock the switch needs; SQLite then answers SQLITE_BUSY
   * at once instead of calling the busy handler (waiting could never end), so the switch is tried again, briefly
   * blocking (this is the store's start), within the same 5 s a writer would wait.
   */
  private enableWal(): void {
    const deadline = Date.now() + 5000;
    for (let attempt = 1; ; attempt++) {
      try {
        this.database.pragma('journal_mode = WAL');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(100, 5 * attempt));
      }
    }
  }

  get db(): Database.Database {
    return this.database;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  open(): void {
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    this.database = new Database(this.file);
    // First: several processes may open one file (README, The store), and switching a new file to WAL needs a lock
    // another one may hold for a moment. Writers wait for each other this long (a group commit holds the lock for
    // one turn of its event loop, or one fsync); past it a write fails with STORE_UNAVAILABLE, never half done.
    this.database.pragma('busy_timeout = 5000');
    this.enableWal();
    // SQLite itself never fsyncs a commit (NORMAL keeps the WAL consistent: frames are checksummed, checkpoints
    // sync). Under 'full' this store fsyncs the WAL itself, on libuv's thread pool, and acknowledges a write only
    // after that: the same guarantee as SQLite's FULL (an acknowledged write survives power loss) without
    // blocking the event loop for the fsync of every commit, which held each bot turn about 1 ms per write.
    this.database.pragma('synchronous = NORMAL');
    // Deleted and overwritten content is zeroed, so an erased text or e-mail address leaves no trace in free
    // pages (the WAL's old frames are truncated after an erasure: checkpointTruncate).
    this.database.pragma('secure_delete = ON');
    // 64 MiB of page cache (default 2 MiB): indexes of a large history stay in memory, inserts stop thrashing.
    this.database.pragma('cache_size = -65536');
    if (this.file !== ':memory:') {
      // Checkpoints happen off the event loop (see WalCheckpointer); SQLite's own only past about 80 MB of WAL.
      this.database.pragma('wal_autocheckpoint = 20000');
      this.checkpointer = new WalCheckpointer(this.file, { syncing: this.syncCount });
    }
  }

  /** Prepared once per SQL text: preparing on every call cost more than running the query. */
  stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.database.prepare(sql)));
    return st;
  }

  /** A read: errors become coded store errors. */
  run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw storeError(err);
    }
  }

  /**
   * Group commit. A write runs at once, inside the open IMMEDIATE transaction (begun by the first write since the
   * last commit), in its own savepoint: one that throws is rolled back and fails alone. The transaction commits on
   * the next turn of the event loop, or, while MAX_SYNCS earlier commits' fsyncs are still running, when one of them
   * ends (or at MAX_BATCH writes): every write made meanwhile, by any caller, shares one commit and one fsync, and the
   * busier the disk, the bigger the groups. A write resolves once that commit is durable, or, with `deferSync`, at
   * once: then its caller awaits sync() before acknowledging it. Semantics are those of serial transactions:
   * better-sqlite3 runs them one after another, and nothing else runs in between.
   */
  tx<T>(fn: () => T, options?: WriteOptions): Promise<T> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    let batch = this.batch;
    try {
      if (this.closed) throw new Error('store is closed');
      if (!batch) batch = this.begin();
    } catch (err) {
      return Promise.reject(storeError(err));
    }
    // The first write of a transaction needs no savepoint: if it fails, the whole transaction is rolled back.
    const first = batch.writes === 0;
    let value: T;
    try {
      if (!first) this.stmt('SAVEPOINT op').run();
      value = fn();
      if (!first) this.stmt('RELEASE op').run();
    } catch (err) {
      const e = storeError(err);
      // A full disk fails this write alone, but readiness must show it until the disk takes writes again.
      if (isDiskError(err)) this.degrade(e, 0);
      this.undo(batch, first, e);
      return Promise.reject(e);
    }
    batch.writes++;
    const result = options?.deferSync ? Promise.resolve(value) : batch.durable.then(() => value);
    if (batch.writes >= MAX_BATCH) this.commit(batch);
    return result;
  }

  /**
   * Upkeep nobody waits for (the search index, the rollups: derived from rows already stored) in a transaction of its
   * own, never inside a group: no customer's write shares its commit or fsync. Runs only while no group is open, else
   * `{ done: false }` (come back later). No fsync of its own: the next write's covers its frames (the WAL is appended
   * in order); if power fails first, it is lost whole, with the queue it consumed, and done again.
   */
  aside<T>(fn: () => T): { done: true; value: T } | { done: false } {
    if (this.closed || this.batch || this.refusal() || this.database.inTransaction) return { done: false };
    let value: T;
    try {
      this.stmt('BEGIN IMMEDIATE').run();
      value = fn();
      this.stmt('COMMIT').run();
    } catch (err) {
      const e = storeError(err);
      if (isDiskError(err)) this.degrade(e, 0);
      if (this.database.inTransaction) {
        try {
          this.database.exec('ROLLBACK');
        } catch (rollbackError) {
          this.fatal ??= rollbackError as Error;
        }
      }
      throw e;
    }
    return { done: true, value };
  }

  private begin(): Batch {
    this.stmt('BEGIN IMMEDIATE').run();
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    const durable = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // Nobody may be waiting when a batch fails (its writes already failed, or its failure is reported by sync()).
    durable.catch(() => undefined);
    const batch: Batch = { writes: 0, durable, settle };
    this.batch = batch;
    setImmediate(() => {
      if (this.batch !== batch) return;
      if (this.syncing.size >= MAX_SYNCS) batch.afterSync = true;
      else this.commit(batch);
    });
    return batch;
  }

  /** A write threw: roll back its savepoint, or the transaction when it was the first write or SQLite already did. */
  private undo(batch: Batch, first: boolean, err: AppError): void {
    try {
      if (!first && this.database.inTransaction) {
        this.stmt('ROLLBACK TO op').run();
        this.stmt('RELEASE op').run();
        return;
      }
    } catch {
      /* handled below as a lost transaction */
    }
    if (this.database.inTransaction) {
      try {
        this.database.exec('ROLLBACK');
      } catch (rollbackError) {
        this.fatal ??= rollbackError as Error;
      }
    }
    this.batch = undefined;
    // Writes already applied in this transaction are gone (on some errors SQLite rolls back on its own).
    if (!first) this.lose(batch, err);
    else batch.settle.resolve();
  }

  private commit(batch: Batch): void {
    if (this.batch !== batch) return;
    this.batch = undefined;
    try {
      this.stmt('COMMIT').run();
    } catch (err) {
      try {
        if (this.database?.open && this.database.inTransaction) this.database.exec('ROLLBACK');
      } catch (rollbackError) {
        this.fatal ??= rollbackError as Error;
      }
      return this.lose(batch, storeError(err));
    }
    const earlier = this.lastDurable;
    this.lastDurable = batch.durable;
    if (this.options.synchronous === 'normal' || this.file === ':memory:') return batch.settle.resolve();
    // Acknowledged only once on disk; meanwhile the event loop goes on, and the next transaction begins.
    const own = this.syncWal();
    void own
      .catch(() => undefined)
      .then(() => {
        const next = this.batch;
        if (next?.afterSync && this.syncing.size < MAX_SYNCS) this.commit(next);
      });
    // In commit order, and never after a failed fsync: this batch's frames follow the earlier batches' in the WAL, and
    // a reader of the file after a crash stops at the first frame lost (the frames' checksums chain), so this batch is
    // durable only once every earlier one is. With fsyncs overlapping (MAX_SYNCS), this one may end first.
    Promise.all([earlier, own]).then(
      () => (this.fatal ? batch.settle.reject(new AppError('STORE_UNAVAILABLE', undefined, { cause: this.fatal })) : batch.settle.resolve()),
      (err) => batch.settle.reject(new AppError('STORE_UNAVAILABLE', undefined, { cause: err })),
    );
  }

  /**
   * A transaction whose writes were applied (and readable, and some perhaps already reported applied to `deferSync`
   * callers) was rolled back: its writes fail, and every write and sync() is refused for the recovery hold, so a
   * caller whose deferred write was in it learns of it from sync(). Then the store may recover (see ping).
   */
  private lose(batch: Batch, err: AppError): void {
    this.degrade(err, this.options.recoveryHoldMs ?? RECOVERY_HOLD_MS);
    batch.settle.reject(new AppError('STORE_UNAVAILABLE', undefined, { cause: err }));
  }

  private degrade(error: Error, holdMs: number): void {
    const until = Date.now() + holdMs;
    this.degraded = { error, until: Math.max(until, this.degraded?.until ?? 0) };
  }

  /** Why a write or sync() is refused now, if it is. */
  private refusal(): AppError | undefined {
    if (this.fatal) return new AppError('STORE_UNAVAILABLE', undefined, { cause: this.fatal });
    if (this.degraded && Date.now() < this.degraded.until) return new AppError('STORE_UNAVAILABLE', undefined, { cause: this.degraded.error });
    return undefined;
  }

  /** fsyncs under way: their writers are acknowledged, and act (a relayed message is pushed), the moment one ends. */
  get syncsUnderWay(): number {
    return this.syncing.size;
  }

  /** Resolves, never rejects, once every fsync under way now has ended and its writers were told. */
  syncsEnded(): Promise<void> {
    return Promise.allSettled([...this.syncing]).then(() => undefined);
  }

  async sync(): Promise<void> {
    const refused = this.refusal();
    if (refused) throw refused;
    await (this.batch?.durable ?? this.lastDurable);
  }

  /**
   * Makes everything committed so far durable: fdatasync of the WAL file through our own descriptor (it flushes
   * the file, whichever descriptor asks). Up to MAX_SYNCS run at once; each batch waits for one started after its
   * own commit, and for the batches before it (commit). A failed fsync stops the store from acknowledging anything
   * again: after one, the kernel may have dropped the dirty pages, and a later fsync that succeeds would prove nothing.
   */
  private syncWal(): Promise<void> {
    if (this.walFd === undefined) {
      try {
        this.walFd = fs.openSync(`${this.file}-wal`, 'r');
        // The WAL file may be new: its directory entry must reach the disk too, once.
        const dir = fs.openSync(path.dirname(path.resolve(this.file)), 'r');
        try {
          fs.fsyncSync(dir);
        } finally {
          fs.closeSync(dir);
        }
      } catch (err) {
        // fs's synchronous calls throw Errors (ErrnoExceptions) only: the wrapping never happens.
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const fd = this.walFd;
    // fdatasync, as SQLite itself syncs its WAL on Linux: it flushes the data and whatever metadata reading it back
    // needs (the size, when an append grew the file), and skips flushing the inode for a new mtime alone, which
    // every append of a WAL rewritten in place would otherwise cost. The same guarantee for an acknowledged write.
    const p = new Promise<void>((resolve, reject) =>
      fs.fdatasync(fd, (err) => {
        if (!err) return resolve();
        this.fatal ??= err;
        reject(err);
      }),
    ).finally(() => {
      this.syncing.delete(p);
      Atomics.store(this.syncCount, 0, this.syncing.size);
      Atomics.notify(this.syncCount, 0);
    });
    this.syncing.add(p);
    Atomics.store(this.syncCount, 0, this.syncing.size);
    return p;
  }

  /**
   * Answers when the store takes writes. While degraded (after the hold), a probe write made durable like any
   * other shows whether the disk takes writes again; if it does, the store is ready again.
   */
  async ping(): Promise<void> {
    try {
      if (this.closed) throw new Error('store is closed');
      const refused = this.refusal();
      if (refused) throw refused;
      const degraded = this.degraded;
      if (!degraded) {
        this.stmt('SELECT 1').get();
        return;
      }
      // A write that needs new pages, as real ones do (a row rewritten in place might still fit on a full disk).
      await this.tx(() => {
        this.stmt('INSERT INTO store_probe (x) VALUES (zeroblob(16384))').run();
        this.stmt('DELETE FROM store_probe').run();
      });
      if (this.degraded === degraded) this.degraded = undefined;
    } catch (err) {
      throw new AppError('STORE_UNAVAILABLE', undefined, { cause: err });
    }
  }

  health(): StoreHealth {
    if (this.fatal) return { status: 'failed', reason: this.fatal.message };
    if (this.degraded) return { status: 'degraded', reason: this.degraded.error.message };
    return { status: 'ok' };
  }

  /**
   * Copies the WAL into the database file and truncates it to zero bytes, so old page images (an erased message's
   * text among them) are gone from the raw files. Waits for the writes so far to be durable, and runs between
   * transactions (nothing else runs on this connection meanwhile).
   */
  async checkpointTruncate(): Promise<void> {
    if (this.file === ':memory:') return;
    for (let attempt = 0; attempt < 20; attempt++) {
      await this.sync();
      if (this.batch || this.database.inTransaction) continue;
      const [result] = this.database.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (!result?.busy) return;
      // The checkpointer thread was copying at that moment: let it finish.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new AppError('STORE_UNAVAILABLE', 'the write-ahead log could not be truncated');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // A write made while an fsync is awaited here opens another transaction: commit that one too.
    while (this.batch || this.syncing.size) {
      if (this.batch) this.commit(this.batch);
      await Promise.allSettled([...this.syncing]);
    }
    this.closed = true;
    await this.checkpointer?.close();
    if (this.walFd !== undefined) fs.closeSync(this.walFd);
    this.walFd = undefined;
    this.database?.close();
  }
}
