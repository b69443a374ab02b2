import { randomUUID } from 'node:crypto';
import { CONVERSATION_FACTS } from '../../models/mongoSchemas';
import { UNRECOGNIZED_INTENT } from '../../models/records';
import { nextDay } from '../statsDays';
import { averageSentiment } from '../storeGuards';
import { topUnrecognized, type ConversationStats } from '../storeTypes';
import { t, type MongoContext } from './mongoContext';

/** Stale days a dashboard rebuilds before reading; the rest of its stale days are read from the records. */
export const REBUILD_PER_REQUEST = 31;
/** The largest rows a day's document keeps, in JSON characters: well under MongoDB's 16 MB per document. */
const MAX_ROWS_CHARS = 4_000_000;
/** Unbuilt days a dashboard reads from the records one at a time; more are read in one pipeline over the range. */
const DAYS_READ_ONE_BY_ONE = 8;
/** Stale days one repair run rebuilds, newest first. */
export const REBUILD_PER_REPAIR = 400;
/** How long a rebuild's claim on a day lasts: a claim whose instance died lapses after this, milliseconds. */
const CLAIM_MS = 60_000;
/** Conversations whose dashboard changes one collect step passes on, and the most steps one collect takes. */
const COLLECT_BATCH = 1000;
const COLLECT_BATCHES = 100;

interface Keyed<K> {
  day: string;
  channelId: string;
  key: K;
  count: number;
}
/** A range's figures per day and channel: what a day's rollup keeps, and what partial days are read as. */
export interface FigureRows {
  days: { day: string; channelId: string; count: number; botOnly: number; waitN: number; firstResponseN: number; handleN: number }[];
  reasons: Keyed<string>[];
  satisfaction: Keyed<number>[];
  sentiment: { day: string; channelId: string; segment: string; sum: number; n: number }[];
  intents: Keyed<string>[];
  unrecognized: (Keyed<string> & { text: string; conversationId: string })[];
}
const KINDS = ['days', 'reasons', 'satisfaction', 'sentiment', 'intents', 'unrecognized'] as const;

const FACTS: Record<string, 0 | 1> = { _id: 0, ...Object.fromEntries(CONVERSATION_FACTS.map((f) => [f, 1 as const])) };
const DAY = { $substrBytes: ['$createdAt', 0, 10] };
const isNumber = (field: string) => ({ $cond: [{ $isNumber: `$${field}` }, 1, 0] });
/** Group keys come back as `_id`; the rows keep them flat. */
const flat = <T>(rows: { _id: Record<string, unknown> }[]) => rows.map(({ _id, ...rest }) => ({ ..._id, ...rest }) as T);

/**
 * The dashboard's daily rollups on MongoDB: one document per day (models/mongoJobSchemas.ts DayRollupSchema) with
 * its figures per channel. A write to a conversation records its dashboard change in the same update (rollupMark),
 * which `collect` passes on by marking the days stale; the few writes that cannot (deletions, segment changes) mark
 * the days themselves (MongoContext.markDays). A rebuild claims a stale day, recomputes it whole from the records
 * and stores it only if no mark moved the day since it read `gen`, so instances never rebuild a day twice, nothing
 * is ever added on top of stored figures, and only days something changed are ever recomputed.
 */
export class MongoRollups {
  constructor(private readonly x: MongoContext) {}

  /** The figures of [from, to) read from the records, per day and channel; `day` keeps only createdAt starting with it. */
  async figureRows(from: string, to: string, channelId?: string, day?: string): Promise<FigureRows> {
    const match: Record<string, unknown> = { createdAt: { $gte: from, $lt: to } };
    if (channelId !== undefined) match.channelId = channelId;
    const onDay = day === undefined ? [] : [{ $match: { $expr: { $eq: [DAY, day] } } }];
    const key = (k: unknown) => ({ day: DAY, channelId: '$channelId', key: k });
    const [c] = await this.x.m.Conversation.aggregate<Record<string, { _id: Record<string, unknown> }[]>>([
      { $match: match },
      ...onDay,
      { $project: FACTS },
      {
        $facet: {
          days: [
            {
              $group: {
                _id: { day: DAY, channelId: '$channelId' },
                count: { $sum: 1 },
                botOnly: { $sum: { $cond: [{ $and: [{ $eq: [{ $ifNull: ['$handoffReason', null] }, null] }, { $ne: ['$state', 'external'] }] }, 1, 0] } },
                waitN: { $sum: isNumber('waitMs') },
                firstResponseN: { $sum: isNumber('firstResponseMs') },
                handleN: { $sum: isNumber('handleMs') },
              },
            },
          ],
          reasons: [{ $match: { handoffReason: { $type: 'string' } } }, { $group: { _id: key('$handoffReason'), count: { $sum: 1 } } }],
          satisfaction: [{ $match: { satisfaction: { $type: 'number' } } }, { $group: { _id: key('$satisfaction'), count: { $sum: 1 } } }],
          sentiment: [
            { $match: { sentimentN: { $gt: 0 } } },
            { $group: { _id: { day: DAY, channelId: '$channelId', segment: '*' }, sum: { $sum: '$sentimentSum' }, n: { $sum: '$sentimentN' } } },
          ],
          bySegment: [
            { $match: { sentimentN: { $gt: 0 } } },
            {
              $lookup: { from: 'customers', localField: 'customerId', foreignField: '_id', as: 'customer', pipeline: [{ $project: { _id: 0, segments: 1 } }] },
            },
            { $unwind: '$customer' },
            { $unwind: '$customer.segments' },
            {
              $group: {
                _id: { day: DAY, channelId: '$channelId', segment: '$customer.segments' },
                sum: { $sum: '$sentimentSum' },
                n: { $sum: '$sentimentN' },
              },
            },
          ],
        },
      },
    ]);
    const said = { role: 'customer', ...match };
    const channel = { $ifNull: ['$channelId', ''] };
    const [m] = await this.x.m.Message.aggregate<Record<string, { _id: Record<string, unknown> }[]>>([
      { $match: said },
      ...onDay,
      {
        $facet: {
          intents: [{ $match: { intent: { $type: 'string' } } }, { $group: { _id: { day: DAY, channelId: channel, key: '$intent' }, count: { $sum: 1 } } }],
          unrecognized: [
            { $match: { intent: UNRECOGNIZED_INTENT, text: { $ne: '' } } },
            {
              $group: {
                _id: { day: DAY, channelId: channel, key: { $toLower: { $trim: { input: '$text' } } } },
                text: { $min: '$text' },
                count: { $sum: 1 },
                conversationId: { $max: '$conversationId' },
              },
            },
          ],
        },
      },
    ]);
    return {
      days: flat(c.days),
      reasons: flat(c.reasons),
      satisfaction: flat(c.satisfaction),
      sentiment: flat([...c.sentiment, ...c.bySegment]),
      intents: flat(m.intents),
      unrecognized: flat(m.unrecognized),
    };
  }

  /**
   * Passes the dashboard changes recorded in conversations (rollupMark: written in the same update as the change)
   * to their days' rollups: the days are marked stale, then each conversation's record is cleared only if no write
   * marked it again meanwhile (compare-and-set on rollupMarks). A failure in between leaves the records to pass on
   * again: marking twice is harmless. Returns how many conversations were passed on.
   */
  async collect(): Promise<number> {
    let passed = 0;
    for (let batch = 0; batch < COLLECT_BATCHES; batch++) {
      const rows = await this.x.m.Conversation.find({ rollupMarks: t({ $exists: true }) })
        .limit(COLLECT_BATCH)
        .select({ createdAt: 1, rollupMarks: 1, rollupDays: 1 })
        .lean();
      if (!rows.length) break;
      await this.x.markDays(rows.flatMap((r) => [r.createdAt, ...(r.rollupDays ?? [])]));
      this.x.fault('rollup.beforeClear');
      await this.x.m.Conversation.bulkWrite(
        rows.map((r) => ({ updateOne: { filter: { _id: r._id, rollupMarks: r.rollupMarks }, update: { $unset: { rollupMarks: 1, rollupDays: 1 } } } })),
        { ordered: false },
      );
      passed += rows.length;
      if (rows.length < COLLECT_BATCH) break;
    }
    return passed;
  }

  /**
   * Recomputes one stale day from the records, once across instances: the day is claimed first (one atomic update
   * that also reads its gen; a claim whose holder died lapses after CLAIM_MS), and the result is stored with
   * builtGen = that gen only while gen is unchanged, so a rebuild that raced a write leaves the day stale for the
   * next one. False when the day was not stale, another instance holds it, or a write moved it meanwhile.
   */
  async rebuild(day: string): Promise<boolean> {
    const now = Date.now();
    const claim = randomUUID();
    const doc = await this.x.m.DayRollup.findOneAndUpdate(
      { _id: day, stale: true, claimedUntil: t({ $not: { $gte: now } }) },
      { $set: { claimedBy: claim, claimedUntil: now + CLAIM_MS } },
      { projection: { gen: 1 } },
    ).lean();
    if (!doc) return false;
    const next = nextDay(day);
    // Not a date (no writer of ours makes one): nothing a whole-day range reads.
    const rows = next === undefined ? emptyRows() : await this.figureRows(day, next, undefined, day);
    const kept = Object.fromEntries(KINDS.map((k) => [k, rows[k].map(({ day: _day, ...rest }) => rest)]));
    // A day too large for one document (thousands of long not-understood texts) keeps no rows: read from the records.
    const fits = JSON.stringify(kept).length <= MAX_ROWS_CHARS;
    this.x.fault('rollup.beforeStore');
    const unclaim = { $unset: { claimedBy: 1, claimedUntil: 1 } };
    const stored = await this.x.m.DayRollup.updateOne(
      { _id: day, gen: doc.gen, claimedBy: claim },
      { $set: { rows: fits ? kept : null, builtGen: doc.gen, stale: false }, ...unclaim },
    );
    if (stored.matchedCount === 1) return true;
    // A write moved the day meanwhile: give it back at once for the next rebuild.
    await this.x.m.DayRollup.updateOne({ _id: day, claimedBy: claim }, unclaim);
    return false;
  }

  /** Rebuilds up to `max` stale days of [first, end), or the newest stale days anywhere; returns how many it rebuilt. */
  async refresh(range: { first: string; end: string } | undefined, max: number): Promise<number> {
    const filter: Record<string, unknown> = { stale: true };
    if (range) filter._id = t({ $gte: range.first, $lt: range.end });
    const days = await this.x.m.DayRollup.find(filter)
      .sort({ _id: range ? 1 : -1 })
      .limit(max)
      .select({ _id: 1 })
      .lean();
    let rebuilt = 0;
    for (const d of days) if (await this.rebuild(d._id)) rebuilt++;
    return rebuilt;
  }

  /**
   * The days of [first, end) with changes recorded in conversations and not passed on yet (collect runs in the
   * repair): a dashboard reads them from the records, without writing. As many conversations as were written since
   * the last repair, found by the partial index on rollupMarks.
   */
  private async pendingDays(range: { first: string; end: string }): Promise<Set<string>> {
    const rows = await this.x.m.Conversation.aggregate<{ _id: string }>([
      { $match: { rollupMarks: { $exists: true } } },
      { $project: { _id: 0, d: { $setUnion: [{ $ifNull: ['$rollupDays', []] }, [DAY]] } } },
      { $unwind: '$d' },
      { $match: { d: { $gte: range.first, $lt: range.end } } },
      { $group: { _id: '$d' } },
    ]);
    return new Set(rows.map((r) => r._id));
  }

  /**
   * The whole days [first, end): built days from their rollup, unless a change to them is still pending; days still stale, or too large to keep, from the
   * records: one day at a time when they are few, else one pipeline over the range (the cost of having no rollups).
   */
  async read(range: { first: string; end: string }, channelId?: string): Promise<FigureRows> {
    const out = emptyRows();
    const add = (rows: FigureRows, days?: Set<string>) => {
      for (const k of KINDS)
        (out[k] as unknown[]).push(...rows[k].filter((r) => (channelId === undefined || r.channelId === channelId) && (!days || days.has(r.day))));
    };
    const [docs, pending] = await Promise.all([this.x.m.DayRollup.find({ _id: t({ $gte: range.first, $lt: range.end }) }).lean(), this.pendingDays(range)]);
    const unbuilt = new Set([...pending].filter((day) => nextDay(day) !== undefined));
    for (const doc of docs) {
      if (nextDay(doc._id) === undefined) continue;
      if (doc.stale || !doc.rows || pending.has(doc._id)) unbuilt.add(doc._id);
      else add(withDay(doc._id, doc.rows));
    }
    if (unbuilt.size > DAYS_READ_ONE_BY_ONE) add(await this.figureRows(range.first, range.end, channelId), unbuilt);
    else for (const day of unbuilt) add(await this.figureRows(day, nextDay(day)!, channelId, day));
    return out;
  }
}

export function emptyRows(): FigureRows {
  return { days: [], reasons: [], satisfaction: [], sentiment: [], intents: [], unrecognized: [] };
}

function withDay(day: string, rows: Partial<FigureRows>): FigureRows {
  const out = emptyRows();
  for (const k of KINDS) (out[k] as unknown[]) = (rows[k] ?? []).map((r) => ({ ...r, day }));
  return out;
}

/** Figures of disjoint parts merged into the dashboard's answer (the percentiles are the caller's). */
export function summarize(
  parts: FigureRows[],
  unrecognizedExcept?: readonly string[],
): Omit<ConversationStats, 'times'> & { n: { waiting: number; firstResponse: number; handling: number } } {
  const all = <K extends (typeof KINDS)[number]>(k: K): FigureRows[K][number][] => parts.flatMap((p): FigureRows[K][number][] => p[k]);
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const add = <K>(rows: { key: K; count: number }[]) => {
    const out = new Map<K, number>();
    for (const r of rows) out.set(r.key, (out.get(r.key) ?? 0) + r.count);
    return [...out];
  };
  const perDay = new Map<string, { day: string; channelId: string; count: number }>();
  for (const d of all('days')) {
    const k = `${d.day}\u0000${d.channelId}`;
    perDay.set(k, { day: d.day, channelId: d.channelId, count: (perDay.get(k)?.count ?? 0) + d.count });
  }
  const sum = (f: (d: FigureRows['days'][number]) => number) => all('days').reduce((a, d) => a + f(d), 0);
  const sentiment = new Map<string, { day: string; segment: string; sum: number; n: number }>();
  for (const s of all('sentiment')) {
    const k = `${s.day}\u0000${s.segment}`;
    const seen = sentiment.get(k);
    sentiment.set(k, { day: s.day, segment: s.segment, sum: (seen?.sum ?? 0) + s.sum, n: (seen?.n ?? 0) + s.n });
  }
  const unrecognized = new Map<string, { text: string; count: number; conversationId: string }>();
  for (const u of all('unrecognized')) {
    const seen = unrecognized.get(u.key);
    unrecognized.set(
      u.key,
      seen
        ? {
            text: u.text < seen.text ? u.text : seen.text,
            count: seen.count + u.count,
            conversationId: u.conversationId > seen.conversationId ? u.conversationId : seen.conversationId,
          }
        : { text: u.text, count: u.count, conversationId: u.conversationId },
    );
  }
  return {
    perDay: [...perDay.values()].sort((a, b) => text(a.day, b.day) || text(a.channelId, b.channelId)),
    total: sum((d) => d.count),
    botOnly: sum((d) => d.botOnly),
    handoffReasons: add(all('reasons'))
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || text(a.reason, b.reason)),
    satisfaction: add(all('satisfaction'))
      .map(([score, count]) => ({ score, count }))
      .sort((a, b) => a.score - b.score),
    intents: add(all('intents'))
      .map(([intent, count]) => ({ intent, count }))
      .sort((a, b) => b.count - a.count || text(a.intent, b.intent)),
    // Left out by the merged line's text, as returned (the embedded store does the same): exactly the top of the rest.
    unrecognized: topUnrecognized(unrecognized.values(), unrecognizedExcept),
    sentiment: [...sentiment.values()]
      .filter((s) => s.n > 0)
      .map((s) => ({ day: s.day, segment: s.segment, average: averageSentiment(s.sum, s.n) ?? 0, n: s.n }))
      .sort((a, b) => text(a.day, b.day) || text(a.segment, b.segment)),
    n: { waiting: sum((d) => d.waitN), firstResponse: sum((d) => d.firstResponseN), handling: sum((d) => d.handleN) },
  };
}
