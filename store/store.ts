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

/** Identity keys are unique across customers: a channel identity, or a verified contact point. */
export type IdentityKey =
  | { kind: 'channel'; channelId: string; userId: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string };

export type ClaimResult =
  | { ok: true; conversation: Conversation }
  | { ok: false; reason: 'not_found' | 'state' | 'capacity' };

export interface AppendResult {
  message: Message;
  /** False when a message with the same channel activity id was already stored. */
  created: boolean;
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

export interface MessagePage {
  afterSeq?: number;
  limit?: number;
}

export interface ConversationQuery {
  states?: readonly ConversationState[];
  /** Only conversations last changed before this ISO time. */
  updatedBefore?: string;
  agentId?: string;
  customerId?: string;
  limit?: number;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetId?: string;
  limit?: number;
  /** Opaque, from encodeCursor of the last entry of the previous page (newest first). */
  cursor?: string;
}

/** How a write is acknowledged. */
export interface WriteOptions {
  /**
   * Resolve once the write is applied (every later read sees it), not once it is durable: the caller awaits
   * `sync()` before anything outside the process learns of it. A bot turn's writes then share one commit and one
   * disk flush instead of one each. Without it, a write resolves only when durable.
   */
  deferSync?: boolean;
}

/**
 * Everything the system keeps, behind one interface. Two implementations (SQLite, MongoDB)
 * pass the same contract suite in test/contract. Every method validates that query values
 * are plain strings/numbers so request input can never smuggle an operator into a filter.
 */
export interface Store {
  readonly kind: 'sqlite' | 'mongo';
  init(): Promise<void>;
  /** Resolves when the store answers; rejects with STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Resolves once every write that resolved before this call is durable; rejects with STORE_UNAVAILABLE when
   * that can no longer be promised. What a caller of a `deferSync` write awaits before acknowledging it.
   */
  sync(): Promise<void>;

  // Customers: the social profile
  createCustomer(input: NewCustomer, options?: WriteOptions): Promise<Customer>;
  getCustomer(id: string): Promise<Customer | null>;
  findCustomerByKey(key: IdentityKey): Promise<Customer | null>;
  /** Every customer holding this contact point, verified or not. */
  findCustomersByContact(type: ContactType, value: string): Promise<Customer[]>;
  /** Applies the patch; fails with STORE_CONFLICT when an identity key would belong to two customers,
   * STORE_ETAG_CONFLICT when expectedVersion is given and differs. */
  updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: WriteOptions): Promise<Customer>;

  // Conversations
  /** Returns the conversation for this channel conversation, creating it atomically if absent. */
  getOrCreateConversation(input: NewConversation, options?: WriteOptions): Promise<{ conversation: Conversation; created: boolean }>;
  getConversation(id: string): Promise<Conversation | null>;
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
  claimConversation(input: {
    conversationId: string;
    agentId: string;
    fromStates: readonly ConversationState[];
    expectedAgentId?: string | null;
    maxActive: number;
    patch?: ConversationPatch;
  }): Promise<ClaimResult>;
  countActiveChats(agentId: string): Promise<number>;

  // Conversation state and privacy erasure (issue 14 item 3, issue 15 item 4)
  /**
   * Compare-and-set of a conversation's state to anything but 'agent' (claimConversation gives one to an agent);
   * the conversation is left without an owner. Applies only if the state is one of fromStates, and the owner and
   * version are the expected ones when given. Only handoff's transition() calls it: it checks the transition table,
   * records the change and emits the domain event.
   */
  setConversationState(input: StateChange): Promise<ClaimResult>;
  /**
   * Privacy erasure of one conversation in one step: every message blanked as eraseMessages does, the channel
   * conversation id replaced by `channelConversationId` (an opaque one: channel ids may carry a handle or user id),
   * the reference cut to the channel id, no tags, no rating. Returns the number of messages.
   */
  eraseConversation(id: string, channelConversationId: string): Promise<number>;
  /**
   * Makes what was erased unrecoverable from the store's own files, once every write before the call is durable.
   * SQLite (secure_delete on, so freed pages are zeroed): merges the full-text index, then checkpoints and truncates
   * the WAL. MongoDB: nothing the driver can do (the operator compacts and rotates backups; see README).
   */
  scrub(): Promise<void>;

  // Messages
  /** Appends exactly once per (channel, conversation, activityId) with the next gap-free seq. */
  appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult>;
  listMessages(conversationId: string, page?: MessagePage): Promise<Message[]>;
  findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null>;
  /** Privacy erasure: blanks text, attachments and derived data (intent, sentiment, language) of every message of a conversation; sequence and roles stay. */
  eraseMessages(conversationId: string): Promise<number>;
  /** Full-text search over message texts (the store's own index), newest first; the query is taken as words, never as syntax. */
  searchMessages(query: string, limit?: number): Promise<SearchHit[]>;
  /** Dashboard figures computed by the store (aggregation), not by loading records. */
  conversationStats(query: StatsQuery): Promise<ConversationStats>;
  /** Transcript review: conversations matching every given filter, newest first, in keyset pages. */
  searchTranscripts(filter: TranscriptFilter, page?: TranscriptPage): Promise<TranscriptResults>;
  /** Every message of these conversations (at most MAX_PAGE ids), grouped by conversation in the given order, then by seq. */
  listMessagesOf(conversationIds: readonly string[]): Promise<Message[]>;
  /** Bulk load for the history generator and imports: records are written as given, in one batch. */
  importRecords(batch: ImportBatch): Promise<void>;

  // Agents and users
  createUser(input: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUserByEmail(email: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
  updateUser(id: string, patch: UserPatch): Promise<User | null>;

  // Sessions
  createSession(session: Session): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  revokeSession(id: string, at: string): Promise<boolean>;

  // Audit log (append-only)
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry>;
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;

  // Bot state for botbuilder's Storage, with eTag concurrency
  readState(keys: readonly string[]): Promise<Record<string, StateEntry>>;
  /** Writes when expectedEtag is undefined or '*' or equal to the stored eTag; else STORE_ETAG_CONFLICT. Returns the new eTag. */
  writeState(key: string, value: Record<string, unknown>, expectedEtag?: string, options?: WriteOptions): Promise<string>;
  deleteState(keys: readonly string[]): Promise<void>;
}

export const MAX_PAGE = 1000;
/** How many not-understood messages the dashboard lists. */
export const UNRECOGNIZED_TOP = 20;

/** Nearest-rank percentile: the index of the p-th value among n sorted values. */
export function rankIndex(n: number, p: number): number {
  return Math.max(0, Math.ceil(p * n) - 1);
}

export interface SearchHit {
  conversationId: string;
  seq: number;
  role: string;
  text: string;
  createdAt: string;
}

export interface StatsQuery {
  /** ISO dates, inclusive from, exclusive to. */
  from: string;
  to: string;
  channelId?: string;
}

export interface Percentiles {
  /** Seconds; null when there is no sample. */
  p50: number | null;
  p90: number | null;
  n: number;
}

export interface ConversationStats {
  /** Conversations created per day (YYYY-MM-DD) and channel. */
  perDay: { day: string; channelId: string; count: number }[];
  total: number;
  /** Conversations that never left the bot (containment). */
  botOnly: number;
  handoffReasons: { reason: string; count: number }[];
  satisfaction: { score: number; count: number }[];
  /** Queued → taken by an agent; queued → first agent reply; taken → closed. */
  times: { waiting: Percentiles; firstResponse: Percentiles; handling: Percentiles };
  /** Customer messages per recognized intent (UNRECOGNIZED_INTENT included). */
  intents: { intent: string; count: number }[];
  /** The customer messages the bot understood least often, most frequent first (text compared case-insensitively). */
  unrecognized: { text: string; count: number; conversationId: string }[];
  /** Average customer sentiment per day of conversation, overall (segment '*') and per customer segment. */
  sentiment: { day: string; segment: string; average: number; n: number }[];
}

/** Every field narrows the result; text is matched as words in any message of the conversation. */
export interface TranscriptFilter {
  text?: string;
  /** ISO times on the conversation's start: inclusive from, exclusive to. */
  from?: string;
  to?: string;
  channelId?: string;
  customerId?: string;
  agentId?: string;
  state?: ConversationState;
  handoffReason?: string;
  /** Some customer message of the conversation was recognized as this intent. */
  intent?: string;
  /** Bounds on the conversation's average customer sentiment (-1…1). */
  sentimentMin?: number;
  sentimentMax?: number;
  /** Bounds on the satisfaction rating (1…5); conversations without one never match. */
  satisfactionMin?: number;
  satisfactionMax?: number;
  tag?: string;
  /** A segment the customer is in now. */
  segment?: string;
}

export interface TranscriptPage {
  limit?: number;
  /** Opaque, from the previous page's nextCursor. */
  cursor?: string;
}

export interface TranscriptSummary {
  conversation: Conversation;
  customerName?: string;
  /** Average sentiment of the customer's messages; null when none was scored. */
  sentiment: number | null;
  customerMessages: number;
}

export interface TranscriptResults {
  items: TranscriptSummary[];
  nextCursor: string | null;
}

export interface ImportBatch {
  customers?: Customer[];
  conversations?: Conversation[];
  /** Messages of conversations in this batch or already stored; seq and lastSeq are taken as given. */
  messages?: Message[];
}
