import type { GroupCommit } from './groupCommit';
import type { SqliteFullText } from './sqliteReview';
import type { SqliteRollups } from './sqliteRollups';

/** How often the upkeep looks for work, ms. */
export const UPKEEP_EVERY_MS = 250;
/** One slice of upkeep holds the event loop about this long (ms; one day's rollup may take longer, alone). */
export const SLICE_MS = 2;
/** Queued messages indexed per statement: a few tens of microseconds each. */
const INDEX_ROWS = 50;
/**
 * A day the background recomputed this recently (ms) waits: it is the day being written now, re-dirtied by nearly
 * every message, and recomputing it costs as much as the day holds. A dashboard reading it recomputes it first.
 */
export const BUSY_DAY_EVERY_MS = 15_000;
/**
 * The longest the upkeep waits for commits' fsyncs to end before it runs during one anyway (ms): on a disk that is
 * never idle it still keeps up, as it did before it waited.
 */
export const MAX_WAIT_FOR_SYNCS_MS = 1000;

export interface UpkeepOptions {
  everyMs?: number;
  sliceMs?: number;
  busyDayEveryMs?: number;
  maxWaitForSyncsMs?: number;
}

/**
 * The embedded store's background upkeep: the full-text index takes the messages queued for it, and the dashboard's
 * daily rollups the days marked dirty. Both are derived from rows already stored, and both are optional for
 * correctness (a search indexes everything queued first; a dashboard recomputes the dirty days it reads; an
 * erasure rebuilds every dirty day itself): this only keeps those reads fast. It runs in short slices, each in a
 * transaction of its own between the group commits (GroupCommit.aside), so a customer's message never waits for it
 * inside its transaction, its commit or its fsync, and the event loop is never held for long.
 */
export class SqliteUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private next: NodeJS.Timeout | undefined;
  private running = false;
  /** When the background last recomputed each day (performance.now()); pruned past BUSY_DAY_EVERY_MS. */
  private readonly recomputedAt = new Map<string, number>();
  private readonly everyMs: number;
  private readonly sliceMs: number;
  private readonly busyDayEveryMs: number;
  private readonly maxWaitForSyncsMs: number;
  /** Since when (performance.now()) the upkeep has waited for fsyncs to end; undefined while it is not waiting. */
  private waitingSince: number | undefined;

  constructor(
    private readonly gc: GroupCommit,
    private readonly fullText: SqliteFullText,
    private readonly rollups: SqliteRollups,
    options: UpkeepOptions = {},
  ) {
    this.everyMs = options.everyMs ?? UPKEEP_EVERY_MS;
    this.sliceMs = options.sliceMs ?? SLICE_MS;
    this.busyDayEveryMs = options.busyDayEveryMs ?? BUSY_DAY_EVERY_MS;
    this.maxWaitForSyncsMs = options.maxWaitForSyncsMs ?? MAX_WAIT_FOR_SYNCS_MS;
  }

  start(): void {
    this.timer ??= setInterval(() => this.run(), this.everyMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.next);
    this.timer = this.next = undefined;
  }

  /** Slices until nothing is left to do now; between two, the event loop serves everything else. */
  private run(): void {
    if (this.running || this.gc.isClosed) return;
    // A commit's fsync is under way: the moment it ends, its writers are acknowledged and a relayed message goes to the
    // agent, and a slice begun meanwhile (up to SLICE_MS, or a whole day's rollup) would hold them whenever it outlasts
    // the fsync. So the slice waits for the fsyncs to end and runs after what they release (promise continuations run
    // before setImmediate), at most maxWaitForSyncsMs.
    if (this.gc.syncsUnderWay) {
      const now = performance.now();
      this.waitingSince ??= now;
      if (now - this.waitingSince < this.maxWaitForSyncsMs) {
        this.running = true;
        void this.gc.syncsEnded().then(() =>
          setImmediate(() => {
            this.running = false;
            if (this.timer) this.run();
          }),
        );
        return;
      }
    }
    this.waitingSince = undefined;
    let more: boolean;
    try {
      more = this.slice();
    } catch {
      // A failed write like any other (the disk, a lock held by another process): the next search or dashboard,
      // which catch up first, reports it; this tries again on the next tick.
      return;
    }
    if (!more || !this.timer) return;
    this.running = true;
    // A timer, not setImmediate: timers run before the poll phase, when no group of writes is open.
    this.next = setTimeout(() => {
      this.running = false;
      this.run();
    }, 0);
  }

  /**
   * One slice; whether work remains. Indexing first (searches wait for it), then the rollups' newest dirty days.
   * A slice is skipped while a group of writes is open.
   */
  slice(now = performance.now()): boolean {
    const until = now + this.sliceMs;
    const result = this.gc.aside(() => {
      while (this.fullText.pending()) {
        this.fullText.indexQueued(INDEX_ROWS);
        if (performance.now() >= until) return true;
      }
      for (const [day, at] of this.recomputedAt) if (now - at >= this.busyDayEveryMs) this.recomputedAt.delete(day);
      const { recomputed, more } = this.rollups.catchUp(until, (day) => this.recomputedAt.has(day));
      for (const day of recomputed) this.recomputedAt.set(day, now);
      return more;
    });
    // Skipped (a group of writes is open, or the store refuses writes): the next tick tries again.
    return result.done ? result.value : false;
  }
}
