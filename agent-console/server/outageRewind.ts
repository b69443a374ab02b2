import type { Store } from '../../store/store';

const RESYNC_MARGIN_MS = 10_000;
const RESYNC_WINDOW_MS = 120_000;
const MAX_REWIND = 1_000;

/**
 * After a Redis outage, pushes made while it was away may not have reached sockets on other instances. For a while
 * after it comes back every sync also returns what was stored since the outage began: the console's cursor is the
 * last seq it holds, so a push that got through after one that was lost would otherwise hide the lost one; the
 * console merges by seq, so what it already has costs only bytes.
 */
export class OutageRewind {
  /** Until `until`: syncs return everything stored since `since` (epoch ms). */
  private window?: { since: number; until: number };
  private lastResyncAt = 0;

  constructor(private readonly store: Pick<Store, 'listMessages'>) {}

  /** Redis came back after being away since `downSince`: answers whether this instance's sockets should reconnect now (once per recovery). */
  recovered(downSince: number, now = Date.now()): { since: number; reconnect: boolean } {
    // Pushes under way when Redis went away wait up to the adapter's request timeout (5 s) before failing.
    const since = Math.min(downSince - RESYNC_MARGIN_MS, this.window && this.window.until > now ? this.window.since : Infinity);
    this.window = { since, until: now + RESYNC_WINDOW_MS };
    if (now - this.lastResyncAt < 5_000) return { since, reconnect: false }; // every instance announces the same recovery
    this.lastResyncAt = now;
    return { since, reconnect: true };
  }

  /** A sync's cursors, moved back within the window to the first message stored at or after the outage (at most MAX_REWIND messages back each). */
  async cursors(cursors: Record<string, number>, now = Date.now()): Promise<Record<string, number>> {
    const since = this.window && this.window.until > now ? this.window.since : undefined;
    if (since === undefined) return cursors;
    const out: Record<string, number> = {};
    for (const [id, cursor] of Object.entries(cursors)) {
      let floor = cursor;
      while (floor > 0 && cursor - floor < MAX_REWIND) {
        const from = Math.max(0, floor - 100);
        const page = await this.store.listMessages(id, { afterSeq: from, limit: floor - from });
        if (!page.length) break; // not a chat of this store: nothing to rewind
        const older = page.filter((m) => Date.parse(m.createdAt) < since);
        if (older.length) {
          floor = older[older.length - 1].seq;
          break;
        }
        floor = from;
      }
      out[id] = floor;
    }
    return out;
  }
}
