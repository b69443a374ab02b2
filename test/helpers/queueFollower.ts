import type { Socket } from 'socket.io-client';
import type { ConversationView, QueueDelta, QueueSnapshot } from '../../agent-console/server/protocol';
import { stepQueue, type QueuePosition } from '../../agent-console/web/state/queueReplica';
import { request } from './consoleClient';

/**
 * The queue as a console follows it over a real Socket.IO client, with the browser's own steps (queueReplica.ts):
 * deltas applied in order, the whole queue fetched again on a gap. `drop` loses the next deltas on purpose, as an
 * at-most-once delivery may.
 */
export class QueueFollower {
  at?: QueuePosition;
  ids: string[] = [];
  readonly entries = new Map<string, ConversationView>();
  readonly deltas: QueueDelta[] = [];
  resyncs = 0;
  drop = 0;
  private fetching = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly socket: Socket) {
    socket.on('queue:changed', (d: QueueDelta) => this.onDelta(d));
  }

  /** The whole queue, as the console fetches it on start and after a gap. */
  async fetch(): Promise<void> {
    this.fetching = true;
    const r = await request<QueueSnapshot>(this.socket, 'queue:list', {});
    this.fetching = false;
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.data!;
    if (this.at?.epoch === s.epoch && s.seq < this.at.seq) return;
    this.at = { epoch: s.epoch, seq: s.seq };
    this.ids = s.queue.map((c) => c.id);
    for (const c of s.queue) this.entries.set(c.id, c);
    this.wake();
  }

  private onDelta(d: QueueDelta): void {
    this.deltas.push(d);
    if (this.drop > 0) {
      this.drop -= 1;
      return;
    }
    if (this.fetching) return;
    const step = stepQueue(this.at, this.ids, (id) => this.entries.get(id), d);
    if (step.kind === 'apply') {
      this.at = step.at;
      this.ids = step.ids;
      for (const c of step.entries) this.entries.set(c.id, c);
      for (const id of step.removed) this.entries.delete(id);
      this.wake();
    } else if (step.kind === 'resync') {
      this.resyncs += 1;
      void this.fetch();
    }
  }

  /** The entries in queue order. */
  queue(): ConversationView[] {
    return this.ids.map((id) => this.entries.get(id)!);
  }

  async until(pred: () => boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error('queue follower: condition not met in time');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
