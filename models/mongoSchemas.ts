import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Mongoose schemas and indexes for the MongoDB store. Documents use our own string ids as _id
 * (the same ids the embedded store uses) and ISO-8601 strings for times, so records are identical
 * in both stores. Flexible sub-documents are Mixed; the record types in records.ts are the contract.
 */
const opts = { versionKey: false, strict: true, minimize: false } as const;

export const CustomerSchema = new Schema(
  {
    _id: String,
    doc: { type: Schema.Types.Mixed, required: true },
    version: { type: Number, required: true },
    /** Unique identity keys: channel identities and verified contact points. */
    keys: { type: [String], default: [] },
    /** Every contact point, verified or not, for suggestion lookups. */
    contacts: { type: [String], default: [] },
    /** The customer's current segments, for review filters and figures. */
    segments: { type: [String], default: [] },
  },
  opts,
);
CustomerSchema.index({ keys: 1 }, { unique: true, partialFilterExpression: { 'keys.0': { $exists: true } } });
CustomerSchema.index({ contacts: 1 });
CustomerSchema.index({ segments: 1 });

export const ConversationSchema = new Schema(
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
    /** Running sum and count of customer message sentiment, moved by $inc on append. */
    sentimentSum: { type: Number, default: 0 },
    sentimentN: { type: Number, default: 0 },
    doc: { type: Schema.Types.Mixed, required: true },
  },
  opts,
);
ConversationSchema.index({ channelId: 1, channelConversationId: 1 }, { unique: true });
ConversationSchema.index({ state: 1, priority: -1, createdAt: 1 });
ConversationSchema.index({ agentId: 1, state: 1 });
ConversationSchema.index({ customerId: 1, createdAt: 1 });
ConversationSchema.index({ createdAt: -1, _id: -1 });
ConversationSchema.index({ createdAt: 1, channelId: 1, handoffReason: 1, satisfaction: 1 });
ConversationSchema.index({ tags: 1 });
ConversationSchema.index({ handledBy: 1 });

export const MessageSchema = new Schema(
  {
    _id: String,
    conversationId: { type: String, required: true },
    seq: { type: Number, required: true },
    activityId: { type: String },
    role: { type: String, required: true },
    kind: { type: String, required: true },
    text: { type: String, default: '' },
    createdAt: { type: String, required: true },
    /** Customer messages only: recognized intent and sentiment, and the conversation's channel for figures. */
    intent: { type: String },
    sentiment: { type: Number },
    channelId: { type: String },
    doc: { type: Schema.Types.Mixed, required: true },
  },
  opts,
);
MessageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// Exactly-once per channel activity; messages without an activity id (bot, agent, events) are not constrained.
MessageSchema.index({ conversationId: 1, activityId: 1 }, { unique: true, partialFilterExpression: { activityId: { $type: 'string' } } });
MessageSchema.index({ text: 'text' }, { default_language: 'none' });
MessageSchema.index({ role: 1, createdAt: 1, channelId: 1, intent: 1 });
MessageSchema.index({ intent: 1, conversationId: 1 }, { partialFilterExpression: { role: 'customer' } });

export const UserSchema = new Schema(
  { _id: String, email: { type: String, required: true, unique: true }, doc: { type: Schema.Types.Mixed, required: true } },
  opts,
);

/** Conversations an agent holds; bounded by capacity with an atomic array-length guard. */
export const AgentSlotsSchema = new Schema({ _id: String, conversations: { type: [String], default: [] } }, opts);

export const SessionSchema = new Schema({ _id: String, userId: { type: String, required: true }, doc: { type: Schema.Types.Mixed, required: true } }, opts);

export const AuditSchema = new Schema(
  {
    _id: String,
    at: { type: String, required: true },
    actorId: String,
    action: { type: String, required: true },
    targetId: String,
    doc: { type: Schema.Types.Mixed, required: true },
  },
  opts,
);
AuditSchema.index({ at: -1 });
AuditSchema.index({ actorId: 1, at: -1 });
AuditSchema.index({ targetId: 1, at: -1 });

export const BotStateSchema = new Schema({ _id: String, etag: { type: String, required: true }, value: { type: Schema.Types.Mixed, required: true } }, opts);

export interface MongoModels {
  Customer: Model<any>;
  Conversation: Model<any>;
  Message: Model<any>;
  User: Model<any>;
  AgentSlots: Model<any>;
  Session: Model<any>;
  Audit: Model<any>;
  BotState: Model<any>;
}

export function registerModels(conn: Connection): MongoModels {
  return {
    Customer: conn.model('Customer', CustomerSchema, 'customers'),
    Conversation: conn.model('Conversation', ConversationSchema, 'conversations'),
    Message: conn.model('Message', MessageSchema, 'messages'),
    User: conn.model('User', UserSchema, 'users'),
    AgentSlots: conn.model('AgentSlots', AgentSlotsSchema, 'agent_slots'),
    Session: conn.model('Session', SessionSchema, 'sessions'),
    Audit: conn.model('Audit', AuditSchema, 'audit'),
    BotState: conn.model('BotState', BotStateSchema, 'bot_state'),
  };
}
