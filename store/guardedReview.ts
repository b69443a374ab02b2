import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import type {
  AuditEntry,
  CorpusAddition,
  MergeRecord,
  MergeSuggestion,
  Message,
  NewUser,
  SegmentRuleSet,
  Session,
  StateEntry,
  User,
  UserPatch,
} from '../models/records';
import { buildUser } from './recordBuilders';
import { visitorNumberQuery } from '../models/visitorLabel';
import { namePrefixes, searchTerms } from './searchText';
import type { EngineTranscriptFilter, Keyset } from './storeEngine';
import { byConversationThenSeq, clampLimit, conversationOrder, decodeCursor, normalizeEmail, plain, plainNumber } from './storeGuards';
import { MAX_PAGE, UNRECOGNIZED_EXCEPT_MAX } from './storeTypes';
import { GuardedRecords } from './guardedRecords';
import type {
  AuditQuery,
  ConversationStats,
  ImportBatch,
  SearchHit,
  StatsQuery,
  TranscriptFilter,
  TranscriptPage,
  TranscriptResults,
  WriteOptions,
} from './storeTypes';

const SUGGESTION_STATUSES: readonly string[] = ['open', 'confirmed', 'rejected'];

/** The guards of review, staff, audit, key-value state, merges, settings and corpus (see guardedRecords.ts). */
export abstract class GuardedReview extends GuardedRecords {
  // ---- review

  async searchMessages(query: string, limit?: number): Promise<SearchHit[]> {
    const words = searchTerms(plain(query, 'query'));
    const n = clampLimit(limit, 50, MAX_PAGE);
    return words.length ? this.engine.review.searchMessages(words, n) : [];
  }

  async conversationStats(query: StatsQuery): Promise<ConversationStats> {
    plain(query.from, 'from');
    plain(query.to, 'to');
    if (query.channelId !== undefined) plain(query.channelId, 'channelId');
    if (query.unrecognizedExcept !== undefined) {
      if (!Array.isArray(query.unrecognizedExcept) || query.unrecognizedExcept.length > UNRECOGNIZED_EXCEPT_MAX)
        throw new AppError('STORE_INVALID_QUERY', `unrecognizedExcept is a list of at most ${UNRECOGNIZED_EXCEPT_MAX} texts`, {
          details: { field: 'unrecognizedExcept' },
        });
      for (const text of query.unrecognizedExcept) plain(text, 'unrecognizedExcept');
    }
    return this.engine.review.conversationStats(query);
  }

  async searchTranscripts(filter: TranscriptFilter, page: TranscriptPage = {}): Promise<TranscriptResults> {
    const { text, customer, ...filters } = filter;
    const visitor = customer === undefined ? undefined : visitorNumberQuery(plain(customer, 'customer'));
    const rest: EngineTranscriptFilter =
      customer === undefined
        ? filters
        : { ...filters, customerMatch: { id: customer, prefixes: namePrefixes(customer), ...(visitor === undefined ? {} : { visitorNumber: visitor }) } };
    for (const name of ['from', 'to', 'channelId', 'customerId', 'agentId', 'state', 'handoffReason', 'intent', 'tag', 'segment'] as const) {
      if (rest[name] !== undefined) plain(rest[name], name);
    }
    for (const name of ['sentimentMin', 'sentimentMax', 'satisfactionMin', 'satisfactionMax'] as const) {
      if (rest[name] !== undefined) plainNumber(rest[name], name);
    }
    const after: Keyset | undefined = page.cursor === undefined ? undefined : decodeCursor(plain(page.cursor, 'cursor'));
    const limit = clampLimit(page.limit, 50, MAX_PAGE);
    if (text === undefined) return this.engine.review.searchTranscripts(rest, { limit, after });
    const words = searchTerms(plain(text, 'text'));
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
}
