import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import type {
  AuditEntry,
  ContactType,
  Conversation,
  ConversationExpectation,
  ConversationPatch,
  CorpusAddition,
  Customer,
  CustomerPatch,
  MergeRecord,
  MergeSuggestion,
  Message,
  NewConversation,
  NewCustomer,
  NewMessage,
  NewUser,
  SegmentRuleSet,
  Session,
  StateEntry,
  User,
  UserPatch,
} from '../models/records';
import { buildCustomer, buildUser } from './recordBuilders';
import { phraseWords } from './searchText';
import type { ClaimInput, StateChange, Store } from './store';
import type { Keyset, StoreEngine } from './storeEngine';
import {
  byConversationThenSeq,
  clampLimit,
  conversationOrder,
  decodeCursor,
  identityKeyString,
  normalizeEmail,
  plain,
  plainNumber,
  validateExpectation,
} from './storeGuards';
import { MAX_PAGE } from './storeTypes';
import type {
  AppendResult,
  AuditQuery,
  ClaimResult,
  ConversationQuery,
  ConversationStats,
  ForgetResult,
  IdentityKey,
  ImportBatch,
  MessagePage,
  OutboxCounts,
  OutboxEntry,
  OutboxEvent,
  OutboxFailure,
  RepairReport,
  SearchHit,
  StatsQuery,
  StoreHealth,
  TranscriptFilter,
  TranscriptPage,
  TranscriptResults,
  TurnRead,
  TurnSnapshot,
  UpdateCustomerOptions,
  WriteOptions,
} from './storeTypes';

const SUGGESTION_STATUSES: readonly string[] = ['open', 'confirmed', 'rejected'];

/**
 * The guard layer, written once above both engines: every value that reaches a query is checked to be a plain
 * string or finite number (an object such as {"$ne": null} from request input is refused with
 * STORE_INVALID_QUERY before any driver sees it), records are built with the shared defaults, limits clamped,
 * cursors decoded and search text turned into words. The engine below (store/sqlite/, store/mongo/) trusts its
 * inputs. SqliteStore and MongoStore are this class over their engine.
 */
export class GuardedStore implements Store {
  private readonly outboxWrites = new Set<Promise<void>>();

  constructor(protected readonly engine: StoreEngine) {}

  get kind(): 'sqlite' | 'mongo' {
    return this.engine.kind;
  }

  // ---- lifecycle

  init(): Promise<void> {
    return this.engine.init();
  }

  ping(): Promise<void> {
    return this.engine.ping();
  }

  health(): StoreHealth {
    return this.engine.health();
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  /** Also waits for outbox writes under way (a webhook event emitted during a turn is stored before it answers). */
  async sync(): Promise<void> {
    const outbox = [...this.outboxWrites];
    await this.engine.sync();
    await Promise.allSettled(outbox);
  }

  migrate(): Promise<void> {
    return this.engine.migrate();
  }

  repair(): Promise<RepairReport> {
    return this.engine.repair();
  }

  // ---- customers

  async createCustomer(input: NewCustomer, options?: WriteOptions): Promise<Customer> {
    if (input.id !== undefined) plain(input.id, 'id');
    return this.engine.customers.insertCustomer(buildCustomer(input), options);
  }

  async getCustomer(id: string): Promise<Customer | null> {
    return this.engine.customers.getCustomer(plain(id, 'id'));
  }

  async findCustomerByKey(key: IdentityKey): Promise<Customer | null> {
    return this.engine.customers.findCustomerByKey(identityKeyString(key));
  }

  async findCustomersByContact(type: ContactType, value: string): Promise<Customer[]> {
    return this.engine.customers.findCustomersByContact(identityKeyString(type === 'email' ? { kind: 'email', value } : { kind: 'phone', value }));
  }

  async updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: UpdateCustomerOptions): Promise<Customer> {
    plain(id, 'id');
    if (expectedVersion !== undefined) plainNumber(expectedVersion, 'expectedVersion');
    if (options?.base && (options.base.id !== id || options.base.version !== expectedVersion)) {
      throw new AppError('STORE_INVALID_QUERY', 'base must be the customer as read at expectedVersion');
    }
    return this.engine.customers.updateCustomer(id, patch, expectedVersion, options);
  }

  // ---- conversations

  async getOrCreateConversation(input: NewConversation, options?: WriteOptions): Promise<{ conversation: Conversation; created: boolean }> {
    plain(input.channelId, 'channelId');
    plain(input.channelConversationId, 'channelConversationId');
    plain(input.customerId, 'customerId');
    if (input.id !== undefined) plain(input.id, 'id');
    return this.engine.conversations.getOrCreateConversation(input, options);
  }

  async getConversation(id: string): Promise<Conversation | null> {
    return this.engine.conversations.getConversation(plain(id, 'id'));
  }

  async findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null> {
    return this.engine.conversations.findConversationByChannel(plain(channelId, 'channelId'), plain(channelConversationId, 'channelConversationId'));
  }

  async listConversations(query: ConversationQuery): Promise<Conversation[]> {
    if (query.states) {
      if (query.states.length === 0) return [];
      query.states.forEach((s) => plain(s, 'state'));
    }
    if (query.agentId !== undefined) plain(query.agentId, 'agentId');
    if (query.customerId !== undefined) plain(query.customerId, 'customerId');
    if (query.updatedBefore !== undefined) plain(query.updatedBefore, 'updatedBefore');
    return this.engine.conversations.listConversations({ ...query, limit: clampLimit(query.limit, 100, MAX_PAGE) });
  }

  async deleteConversation(id: string): Promise<boolean> {
    return this.engine.conversations.deleteConversation(plain(id, 'id'));
  }

  async moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]> {
    plain(fromCustomerId, 'fromCustomerId');
    plain(toCustomerId, 'toCustomerId');
    onlyIds?.forEach((id) => plain(id, 'conversationId'));
    return this.engine.conversations.moveConversations(fromCustomerId, toCustomerId, onlyIds);
  }

  async updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null> {
    plain(id, 'id');
    validateExpectation(expect);
    return this.engine.conversations.updateConversation(id, patch, expect);
  }

  async claimConversation(input: ClaimInput): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.agentId, 'agentId');
    plainNumber(input.maxActive, 'maxActive');
    validateExpectation({ states: input.fromStates, agentId: input.expectedAgentId });
    return this.engine.conversations.claimConversation(input);
  }

  async setConversationState(input: StateChange): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.to, 'to');
    if (input.expectedVersion !== undefined) plainNumber(input.expectedVersion, 'expectedVersion');
    validateExpectation({ states: input.fromStates, agentId: input.expectedAgentId, version: input.expectedVersion });
    return this.engine.conversations.setConversationState(input);
  }

  async eraseConversation(id: string, channelConversationId: string): Promise<number> {
    plain(id, 'id');
    plain(channelConversationId, 'channelConversationId');
    const messages = await this.engine.messages.eraseMessages(id);
    await this.engine.conversations.eraseChannelKeys(id, channelConversationId);
    return messages;
  }

  async countActiveChats(agentId: string): Promise<number> {
    return this.engine.conversations.countActiveChats(plain(agentId, 'agentId'));
  }

  // ---- messages

  async appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult> {
    plain(input.conversationId, 'conversationId');
    if (input.activityId !== undefined) plain(input.activityId, 'activityId');
    return this.engine.messages.appendMessage(input, options);
  }

  async listMessages(conversationId: string, page: MessagePage = {}): Promise<Message[]> {
    plain(conversationId, 'conversationId');
    const afterSeq = page.afterSeq === undefined ? 0 : plainNumber(page.afterSeq, 'afterSeq');
    return this.engine.messages.listMessages(conversationId, { afterSeq, limit: clampLimit(page.limit, MAX_PAGE, MAX_PAGE) });
  }

  async findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null> {
    return this.engine.messages.findMessageByActivity(plain(conversationId, 'conversationId'), plain(activityId, 'activityId'));
  }

  async eraseMessages(conversationId: string): Promise<number> {
    return this.engine.messages.eraseMessages(plain(conversationId, 'conversationId'));
  }

  // ---- review

  async searchMessages(query: string, limit?: number): Promise<SearchHit[]> {
    const words = phraseWords(plain(query, 'query'));
    const n = clampLimit(limit, 50, MAX_PAGE);
    return words.length ? this.engine.review.searchMessages(words, n) : [];
  }

  async conversationStats(query: StatsQuery): Promise<ConversationStats> {
    plain(query.from, 'from');
    plain(query.to, 'to');
    if (query.channelId !== undefined) plain(query.channelId, 'channelId');
    return this.engine.review.conversationStats(query);
  }

  async searchTranscripts(filter: TranscriptFilter, page: TranscriptPage = {}): Promise<TranscriptResults> {
    const { text, ...rest } = filter;
    for (const name of ['from', 'to', 'channelId', 'customerId', 'agentId', 'state', 'handoffReason', 'intent', 'tag', 'segment'] as const) {
      if (rest[name] !== undefined) plain(rest[name], name);
    }
    for (const name of ['sentimentMin', 'sentimentMax', 'satisfactionMin', 'satisfactionMax'] as const) {
      if (rest[name] !== undefined) plainNumber(rest[name], name);
    }
    const after: Keyset | undefined = page.cursor === undefined ? undefined : decodeCursor(plain(page.cursor, 'cursor'));
    const limit = clampLimit(page.limit, 50, MAX_PAGE);
    if (text === undefined) return this.engine.review.searchTranscripts(rest, { limit, after });
    const words = phraseWords(plain(text, 'text'));
    if (!words.length) return { items: [], nextCursor: null };
    return this.engine.review.searchTranscripts({ ...rest, words }, { limit, after });
  }

  async listMessagesOf(conversationIds: readonly string[]): Promise<Message[]> {
    if (conversationIds.length === 0) return [];
    const order = conversationOrder(conversationIds, MAX_PAGE);
    return (await this.engine.review.listMessagesOf(conversationIds)).sort(byConversationThenSeq(order));
  }

  async importRecords(batch: ImportBatch): Promise<void> {
    return this.engine.imports.importRecords(batch);
  }

  // ---- staff

  async createUser(input: NewUser): Promise<User> {
    if (input.id !== undefined) plain(input.id, 'id');
    return this.engine.staff.insertUser(buildUser(input));
  }

  async getUser(id: string): Promise<User | null> {
    return this.engine.staff.getUser(plain(id, 'id'));
  }

  async getUserByEmail(email: string): Promise<User | null> {
    return this.engine.staff.getUserByEmail(normalizeEmail(plain(email, 'email')));
  }

  async listUsers(): Promise<User[]> {
    return this.engine.staff.listUsers();
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    return this.engine.staff.updateUser(plain(id, 'id'), patch);
  }

  async createSession(session: Session): Promise<Session> {
    plain(session.id, 'id');
    plain(session.userId, 'userId');
    return this.engine.staff.createSession(session);
  }

  async getSession(id: string): Promise<Session | null> {
    return this.engine.staff.getSession(plain(id, 'id'));
  }

  async revokeSession(id: string, at: string): Promise<boolean> {
    return this.engine.staff.revokeSession(plain(id, 'id'), plain(at, 'at'));
  }

  // ---- audit

  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    plain(entry.action, 'action');
    for (const name of ['actorId', 'targetId'] as const) if (entry[name] !== undefined) plain(entry[name], name);
    const e: AuditEntry = { ...entry, id: randomUUID(), at: entry.at === undefined ? new Date().toISOString() : plain(entry.at, 'at') };
    return this.engine.audit.appendAudit(e);
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { cursor, ...rest } = query;
    for (const name of ['actorId', 'action', 'targetId'] as const) if (rest[name] !== undefined) plain(rest[name], name);
    const after = cursor === undefined ? undefined : decodeCursor(plain(cursor, 'cursor'));
    return this.engine.audit.listAudit({ ...rest, limit: clampLimit(query.limit, 100, MAX_PAGE), after });
  }

  // ---- key-value state

  async readState(keys: readonly string[]): Promise<Record<string, StateEntry>> {
    keys.forEach((k) => plain(k, 'key'));
    return this.engine.state.readState(keys);
  }

  async writeState(key: string, value: Record<string, unknown>, expectedEtag?: string, options?: WriteOptions): Promise<string> {
    plain(key, 'key');
    if (expectedEtag !== undefined) plain(expectedEtag, 'eTag');
    return this.engine.state.writeState(key, value, expectedEtag, options);
  }

  async deleteState(keys: readonly string[]): Promise<void> {
    keys.forEach((k) => plain(k, 'key'));
    return this.engine.state.deleteState(keys);
  }

  // ---- merges

  async addMergeSuggestion(input: Pick<MergeSuggestion, 'customerId' | 'candidateId' | 'score' | 'evidence'>): Promise<MergeSuggestion> {
    plain(input.customerId, 'customerId');
    plain(input.candidateId, 'candidateId');
    plainNumber(input.score, 'score');
    input.evidence.forEach((e) => plain(e, 'evidence'));
    const suggestion: MergeSuggestion = {
      id: randomUUID(),
      customerId: input.customerId,
      candidateId: input.candidateId,
      score: input.score,
      evidence: [...input.evidence],
      status: 'open',
      createdAt: new Date().toISOString(),
    };
    return this.engine.merges.addMergeSuggestion(suggestion);
  }

  async getMergeSuggestion(id: string): Promise<MergeSuggestion | null> {
    return this.engine.merges.getMergeSuggestion(plain(id, 'id'));
  }

  async listMergeSuggestions(query: { status: MergeSuggestion['status']; customerId?: string }): Promise<MergeSuggestion[]> {
    if (!SUGGESTION_STATUSES.includes(plain(query.status, 'status'))) throw new AppError('STORE_INVALID_QUERY', 'unknown suggestion status');
    if (query.customerId !== undefined) plain(query.customerId, 'customerId');
    return this.engine.merges.listMergeSuggestions(query);
  }

  async decideMergeSuggestion(id: string, status: 'confirmed' | 'rejected'): Promise<MergeSuggestion | null> {
    if (status !== 'confirmed' && status !== 'rejected') throw new AppError('STORE_INVALID_QUERY', 'status must be confirmed or rejected');
    return this.engine.merges.decideMergeSuggestion(plain(id, 'id'), status);
  }

  async saveMerge(record: MergeRecord): Promise<void> {
    plain(record.id, 'id');
    plain(record.absorbed.id, 'absorbed.id');
    plain(record.survivor.id, 'survivor.id');
    return this.engine.merges.saveMerge(record);
  }

  async getMerge(id: string): Promise<MergeRecord | null> {
    return this.engine.merges.getMerge(plain(id, 'id'));
  }

  async markMergeUndone(id: string, at: string): Promise<boolean> {
    return this.engine.merges.markMergeUndone(plain(id, 'id'), plain(at, 'at'));
  }

  // ---- settings and corpus

  async readSegmentRules(): Promise<SegmentRuleSet | null> {
    return this.engine.settings.readSegmentRules();
  }

  async writeSegmentRules(rules: Record<string, unknown>[]): Promise<SegmentRuleSet> {
    if (!Array.isArray(rules)) throw new AppError('STORE_INVALID_QUERY', 'rules must be a list');
    return this.engine.settings.writeSegmentRules({ rules, updatedAt: new Date().toISOString() });
  }

  async listCorpusAdditions(): Promise<CorpusAddition[]> {
    return this.engine.corpus.listCorpusAdditions();
  }

  async removeCorpusAdditions(texts: readonly string[]): Promise<number> {
    texts.forEach((t) => plain(t, 'text'));
    return texts.length ? this.engine.corpus.removeCorpusAdditions(texts) : 0;
  }

  async addCorpusAddition(addition: CorpusAddition): Promise<{ addition: CorpusAddition; added: boolean }> {
    for (const name of ['text', 'intent', 'language', 'by', 'at'] as const) plain(addition[name], name);
    if (addition.conversationId !== undefined) plain(addition.conversationId, 'conversationId');
    return this.engine.corpus.addCorpusAddition(addition);
  }

  // ---- a bot turn's reads

  async readTurn(input: TurnRead): Promise<TurnSnapshot> {
    const key = identityKeyString(input.key);
    plain(input.channelId, 'channelId');
    plain(input.channelConversationId, 'channelConversationId');
    const stateKeys = input.stateKeys ?? [];
    stateKeys.forEach((k) => plain(k, 'key'));
    return this.engine.turns.readTurn(key, input.channelId, input.channelConversationId, stateKeys);
  }

  // ---- privacy

  async forgetCustomer(customerId: string): Promise<ForgetResult> {
    return this.engine.privacy.forgetCustomer(plain(customerId, 'customerId'));
  }

  // ---- leases and the webhook outbox

  async acquireLease(name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const ttl = plainNumber(ttlMs, 'ttlMs');
    if (ttl <= 0) throw new AppError('STORE_INVALID_QUERY', 'ttlMs must be positive', { details: { field: 'ttlMs' } });
    return this.engine.leases.acquireLease(plain(name, 'name'), plain(holder, 'holder'), ttl, plainNumber(now, 'now'));
  }

  async releaseLease(name: string, holder: string): Promise<boolean> {
    return this.engine.leases.releaseLease(plain(name, 'name'), plain(holder, 'holder'));
  }

  async enqueueOutbox(event: OutboxEvent, options?: WriteOptions): Promise<void> {
    plain(event.id, 'id');
    plain(event.type, 'type');
    plain(event.at, 'at');
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))
      throw new AppError('STORE_INVALID_QUERY', 'data must be an object', { details: { field: 'data' } });
    const write = this.engine.outbox.enqueueOutbox({ id: event.id, type: event.type, at: event.at, data: event.data }, options);
    // MongoDB: the write is a round trip of its own; sync() waits for it (SQLite: it is in the open transaction).
    this.outboxWrites.add(write);
    void write.catch(() => undefined).finally(() => this.outboxWrites.delete(write));
    return write;
  }

  async dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.engine.outbox.dueOutbox(plain(now, 'now'), clampLimit(limit, 50, MAX_PAGE));
  }

  async completeOutbox(id: string): Promise<void> {
    return this.engine.outbox.completeOutbox(plain(id, 'id'));
  }

  async failOutbox(id: string, failure: OutboxFailure): Promise<void> {
    plainNumber(failure.attempts, 'attempts');
    if (failure.nextAttemptAt !== undefined) plain(failure.nextAttemptAt, 'nextAttemptAt');
    return this.engine.outbox.failOutbox(plain(id, 'id'), {
      attempts: failure.attempts,
      error: String(failure.error).slice(0, 500),
      ...(failure.nextAttemptAt !== undefined ? { nextAttemptAt: failure.nextAttemptAt } : {}),
    });
  }

  outboxCounts(): Promise<OutboxCounts> {
    return this.engine.outbox.outboxCounts();
  }
}
