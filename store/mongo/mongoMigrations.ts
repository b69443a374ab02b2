import type { Model } from 'mongoose';
import { AppError } from '../../core/errors';
import type { CustomerDoc, MessageDoc, MongoModels } from '../../models/mongoSchemas';
import type { CorpusAddition, MergeRecord, MergeSuggestion } from '../../models/records';
import { RECENT_SENTIMENT_POINTS, SENTIMENT_HISTORY_POINTS } from '../../models/records';
import { corpusTextKey, suggestionPair } from '../recordBuilders';
import { maskPaymentCards } from '../../models/paymentCards';
import { visitorNumber } from '../../models/visitorLabel';
import { nameWords, searchForm, searchPeriod } from '../searchText';
import { t } from './mongoContext';

/**
 * The MongoDB store's migration step: index builds and data changes, recorded as a schema version in `store_meta`.
 * It runs from `npm run migrate` (a deployment step), or at start when MIGRATE_ON_START allows; a start whose
 * database is behind and may not migrate refuses to serve (the unique indexes are what make appends exactly-once).
 * Building indexes at every start blocked start-up whenever a voting member of the replica set was down.
 *
 * Versions: 1 — the first release (indexes built at start); 2 — search form and its text index, the stored
 * sentiment average, profile records in their own collections, indexes that serve every hot query; 3 — leases and
 * the webhook outbox (collections and the outbox's index: built by syncIndexes below, no data to move); 4 — the
 * attachments collection and its index (the same generic steps); 5 — each message's week (searchPeriod), the
 * prefix of the text index; 6 — the dashboard's daily rollups (`day_rollups` and its index on stale days; every
 * day that holds a record is marked stale, rebuilt by the repair and by the dashboards that read it); 7 — the
 * partial index on conversations' dashboard changes not yet passed to the rollups (`rollupMarks`: built by
 * syncIndexes, nothing to move; without it every repair and dashboard would scan the conversations); 8 — the words
 * of each customer's name (`nameWords`, searchText.ts), indexed, for the transcripts' customer filter; 9 — the
 * `quotas` collection (uses counted in a rolling window: codes sent per address) and its TTL index, built by
 * syncIndexes, nothing to move; 10 — each customer's visitor number (`visitorNumber`, models/visitorLabel.ts, from the
 * id, so the labels people saw stay), indexed, for the customer filter's "Visitor 4821"; 11 — each customer's
 * sentiment history out of the record (`doc.sentiment` → the document's own `sentiment`, which reads of the record
 * project away) and the record's `recentSentiment` (moveSentimentOutOfRecords); 12 — payment card numbers in messages
 * stored before they were masked on the way in, masked in place (maskStoredCards).
 */
export const SCHEMA_VERSION = 12;
const META_ID = 'schema';

export async function schemaVersion(m: MongoModels): Promise<number> {
  return (await m.StoreMeta.findOne({ _id: META_ID }).lean())?.version ?? 0;
}

export async function requireCurrentSchema(m: MongoModels): Promise<void> {
  const version = await schemaVersion(m);
  if (version < SCHEMA_VERSION) {
    throw new AppError(
      'STORE_UNAVAILABLE',
      `the database is at schema version ${version}, this release needs ${SCHEMA_VERSION}: run npm run migrate (or start once with MIGRATE_ON_START=true)`,
    );
  }
}

export async function migrate(m: MongoModels): Promise<void> {
  const from = await schemaVersion(m);
  for (const model of Object.values(m) as Model<unknown>[]) await model.createCollection().catch(ignoreExists);
  if (from < 2) await toVersion2(m);
  if (from < 5) await toVersion5(m);
  if (from < 6) await toVersion6(m);
  if (from < 8) await toVersion8(m);
  if (from < 12) await maskStoredCards(m);
  // Declared indexes are built and undeclared ones dropped (the old text index on `text` must go: a collection
  // may have only one text index). Idempotent; also run when the version is current, to repair a dropped index.
  for (const model of Object.values(m) as Model<unknown>[]) await model.syncIndexes();
  await fillVisitorNumbers(m);
  await moveSentimentOutOfRecords(m);
  await m.StoreMeta.updateOne({ _id: META_ID }, { $set: { version: Math.max(from, SCHEMA_VERSION), at: new Date().toISOString() } }, { upsert: true });
}

function ignoreExists(err: unknown): void {
  // 48: NamespaceExists.
  if ((err as { code?: number }).code !== 48) throw err;
}

async function toVersion2(m: MongoModels): Promise<void> {
  // Every message's search form (store/searchText.ts), in batches.
  for (;;) {
    const rows = await m.Message.find({ searchText: t({ $exists: false }) })
      .select({ text: 1 })
      .limit(1000)
      .lean<Pick<MessageDoc, '_id' | 'text'>[]>();
    if (!rows.length) break;
    await m.Message.bulkWrite(
      rows.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { searchText: searchForm(r.text ?? '') } } } })),
      { ordered: false },
    );
  }
  // The stored average the sentiment filters use.
  await m.Conversation.updateMany({ sentimentAvg: t({ $exists: false }) }, [
    { $set: { sentimentAvg: { $cond: [{ $gt: ['$sentimentN', 0] }, { $divide: ['$sentimentSum', { $max: ['$sentimentN', 1] }] }, null] } } },
  ]);
  // Records an earlier version kept in bot_state move to their own collections.
  const legacy = async (id: string) => (await m.BotState.findOne({ _id: id }).lean())?.value;
  const suggestions = ((await legacy('crm/merge-suggestions'))?.items ?? []) as MergeSuggestion[];
  for (const s of suggestions) {
    await m.MergeSuggestion.updateOne(
      { _id: s.id },
      {
        $setOnInsert: {
          customerId: s.customerId,
          candidateId: s.candidateId,
          pair: suggestionPair(s.customerId, s.candidateId),
          status: s.status,
          createdAt: s.createdAt,
          doc: s,
        },
      },
      { upsert: true },
    );
  }
  for (const row of await m.BotState.find({ _id: t({ $regex: '^crm/merges/' }) }).lean()) {
    const r = row.value.record as MergeRecord;
    await m.Merge.updateOne(
      { _id: r.id },
      { $setOnInsert: { absorbedId: r.absorbed.id, survivorId: r.survivor.id, at: r.at, undoneAt: r.undone ?? null, doc: r } },
      { upsert: true },
    );
  }
  const rules = (await legacy('crm/segment-rules'))?.rules;
  if (Array.isArray(rules))
    await m.SegmentRules.updateOne({ _id: 'current' }, { $setOnInsert: { rules, updatedAt: new Date().toISOString() } }, { upsert: true });
  const additions = ((await legacy('nlu/corpus-additions'))?.items ?? []) as CorpusAddition[];
  for (const [i, a] of additions.entries()) {
    await m.CorpusAddition.updateOne(
      { language: a.language, textKey: corpusTextKey(a.text) },
      // Ids that sort before every ObjectId (the order of later additions), in the order they were added.
      { $setOnInsert: { _id: String(i).padStart(24, '0'), conversationId: a.conversationId ?? null, at: a.at, doc: a } },
      { upsert: true },
    );
  }
  await m.BotState.deleteMany({
    $or: t([{ _id: t({ $in: ['crm/merge-suggestions', 'crm/segment-rules', 'nlu/corpus-additions'] }) }, { _id: t({ $regex: '^crm/merges/' }) }]),
  });
}

async function toVersion5(m: MongoModels): Promise<void> {
  // Every message's week (store/searchText.ts), in batches along _id (each batch an index range, not a scan for
  // the rows still missing it), before syncIndexes builds the text index on it. Rerunnable: it only sets a field.
  for (let after = ''; ;) {
    const rows = await m.Message.find({ _id: t({ $gt: after }) })
      .sort({ _id: 1 })
      .select({ createdAt: 1 })
      .limit(1000)
      .lean<Pick<MessageDoc, '_id' | 'createdAt'>[]>();
    if (!rows.length) break;
    await m.Message.bulkWrite(
      rows.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { searchPeriod: searchPeriod(r.createdAt ?? '') } } } })),
      { ordered: false },
    );
    after = rows[rows.length - 1]._id;
  }
}

async function toVersion6(m: MongoModels): Promise<void> {
  // Every day that holds a record starts stale (mongoRollups.ts); rerunnable: a mark only bumps a counter.
  const day = { $substrBytes: ['$createdAt', 0, 10] };
  const days = [
    ...(await m.Conversation.aggregate<{ _id: string }>([{ $group: { _id: day } }], { allowDiskUse: true })),
    ...(await m.Message.aggregate<{ _id: string }>([{ $match: { role: 'customer' } }, { $group: { _id: day } }], { allowDiskUse: true })),
  ];
  for (let i = 0; i < days.length; i += 1000) {
    await m.DayRollup.bulkWrite(
      days.slice(i, i + 1000).map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $inc: { gen: 1 }, $set: { stale: true } }, upsert: true } })),
      { ordered: false },
    );
  }
}

async function toVersion8(m: MongoModels): Promise<void> {
  // Every customer's name words, in batches along _id; rerunnable: it only sets a field derived from the document.
  for (let after = ''; ;) {
    const rows = await m.Customer.find({ _id: t({ $gt: after }) })
      .sort({ _id: 1 })
      .select({ 'doc.displayName': 1 })
      .limit(1000)
      .lean<Pick<CustomerDoc, '_id' | 'doc'>[]>();
    if (!rows.length) break;
    await m.Customer.bulkWrite(
      rows.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { nameWords: nameWords(r.doc?.displayName) } } } })),
      { ordered: false },
    );
    after = rows[rows.length - 1]._id;
  }
}

/**
 * Version 10: every customer's visitor number, set wherever it is missing, after syncIndexes built its index (an
 * equality on null is an index range over the customers without one). Run by every migration, not only from an older
 * version: customers written meanwhile by instances of the previous release get it the next time. Rerunnable: it
 * sets a field derived from the _id.
 */
async function fillVisitorNumbers(m: MongoModels): Promise<void> {
  for (;;) {
    const rows = await m.Customer.find({ visitorNumber: null }).select({ _id: 1 }).limit(1000).lean<Pick<CustomerDoc, '_id'>[]>();
    if (!rows.length) break;
    await m.Customer.bulkWrite(
      rows.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { visitorNumber: visitorNumber(r._id) } } } })),
      { ordered: false },
    );
  }
}

/**
 * Version 11: every record that still holds its sentiment history (`doc.sentiment`) has it moved beside the record
 * (the document's `sentiment`, after any points already there: an instance of this release appended them meanwhile)
 * and keeps the newest scores as `doc.recentSentiment`: one update pipeline, atomic per document. Run by every
 * migration, like fillVisitorNumbers (records an instance of the previous release wrote meanwhile move the next time);
 * rerunnable: a moved record holds no `doc.sentiment`, so the filter no longer matches it.
 */
async function moveSentimentOutOfRecords(m: MongoModels): Promise<void> {
  const legacy = { $cond: [{ $isArray: '$doc.sentiment' }, '$doc.sentiment', []] };
  const points = { $slice: [{ $concatArrays: [legacy, { $ifNull: ['$sentiment', []] }] }, -SENTIMENT_HISTORY_POINTS] };
  await m.Customer.updateMany({ 'doc.sentiment': t({ $exists: true }) }, [
    { $set: { sentiment: points } },
    { $set: { 'doc.recentSentiment': { $slice: [{ $map: { input: '$sentiment', in: '$$this.score' } }, -RECENT_SENTIMENT_POINTS] } } },
    { $unset: 'doc.sentiment' },
  ]);
}

/**
 * Version 12 (PCI): messages stored before card numbers were masked on the way in (store/guardedRecords.ts) have them
 * masked in place: `text`, `doc.text` and the search form (`searchText`, what the text index holds), the same way
 * (models/paymentCards.ts). In batches along _id, reading only the texts with 13 digits in a run (spaces or dashes
 * between them), the only ones that can hold a card. Each write is conditional on the text it read (a message erased
 * or changed meanwhile is left as it now is). Idempotent, so resumable: a masked text holds no card left to mask, and
 * an interrupted run starts over at the next `npm run migrate` (the version is only recorded once it ends).
 */
const CARD_RUN = '\\d(?:[ -]?\\d){12}';

async function maskStoredCards(m: MongoModels): Promise<void> {
  for (let after = ''; ;) {
    const rows = await m.Message.find({ _id: t({ $gt: after }), text: t({ $regex: CARD_RUN }) })
      .sort({ _id: 1 })
      .select({ text: 1, role: 1, createdAt: 1 })
      .limit(1000)
      .lean<Pick<MessageDoc, '_id' | 'text' | 'role' | 'createdAt'>[]>();
    if (!rows.length) break;
    // A customer's text counts among the dashboard's not-understood lines: its day is rebuilt (as toVersion6 marks).
    const days = new Set(rows.filter((r) => r.role === 'customer' && maskPaymentCards(r.text ?? '').cards).map((r) => (r.createdAt ?? '').slice(0, 10)));
    const writes = rows.flatMap((r) => {
      const masked = maskPaymentCards(r.text ?? '');
      if (!masked.cards) return [];
      const set = { text: masked.text, 'doc.text': masked.text, searchText: searchForm(masked.text) };
      return [{ updateOne: { filter: { _id: r._id, text: r.text }, update: { $set: set } } }];
    });
    if (writes.length) await m.Message.bulkWrite(writes, { ordered: false });
    if (days.size)
      await m.DayRollup.bulkWrite(
        [...days].map((d) => ({ updateOne: { filter: { _id: d }, update: { $inc: { gen: 1 }, $set: { stale: true } }, upsert: true } })),
        { ordered: false },
      );
    after = rows[rows.length - 1]._id;
  }
}
