import type {
  AttachmentRecord,
  AuditEntry,
  ContactType,
  Conversation,
  ConversationExpectation,
  ConversationPatch,
  ConversationState,
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
  SentimentPoint,
  Session,
  StateEntry,
  User,
  UserPatch,
} from '../models/records';
import type {
  AppendResult,
  AuditQuery,
  ClaimResult,
  ConversationHolder,
  ConversationQuery,
  ConversationStats,
  CustomerMessageUpdate,
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

export * from './storeTypes';

/**
 * The store's ports, one per aggregate. A service receives the ports it uses; `Store` is their intersection, for
 * the composition root and the few places that need all of it. Two engines implement every port (store/sqlite/,
 * store/mongo/) under one guard layer (store/guardedStore.ts) that refuses anything but plain values, so request
 * input can never smuggle an operator into a query; both pass one contract suite (test/contract/storeContract.ts).
 */

/** Opening, probing, making writes durable, maintenance. */
export interface StoreLifecycle {
  readonly kind: 'sqlite' | 'mongo';
  /** Opens the store; applies pending migrations when the store was built to (see migrate). */
  init(): Promise<void>;
  /** Resolves when the store answers and accepts writes; rejects with STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /** Whether the store can recover by itself (see StoreHealth); what liveness reports. */
  health(): StoreHealth;
  close(): Promise<void>;
  /**
   * Resolves once every write that resolved before this call is durable; rejects with STORE_UNAVAILABLE when
   * that can no longer be promised. What a caller of a `deferSync` write awaits before acknowledging it.
   */
  sync(): Promise<void>;
  /** Brings the schema and indexes up to date (idempotent). `npm run migrate`; also at start when configured. */
  migrate(): Promise<void>;
  /** Reconciles facts kept in more than one place (idempotent; also run at start and periodically by the store). */
  repair(): Promise<RepairReport>;
}

/** Customers: the social profile. */
export interface CustomerStore {
  createCustomer(input: NewCustomer, options?: WriteOptions): Promise<Customer>;
  getCustomer(id: string): Promise<Customer | null>;
  findCustomerByKey(key: IdentityKey): Promise<Customer | null>;
  /** Every customer holding this contact point, verified or not. */
  findCustomersByContact(type: ContactType, value: string): Promise<Customer[]>;
  /** Applies the patch; fails with STORE_CONFLICT when an identity key would belong to two customers,
   * STORE_ETAG_CONFLICT when expectedVersion is given and differs. */
  updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: UpdateCustomerOptions): Promise<Customer>;
  /**
   * A customer's message on the profile as one small write (see CustomerMessageUpdate); NOT_FOUND for no such
   * customer, STORE_ETAG_CONFLICT when the stored version is no longer `update.expectedVersion`.
   */
  recordCustomerMessage(id: string, update: CustomerMessageUpdate, options?: WriteOptions): Promise<void>;
  /**
   * The customer's sentiment history, oldest first: its newest `limit` points (all it keeps when omitted). Kept apart
   * from the record (schema 11): appended by recordCustomerMessage, removed by forgetCustomer.
   */
  listSentiment(customerId: string, limit?: number): Promise<SentimentPoint[]>;
  /** Sets the customer's whole sentiment history (a merge and its undo); [] empties it. */
  replaceSentiment(customerId: string, points: readonly SentimentPoint[]): Promise<void>;
}

export interface ClaimInput {
  conversationId: string;
  agentId: string;
  fromStates: readonly ConversationState[];
  expectedAgentId?: string | null;
  maxActive: number;
  patch?: ConversationPatch;
}

/** A change of state for setConversationState; `patch` is applied in the same write. */
export interface StateChange {
  conversationId: string;
  to: Exclude<ConversationState, 'agent'>;
  fromStates: readonly ConversationState[];
  expectedAgentId?: string | null;
  expectedVersion?: number;
  patch?: ConversationPatch;
}

/** Conversations: state, owner, capacity. */
export interface ConversationStore {
  /** Returns the conversation for this channel conversation, creating it atomically if absent. */
  getOrCreateConversation(input: NewConversation, options?: WriteOptions): Promise<{ conversation: Conversation; created: boolean }>;
  getConversation(id: string): Promise<Conversation | null>;
  /**
   * The conversation's state and holder as stored now, nothing else (null when absent): for a check made on every
   * message, such as the console's push of a relayed one, where getConversation would read and parse the whole record.
   */
  getConversationHolder(id: string): Promise<ConversationHolder | null>;
  findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null>;
  listConversations(query: ConversationQuery): Promise<Conversation[]>;
  /** Deletes a conversation and its messages (retention); returns whether it existed. */
  deleteConversation(id: string): Promise<boolean>;
  /** Re-points conversations to another customer (profile merge and unmerge); returns the ids moved. */
  moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]>;
  /** Compare-and-set: applies the patch only if every expectation holds; null otherwise (or if absent). */
  updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null>;
  /**
   * Atomically gives a conversation to an agent: its state must be one of fromStates (and its agent
   * expectedAgentId when given), and the agent must hold fewer than maxActive conversations in state 'agent'.
   */
  claimConversation(input: ClaimInput): Promise<ClaimResult>;
  /**
   * Compare-and-set of a conversation's state to anything but 'agent' (claimConversation gives one to an agent);
   * the conversation is left without an owner. Applies only if the state is one of fromStates, and the owner and
   * version are the expected ones when given. Only handoff's transition() calls it: it checks the transition table,
   * records the change and emits the domain event.
   */
  setConversationState(input: StateChange): Promise<ClaimResult>;
  countActiveChats(agentId: string): Promise<number>;
  /**
   * Privacy erasure of one conversation: every message blanked as eraseMessages does, the channel conversation id
   * replaced by `channelConversationId` (an opaque one: channel ids may carry a handle or user id), the reference cut
   * to the channel id, no tags, no rating. Idempotent. Returns the number of messages.
   */
  eraseConversation(id: string, channelConversationId: string): Promise<number>;
}

/** Messages of a conversation. */
export interface MessageStore {
  /** Appends exactly once per (channel, conversation, activityId) with the next gap-free seq. */
  appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult>;
  /**
   * appendMessage, only while the conversation meets `expect` at the moment of the write (an agent's message on the
   * chat they hold: a takeover, transfer or close that lands first makes it write nothing). Null when the
   * conversation is absent or an expectation fails. A message already stored with the same activity id is returned
   * (created false) whatever the conversation is now: it was accepted when it was stored, and a retry learns so.
   */
  appendMessageIf(input: NewMessage, expect: ConversationExpectation, options?: WriteOptions): Promise<AppendResult | null>;
  listMessages(conversationId: string, page?: MessagePage): Promise<Message[]>;
  findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null>;
  /** Privacy erasure: blanks text, attachments and derived data (intent, sentiment, language) of every message of a conversation; sequence and roles stay. */
  eraseMessages(conversationId: string): Promise<number>;
}

/** Transcript review and dashboard figures, computed by the store. */
export interface ReviewQueries {
  /** Full-text search over message texts, newest first; the query is taken as words, never as syntax (see searchText.ts). */
  searchMessages(query: string, limit?: number): Promise<SearchHit[]>;
  /** Dashboard figures computed by the store (aggregation), not by loading records. */
  conversationStats(query: StatsQuery): Promise<ConversationStats>;
  /** Transcript review: conversations matching every given filter, newest first, in keyset pages. */
  searchTranscripts(filter: TranscriptFilter, page?: TranscriptPage): Promise<TranscriptResults>;
  /** Every message of these conversations (at most MAX_PAGE ids), grouped by conversation in the given order, then by seq. */
  listMessagesOf(conversationIds: readonly string[]): Promise<Message[]>;
}

/** Bulk load for the history generator and imports. */
export interface ImportStore {
  /** Records are written as given; running the same batch again changes nothing (a rerun completes a failed one). */
  importRecords(batch: ImportBatch): Promise<void>;
}

/** Staff: users and their sessions. */
export interface StaffStore {
  createUser(input: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUserByEmail(email: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  createSession(session: Session): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  revokeSession(id: string, at: string): Promise<boolean>;
}

/** The audit log (append-only). */
export interface AuditStore {
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry>;
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
}

/** Key-value state with eTag concurrency: botbuilder's Storage (store/botStateStorage.ts) and the demo backend. */
export interface BotStateStore {
  readState(keys: readonly string[]): Promise<Record<string, StateEntry>>;
  /** Writes when expectedEtag is undefined or '*' or equal to the stored eTag; else STORE_ETAG_CONFLICT. Returns the new eTag. */
  writeState(key: string, value: Record<string, unknown>, expectedEtag?: string, options?: WriteOptions): Promise<string>;
  deleteState(keys: readonly string[]): Promise<void>;
}

/** Merge suggestions and the snapshots that make a merge undoable. */
export interface MergeStore {
  /** Records a suggestion; while one is open for the same two customers (either way round), returns that one instead. */
  addMergeSuggestion(input: Pick<MergeSuggestion, 'customerId' | 'candidateId' | 'score' | 'evidence'>): Promise<MergeSuggestion>;
  getMergeSuggestion(id: string): Promise<MergeSuggestion | null>;
  /** Oldest first; `customerId` narrows to suggestions involving that customer on either side. */
  listMergeSuggestions(query: { status: MergeSuggestion['status']; customerId?: string }): Promise<MergeSuggestion[]>;
  /** Compare-and-set from 'open'; null when the suggestion is absent or already decided. */
  decideMergeSuggestion(id: string, status: 'confirmed' | 'rejected'): Promise<MergeSuggestion | null>;
  saveMerge(record: MergeRecord): Promise<void>;
  getMerge(id: string): Promise<MergeRecord | null>;
  /** Compare-and-set: marks a merge undone once; false when absent or already undone. */
  markMergeUndone(id: string, at: string): Promise<boolean>;
}

/** The segment rules supervisors set. */
export interface SegmentRuleStore {
  /** Null until rules were ever set (the defaults apply). */
  readSegmentRules(): Promise<SegmentRuleSet | null>;
  writeSegmentRules(rules: Record<string, unknown>[]): Promise<SegmentRuleSet>;
}

/** Utterances added to the NLU corpus. */
export interface CorpusStore {
  /** Oldest first. */
  listCorpusAdditions(): Promise<CorpusAddition[]>;
  /** Adds unless the same text (case-insensitively) is already there for that language; returns the stored one. */
  addCorpusAddition(addition: CorpusAddition): Promise<{ addition: CorpusAddition; added: boolean }>;
  /** Removes every addition whose text is one of these (compared as addCorpusAddition does), any language; returns how many went. */
  removeCorpusAdditions(texts: readonly string[]): Promise<number>;
}

/** What erasure needs beyond blanking the customer and their messages. */
export interface PrivacyStore {
  /**
   * Call last in an erasure: removes what was derived from the customer (merge snapshots and suggestions
   * involving them, corpus additions taken from their conversations) and, on the embedded store, leaves no trace
   * of erased data in the raw files (freed pages zeroed, the full-text index merged, the WAL checkpointed and
   * truncated). On MongoDB the operator compacts and rotates backups (README, Production).
   */
  forgetCustomer(customerId: string): Promise<ForgetResult>;
}

/** What a bot turn reads, in one round trip. */
export interface TurnStore {
  /**
   * The customer behind a channel identity, the conversation, and the conversation's dialog state, read at once:
   * a bot turn's reads in one round trip instead of three (README, Lean turns).
   */
  readTurn(input: TurnRead): Promise<TurnSnapshot>;
}

/**
 * Leases: one holder at a time for a named job across every process on the store (store/leasedJobs.ts). A lease is
 * a row with a holder and an expiry, taken by compare-and-set; a holder that stops renewing loses it at expiry.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` until now + ttlMs when it is free, expired or already this holder's (then it is
   * renewed). True when `holder` holds it now. Times are the caller's clock (milliseconds since the epoch).
   */
  acquireLease(name: string, holder: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it (another may take it at once); true when it did. */
  releaseLease(name: string, holder: string): Promise<boolean>;
}

/**
 * Uses counted in a rolling window across every process on the store: one row (SQLite) or one document (MongoDB) per
 * key, trimmed, checked and added to in one atomic write. What limits the one-time codes sent to one address
 * (commerce/contactVerification.ts), whichever instance is asked.
 */
export interface QuotaStore {
  /**
   * Counts one use of `key` at `now` when fewer than `limit` uses were counted in the `windowMs` before it (uses at
   * or before now − windowMs no longer count); true when counted, false (nothing counted) when the window is full.
   * Times are the caller's clock (milliseconds since the epoch).
   */
  takeQuota(key: string, limit: number, windowMs: number, now?: number): Promise<boolean>;
}

/** The webhook outbox: events kept until delivered or dead-lettered (profile/webhookNotifier.ts). */
export interface OutboxStore {
  /** Records an event to deliver, due at once; idempotent per event id (a second call changes nothing). */
  enqueueOutbox(event: OutboxEvent, options?: WriteOptions): Promise<void>;
  /** Events due at `now` (ISO) and not dead, soonest first, at most `limit`. */
  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]>;
  /** The event was delivered: it leaves the outbox. */
  completeOutbox(id: string): Promise<void>;
  /** A delivery failed: counted, and retried at `nextAttemptAt`, or dead-lettered without one. */
  failOutbox(id: string, failure: OutboxFailure): Promise<void>;
  outboxCounts(): Promise<OutboxCounts>;
}

/**
 * Files kept for conversations (web chat uploads, agents' files): the record and the bytes, kept together (one row,
 * one document under MongoDB's 16 MB limit: ATTACHMENT_MAX_BYTES is at most 15 MB). Deleting or erasing a
 * conversation removes its files (deleteConversation, eraseConversation).
 */
export interface AttachmentStore {
  /** Stores a file with its record; the same id again changes nothing and returns the record already stored (a retry). */
  putAttachment(record: AttachmentRecord, content: Uint8Array): Promise<AttachmentRecord>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  /** The record and its bytes; null when absent. */
  readAttachment(id: string): Promise<{ record: AttachmentRecord; content: Uint8Array } | null>;
  /** A conversation's files, oldest first (records only). */
  listAttachments(conversationId: string): Promise<AttachmentRecord[]>;
  /** Removes every file of these conversations; returns how many went. */
  deleteAttachmentsOf(conversationIds: readonly string[]): Promise<number>;
}

/** Everything the system keeps: the intersection of the ports. */
export interface Store
  extends
    StoreLifecycle,
    CustomerStore,
    ConversationStore,
    MessageStore,
    ReviewQueries,
    ImportStore,
    StaffStore,
    AuditStore,
    BotStateStore,
    MergeStore,
    SegmentRuleStore,
    CorpusStore,
    PrivacyStore,
    TurnStore,
    LeaseStore,
    QuotaStore,
    OutboxStore,
    AttachmentStore {}
