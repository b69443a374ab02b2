import type { SearchTerms } from './searchText';
import type {
  AttachmentRecord,
  AuditEntry,
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
  NewMessage,
  SegmentRuleSet,
  SentimentPoint,
  Session,
  StateEntry,
  User,
  UserPatch,
} from '../models/records';
import type { ClaimInput, StateChange, StoreLifecycle } from './store';
import type {
  AppendResult,
  AuditQuery,
  ClaimResult,
  ConversationHolder,
  ConversationQuery,
  ConversationStats,
  CustomerMessageUpdate,
  ForgetResult,
  ImportBatch,
  OutboxCounts,
  OutboxEntry,
  OutboxEvent,
  OutboxFailure,
  SearchHit,
  StatsQuery,
  TranscriptFilter,
  TranscriptResults,
  TurnSnapshot,
  UpdateCustomerOptions,
  WriteOptions,
} from './storeTypes';

/**
 * What an engine (store/sqlite/, store/mongo/) implements, below the guard layer (store/guardedStore.ts). Inputs
 * arrive validated (plain strings and finite numbers only), records built, limits clamped, cursors decoded and
 * search text split into words: an engine only persists and queries. One object per aggregate, like the ports.
 */

/** A keyset position: the last item's time and id (decoded from a page cursor). */
export interface Keyset {
  createdAt: string;
  id: string;
}

export interface EngineCustomers {
  insertCustomer(customer: Customer, options?: WriteOptions): Promise<Customer>;
  getCustomer(id: string): Promise<Customer | null>;
  /** `key` as identityKeyString gives it. */
  findCustomerByKey(key: string): Promise<Customer | null>;
  /** `contact` as identityKeyString gives it. */
  findCustomersByContact(contact: string): Promise<Customer[]>;
  updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: UpdateCustomerOptions): Promise<Customer>;
  recordCustomerMessage(id: string, update: CustomerMessageUpdate, options?: WriteOptions): Promise<void>;
  listSentiment(customerId: string, limit: number): Promise<SentimentPoint[]>;
  replaceSentiment(customerId: string, points: readonly SentimentPoint[]): Promise<void>;
}

export interface EngineConversations {
  getOrCreateConversation(input: NewConversation, options?: WriteOptions): Promise<{ conversation: Conversation; created: boolean }>;
  getConversation(id: string): Promise<Conversation | null>;
  getConversationHolder(id: string): Promise<ConversationHolder | null>;
  findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null>;
  listConversations(query: ConversationQuery & { limit: number }): Promise<Conversation[]>;
  deleteConversation(id: string): Promise<boolean>;
  moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]>;
  updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null>;
  claimConversation(input: ClaimInput): Promise<ClaimResult>;
  setConversationState(input: StateChange): Promise<ClaimResult>;
  countActiveChats(agentId: string): Promise<number>;
  /** Replaces the channel keys of an erased conversation (id, reference, tags, rating); messages are erased apart. */
  eraseChannelKeys(id: string, channelConversationId: string): Promise<void>;
}

export interface EngineMessages {
  appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult>;
  appendMessageIf(input: NewMessage, expect: ConversationExpectation, options?: WriteOptions): Promise<AppendResult | null>;
  listMessages(conversationId: string, page: { afterSeq: number; limit: number }): Promise<Message[]>;
  findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null>;
  eraseMessages(conversationId: string): Promise<number>;
}

/** A transcript filter whose text is already search terms (searchText.ts). */
export type EngineTranscriptFilter = Omit<TranscriptFilter, 'text' | 'customer'> & {
  words?: SearchTerms;
  /**
   * The customer filter: conversations of the customer with this id, or of any whose name begins with every prefix,
   * or, when the text reads as a visitor's label ("Visitor 6290", "6290": models/visitorLabel.ts), of every nameless
   * customer with that visitor number (the label the console shows them by; several when the number collides).
   */
  customerMatch?: { id: string; prefixes: readonly string[]; visitorNumber?: number };
};

export interface EngineReview {
  /** `words`: search terms, at least one (searchText.ts). */
  searchMessages(words: SearchTerms, limit: number): Promise<SearchHit[]>;
  conversationStats(query: StatsQuery): Promise<ConversationStats>;
  searchTranscripts(filter: EngineTranscriptFilter, page: { limit: number; after?: Keyset }): Promise<TranscriptResults>;
  /** In any order; the guard layer sorts. */
  listMessagesOf(conversationIds: readonly string[]): Promise<Message[]>;
}

export interface EngineStaff {
  insertUser(user: User): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** `email` normalized. */
  getUserByEmail(email: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  createSession(session: Session): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  revokeSession(id: string, at: string): Promise<boolean>;
}

export interface EngineAudit {
  appendAudit(entry: AuditEntry): Promise<AuditEntry>;
  listAudit(query: Omit<AuditQuery, 'cursor'> & { limit: number; after?: Keyset }): Promise<AuditEntry[]>;
}

export interface EngineState {
  readState(keys: readonly string[]): Promise<Record<string, StateEntry>>;
  writeState(key: string, value: Record<string, unknown>, expectedEtag?: string, options?: WriteOptions): Promise<string>;
  deleteState(keys: readonly string[]): Promise<void>;
}

export interface EngineMerges {
  /** Stores `suggestion`, or returns the open one for the same pair. */
  addMergeSuggestion(suggestion: MergeSuggestion): Promise<MergeSuggestion>;
  getMergeSuggestion(id: string): Promise<MergeSuggestion | null>;
  listMergeSuggestions(query: { status: MergeSuggestion['status']; customerId?: string }): Promise<MergeSuggestion[]>;
  decideMergeSuggestion(id: string, status: 'confirmed' | 'rejected'): Promise<MergeSuggestion | null>;
  saveMerge(record: MergeRecord): Promise<void>;
  getMerge(id: string): Promise<MergeRecord | null>;
  markMergeUndone(id: string, at: string): Promise<boolean>;
}

export interface EngineSettings {
  readSegmentRules(): Promise<SegmentRuleSet | null>;
  writeSegmentRules(set: SegmentRuleSet): Promise<SegmentRuleSet>;
}

export interface EngineCorpus {
  listCorpusAdditions(): Promise<CorpusAddition[]>;
  addCorpusAddition(addition: CorpusAddition): Promise<{ addition: CorpusAddition; added: boolean }>;
  removeCorpusAdditions(texts: readonly string[]): Promise<number>;
}

export interface EngineTurns {
  /** `key` as identityKeyString gives it; `staffNames`: read them too when no customer holds the key. */
  readTurn(key: string, channelId: string, channelConversationId: string, stateKeys: readonly string[], staffNames: boolean): Promise<TurnSnapshot>;
}

export interface EngineLeases {
  acquireLease(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<boolean>;
}

export interface EngineQuotas {
  takeQuota(key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
}

export interface EngineOutbox {
  enqueueOutbox(event: OutboxEvent, options?: WriteOptions): Promise<void>;
  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]>;
  completeOutbox(id: string): Promise<void>;
  failOutbox(id: string, failure: OutboxFailure): Promise<void>;
  outboxCounts(): Promise<OutboxCounts>;
}

export interface EngineAttachments {
  putAttachment(record: AttachmentRecord, content: Buffer): Promise<AttachmentRecord>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  readAttachment(id: string): Promise<{ record: AttachmentRecord; content: Buffer } | null>;
  listAttachments(conversationId: string): Promise<AttachmentRecord[]>;
  deleteAttachmentsOf(conversationIds: readonly string[]): Promise<number>;
}

export interface StoreEngine extends StoreLifecycle {
  readonly leases: EngineLeases;
  readonly quotas: EngineQuotas;
  readonly outbox: EngineOutbox;
  readonly turns: EngineTurns;
  readonly customers: EngineCustomers;
  readonly conversations: EngineConversations;
  readonly messages: EngineMessages;
  readonly review: EngineReview;
  readonly imports: { importRecords(batch: ImportBatch): Promise<void> };
  readonly staff: EngineStaff;
  readonly audit: EngineAudit;
  readonly state: EngineState;
  readonly merges: EngineMerges;
  readonly settings: EngineSettings;
  readonly corpus: EngineCorpus;
  readonly privacy: { forgetCustomer(customerId: string): Promise<ForgetResult> };
  readonly attachments: EngineAttachments;
}
