import { randomUUID } from 'node:crypto';
import type { ConversationView, QueueDelta, QueueEntryPatch, QueueLeaveReason, QueueSnapshot } from './protocol';

/**
 * The queue as consoles hold it, kept up to date by deltas: each read of the queue is compared with the one before
 * and only what was added, removed or changed goes out, a changed entry as its changed fields (a whole queue of a
 * thousand chats is half a megabyte to every console on every change; a re-offer sent whole is 700 bytes where its
 * fields are 200, and routing re-offers dozens at once). Deltas are numbered: Socket.IO delivers at most once, so a
 * console that sees a gap, or a number of another feed (a restarted server, another instance), asks for the whole
 * queue again (`queue:list`, answered from the same numbering).
 */
export class QueueFeed {
  /** Names this feed: numbers from another process or instance are not comparable. */
  private readonly epoch = randomUUID();
  private seq = 0;
  private held?: { order: string[]; views: Map<string, ConversationView> };
  private chain: Promise<unknown> = Promise.resolve();
  /** Why chats left, as told by the changes that moved them, until the read that finds them gone sends it. */
  private readonly why = new Map<string, QueueLeaveReason>();

  constructor(
    private readonly read: () => Promise<ConversationView[]>,
    private readonly send: (delta: QueueDelta) => void,
  ) {}

  /** A chat left the queue for this reason: the next delta that removes it says so. */
  leaving(id: string, reason: QueueLeaveReason): void {
    this.why.set(id, reason);
  }

  /** Reads the queue, sends what changed since the last read (nothing if nothing did), answers the queue as now numbered. One at a time. */
  refresh(): Promise<QueueSnapshot> {
    const run = this.chain.then(() => this.step());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async step(): Promise<QueueSnapshot> {
    const queue = (await this.read()).map(queueEntry);
    const order = queue.map((c) => c.id);
    const views = new Map(queue.map((c) => [c.id, c]));
    // The first read is a change from nothing: a client that never asked queue:list still hears of what waits.
    const prev = this.held ?? { order: [], views: new Map<string, ConversationView>() };
    this.held = { order, views };
    const added: ConversationView[] = [];
    const changed: QueueEntryPatch[] = [];
    for (const c of queue) {
      const before = prev.views.get(c.id);
      if (!before) added.push(c);
      else {
        const patch = patchOf(before, c);
        if (patch) changed.push(patch);
      }
    }
    const removed = prev.order.filter((id) => !views.has(id));
    const reasons: Record<string, QueueLeaveReason> = {};
    for (const id of removed) {
      const why = this.why.get(id);
      if (why) reasons[id] = why;
    }
    // Kept only for chats still queued (the read came before the change); the rest were said or never held.
    for (const id of [...this.why.keys()]) if (!views.has(id)) this.why.delete(id);
    // The order goes along only when the console could not work it out: what stayed keeps its place, what came goes last.
    const gone = new Set(removed);
    const expected = [...prev.order.filter((id) => !gone.has(id)), ...added.map((c) => c.id)];
    const reordered = expected.length !== order.length || expected.some((id, i) => id !== order[i]);
    if (added.length || changed.length || removed.length || reordered) {
      this.seq += 1;
      this.send({
        epoch: this.epoch,
        seq: this.seq,
        added,
        changed,
        removed,
        ...(Object.keys(reasons).length ? { reasons } : {}),
        ...(reordered ? { order } : {}),
      });
    }
    return { epoch: this.epoch, seq: this.seq, queue };
  }
}

/**
 * A queued chat as consoles hold it: of its routing only the standing offer (to whom, since when), which is what a
 * console shows, since when its customer has gone, if they have, and the problems reported while waiting that made it urgent. The offer history, who passed and the last position told to the customer are routing's own, and a
 * re-offer or a position notice would otherwise send them again to every console.
 */
export function queueEntry(c: ConversationView): ConversationView {
  if (!c.queueInfo) return c;
  const { offeredTo, offeredAt, awaySince, urgent } = c.queueInfo;
  return {
    ...c,
    queueInfo: { offeredTo: offeredTo.slice(-1), ...(offeredAt ? { offeredAt } : {}), ...(awaySince ? { awaySince } : {}), ...(urgent ? { urgent } : {}) },
  };
}

/**
 * What changed in an entry for a console, field by field: everything but the wait, which the console counts itself
 * from queuedAt. The store raises `version` on every write, so the same version and customer name is the same entry
 * (no field compared: a thousand unchanged entries per read cost nothing).
 */
export function patchOf(before: ConversationView, after: ConversationView): QueueEntryPatch | undefined {
  if (before.version === after.version && before.customerName === after.customerName) return undefined;
  const set: Record<string, unknown> = {};
  const unset: (keyof ConversationView)[] = [];
  const was = before as unknown as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (key === 'waitingSeconds') continue;
    if (now[key] === undefined) {
      if (was[key] !== undefined) unset.push(key as keyof ConversationView);
    } else if (was[key] === undefined || JSON.stringify(was[key]) !== JSON.stringify(now[key])) set[key] = now[key];
  }
  if (!unset.length && !Object.keys(set).length) return undefined;
  return { id: after.id, from: before.version, set, ...(unset.length ? { unset } : {}) };
}
