import type { Connection, Model } from 'mongoose';
import { CustomerSchema, ConversationSchema, MessageSchema, type CustomerDoc, type ConversationDoc, type MessageDoc } from './mongoRecordSchemas';
import {
  UserSchema,
  AgentSlotsSchema,
  SessionSchema,
  AuditSchema,
  BotStateSchema,
  MergeSuggestionSchema,
  MergeSchema,
  SegmentRulesSchema,
  CorpusAdditionSchema,
  type UserDoc,
  type AgentSlotsDoc,
  type SessionDoc,
  type AuditDoc,
  type BotStateDoc,
  type MergeSuggestionDoc,
  type MergeDoc,
  type SegmentRulesDoc,
  type CorpusAdditionDoc,
} from './mongoStaffSchemas';
import {
  LeaseSchema,
  QuotaSchema,
  OutboxSchema,
  AttachmentSchema,
  StoreMetaSchema,
  DayRollupSchema,
  type DayRollupDoc,
  type LeaseDoc,
  type QuotaDoc,
  type OutboxDoc,
  type AttachmentDoc,
  type StoreMetaDoc,
} from './mongoJobSchemas';

/** The schemas, by aggregate (mongoSchemaBase.ts); registered on a connection as the store's models. */
export * from './mongoRecordSchemas';
export * from './mongoStaffSchemas';
export * from './mongoJobSchemas';

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
  Quota: Model<QuotaDoc>;
  Outbox: Model<OutboxDoc>;
  Attachment: Model<AttachmentDoc>;
  DayRollup: Model<DayRollupDoc>;
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
    Quota: conn.model<QuotaDoc>('Quota', QuotaSchema, 'quotas'),
    Outbox: conn.model<OutboxDoc>('Outbox', OutboxSchema, 'outbox'),
    Attachment: conn.model<AttachmentDoc>('Attachment', AttachmentSchema, 'attachments'),
    DayRollup: conn.model<DayRollupDoc>('DayRollup', DayRollupSchema, 'day_rollups'),
  };
}
