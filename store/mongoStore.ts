import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { AppError } from '../core/errors';
import type {
  AuditEntry,
  ContactType,
  Conversation,
  ConversationExpectation,
  ConversationPatch,
  ConversationState,
  Customer,
  CustomerPatch,
  Message,
  NewConversation,
  NewCustomer,
  NewMessage,
  NewUser,
  Session,
  StateEntry,
  User,
  UserPatch,
} from '../models/records';
import { UNRECOGNIZED_INTENT } from '../models/records';
import { registerModels, type MongoModels } from '../models/mongoSchemas';
import { buildConversation, buildCustomer, buildMessage, buildUser, conversationFacts, erasedMessage, mergeCustomer, patchConversation } from './recordBuilders';
import type { AppendResult, AuditQuery, ClaimResult, ConversationQuery, ConversationStats, IdentityKey, ImportBatch, MessagePage, Percentiles, SearchHit, StatsQuery, Store, TranscriptFilter, TranscriptPage, TranscriptResults, StateChange } from './store';
import { MAX_PAGE, UNRECOGNIZED_TOP, rankIndex } from './store';
import { averageSentiment, byConversationThenSeq, clampLimit, conversationOrder, customerKeys, decodeCursor, encodeCursor, sentimentSums, identityKeyString, normalizeEmail, plain, plainNumber, validateExpectation } from './storeGuards';

const t = mongoose.trusted;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

function duplicateOn(err: unknown, field: string): boolean {
  const e = err as { keyPattern?: Record<string, unknown>; message?: string };
  return isDuplicateKey(err) && (e.keyPattern ? field in e.keyPattern : String(e.message).includes(field));
}

/**
 * The production store: MongoDB through mongoose. sanitizeFilter is on, so any operator object that
 * reaches a filter from input is neutralized to $eq; our own operators are marked trusted.
 * bufferCommands is off so an outage fails fast instead of queueing.
 */
export class MongoStore implements Store {
  readonly kind = 'mongo' as const;
  private conn!: Connection;
  private m!: MongoModels;

  constructor(
    private readonly uri: string,
    private readonly options: { timeoutMs?: number; dbName?: string } = {},
  ) {}

  async init(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 2000;
    this.conn = mongoose.createConnection(this.uri, {
      bufferCommands: false,
      autoIndex: false,
      serverSelectionTimeoutMS: timeoutMs,
      socketTimeoutMS: 30000,
      dbName: this.options.dbName,
    });
    this.conn.set('sanitizeFilter', true);
    this.conn.set('strictQuery', true);
    await this.conn.asPromise();
    this.m = registerModels(this.conn);
    await Promise.all(Object.values(this.m).map((model) => model.createIndexes()));
  }

  async ping(): Promise<void> {
    try {
      const db = this.conn?.db;
      if (!db || this.conn.readyState !== 1) throw new Error('not connected');
      await db.admin().command({ ping: 1 }, { timeoutMS: this.options.timeoutMs ?? 2000 } as object);
    } catch (err) {
      throw new AppError('STORE_UNAVAILABLE', undefined, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.conn?.close();
  }

  /**
   * Every write here resolves only once the server acknowledged it under the connection's write concern (set
   * `w=majority&journal=true` in MONGODB_URI for writes that survive a failover and a power loss), so `deferSync`
   * changes nothing and there is never anything left to wait for.
   */
  async sync(): Promise<void> {
    if (!this.conn || this.conn.readyState !== 1) throw new AppError('STORE_UNAVAILABLE', 'not connected');
  }

  /** Test helper: drops every collection of this store's database. */
  async dropAll(): Promise<void> {
    await this.conn.dropDatabase();
    await Promise.all(Object.values(this.m).map((model) => model.createIndexes()));
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (isDuplicateKey(err)) throw new AppError('STORE_CONFLICT', undefined, { cause: err });
      const name = (err as Error)?.name ?? '';
      if (name === 'MongooseError' && /not allowed with sanitizeFilter/.test((err as Error).message)) {
        throw new AppError('STORE_INVALID_QUERY', (err as Error).message, { cause: err });
      }
      throw new AppError('STORE_UNAVAILABLE', (err as Error)?.message, { cause: err });
    }
  }

  // ---- customers

  private customerDoc(c: Customer) {
    return {
      _id: c.id,
      doc: c,
      version: c.version,
      keys: customerKeys(c),
      contacts: c.contacts.map((p) => identityKeyString({ kind: p.type, value: p.value })),
      segments: c.segments,
    };
  }

  async createCustomer(input: NewCustomer): Promise<Customer> {
    const c = buildCustomer(input);
    return this.wrap(async () => {
      try {
        await this.m.Customer.create(this.customerDoc(c));
      } catch (err) {
        if (duplicateOn(err, 'keys')) throw new AppError('STORE_CONFLICT', 'an identity belongs to another customer', { cause: err });
        throw err;
      }
      return c;
    });
  }

  async getCustomer(id: string): Promise<Customer | null> {
    plain(id, 'id');
    return this.wrap(async () => ((await this.m.Customer.findOne({ _id: id }).lean()) as any)?.doc ?? null);
  }

  async findCustomerByKey(key: IdentityKey): Promise<Customer | null> {
    const k = identityKeyString(key);
    return this.wrap(async () => ((await this.m.Customer.findOne({ keys: k }).lean()) as any)?.doc ?? null);
  }

  async findCustomersByContact(type: ContactType, value: string): Promise<Customer[]> {
    const k = identityKeyString(type === 'email' ? { kind: 'email', value } : { kind: 'phone', value });
    return this.wrap(async () => {
      const docs = (await this.m.Customer.find({ contacts: k }).sort({ _id: 1 }).lean()) as any[];
      return docs.map((d) => d.doc as Customer);
    });
  }

  async updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number): Promise<Customer> {
    plain(id, 'id');
    if (expectedVersion !== undefined) plainNumber(expectedVersion, 'expectedVersion');
    return this.wrap(async () => {
      // Optimistic loop: read, merge, write only if the version is still the one read.
      for (let attempt = 0; attempt < 50; attempt++) {
        const row = (await this.m.Customer.findOne({ _id: id }).lean()) as any;
        if (!row) throw new AppError('NOT_FOUND', 'customer not found');
        const current = row.doc as Customer;
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
        }
        const next = mergeCustomer(current, patch);
        const { _id, ...set } = this.customerDoc(next);
        try {
          const res = await this.m.Customer.updateOne({ _id: id, version: current.version }, { $set: set });
          if (res.matchedCount === 1) return next;
        } catch (err) {
          if (duplicateOn(err, 'keys')) throw new AppError('STORE_CONFLICT', 'an identity belongs to another customer', { cause: err });
          throw err;
        }
        if (expectedVersion !== undefined) throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
      }
      throw new AppError('STORE_ETAG_CONFLICT', 'customer kept changing; gave up');
    });
  }

  // ---- conversations

  private toConversation(row: any): Conversation {
    return { ...(row.doc as Conversation), lastSeq: row.lastSeq };
  }

  private conversationDoc(c: Conversation) {
    const f = conversationFacts(c);
    return {
      handoffReason: c.handoffReason ?? null,
      satisfaction: c.satisfaction?.score ?? null,
      tags: c.tags,
      handledBy: c.handledBy ?? [],
      waitMs: f.waitMs,
      firstResponseMs: f.firstResponseMs,
      handleMs: f.handleMs,
      channelId: c.channelId,
      channelConversationId: c.channelConversationId,
      customerId: c.customerId,
      state: c.state,
      agentId: c.agentId,
      priority: c.priority,
      version: c.version,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      doc: c,
    };
  }

  async getOrCreateConversation(input: NewConversation): Promise<{ conversation: Conversation; created: boolean }> {
    plain(input.channelId, 'channelId');
    plain(input.channelConversationId, 'channelConversationId');
    plain(input.customerId, 'customerId');
    return this.wrap(async () => {
      const existing = await this.findConversationByChannel(input.channelId, input.channelConversationId);
      if (existing) return { conversation: existing, created: false };
      const c = buildConversation(input);
      try {
        await this.m.Conversation.create({ _id: c.id, lastSeq: 0, ...this.conversationDoc(c) });
        return { conversation: c, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = await this.findConversationByChannel(input.channelId, input.channelConversationId);
        if (!winner) throw err;
        return { conversation: winner, created: false };
      }
    });
  }

  async getConversation(id: string): Promise<Conversation | null> {
    plain(id, 'id');
    return this.wrap(async () => {
      const row = await this.m.Conversation.findOne({ _id: id }).lean();
      return row ? this.toConversation(row) : null;
    });
  }

  async findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null> {
    plain(channelId, 'channelId');
    plain(channelConversationId, 'channelConversationId');
    return this.wrap(async () => {
      const row = await this.m.Conversation.findOne({ channelId, channelConversationId }).lean();
      return row ? this.toConversation(row) : null;
    });
  }

  async listConversations(query: ConversationQuery): Promise<Conversation[]> {
    const filter: Record<string, unknown> = {};
    if (query.states) {
      if (query.states.length === 0) return [];
      filter.state = t({ $in: query.states.map((s) => plain(s, 'state')) });
    }
    if (query.agentId !== undefined) filter.agentId = plain(query.agentId, 'agentId');
    if (query.customerId !== undefined) filter.customerId = plain(query.customerId, 'customerId');
    if (query.updatedBefore !== undefined) filter.updatedAt = t({ $lt: plain(query.updatedBefore, 'updatedBefore') });
    const limit = clampLimit(query.limit, 100, MAX_PAGE);
    return this.wrap(async () => {
      const rows = await this.m.Conversation.find(filter).sort({ priority: -1, createdAt: 1, _id: 1 }).limit(limit).lean();
      return rows.map((r) => this.toConversation(r));
    });
  }

  async deleteConversation(id: string): Promise<boolean> {
    plain(id, 'id');
    return this.wrap(async () => {
      await this.m.Message.deleteMany({ conversationId: id });
      const row = (await this.m.Conversation.findOne({ _id: id }).lean()) as any;
      if (row?.state === 'agent' && row.agentId) await this.releaseSlot(row.agentId, id);
      return (await this.m.Conversation.deleteOne({ _id: id })).deletedCount === 1;
    });
  }

  async moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]> {
    plain(fromCustomerId, 'fromCustomerId');
    plain(toCustomerId, 'toCustomerId');
    onlyIds?.forEach((id) => plain(id, 'conversationId'));
    return this.wrap(async () => {
      const rows = (await this.m.Conversation.find({ customerId: fromCustomerId }).lean()) as any[];
      const moved: string[] = [];
      for (const row of rows) {
        if (onlyIds && !onlyIds.includes(row._id)) continue;
        const res = await this.casConversation(row._id, undefined, (c) => ({ ...patchConversation(c, {}), customerId: toCustomerId }));
        if (res) {
          await this.m.Conversation.updateOne({ _id: row._id }, { $set: { customerId: toCustomerId } });
          moved.push(row._id);
        }
      }
      return moved;
    });
  }

  private expectationFilter(id: string, expect?: ConversationExpectation): Record<string, unknown> {
    const f: Record<string, unknown> = { _id: id };
    if (expect?.states) f.state = t({ $in: [...expect.states] });
    if (expect?.agentId !== undefined) f.agentId = expect.agentId;
    if (expect?.version !== undefined) f.version = expect.version;
    return f;
  }

  /** CAS on the version read, so the stored doc and the indexed fields always move together. */
  private async casConversation(
    id: string,
    expect: ConversationExpectation | undefined,
    build: (current: Conversation) => Conversation,
  ): Promise<{ before: Conversation; after: Conversation } | null> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const row = await this.m.Conversation.findOne(this.expectationFilter(id, expect)).lean();
      if (!row) return null;
      const before = this.toConversation(row);
      const after = build(before);
      const { doc, ...fields } = this.conversationDoc(after);
      const res = await this.m.Conversation.updateOne(
        { _id: id, version: before.version },
        { $set: { ...fields, doc } },
      );
      if (res.matchedCount === 1) return { before, after };
    }
    throw new AppError('STORE_ETAG_CONFLICT', 'conversation kept changing; gave up');
  }

  private async releaseSlot(agentId: string, conversationId: string): Promise<void> {
    await this.m.AgentSlots.updateOne({ _id: agentId }, { $pull: { conversations: conversationId } });
  }

  async updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null> {
    plain(id, 'id');
    validateExpectation(expect);
    return this.wrap(async () => {
      const res = await this.casConversation(id, expect, (c) => patchConversation(c, patch));
      if (!res) return null;
      const { before, after } = res;
      const held = (c: Conversation) => (c.state === 'agent' ? c.agentId : null);
      if (held(before) && held(before) !== held(after)) await this.releaseSlot(held(before)!, id);
      if (held(after) && held(before) !== held(after)) {
        await this.m.AgentSlots.updateOne({ _id: held(after) }, { $addToSet: { conversations: id } }, { upsert: true });
      }
      return this.getConversation(id);
    });
  }

  async claimConversation(input: {
    conversationId: string;
    agentId: string;
    fromStates: readonly ConversationState[];
    expectedAgentId?: string | null;
    maxActive: number;
    patch?: ConversationPatch;
  }): Promise<ClaimResult> {
    const { conversationId, agentId } = input;
    plain(conversationId, 'conversationId');
    plain(agentId, 'agentId');
    const maxActive = plainNumber(input.maxActive, 'maxActive');
    return this.wrap(async (): Promise<ClaimResult> => {
      if (!(await this.m.Conversation.exists({ _id: conversationId }))) return { ok: false, reason: 'not_found' };
      // Reserve a slot first: the array-length guard makes "fewer than maxActive" atomic per agent.
      let reserved = false;
      if (maxActive < 1) return { ok: false, reason: 'capacity' };
      try {
        const r = await this.m.AgentSlots.updateOne(
          { _id: agentId, conversations: t({ $ne: conversationId }), [`conversations.${maxActive - 1}`]: t({ $exists: false }) },
          { $push: { conversations: conversationId } },
          { upsert: true },
        );
        reserved = r.modifiedCount === 1 || r.upsertedCount === 1;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const alreadyHeld = !reserved && !!(await this.m.AgentSlots.exists({ _id: agentId, conversations: conversationId }));
      if (!reserved && !alreadyHeld) return { ok: false, reason: 'capacity' };
      const res = await this.casConversation(conversationId, { states: input.fromStates, agentId: input.expectedAgentId }, (c) =>
        patchConversation(c, { ...input.patch, state: 'agent', agentId }),
      );
      if (!res) {
        if (reserved) await this.releaseSlot(agentId, conversationId);
        return { ok: false, reason: 'state' };
      }
      if (res.before.state === 'agent' && res.before.agentId && res.before.agentId !== agentId) {
        await this.releaseSlot(res.before.agentId, conversationId);
      }
      const conversation = await this.getConversation(conversationId);
      return { ok: true, conversation: conversation! };
    });
  }

  async countActiveChats(agentId: string): Promise<number> {
    plain(agentId, 'agentId');
    return this.wrap(() => this.m.Conversation.countDocuments({ agentId, state: 'agent' }));
  }

  // ---- conversation state (handoff's transition() is the one caller) and privacy erasure

  async setConversationState(input: StateChange): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.to, 'to');
    const expect = { states: input.fromStates, agentId: input.expectedAgentId, version: input.expectedVersion };
    validateExpectation(expect);
    return this.wrap(async (): Promise<ClaimResult> => {
      if (!(await this.m.Conversation.exists({ _id: input.conversationId }))) return { ok: false, reason: 'not_found' };
      const res = await this.casConversation(input.conversationId, expect, (c) => patchConversation(c, { ...input.patch, state: input.to, agentId: null }));
      if (!res) return { ok: false, reason: 'state' };
      if (res.before.state === 'agent' && res.before.agentId) await this.releaseSlot(res.before.agentId, input.conversationId);
      return { ok: true, conversation: (await this.getConversation(input.conversationId))! };
    });
  }

  async eraseConversation(id: string, channelConversationId: string): Promise<number> {
    plain(id, 'id');
    plain(channelConversationId, 'channelConversationId');
    const messages = await this.eraseMessages(id);
    await this.wrap(() =>
      this.casConversation(id, undefined, (c) => ({
        ...patchConversation(c, { reference: { channelId: c.channelId, serviceUrl: '', conversation: { id: channelConversationId } }, tags: [], satisfaction: undefined }),
        channelConversationId,
      })),
    );
    return messages;
  }

  /** MongoDB keeps deleted documents in its files until compaction, and in every backup: README says what the operator does. */
  async scrub(): Promise<void> {
    await this.ping();
  }

  // ---- messages

  async appendMessage(input: NewMessage): Promise<AppendResult> {
    plain(input.conversationId, 'conversationId');
    if (input.activityId !== undefined) plain(input.activityId, 'activityId');
    const conversationId = input.conversationId;
    return this.wrap(async (): Promise<AppendResult> => {
      const conv = (await this.m.Conversation.findOne({ _id: conversationId }).select({ channelId: 1 }).lean()) as any;
      if (!conv) throw new AppError('NOT_FOUND', 'conversation not found');
      // Optimistic, gap-free: take max(seq)+1 and let the unique (conversationId, seq) index pick one
      // winner; a duplicate activity id hits its own unique index and returns the stored message.
      for (let attempt = 0; attempt < 1000; attempt++) {
        if (input.activityId !== undefined) {
          const existing = (await this.m.Message.findOne({ conversationId, activityId: input.activityId }).lean()) as any;
          if (existing) return { message: existing.doc as Message, created: false };
        }
        const last = (await this.m.Message.findOne({ conversationId }).sort({ seq: -1 }).select({ seq: 1 }).lean()) as any;
        const m = buildMessage(input, (last?.seq ?? 0) + 1);
        try {
          await this.m.Message.create(this.messageDoc(m, conv.channelId));
        } catch (err) {
          if (duplicateOn(err, 'activityId') || duplicateOn(err, 'seq')) continue;
          throw err;
        }
        const scored = m.role === 'customer' && typeof m.sentiment === 'number';
        await this.m.Conversation.updateOne(
          { _id: conversationId },
          { $max: { lastSeq: m.seq }, $set: { updatedAt: m.createdAt }, ...(scored ? { $inc: { sentimentSum: m.sentiment, sentimentN: 1 } } : {}) },
        );
        return { message: m, created: true };
      }
      throw new AppError('STORE_UNAVAILABLE', 'could not append after many attempts');
    });
  }

  private messageDoc(m: Message, channelId: string) {
    const customer = m.role === 'customer';
    return {
      _id: m.id,
      conversationId: m.conversationId,
      seq: m.seq,
      activityId: m.activityId,
      role: m.role,
      kind: m.kind,
      text: m.text,
      createdAt: m.createdAt,
      channelId,
      ...(customer && m.intent !== undefined ? { intent: m.intent } : {}),
      ...(customer && m.sentiment !== undefined ? { sentiment: m.sentiment } : {}),
      doc: m,
    };
  }

  async listMessages(conversationId: string, page: MessagePage = {}): Promise<Message[]> {
    plain(conversationId, 'conversationId');
    const after = page.afterSeq === undefined ? 0 : plainNumber(page.afterSeq, 'afterSeq');
    const limit = clampLimit(page.limit, MAX_PAGE, MAX_PAGE);
    return this.wrap(async () => {
      const rows = (await this.m.Message.find({ conversationId, seq: t({ $gt: after }) }).sort({ seq: 1 }).limit(limit).lean()) as any[];
      return rows.map((r) => r.doc as Message);
    });
  }

  async findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null> {
    plain(conversationId, 'conversationId');
    plain(activityId, 'activityId');
    return this.wrap(async () => ((await this.m.Message.findOne({ conversationId, activityId }).lean()) as any)?.doc ?? null);
  }

  async eraseMessages(conversationId: string): Promise<number> {
    plain(conversationId, 'conversationId');
    return this.wrap(async () => {
      const rows = (await this.m.Message.find({ conversationId }).lean()) as any[];
      for (const r of rows) await this.m.Message.updateOne({ _id: r._id }, { $set: { text: '', doc: erasedMessage(r.doc as Message) }, $unset: { intent: 1, sentiment: 1 } });
      await this.m.Conversation.updateOne({ _id: conversationId }, { $set: { sentimentSum: 0, sentimentN: 0 } });
      return rows.length;
    });
  }

  async searchMessages(query: string, limit?: number): Promise<SearchHit[]> {
    const words = plain(query, 'query').normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
    if (!words.length) return [];
    const n = clampLimit(limit, 50, MAX_PAGE);
    return this.wrap(async () => {
      // A quoted phrase: $text treats it as a phrase, not as operators.
      const rows = (await this.m.Message.find({ $text: t({ $search: `"${words.slice(0, 20).join(' ')}"` }) } as never).sort({ createdAt: -1 }).limit(n).lean()) as any[];
      return rows.map((r) => ({ conversationId: r.conversationId, seq: r.seq, role: r.role, text: r.text, createdAt: r.createdAt }));
    });
  }

  async conversationStats(q: StatsQuery): Promise<ConversationStats> {
    const range = t({ $gte: plain(q.from, 'from'), $lt: plain(q.to, 'to') });
    const match: Record<string, unknown> = { createdAt: range };
    if (q.channelId !== undefined) match.channelId = plain(q.channelId, 'channelId');
    const messageMatch: Record<string, unknown> = { role: 'customer', createdAt: range };
    if (q.channelId !== undefined) messageMatch.channelId = q.channelId;
    const number = t({ $type: 'number' });
    return this.wrap(async () => {
      const [facets] = await this.m.Conversation.aggregate([
        { $match: match },
        {
          $facet: {
            perDay: [{ $group: { _id: { day: { $substrBytes: ['$createdAt', 0, 10] }, channelId: '$channelId' }, count: { $sum: 1 } } }, { $sort: { '_id.day': 1, '_id.channelId': 1 } }],
            totals: [{ $group: { _id: null, total: { $sum: 1 }, botOnly: { $sum: { $cond: [{ $and: [{ $eq: [{ $ifNull: ['$handoffReason', null] }, null] }, { $ne: ['$state', 'external'] }] }, 1, 0] } } } }],
            reasons: [{ $match: { handoffReason: t({ $type: 'string' }) } }, { $group: { _id: '$handoffReason', count: { $sum: 1 } } }, { $sort: { count: -1, _id: 1 } }],
            satisfaction: [{ $match: { satisfaction: number } }, { $group: { _id: '$satisfaction', count: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            sentiment: [
              { $match: { sentimentN: t({ $gt: 0 }) } },
              { $group: { _id: { $substrBytes: ['$createdAt', 0, 10] }, sum: { $sum: '$sentimentSum' }, n: { $sum: '$sentimentN' } } },
            ],
            sentimentBySegment: [
              { $match: { sentimentN: t({ $gt: 0 }) } },
              { $lookup: { from: 'customers', localField: 'customerId', foreignField: '_id', as: 'customer', pipeline: [{ $project: { segments: 1 } }] } },
              { $unwind: '$customer' },
              { $unwind: '$customer.segments' },
              { $group: { _id: { day: { $substrBytes: ['$createdAt', 0, 10] }, segment: '$customer.segments' }, sum: { $sum: '$sentimentSum' }, n: { $sum: '$sentimentN' } } },
            ],
          },
        },
      ]);
      // Nearest rank, like the embedded store: count, then skip to the rank in an index-ordered scan.
      const percentiles = async (field: string): Promise<Percentiles> => {
        const f = { ...match, [field]: number };
        const n = await this.m.Conversation.countDocuments(f);
        const at = async (p: number) => {
          if (n === 0) return null;
          const [row] = (await this.m.Conversation.find(f).sort({ [field]: 1 }).skip(rankIndex(n, p)).limit(1).select({ [field]: 1 }).lean()) as any[];
          return row[field] / 1000;
        };
        return { p50: await at(0.5), p90: await at(0.9), n };
      };
      const intents = (await this.m.Message.aggregate([
        { $match: { ...messageMatch, intent: t({ $type: 'string' }) } },
        { $group: { _id: '$intent', count: { $sum: 1 } } },
        { $sort: { count: -1, _id: 1 } },
      ])) as any[];
      const unrecognized = (await this.m.Message.aggregate([
        { $match: { ...messageMatch, intent: UNRECOGNIZED_INTENT, text: t({ $ne: '' }) } },
        { $group: { _id: { $toLower: { $trim: { input: '$text' } } }, text: { $min: '$text' }, count: { $sum: 1 }, conversationId: { $max: '$conversationId' } } },
        { $sort: { count: -1, text: 1 } },
        { $limit: UNRECOGNIZED_TOP },
      ])) as any[];
      const avg = (sum: number, n: number) => averageSentiment(sum, n) ?? 0;
      const sentiment = [
        ...facets.sentiment.map((r: any) => ({ day: r._id, segment: '*', average: avg(r.sum, r.n), n: r.n })),
        ...facets.sentimentBySegment.map((r: any) => ({ day: r._id.day, segment: r._id.segment, average: avg(r.sum, r.n), n: r.n })),
      ].sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : x.segment < y.segment ? -1 : x.segment > y.segment ? 1 : 0));
      return {
        perDay: facets.perDay.map((r: any) => ({ day: r._id.day, channelId: r._id.channelId, count: r.count })),
        total: facets.totals[0]?.total ?? 0,
        botOnly: facets.totals[0]?.botOnly ?? 0,
        handoffReasons: facets.reasons.map((r: any) => ({ reason: r._id, count: r.count })),
        satisfaction: facets.satisfaction.map((r: any) => ({ score: r._id, count: r.count })),
        times: { waiting: await percentiles('waitMs'), firstResponse: await percentiles('firstResponseMs'), handling: await percentiles('handleMs') },
        intents: intents.map((r) => ({ intent: r._id, count: r.count })),
        unrecognized: unrecognized.map((r) => ({ text: r.text, count: r.count, conversationId: r.conversationId })),
        sentiment,
      };
    });
  }

  async searchTranscripts(filter: TranscriptFilter, page: TranscriptPage = {}): Promise<TranscriptResults> {
    const f = filter;
    const and: Record<string, unknown>[] = [];
    const created: Record<string, string> = {};
    if (f.from !== undefined) created.$gte = plain(f.from, 'from');
    if (f.to !== undefined) created.$lt = plain(f.to, 'to');
    if (Object.keys(created).length) and.push({ createdAt: t(created) });
    if (f.channelId !== undefined) and.push({ channelId: plain(f.channelId, 'channelId') });
    if (f.customerId !== undefined) and.push({ customerId: plain(f.customerId, 'customerId') });
    if (f.agentId !== undefined) and.push({ handledBy: plain(f.agentId, 'agentId') });
    if (f.state !== undefined) and.push({ state: plain(f.state, 'state') });
    if (f.handoffReason !== undefined) and.push({ handoffReason: plain(f.handoffReason, 'handoffReason') });
    if (f.tag !== undefined) and.push({ tags: plain(f.tag, 'tag') });
    const score: Record<string, number> = {};
    if (f.satisfactionMin !== undefined) score.$gte = plainNumber(f.satisfactionMin, 'satisfactionMin');
    if (f.satisfactionMax !== undefined) score.$lte = plainNumber(f.satisfactionMax, 'satisfactionMax');
    if (Object.keys(score).length) and.push({ satisfaction: t(score) });
    const average = { $divide: ['$sentimentSum', '$sentimentN'] };
    if (f.sentimentMin !== undefined) and.push({ sentimentN: t({ $gt: 0 }), $expr: t({ $gte: [average, plainNumber(f.sentimentMin, 'sentimentMin')] }) });
    if (f.sentimentMax !== undefined) and.push({ sentimentN: t({ $gt: 0 }), $expr: t({ $lte: [average, plainNumber(f.sentimentMax, 'sentimentMax')] }) });
    if (page.cursor !== undefined) {
      const k = decodeCursor(plain(page.cursor, 'cursor'));
      and.push({ $or: t([{ createdAt: t({ $lt: k.createdAt }) }, { createdAt: k.createdAt, _id: t({ $lt: k.id }) }]) });
    }
    const limit = clampLimit(page.limit, 50, MAX_PAGE);
    return this.wrap(async () => {
      // Filters that live in other collections become id sets first (text: the messages' $text index).
      if (f.text !== undefined) {
        const words = plain(f.text, 'text').normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
        if (!words.length) return { items: [], nextCursor: null };
        // $text may only open an aggregation ($match first), so the ids come from a group, not distinct().
        const groups = (await this.m.Message.aggregate([{ $match: { $text: { $search: `"${words.slice(0, 20).join(' ')}"` } } }, { $group: { _id: '$conversationId' } }])) as { _id: string }[];
        and.push({ _id: t({ $in: groups.map((g) => g._id) }) });
      }
      if (f.intent !== undefined) and.push({ _id: t({ $in: await this.m.Message.distinct('conversationId', { role: 'customer', intent: plain(f.intent, 'intent') }) }) });
      if (f.segment !== undefined) and.push({ customerId: t({ $in: await this.m.Customer.distinct('_id', { segments: plain(f.segment, 'segment') }) }) });
      const rows = (await this.m.Conversation.find(and.length ? { $and: t(and) } : {}).sort({ createdAt: -1, _id: -1 }).limit(limit + 1).lean()) as any[];
      const pageRows = rows.slice(0, limit);
      const ids = pageRows.map((r) => r._id);
      const customers = (await this.m.Customer.find({ _id: t({ $in: pageRows.map((r) => r.customerId) }) }).select({ 'doc.displayName': 1 }).lean()) as any[];
      const names = new Map(customers.map((c) => [c._id, c.doc?.displayName]));
      const counts = (await this.m.Message.aggregate([{ $match: { conversationId: t({ $in: ids }), role: 'customer' } }, { $group: { _id: '$conversationId', n: { $sum: 1 } } }])) as any[];
      const perConversation = new Map(counts.map((c) => [c._id, c.n]));
      const items = pageRows.map((r) => ({
        conversation: this.toConversation(r),
        ...(typeof names.get(r.customerId) === 'string' ? { customerName: names.get(r.customerId) as string } : {}),
        sentiment: averageSentiment(r.sentimentSum, r.sentimentN),
        customerMessages: perConversation.get(r._id) ?? 0,
      }));
      return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].conversation) : null };
    });
  }

  async listMessagesOf(conversationIds: readonly string[]): Promise<Message[]> {
    if (conversationIds.length === 0) return [];
    const order = conversationOrder(conversationIds, MAX_PAGE);
    return this.wrap(async () => {
      const rows = (await this.m.Message.find({ conversationId: t({ $in: [...conversationIds] }) }).sort({ conversationId: 1, seq: 1 }).lean()) as any[];
      return rows.map((r) => r.doc as Message).sort(byConversationThenSeq(order));
    });
  }

  async importRecords(batch: ImportBatch): Promise<void> {
    await this.wrap(async () => {
      const sentiment = sentimentSums(batch.messages ?? []);
      if (batch.customers?.length) await this.m.Customer.insertMany(batch.customers.map((c) => this.customerDoc(c)), { ordered: true });
      const channels = new Map<string, string>();
      if (batch.conversations?.length) {
        await this.m.Conversation.insertMany(
          batch.conversations.map((c) => {
            channels.set(c.id, c.channelId);
            const s = sentiment.get(c.id) ?? { sum: 0, n: 0 };
            sentiment.delete(c.id);
            return { _id: c.id, lastSeq: c.lastSeq, sentimentSum: s.sum, sentimentN: s.n, ...this.conversationDoc(c) };
          }),
          { ordered: true },
        );
        const held = batch.conversations.filter((c) => c.state === 'agent' && c.agentId);
        for (const c of held) await this.m.AgentSlots.updateOne({ _id: c.agentId }, { $addToSet: { conversations: c.id } }, { upsert: true });
      }
      const missing = [...new Set((batch.messages ?? []).map((m) => m.conversationId).filter((id) => !channels.has(id)))];
      if (missing.length) {
        const rows = (await this.m.Conversation.find({ _id: t({ $in: missing }) }).select({ channelId: 1 }).lean()) as any[];
        for (const r of rows) channels.set(r._id, r.channelId);
        const unknown = missing.find((id) => !channels.has(id));
        if (unknown) throw new AppError('NOT_FOUND', `conversation ${unknown} not found`);
      }
      if (batch.messages?.length) await this.m.Message.insertMany(batch.messages.map((m) => this.messageDoc(m, channels.get(m.conversationId)!)), { ordered: true });
      for (const [id, s] of sentiment) await this.m.Conversation.updateOne({ _id: id }, { $inc: { sentimentSum: s.sum, sentimentN: s.n } });
    });
  }

  // ---- users

  async createUser(input: NewUser): Promise<User> {
    const u = buildUser(input);
    return this.wrap(async () => {
      await this.m.User.create({ _id: u.id, email: u.email, doc: u });
      return u;
    });
  }

  async getUser(id: string): Promise<User | null> {
    plain(id, 'id');
    return this.wrap(async () => ((await this.m.User.findOne({ _id: id }).lean()) as any)?.doc ?? null);
  }

  async getUserByEmail(email: string): Promise<User | null> {
    const e = normalizeEmail(plain(email, 'email'));
    return this.wrap(async () => ((await this.m.User.findOne({ email: e }).lean()) as any)?.doc ?? null);
  }

  async listUsers(): Promise<User[]> {
    return this.wrap(async () => ((await this.m.User.find({}).sort({ email: 1 }).lean()) as any[]).map((r) => r.doc as User));
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    plain(id, 'id');
    return this.wrap(async () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const row = (await this.m.User.findOne({ _id: id }).lean()) as any;
        if (!row) return null;
        const current = row.doc as User;
        const next: User = { ...current, ...patch, id, updatedAt: new Date().toISOString() };
        const res = await this.m.User.updateOne({ _id: id, 'doc.updatedAt': current.updatedAt }, { $set: { doc: next } });
        if (res.matchedCount === 1) return next;
      }
      throw new AppError('STORE_ETAG_CONFLICT', 'user kept changing; gave up');
    });
  }

  // ---- sessions

  async createSession(session: Session): Promise<Session> {
    plain(session.id, 'id');
    return this.wrap(async () => {
      await this.m.Session.create({ _id: session.id, userId: session.userId, doc: session });
      return session;
    });
  }

  async getSession(id: string): Promise<Session | null> {
    plain(id, 'id');
    return this.wrap(async () => ((await this.m.Session.findOne({ _id: id }).lean()) as any)?.doc ?? null);
  }

  async revokeSession(id: string, at: string): Promise<boolean> {
    plain(id, 'id');
    return this.wrap(async () => {
      const row = (await this.m.Session.findOne({ _id: id }).lean()) as any;
      if (!row) return false;
      if (row.doc.revokedAt) return true;
      await this.m.Session.updateOne({ _id: id, 'doc.revokedAt': t({ $exists: false }) }, { $set: { 'doc.revokedAt': at } });
      return true;
    });
  }

  // ---- audit

  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const e: AuditEntry = { ...entry, id: randomUUID(), at: entry.at ?? new Date().toISOString() };
    plain(e.action, 'action');
    return this.wrap(async () => {
      await this.m.Audit.create({ _id: e.id, at: e.at, actorId: e.actorId, action: e.action, targetId: e.targetId, doc: e });
      return e;
    });
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const f: Record<string, unknown> = {};
    if (query.actorId !== undefined) f.actorId = plain(query.actorId, 'actorId');
    if (query.action !== undefined) f.action = plain(query.action, 'action');
    if (query.targetId !== undefined) f.targetId = plain(query.targetId, 'targetId');
    if (query.cursor !== undefined) {
      const k = decodeCursor(plain(query.cursor, 'cursor'));
      f.$or = t([{ at: t({ $lt: k.createdAt }) }, { at: k.createdAt, _id: t({ $lt: k.id }) }]);
    }
    const limit = clampLimit(query.limit, 100, MAX_PAGE);
    return this.wrap(async () => ((await this.m.Audit.find(f).sort({ at: -1, _id: -1 }).limit(limit).lean()) as any[]).map((r) => r.doc as AuditEntry));
  }

  // ---- bot state

  async readState(keys: readonly string[]): Promise<Record<string, StateEntry>> {
    const ids = keys.map((k) => plain(k, 'key'));
    return this.wrap(async () => {
      const rows = (await this.m.BotState.find({ _id: t({ $in: ids }) }).lean()) as any[];
      const out: Record<string, StateEntry> = {};
      for (const r of rows) out[r._id] = { etag: r.etag, value: r.value };
      return out;
    });
  }

  async writeState(key: string, value: Record<string, unknown>, expectedEtag?: string): Promise<string> {
    plain(key, 'key');
    if (expectedEtag !== undefined) plain(expectedEtag, 'eTag');
    const etag = randomUUID();
    return this.wrap(async () => {
      if (expectedEtag === undefined || expectedEtag === '*') {
        await this.m.BotState.updateOne({ _id: key }, { $set: { etag, value } }, { upsert: true });
        return etag;
      }
      const res = await this.m.BotState.updateOne({ _id: key, etag: expectedEtag }, { $set: { etag, value } });
      if (res.matchedCount === 1) return etag;
      if (await this.m.BotState.exists({ _id: key })) throw new AppError('STORE_ETAG_CONFLICT', `state ${key} changed since it was read`);
      try {
        await this.m.BotState.create({ _id: key, etag, value });
        return etag;
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('STORE_ETAG_CONFLICT', `state ${key} changed since it was read`);
        throw err;
      }
    });
  }

  async deleteState(keys: readonly string[]): Promise<void> {
    const ids = keys.map((k) => plain(k, 'key'));
    await this.wrap(() => this.m.BotState.deleteMany({ _id: t({ $in: ids }) }));
  }
}
