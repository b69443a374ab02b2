import { Schema } from 'mongoose';
import type { AuthorRole, Conversation, ConversationState, Customer, Message, MessageKind, SentimentPoint } from './records';
import { Mixed, opts } from './mongoSchemaBase';

/** Customers, conversations and messages (see mongoSchemaBase.ts). */
export interface CustomerDoc {
  _id: string;
  doc: Customer;
  version: number;
  /** Unique identity keys: channel identities and verified contact points. */
  keys: string[];
  /** Every contact point, verified or not, for suggestion lookups. */
  contacts: string[];
  /** The customer's current segments, for review filters and figures. */
  segments: string[];
  /** The words of the display name (store/searchText.ts nameWords; none once erased), for the customer filter. */
  nameWords: string[];
  /** The number of the customer's "Visitor 4821" label (models/visitorLabel.ts, from the id), for the customer filter. */
  visitorNumber: number;
  /**
   * The sentiment history, oldest first (its newest SENTIMENT_HISTORY_POINTS points), beside the record rather than in
   * it (schema 11): every read of the record projects it away, so a turn's read neither ships nor parses it, and a
   * customer message appends to it in the record's own update ($push with $each and a negative $slice). Absent on a
   * document that never had a point.
   */
  sentiment?: SentimentPoint[];
}

export const CustomerSchema = new Schema<CustomerDoc>(
  {
    _id: String,
    doc: { type: Mixed, required: true },
    version: { type: Number, required: true },
    keys: { type: [String], default: [] },
    contacts: { type: [String], default: [] },
    segments: { type: [String], default: [] },
    nameWords: { type: [String], default: [] },
    visitorNumber: { type: Number },
    // Plain points (Mixed: no _id each); no default, so an import's upsert of the other fields leaves it as it is.
    sentiment: { type: [Mixed], default: undefined },
  },
  opts,
);
// Unique across customers; partial so that the many customers with no key at all do not collide on "no value".
// A query uses this index only when it contains the filter expression: lookups by key add `'keys.0': {$exists: true}`
// (store/mongo/mongoCustomers.ts), which every customer holding a key satisfies anyway.
CustomerSchema.index({ keys: 1 }, { unique: true, partialFilterExpression: { 'keys.0': { $exists: true } } });
CustomerSchema.index({ contacts: 1 });
CustomerSchema.index({ segments: 1 });
// Prefix searches: an anchored, case-sensitive regular expression on the (already folded) words is an index range.
CustomerSchema.index({ nameWords: 1 });
// A visitor's label: an equality on the number (schema version 10), the few customers sharing it read by _id.
CustomerSchema.index({ visitorNumber: 1 });

export interface ConversationDoc {
  _id: string;
  channelId: string;
  channelConversationId: string;
  customerId: string;
  state: ConversationState;
  agentId: string | null;
  priority: number;
  version: number;
  /** Highest sequence number whose message is counted (advanced one by one: store/mongo/mongoMessages.ts). */
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  handoffReason: string | null;
  satisfaction: number | null;
  tags: string[];
  handledBy: string[];
  waitMs: number | null;
  firstResponseMs: number | null;
  handleMs: number | null;
  /** Running sum and count of customer message sentiment, and their quotient (null while the count is 0). */
  sentimentSum: number;
  sentimentN: number;
  sentimentAvg: number | null;
  /**
   * Dashboard changes written with this document and not yet passed to the daily rollups (store/mongo/mongoRollups.ts
   * collect): how many marking writes, and the days they touched. Absent once passed on (a partial index finds them).
   */
  rollupMarks?: number;
  rollupDays?: string[];
  doc: Conversation;
}

/**
 * The fields the dashboard's figures read, in the order of their covering index (the index is built from this
 * list, and store/mongo/mongoReview.ts projects exactly these, so the two cannot drift apart).
 */
export const CONVERSATION_FACTS = [
  'createdAt',
  'channelId',
  'state',
  'handoffReason',
  'satisfaction',
  'waitMs',
  'firstResponseMs',
  'handleMs',
  'sentimentSum',
  'sentimentN',
  'customerId',
] as const;

export const ConversationSchema = new Schema<ConversationDoc>(
  {
    _id: String,
    channelId: { type: String, required: true },
    channelConversationId: { type: String, required: true },
    customerId: { type: String, required: true },
    state: { type: String, required: true },
    agentId: { type: String, default: null },
    priority: { type: Number, default: 0 },
    version: { type: Number, required: true },
    lastSeq: { type: Number, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    // Indexed facts for transcript review and the dashboard (store/recordBuilders.ts conversationFacts).
    handoffReason: { type: String, default: null },
    satisfaction: { type: Number, default: null },
    tags: { type: [String], default: [] },
    handledBy: { type: [String], default: [] },
    waitMs: { type: Number, default: null },
    firstResponseMs: { type: Number, default: null },
    handleMs: { type: Number, default: null },
    sentimentSum: { type: Number, default: 0 },
    sentimentN: { type: Number, default: 0 },
    sentimentAvg: { type: Number, default: null },
    rollupMarks: { type: Number },
    rollupDays: { type: [String], default: undefined },
    doc: { type: Mixed, required: true },
  },
  opts,
);
ConversationSchema.index({ channelId: 1, channelConversationId: 1 }, { unique: true });
ConversationSchema.index({ state: 1, priority: -1, createdAt: 1 });
ConversationSchema.index({ agentId: 1, state: 1 });
ConversationSchema.index({ customerId: 1, createdAt: 1 });
// Transcript pages walk this index newest first and stop at the page (keyset paging).
ConversationSchema.index({ createdAt: -1, _id: -1 });
// Covers the dashboard's figures over a date range: its $match and $project read the index, never the documents.
ConversationSchema.index(Object.fromEntries(CONVERSATION_FACTS.map((f) => [f, 1])));
ConversationSchema.index({ tags: 1, createdAt: -1 });
ConversationSchema.index({ handledBy: 1, createdAt: -1 });
ConversationSchema.index({ sentimentAvg: 1, createdAt: -1 });
ConversationSchema.index({ updatedAt: 1 });
// The conversations with dashboard changes not yet passed to the rollups; queries name the filter to use it.
ConversationSchema.index({ rollupMarks: 1 }, { partialFilterExpression: { rollupMarks: { $exists: true } } });

export interface MessageDoc {
  _id: string;
  conversationId: string;
  seq: number;
  activityId?: string;
  role: AuthorRole;
  kind: MessageKind;
  text: string;
  /** The words of the text as both stores search them (store/searchText.ts). */
  searchText: string;
  /** The week of createdAt (store/searchText.ts searchPeriod): the text index's prefix, so a search reads a week at a time. */
  searchPeriod: number;
  createdAt: string;
  channelId: string;
  /** Customer messages only: recognized intent and sentiment. */
  intent?: string;
  sentiment?: number;
  doc: Message;
}

export const MessageSchema = new Schema<MessageDoc>(
  {
    _id: String,
    conversationId: { type: String, required: true },
    seq: { type: Number, required: true },
    activityId: { type: String },
    role: { type: String, required: true },
    kind: { type: String, required: true },
    text: { type: String, default: '' },
    searchText: { type: String, default: '' },
    searchPeriod: { type: Number, default: 0 },
    createdAt: { type: String, required: true },
    channelId: { type: String },
    intent: { type: String },
    sentiment: { type: Number },
    doc: { type: Mixed, required: true },
  },
  opts,
);
MessageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// Exactly-once per channel activity; messages without an activity id (bot, agent, events) are not constrained.
MessageSchema.index({ conversationId: 1, activityId: 1 }, { unique: true, partialFilterExpression: { activityId: { $type: 'string' } } });
// A compound text index: every $text query names one week (equality on the prefix, as MongoDB requires), so a
// search reads the newest week's matches first and stops at its page instead of sorting every match of a common
// word (store/mongo/mongoReview.ts). It replaces the plain index on searchText (one text index per collection).
MessageSchema.index({ searchPeriod: 1, searchText: 'text' }, { default_language: 'none', name: 'searchPeriod_searchText_text' });
MessageSchema.index({ role: 1, createdAt: 1, channelId: 1, intent: 1 });
// The intent filter of transcript review: per conversation, does a customer message have this intent.
MessageSchema.index({ conversationId: 1, intent: 1 }, { partialFilterExpression: { role: 'customer' } });
// The counters repair reads recent messages (store/mongo/mongoRepair.ts).
MessageSchema.index({ createdAt: 1 });
