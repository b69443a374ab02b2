import { Schema } from 'mongoose';
import type { AttachmentRecord } from './records';
import { Mixed, opts } from './mongoSchemaBase';

/** A job's lease (store/leasedJobs.ts): `_id` is the job's name; taken by findOneAndUpdate with an expiry filter. */
export interface LeaseDoc {
  _id: string;
  holder: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}
export const LeaseSchema = new Schema<LeaseDoc>({ _id: String, holder: { type: String, required: true }, expiresAt: { type: Number, required: true } }, opts);

/**
 * The uses of one key counted in a rolling window (store/mongo/mongoJobs.ts MongoQuotas): `_id` the key, `at` the
 * instants (ms) of the uses still in the window (never more than the limit), `took` whether the last update counted
 * one, `expireAt` when the last use leaves its window (a TTL index removes the document then).
 */
export interface QuotaDoc {
  _id: string;
  at: number[];
  took: boolean;
  expireAt: Date;
}
export const QuotaSchema = new Schema<QuotaDoc>(
  {
    _id: String,
    at: { type: [Number], default: undefined, required: true },
    took: { type: Boolean, required: true },
    expireAt: { type: Date, required: true },
  },
  opts,
);
QuotaSchema.index({ expireAt: 1 }, { expireAfterSeconds: 0 });

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
/**
 * A file kept for a conversation: the record and its bytes in one document. ATTACHMENT_MAX_BYTES is at most 15 MB,
 * so a document stays under MongoDB's 16 MB limit; one document (not GridFS) makes a file's write and delete atomic.
 */
export interface AttachmentDoc {
  _id: string;
  conversationId: string;
  createdAt: string;
  doc: AttachmentRecord;
  content: Buffer;
}
export const AttachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: String,
    conversationId: { type: String, required: true },
    createdAt: { type: String, required: true },
    doc: { type: Mixed, required: true },
    content: { type: Buffer, required: true },
  },
  opts,
);
AttachmentSchema.index({ conversationId: 1, createdAt: 1 });

/** The schema version the migration step reached (store/mongo/mongoMigrations.ts). */
export interface StoreMetaDoc {
  _id: string;
  version: number;
  at: string;
}
export const StoreMetaSchema = new Schema<StoreMetaDoc>({ _id: String, version: { type: Number, required: true }, at: { type: String, required: true } }, opts);

/**
 * One day's dashboard figures (store/mongo/mongoRollups.ts), `_id` the day (YYYY-MM-DD, the first ten characters
 * of createdAt). Every counted write bumps `gen` and sets `stale`; a rebuild recomputes `rows` from the records and
 * stores them with `builtGen` = the gen it read, clearing `stale` only if gen did not move meanwhile. A rebuild
 * first claims the day (`claimedBy` until `claimedUntil`, ms), so instances never rebuild one day at once.
 */
export interface DayRollupDoc {
  _id: string;
  gen: number;
  builtGen: number;
  stale: boolean;
  rows: Record<string, unknown> | null;
  claimedBy?: string;
  claimedUntil?: number;
}
export const DayRollupSchema = new Schema<DayRollupDoc>(
  {
    _id: String,
    gen: { type: Number, required: true },
    builtGen: { type: Number, default: -1 },
    stale: { type: Boolean, required: true },
    rows: { type: Mixed, default: null },
    claimedBy: { type: String },
    claimedUntil: { type: Number },
  },
  opts,
);
// Stale days only: the repair and the dashboard look for them; built days (most) stay out of the index.
DayRollupSchema.index({ stale: 1, _id: 1 }, { partialFilterExpression: { stale: true } });
