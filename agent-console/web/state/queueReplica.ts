import type { ConversationView, QueueDelta, QueueEntryPatch, QueueLeaveReason } from '../../server/protocol';

/**
 * How a console follows the server's queue feed (agent-console/server/queueFeed.ts): pure, so the browser's inbox
 * and the Socket.IO tests run the same steps. A delta applies only on top of the one before it, from the same feed,
 * and a patch only on the version it was made from; anything else means the whole queue is fetched again
 * (`queue:list`): Socket.IO delivers at most once, and a console that guessed would show a queue that is not.
 */
export interface QueuePosition {
  epoch: string;
  seq: number;
}

export type QueueStep =
  /** `entries`: the new and changed entries, as new objects (the rest keep theirs); `ids`: the queue in order. */
  | { kind: 'apply'; at: QueuePosition; entries: ConversationView[]; ids: string[]; removed: string[]; reasons: Record<string, QueueLeaveReason> }
  /** Already in what the console holds (a delta sent before the snapshot it fetched). */
  | { kind: 'skip' }
  | { kind: 'resync'; why: 'gap' | 'feed' | 'entry' };

/** The step for delta `d` on the queue held at `at` (undefined: none yet), in order `ids`, its entries found by `get`. */
export function stepQueue(at: QueuePosition | undefined, ids: readonly string[], get: (id: string) => ConversationView | undefined, d: QueueDelta): QueueStep {
  if (at?.epoch !== d.epoch) return { kind: 'resync', why: 'feed' };
  if (d.seq <= at.seq) return { kind: 'skip' };
  if (d.seq !== at.seq + 1) return { kind: 'resync', why: 'gap' };
  const entries: ConversationView[] = [...d.added];
  for (const p of d.changed) {
    const held = get(p.id);
    const next = held && patched(held, p);
    if (next === undefined) return { kind: 'resync', why: 'entry' };
    if (next !== held) entries.push(next);
  }
  const gone = new Set(d.removed);
  const kept = ids.filter((id) => !gone.has(id));
  const known = new Set(kept);
  const order = d.order ?? [...kept, ...d.added.map((c) => c.id).filter((id) => !known.has(id))];
  return { kind: 'apply', at: { epoch: d.epoch, seq: d.seq }, entries, ids: order, removed: d.removed, reasons: d.reasons ?? {} };
}

/**
 * The entry after patch `p`: a new object on the version the patch was made from; the same object when the console
 * holds the patch's version or newer already (from a claim's answer, say); undefined when it holds an older one
 * (a change it never heard of: only the whole queue tells it).
 */
export function patched(held: ConversationView, p: QueueEntryPatch): ConversationView | undefined {
  const to = p.set.version ?? p.from;
  if (held.version === p.from) {
    const next: Record<string, unknown> = { ...held, ...p.set };
    for (const key of p.unset ?? []) delete next[key];
    return next as unknown as ConversationView;
  }
  return held.version >= to && to > p.from ? held : undefined;
}
