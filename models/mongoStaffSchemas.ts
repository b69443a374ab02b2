import { Schema } from 'mongoose';
import type { AuditEntry, CorpusAddition, MergeRecord, MergeSuggestion, Session, User } from './records';
import { Mixed, opts } from './mongoSchemaBase';

/** Staff, sessions, audit, bot state, merges, segment rules and corpus additions (see mongoSchemaBase.ts). */
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
