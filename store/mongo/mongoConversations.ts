import { AppError } from '../../core/errors';
import type { ConversationDoc } from '../../models/mongoSchemas';
import type { Conversation, ConversationExpectation, ConversationPatch, NewConversation } from '../../models/records';
import { buildConversation, conversationFacts, patchConversation } from '../recordBuilders';
import type { ClaimInput, StateChange } from '../store';
import type { EngineConversations } from '../storeEngine';
import type { ClaimResult, ConversationHolder, ConversationQuery } from '../storeTypes';
import { isDuplicateKey, rollupMark, t, type MongoContext } from './mongoContext';

type ConversationRow = Pick<ConversationDoc, 'doc' | 'lastSeq'>;

export function toConversation(row: ConversationRow): Conversation {
  return { ...row.doc, lastSeq: row.lastSeq };
}

/** The fields a conversation's record determines (not its counters: lastSeq and sentiment move with its messages). */
export function conversationFields(c: Conversation): Omit<ConversationDoc, '_id' | 'lastSeq' | 'sentimentSum' | 'sentimentN' | 'sentimentAvg'> {
  const f = conversationFacts(c);
  return {
    channelId: c.channelId,
    channelConversationId: c.channelConversationId,
    customerId: c.customerId,
    state: c.state,
    agentId: c.agentId,
    priority: c.priority,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    handoffReason: c.handoffReason ?? null,
    satisfaction: c.satisfaction?.score ?? null,
    tags: c.tags,
    handledBy: c.handledBy ?? [],
    waitMs: f.waitMs,
    firstResponseMs: f.firstResponseMs,
    handleMs: f.handleMs,
    doc: c,
  };
}

export function conversationDoc(c: Conversation, sentiment = { sum: 0, n: 0 }): ConversationDoc {
  return {
    _id: c.id,
    ...conversationFields(c),
    lastSeq: c.lastSeq,
    sentimentSum: sentiment.sum,
    sentimentN: sentiment.n,
    sentimentAvg: sentiment.n > 0 ? sentiment.sum / sentiment.n : null,
  };
}

/** The agent's slot document, if it does not list the conversation yet and has fewer than maxActive entries. */
export function slotGuard(agentId: string, conversationId: string, maxActive: number) {
  return { _id: agentId, conversations: t({ $ne: conversationId }), [`conversations.${Math.floor(maxActive) - 1}`]: t({ $exists: false }) };
}

/**
 * A conversation meeting these expectations. A set-once field must be absent: `{ field: null }` matches a document
 * without the field (or with null), as MongoDB documents for equality with null.
 */
export function conversationFilter(id: string, expect?: ConversationExpectation & { customerId?: string }): Record<string, unknown> {
  const f: Record<string, unknown> = { _id: id };
  if (expect?.states) f.state = t({ $in: [...expect.states] });
  if (expect?.agentId !== undefined) f.agentId = expect.agentId;
  if (expect?.version !== undefined) f.version = expect.version;
  if (expect?.customerId !== undefined) f.customerId = expect.customerId;
  for (const field of expect?.absent ?? []) f[`doc.${field}`] = null;
  return f;
}

/** The agent holding a conversation, as capacity counts it. */
const holder = (c: Conversation) => (c.state === 'agent' ? c.agentId : null);

/**
 * Conversations. State and owner change by compare-and-set on the version. Capacity: each agent's slot document
 * lists the conversations they hold, and a claim reserves a slot with one guarded $push (the array may not reach
 * maxActive entries), which makes "fewer than maxActive" atomic per agent. A slot and its conversation are two
 * documents: a failure between the two writes leaves them disagreeing until MongoRepair reconciles them.
 */
export class MongoConversations implements EngineConversations {
  constructor(private readonly x: MongoContext) {}

  getOrCreateConversation(input: NewConversation): Promise<{ conversation: Conversation; created: boolean }> {
    return this.x.wrap(async () => {
      const existing = await this.findConversationByChannel(input.channelId, input.channelConversationId);
      if (existing) return { conversation: existing, created: false };
      const c = buildConversation(input);
      try {
        // Counted on the dashboard from its start: marked for the daily rollups in the insert itself.
        await this.x.m.Conversation.create({ ...conversationDoc(c), rollupMarks: 1, rollupDays: [c.createdAt.slice(0, 10)] });
        return { conversation: c, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = await this.findConversationByChannel(input.channelId, input.channelConversationId);
        if (!winner) throw err;
        return { conversation: winner, created: false };
      }
    });
  }

  getConversation(id: string): Promise<Conversation | null> {
    return this.x.wrap(async () => {
      const row = await this.x.m.Conversation.findOne({ _id: id }).lean();
      return row ? toConversation(row) : null;
    });
  }

  /** The two fields alone (a projection): the document's other fields are neither sent nor decoded. */
  getConversationHolder(id: string): Promise<ConversationHolder | null> {
    return this.x.wrap(async () => {
      const row = await this.x.m.Conversation.findOne({ _id: id }).select({ state: 1, agentId: 1 }).lean();
      return row ? { id, state: row.state, agentId: row.agentId ?? null } : null;
    });
  }

  findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null> {
    return this.x.wrap(async () => {
      const row = await this.x.m.Conversation.findOne({ channelId, channelConversationId }).lean();
      return row ? toConversation(row) : null;
    });
  }

  listConversations(query: ConversationQuery & { limit: number }): Promise<Conversation[]> {
    const filter: Record<string, unknown> = {};
    if (query.states) filter.state = t({ $in: [...query.states] });
    if (query.agentId !== undefined) filter.agentId = query.agentId;
    if (query.customerId !== undefined) filter.customerId = query.customerId;
    if (query.updatedBefore !== undefined) filter.updatedAt = t({ $lt: query.updatedBefore });
    return this.x.wrap(async () =>
      (await this.x.m.Conversation.find(filter).sort({ priority: -1, createdAt: 1, _id: 1 }).limit(query.limit).lean()).map(toConversation),
    );
  }

  deleteConversation(id: string): Promise<boolean> {
    // Messages first, the conversation last: a failure in between leaves the conversation, and the next sweep retries.
    return this.x.wrap(async () => {
      // The days it counts in, marked before (a failure after the deletes leaves no trace to find) and after.
      const days = await this.daysOf(id);
      await this.x.markDays(days);
      await this.x.m.Message.deleteMany({ conversationId: id });
      await this.x.m.Attachment.deleteMany({ conversationId: id });
      const row = await this.x.m.Conversation.findOne({ _id: id }).lean();
      if (row && holder(row.doc)) await this.releaseSlot(holder(row.doc)!, id);
      const deleted = (await this.x.m.Conversation.deleteOne({ _id: id })).deletedCount === 1;
      // Retention's deletion, like an erasure, leaves no sample text of it in the stored rows.
      await this.x.markDays(days, { dropRows: true });
      return deleted;
    });
  }

  /** The days a conversation counts in on the dashboard: its start and its customer messages' days. */
  async daysOf(id: string): Promise<string[]> {
    const [conv, said] = await Promise.all([
      this.x.m.Conversation.findOne({ _id: id }).select({ createdAt: 1 }).lean(),
      this.x.m.Message.aggregate<{ _id: string }>([
        { $match: { conversationId: id, role: 'customer' } },
        { $group: { _id: { $substrBytes: ['$createdAt', 0, 10] } } },
      ]),
    ]);
    return [...(conv ? [conv.createdAt] : []), ...said.map((d) => d._id)];
  }

  moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]> {
    return this.x.wrap(async () => {
      const rows = await this.x.m.Conversation.find({ customerId: fromCustomerId }).select({ _id: 1 }).lean();
      const moved: string[] = [];
      for (const row of rows) {
        if (onlyIds && !onlyIds.includes(row._id)) continue;
        const res = await this.cas(row._id, { customerId: fromCustomerId }, (c) => ({ ...patchConversation(c, {}), customerId: toCustomerId }));
        if (res) moved.push(row._id);
      }
      return moved;
    });
  }

  /** Compare-and-set on the version read, so the record and its indexed fields always move together. */
  private async cas(
    id: string,
    expect: (ConversationExpectation & { customerId?: string }) | undefined,
    build: (current: Conversation) => Conversation,
  ): Promise<{ before: Conversation; after: Conversation } | null> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const row = await this.x.m.Conversation.findOne(conversationFilter(id, expect)).lean();
      if (!row) return null;
      const before = toConversation(row);
      const after = build(before);
      // A change the dashboard counts is marked for the daily rollups in the same update.
      const mark = countedChange(before, after) ? rollupMark([before.createdAt, after.createdAt]) : {};
      const res = await this.x.m.Conversation.updateOne({ _id: id, version: before.version }, { $set: conversationFields(after), ...mark });
      if (res.matchedCount === 1) return { before, after };
    }
    throw new AppError('STORE_ETAG_CONFLICT', 'conversation kept changing; gave up');
  }

  async releaseSlot(agentId: string, conversationId: string): Promise<void> {
    await this.x.m.AgentSlots.updateOne({ _id: agentId }, { $pull: { conversations: conversationId } });
  }

  /** Upsert by _id alone: MongoDB retries a concurrent insert's duplicate key itself for such a filter. */
  async addSlot(agentId: string, conversationId: string): Promise<void> {
    await this.x.m.AgentSlots.updateOne({ _id: agentId }, { $addToSet: { conversations: conversationId } }, { upsert: true });
  }

  /** Moves capacity along with a change of holder (after the conversation was written). */
  private async followHolder(id: string, before: Conversation, after: Conversation): Promise<void> {
    const was = holder(before);
    const is = holder(after);
    if (was === is) return;
    this.x.fault('conversation.afterWrite');
    if (was) await this.releaseSlot(was, id);
    if (is) await this.addSlot(is, id);
  }

  updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null> {
    return this.x.wrap(async () => {
      const res = await this.cas(id, expect, (c) => patchConversation(c, patch));
      if (!res) return null;
      await this.followHolder(id, res.before, res.after);
      return res.after;
    });
  }

  /**
   * Reserves one of the agent's slots for this conversation: 'reserved', 'held' (it already was theirs) or 'full'.
   * The slot document may not exist yet: it is then created by an upsert on _id alone (retried by the server on a
   * concurrent duplicate), and the guarded $push tried again, so concurrent first claims are never refused for
   * capacity they have (a guarded upsert's duplicate-key error cannot tell "full" from "created meanwhile").
   */
  async reserveSlot(agentId: string, conversationId: string, maxActive: number): Promise<'reserved' | 'held' | 'full'> {
    if (maxActive < 1) return 'full';
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.x.m.AgentSlots.updateOne(slotGuard(agentId, conversationId, maxActive), { $push: { conversations: conversationId } });
      if (r.modifiedCount === 1) return 'reserved';
      const slots = await this.x.m.AgentSlots.findOne({ _id: agentId }).lean();
      if (slots) return slots.conversations.includes(conversationId) ? 'held' : 'full';
      await this.x.m.AgentSlots.updateOne({ _id: agentId }, { $setOnInsert: { conversations: [] } }, { upsert: true });
    }
    return 'full';
  }

  claimConversation(input: ClaimInput): Promise<ClaimResult> {
    const { conversationId, agentId } = input;
    return this.x.wrap(async (): Promise<ClaimResult> => {
      const slot = await this.reserveSlot(agentId, conversationId, input.maxActive);
      if (slot === 'full') {
        return (await this.x.m.Conversation.exists({ _id: conversationId })) ? { ok: false, reason: 'capacity' } : { ok: false, reason: 'not_found' };
      }
      this.x.fault('claim.afterReserve');
      const res = await this.cas(conversationId, { states: input.fromStates, agentId: input.expectedAgentId }, (c) =>
        patchConversation(c, { ...input.patch, state: 'agent', agentId }),
      );
      if (!res) {
        if (slot === 'reserved') await this.releaseSlot(agentId, conversationId);
        return (await this.x.m.Conversation.exists({ _id: conversationId })) ? { ok: false, reason: 'state' } : { ok: false, reason: 'not_found' };
      }
      const was = holder(res.before);
      if (was && was !== agentId) {
        this.x.fault('conversation.afterWrite');
        await this.releaseSlot(was, conversationId);
      }
      return { ok: true, conversation: res.after };
    });
  }

  setConversationState(input: StateChange): Promise<ClaimResult> {
    return this.x.wrap(async (): Promise<ClaimResult> => {
      const expect = { states: input.fromStates, agentId: input.expectedAgentId, version: input.expectedVersion };
      const res = await this.cas(input.conversationId, expect, (c) => patchConversation(c, { ...input.patch, state: input.to, agentId: null }));
      if (!res)
        return (await this.x.m.Conversation.exists({ _id: input.conversationId })) ? { ok: false, reason: 'state' } : { ok: false, reason: 'not_found' };
      await this.followHolder(input.conversationId, res.before, res.after);
      return { ok: true, conversation: res.after };
    });
  }

  eraseChannelKeys(id: string, channelConversationId: string): Promise<void> {
    return this.x.wrap(async () => {
      await this.cas(id, undefined, (c) => ({
        ...patchConversation(c, {
          reference: { channelId: c.channelId, serviceUrl: '', conversation: { id: channelConversationId } },
          tags: [],
          satisfaction: undefined,
        }),
        channelConversationId,
      }));
    });
  }

  countActiveChats(agentId: string): Promise<number> {
    return this.x.wrap(() => this.x.m.Conversation.countDocuments({ agentId, state: 'agent' }));
  }
}

/** Whether a change moves the dashboard's figures (mongoRollups.ts); the running sentiment moves with appends. */
function countedChange(a: Conversation, b: Conversation): boolean {
  const fa = conversationFacts(a);
  const fb = conversationFacts(b);
  return (
    a.createdAt !== b.createdAt ||
    a.channelId !== b.channelId ||
    a.customerId !== b.customerId ||
    a.state !== b.state ||
    a.handoffReason !== b.handoffReason ||
    a.satisfaction?.score !== b.satisfaction?.score ||
    fa.waitMs !== fb.waitMs ||
    fa.firstResponseMs !== fb.firstResponseMs ||
    fa.handleMs !== fb.handleMs
  );
}
