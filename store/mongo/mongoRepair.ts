import { randomUUID } from 'node:crypto';
import type { RepairReport } from '../storeTypes';
import { t, type MongoContext } from './mongoContext';
import type { MongoLeases } from './mongoJobs';
import type { MongoMessages } from './mongoMessages';
import { REBUILD_PER_REPAIR, type MongoRollups } from './mongoRollups';

/** How long an orphaned slot must stay orphaned before it is freed: a claim in flight reserves its slot first. */
const CONFIRM_MS = 1000;
/** The lease one instance's rollup repair holds while it runs (released at its end; a dead holder's lapses). */
const ROLLUP_LEASE = 'store-rollups';
const ROLLUP_LEASE_MS = 10 * 60_000;
/** How far back the counters repair looks when it has not run before (at start). */
const FIRST_WINDOW_MS = 24 * 3600_000;
/** Overlap between consecutive counters repairs, so nothing written around a run's start is missed. */
const OVERLAP_MS = 5 * 60_000;

/**
 * Reconciles what MongoDB keeps in more than one document, idempotently (every minute by whichever instance holds
 * the `store-repair` lease, app/appServices.ts, and by `npm run migrate`): each agent's capacity slots against the
 * conversations they hold (a failed second write of a claim, a close or a transfer), each recent conversation's
 * lastSeq and running sentiment against its messages (a failed counting step after an append), and the dashboard's
 * daily rollups (changes recorded in conversations passed on to their days, then the stale days rebuilt: only
 * those). Nothing here can double-count: slots are sets, counting advances one message at a time under a
 * compare-and-set on lastSeq, and a day is rebuilt whole under a claim and a compare-and-set on its gen.
 */
export class MongoRepair {
  private lastRun: number | undefined;

  constructor(
    private readonly x: MongoContext,
    private readonly messages: MongoMessages,
    private readonly rollups: MongoRollups,
    private readonly leases: MongoLeases,
    private readonly confirmMs = CONFIRM_MS,
  ) {}

  async run(): Promise<RepairReport> {
    const started = Date.now();
    const since = new Date(this.lastRun === undefined ? started - FIRST_WINDOW_MS : this.lastRun - OVERLAP_MS).toISOString();
    const report = { slots: await this.slots(), counters: await this.counters(since), rollupDays: await this.rollupDays() };
    this.lastRun = started;
    return report;
  }

  private async heldBy(): Promise<Map<string, Set<string>>> {
    const rows = await this.x.m.Conversation.aggregate<{ _id: string; ids: string[] }>([
      { $match: { state: 'agent', agentId: { $type: 'string' } } },
      { $group: { _id: '$agentId', ids: { $push: '$_id' } } },
    ]);
    return new Map(rows.map((r) => [r._id, new Set(r.ids)]));
  }

  private async slots(): Promise<number> {
    const held = await this.heldBy();
    const fixed = new Set<string>();
    const orphans = new Map<string, string[]>();
    const slotDocs = await this.x.m.AgentSlots.find({}).lean();
    for (const doc of slotDocs) {
      const mine = held.get(doc._id) ?? new Set<string>();
      const extra = doc.conversations.filter((id) => !mine.has(id));
      if (extra.length) orphans.set(doc._id, extra);
    }
    const slotted = new Map(slotDocs.map((d) => [d._id, new Set(d.conversations)]));
    for (const [agentId, ids] of held) {
      const missing = [...ids].filter((id) => !slotted.get(agentId)?.has(id));
      if (!missing.length) continue;
      await this.x.m.AgentSlots.updateOne({ _id: agentId }, { $addToSet: { conversations: t({ $each: missing }) } }, { upsert: true });
      fixed.add(agentId);
    }
    if (orphans.size) {
      // A slot whose conversation is not (yet) the agent's may belong to a claim in flight: free it only if it
      // is still orphaned a moment later.
      await new Promise((resolve) => setTimeout(resolve, this.confirmMs));
      const again = await this.heldBy();
      for (const [agentId, ids] of orphans) {
        const still = ids.filter((id) => !again.get(agentId)?.has(id));
        if (!still.length) continue;
        await this.x.m.AgentSlots.updateOne({ _id: agentId }, { $pull: { conversations: t({ $in: still }) } });
        fixed.add(agentId);
      }
    }
    return fixed.size;
  }

  private async counters(since: string): Promise<number> {
    const lagging = await this.x.m.Message.aggregate<{ _id: string }>(
      [
        { $match: { createdAt: { $gte: since } } },
        { $group: { _id: '$conversationId', maxSeq: { $max: '$seq' } } },
        { $lookup: { from: 'conversations', localField: '_id', foreignField: '_id', as: 'c', pipeline: [{ $project: { _id: 0, lastSeq: 1 } }] } },
        { $unwind: '$c' },
        { $match: { $expr: { $lt: ['$c.lastSeq', '$maxSeq'] } } },
        { $project: { _id: 1 } },
      ],
      { allowDiskUse: true },
    );
    for (const { _id } of lagging) await this.messages.advance(_id);
    return lagging.length;
  }

  /**
   * Passes conversations' recorded dashboard changes on to their days, then rebuilds the newest stale days; under a
   * lease, so one instance at a time does it (another's run finds the lease taken and leaves it to that one: changes
   * written after its collect wait for the next run). Returns the days this run rebuilt.
   */
  private async rollupDays(): Promise<number> {
    const holder = randomUUID();
    if (!(await this.leases.acquireLease(ROLLUP_LEASE, holder, ROLLUP_LEASE_MS, Date.now()))) return 0;
    try {
      await this.rollups.collect();
      return await this.rollups.refresh(undefined, REBUILD_PER_REPAIR);
    } finally {
      await this.leases.releaseLease(ROLLUP_LEASE, holder).catch(() => undefined);
    }
  }
}
