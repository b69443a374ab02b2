import { Schema, type Connection, type Model } from 'mongoose';
import type {
  AuditEntry,
  AuthorRole,
  Conversation,
  ConversationState,
  CorpusAddition,
  Customer,
  MergeRecord,
  MergeSuggestion,
  Message,
  MessageKind,
  Session,
  User,
} from './records';

/**
 * Mongoose schemas and indexes for the MongoDB store. Documents use our own string ids as _id (the same ids the
 * embedded store uses) and ISO-8601 strings for times, so records are identical in both stores. Each document keeps
 * the record as `doc` (the record types in records.ts are the contract) beside the fields that are queried and
 * indexed. Indexes are built by the store's migration step (store/mongo/mongoMigrations.ts), never at start-up.
 */
const opts = { versionKey: false, strict: true, minimize: false, autoIndex: false, autoCreate: false } as const;
const Mixed = Schema.Types.Mixed;

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
}

export const CustomerSchema = new Schema<CustomerDoc>(
  {
    _id: String,
    doc: { type: Mixed, required: true },
    version: { type: Number, required: true },
    keys: { type: [String], default: [] },
    contacts: { type: [String], default: [] },
    segments: { type: [String], default: [] },
  },
  opts,
);
// Unique across customers; partial so that the many customers with no key at all do not collide on "no value".
// A query uses this index only when it contains the filter expression: lookups by key add `'keys.0': {$exists: true}`
// (store/mongo/mongoCustomers.ts), which every customer holding a key satisfies anyway.
CustomerSchema.index({ keys: 1 }, { unique: true, partialFilterExpression: { 'keys.0': { $exists: true } } });
CustomerSchema.index({ contacts: 1 });
CustomerSchema.index({ segments: 1 });

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
  doc: Conversation;
}

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
ConversationSchema.index({
  createdAt: 1,
  channelId: 1,
  state: 1,
  handoffReason: 1,
  satisfaction: 1,
  waitMs: 1,
  firstResponseMs: 1,
  handleMs: 1,
  sentimentSum: 1,
  sentimentN: 1,
  customerId: 1,
});
ConversationSchema.index({ tags: 1, createdAt: -1 });
ConversationSchema.index({ handledBy: 1, createdAt: -1 });
ConversationSchema.index({ sentimentAvg: 1, createdAt: -1 });
ConversationSchema.index({ updatedAt: 1 });

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
MessageSchema.index({ searchText: 'text' }, { default_language: 'none', name: 'searchText_text' });
MessageSchema.index({ role: 1, createdAt: 1, channelId: 1, intent: 1 });
// The intent filter of transcript review: per conversation, does a customer message have this intent.
MessageSchema.index({ conversationId: 1, intent: 1 }, { partialFilterExpression: { role: 'customer' } });
// The counters repair reads recent messages (store/mongo/mongoRepair.ts).
MessageSchema.index({ createdAt: 1 });

export interface UserDoc {
  _id: string;
  email: string;
  doc: User;
}
export const UserSchema = new Schema<UserDoc>(
  { _id: String, email: { type: String, required: true, unique: true }, doc: { type: Mixed, required: true } },
  opts,
);

/** Conversations an agent holds; bounded by capacity with an atomic array-length guard. */
export interface AgentSlotsDoc {
  _id: string;
  conversations: string[];
}
export const AgentSlotsSchema = new Schema<AgentSlotsDoc>({ _id: String, conversations: { type: [String], default: [] } }, opts);

export interface SessionDoc {
  _id: string;
  userId: string;
  doc: Session;
}
export const SessionSchema = new Schema<SessionDoc>({ _id: String, userId: { type: String, required: true }, doc: { type: Mixed, required: true } }, opts);

export interface AuditDoc {
  _id: string;
  at: string;
  actorId?: string;
  action: string;
  targetId?: string;
  doc: AuditEntry;
}
export const AuditSchema = new Schema<AuditDoc>(
  {
    _id: String,
    at: { type: String, required: true },
    actorId: String,
    action: { type: String, required: true },
    targetId: String,
    doc: { type: Mixed, required: true },
  },
  opts,
);
AuditSchema.index({ at: -1, _id: -1 });
AuditSchema.index({ actorId: 1, at: -1, _id: -1 });
AuditSchema.index({ targetId: 1, at: -1, _id: -1 });
AuditSchema.index({ action: 1, at: -1, _id: -1 });

export interface BotStateDoc {
  _id: string;
  etag: string;
  value: Record<string, unknown>;
}
export const BotStateSchema = new Schema<BotStateDoc>({ _id: String, etag: { type: String, required: true }, value: { type: Mixed, required: true } }, opts);

export interface MergeSuggestionDoc {
  _id: string;
  customerId: string;
  candidateId: string;
  /** The two customer ids in order: at most one open suggestion per pair (partial unique index). */
  pair: string;
  status: MergeSuggestion['status'];
  createdAt: string;
  doc: MergeSuggestion;
}
export const MergeSuggestionSchema = new Schema<MergeSuggestionDoc>(
  {
    _id: String,
    customerId: { type: String, required: true },
    candidateId: { type: String, required: true },
    pair: { type: String, required: true },
    status: { type: String, required: true },
    createdAt: { type: String, required: true },
    doc: { type: Mixed, required: true },
  },
  opts,
);
MergeSuggestionSchema.index({ pair: 1 }, { unique: true, partialFilterExpression: { status: 'open' } });
MergeSuggestionSchema.index({ status: 1, createdAt: 1, _id: 1 });
MergeSuggestionSchema.index({ customerId: 1 });
MergeSuggestionSchema.index({ candidateId: 1 });

export interface MergeDoc {
  _id: string;
  absorbedId: string;
  survivorId: string;
  at: string;
  undoneAt: string | null;
  doc: MergeRecord;
}
export const MergeSchema = new Schema<MergeDoc>(
  {
    _id: String,
    absorbedId: { type: String, required: true },
    survivorId: { type: String, required: true },
    at: { type: String, required: true },
    undoneAt: { type: String, default: null },
    doc: { type: Mixed, required: true },
  },
  opts,
);
MergeSchema.index({ absorbedId: 1 });
MergeSchema.index({ survivorId: 1 });

/** One document: the rule set is replaced as a whole, atomically. */
export interface SegmentRulesDoc {
  _id: string;
  rules: Record<string, unknown>[];
  updatedAt: string;
}
export const SegmentRulesSchema = new Schema<SegmentRulesDoc>(
  { _id: String, rules: { type: Mixed, required: true }, updatedAt: { type: String, required: true } },
  opts,
);

export interface CorpusAdditionDoc {
  /** An ObjectId's hex form: the order additions were made in. */
  _id: string;
  language: string;
  /** The text compared case-insensitively: unique per language. */
  textKey: string;
  conversationId: string | null;
  at: string;
  doc: CorpusAddition;
}
export const CorpusAdditionSchema = new Schema<CorpusAdditionDoc>(
  {
    _id: String,
    language: { type: String, required: true },
    textKey: { type: String, required: true },
    conversationId: { type: String, default: null },
    at: { type: String, required: true },
    doc: { type: Mixed, required: true },
  },
  opts,
);
CorpusAdditionSchema.index({ language: 1, textKey: 1 }, { unique: true });
CorpusAdditionSchema.index({ conversationId: 1 }, { partialFilterExpression: { conversationId: { $type: 'string' } } });

/** A job's lease (store/leasedJobs.ts): `_id` is the job's name; taken by findOneAndUpdate with an expiry filter. */
export interface LeaseDoc {
  _id: string;
  holder: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}
export const LeaseSchema = new Schema<LeaseDoc>({ _id: String, holder: { type: String, required: true }, expiresAt: { type: Number, required: true } }, opts);

/** A webhook event until it is delivered (profile/webhookNotifier.ts); dead letters stay with state 'dead'. */
export interface OutboxDoc {
  _id: string;
  state: 'pending' | 'dead';
  nextAttemptAt: string;
  attempts: number;
  lastError?: string | null;
  event: { id: string; type: string; at: string; data: Record<string, unknown> };
}
export const OutboxSchema = new Schema<OutboxDoc>(
  {
    _id: String,
    state: { type: String, required: true },
    nextAttemptAt: { type: String, required: true },
    attempts: { type: Number, required: true },
    lastError: { type: String, default: null },
    event: { type: Mixed, required: true },
  },
  opts,
);
// The worker's query (due, soonest first) and the counts.
OutboxSchema.index({ state: 1, nextAttemptAt: 1, _id: 1 });

/** The schema version the migration step reached (store/mongo/mongoMigrations.ts). */
export interface StoreMetaDoc {
  _id: string;
  version: number;
  at: string;
}
export const StoreMetaSchema = new Schema<StoreMetaDoc>({ _id: String, version: { type: Number, required: true }, at: { type: String, required: true } }, opts);

export interface MongoModels {
  Customer: Model<CustomerDoc>;
  Conversation: Model<ConversationDoc>;
  Message: Model<MessageDoc>;
  User: Model<UserDoc>;
  AgentSlots: Model<AgentSlotsDoc>;
  Session: Model<SessionDoc>;
  Audit: Model<AuditDoc>;
  BotState: Model<BotStateDoc>;
  MergeSuggestion: Model<MergeSuggestionDoc>;
  Merge: Model<MergeDoc>;
  SegmentRules: Model<SegmentRulesDoc>;
  CorpusAddition: Model<CorpusAdditionDoc>;
  StoreMeta: Model<StoreMetaDoc>;
  Lease: Model<LeaseDoc>;
  Outbox: Model<OutboxDoc>;
}

export function registerModels(conn: Connection): MongoModels {
  return {
    Customer: conn.model<CustomerDoc>('Customer', CustomerSchema, 'customers'),
    Conversation: conn.model<ConversationDoc>('Conversation', ConversationSchema, 'conversations'),
    Message: conn.model<MessageDoc>('Message', MessageSchema, 'messages'),
    User: conn.model<UserDoc>('User', UserSchema, 'users'),
    AgentSlots: conn.model<AgentSlotsDoc>('AgentSlots', AgentSlotsSchema, 'agent_slots'),
    Session: conn.model<SessionDoc>('Session', SessionSchema, 'sessions'),
    Audit: conn.model<AuditDoc>('Audit', AuditSchema, 'audit'),
    BotState: conn.model<BotStateDoc>('BotState', BotStateSchema, 'bot_state'),
    MergeSuggestion: conn.model<MergeSuggestionDoc>('MergeSuggestion', MergeSuggestionSchema, 'merge_suggestions'),
    Merge: conn.model<MergeDoc>('Merge', MergeSchema, 'merges'),
    SegmentRules: conn.model<SegmentRulesDoc>('SegmentRules', SegmentRulesSchema, 'segment_rules'),
    CorpusAddition: conn.model<CorpusAdditionDoc>('CorpusAddition', CorpusAdditionSchema, 'corpus_additions'),
    StoreMeta: conn.model<StoreMetaDoc>('StoreMeta', StoreMetaSchema, 'store_meta'),
    Lease: conn.model<LeaseDoc>('Lease', LeaseSchema, 'leases'),
    Outbox: conn.model<OutboxDoc>('Outbox', OutboxSchema, 'outbox'),
  };
}
