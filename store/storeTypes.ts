import type { Conversation, ConversationState, Customer, Message, SentimentPoint, StateEntry } from '../models/records';

/** The query and result shapes of the store's ports (store/store.ts), shared by both engines. */

/** Identity keys are unique across customers: a channel identity, or a verified contact point. */
export type IdentityKey = { kind: 'channel'; channelId: string; userId: string } | { kind: 'email'; value: string } | { kind: 'phone'; value: string };

export type ClaimResult = { ok: true; conversation: Conversation } | { ok: false; reason: 'not_found' | 'state' | 'capacity' };

export interface AppendResult {
  message: Message;
  /** False when a message with the same channel activity id was already stored. */
  created: boolean;
}

/**
 * Who holds a conversation now (getConversationHolder): what the console's push of a new message checks (access
 * policy canWatch reads only these), without reading and parsing the whole record.
 */
export type ConversationHolder = Pick<Conversation, 'id' | 'state' | 'agentId'>;

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
  /**
   * Not-understood lines to leave out, by their text as this query returns it: they are dropped before the
   * UNRECOGNIZED_TOP most frequent are taken, so the list still has that many when that many others exist (the
   * review service leaves out answers to the bot's own questions, review/notUnderstood.ts). At most UNRECOGNIZED_EXCEPT_MAX.
   */
  unrecognizedExcept?: readonly string[];
}

/** The most not-understood texts one stats query may leave out. */
export const UNRECOGNIZED_EXCEPT_MAX = 500;

/** The not-understood lines, most frequent first, without the ones left out, the first UNRECOGNIZED_TOP. */
export function topUnrecognized<T extends { text: string; count: number }>(rows: Iterable<T>, except: readonly string[] = []): T[] {
  const left = new Set(except);
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .filter((u) => !left.has(u.text))
    .sort((a, b) => b.count - a.count || byText(a.text, b.text))
    .slice(0, UNRECOGNIZED_TOP);
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
  /**
   * A customer's id, or their display name or part of it (store/searchText.ts namePrefixes: each word begins a word
   * of the name; no case, no accents): the transcripts page's "Customer (name or id)".
   */
  customer?: string;
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

/** How `updateCustomer` compares and writes. */
export interface UpdateCustomerOptions extends WriteOptions {
  /**
   * The customer exactly as the caller read it, at the expected version: the store then writes only what the
   * patch changes (a few fields set) instead of the whole document.
   */
  base?: Customer;
}

/**
 * A customer's message counted on their profile (`recordCustomerMessage`), computed by the caller against the profile
 * at `expectedVersion`: the store applies it as one small write (SQLite: one UPDATE of the document's few paths;
 * MongoDB: one updateOne with $inc and $set), and the point appended to the history apart instead of writing the whole document back. The result is
 * the document `updateCustomer` would have written for the same change.
 */
export interface CustomerMessageUpdate {
  /** The stored version must still be this one, else STORE_ETAG_CONFLICT (the caller re-reads and retries). */
  expectedVersion: number;
  /** Appended to the sentiment history (kept apart from the record), which then keeps its newest `keepSentiment` points. */
  point: SentimentPoint;
  keepSentiment: number;
  /** The record's recentSentiment with the point's score added (its newest RECENT_SENTIMENT_POINTS scores). */
  recentSentiment: number[];
  /** engagement.lastContactAt and lastSeenAt. */
  at: string;
  /** engagement.messages grows by one; engagement.conversations by one when this message opened a conversation. */
  newConversation: boolean;
  /** engagement.score, recomputed. */
  engagementScore: number;
  /** Only when the profile has no language yet. */
  language?: string;
  /** Only when it changed. */
  reachScore?: number;
  /** Only when they changed. */
  segments?: string[];
}

/**
 * What a store can still do. `ok`; `degraded`: a write was refused and cleanly rolled back (a full disk), writes
 * are refused until a probe succeeds, then it is `ok` again; `failed`: it can no longer vouch for what it wrote (a
 * failed fsync), and only a restart helps — liveness fails so an orchestrator restarts the process.
 */
export type StoreHealth = { status: 'ok' } | { status: 'degraded' | 'failed'; reason: string };

/** What a repair found and fixed (MongoDB keeps some facts in more than one document; see store/README.md). */
export interface RepairReport {
  /** Agents whose capacity slots disagreed with the conversations they hold. */
  slots: number;
  /** Conversations whose sequence counter or running sentiment lagged behind their messages. */
  counters: number;
  /** The dashboard's daily rollups recomputed by this run (only days a write changed; each by one instance). */
  rollupDays: number;
}

/** What `forgetCustomer` removed. */
export interface ForgetResult {
  mergeSuggestions: number;
  merges: number;
  corpusAdditions: number;
}

/** What a bot turn reads at once (store.readTurn). */
export interface TurnRead {
  /** The customer holding this channel identity (not followed to the profile it was merged into). */
  key: IdentityKey;
  channelId: string;
  channelConversationId: string;
  /** Key-value state entries the turn will load (its dialog state). */
  stateKeys?: readonly string[];
  /**
   * When no customer holds the key: the staff accounts' names as well, in the same round trip (a first contact whose
   * channel gives a name judges it against the accounts as they are now: profile/reservedNames.ts).
   */
  staffNames?: boolean;
}

export interface TurnSnapshot {
  customer: Customer | null;
  conversation: Conversation | null;
  /** The requested state entries that exist. */
  state: Record<string, StateEntry>;
  /** Every staff account's name; present only when asked for (TurnRead.staffNames) and no customer was found. */
  staffNames?: string[];
}

/** An event to deliver to the company's webhook, kept in the store's outbox until delivered (profile/webhookNotifier.ts). */
export interface OutboxEvent {
  /** Stable for the event's whole life: the receivers' idempotency key. */
  id: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface OutboxEntry {
  event: OutboxEvent;
  /** Delivery attempts made so far. */
  attempts: number;
  /** ISO time of the next attempt. */
  nextAttemptAt: string;
  lastError?: string;
}

/** What the outbox holds: events still to deliver, and those given up on (dead letters). */
export interface OutboxCounts {
  pending: number;
  dead: number;
}

/** The outcome of one failed delivery: retried at `nextAttemptAt`, or, without it, dead-lettered. */
export interface OutboxFailure {
  attempts: number;
  error: string;
  nextAttemptAt?: string;
}
