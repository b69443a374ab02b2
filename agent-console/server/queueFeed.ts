import { randomUUID } from 'node:crypto';
import type { ConversationView, QueueDelta, QueueSnapshot } from './protocol';

/**
 * The queue as consoles hold it, kept up to date by deltas: each read of the queue is compared with the one before
 * and only what was added, changed or removed goes out (a whole queue of a thousand chats is half a megabyte to
 * every console on every change). Deltas are numbered: Socket.IO delivers at most once, so a console that sees a
 * gap, or a number of another feed (a restarted server, another instance), asks for the whole queue again
 * (`queue:list`, answered from the same numbering).
 */
export class QueueFeed {
  /** Names this feed: numbers from another process or instance are not comparable. */
  private readonly epoch = randomUUID();
  private seq = 0;
  private held?: { order: string[]; views: Map<string, ConversationView>; keys: Map<string, string> };
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly read: () => Promise<ConversationView[]>,
    private readonly send: (delta: QueueDelta) => void,
  ) {}

  /** Reads the queue, sends what changed since the last read (nothing if nothing did), answers the queue as now numbered. One at a time. */
  refresh(): Promise<QueueSnapshot> {
    const run = this.chain.then(() => this.step());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async step(): Promise<QueueSnapshot> {
    const queue = await this.read();
    const order = queue.map((c) => c.id);
    const views = new Map(queue.map((c) => [c.id, c]));
    const keys = new Map(queue.map((c) => [c.id, keyOf(c)]));
    // The first read is a change from nothing: a client that never asked queue:list still hears of what waits.
    const prev = this.held ?? { order: [], views: new Map<string, ConversationView>(), keys: new Map<string, string>() };
    this.held = { order, views, keys };
    {
      const added = queue.filter((c) => !prev.keys.has(c.id));
      const changed = queue.filter((c) => prev.keys.has(c.id) && prev.keys.get(c.id) !== keys.get(c.id));
      const removed = prev.order.filter((id) => !views.has(id));
      // The order goes along only when the console could not work it out: what stayed keeps its place, what came goes last.
      const gone = new Set(removed);
      const expected = [...prev.order.filter((id) => !gone.has(id)), ...added.map((c) => c.id)];
      const reordered = expected.length !== order.length || expected.some((id, i) => id !== order[i]);
      if (added.length || changed.length || removed.length || reordered) {
        this.seq += 1;
        this.send({ epoch: this.epoch, seq: this.seq, added, changed, removed, ...(reordered ? { order } : {}) });
      }
    }
    return { epoch: this.epoch, seq: this.seq, queue };
  }
}

/** What makes an entry changed for a console: everything but the wait, which the console counts itself from queuedAt. */
function keyOf(c: ConversationView): string {
  return JSON.stringify({ ...c, waitingSeconds: undefined });
}
