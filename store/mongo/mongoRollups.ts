import { CONVERSATION_FACTS } from '../../models/mongoSchemas';
import { UNRECOGNIZED_INTENT } from '../../models/records';
import { nextDay } from '../statsDays';
import { averageSentiment } from '../storeGuards';
import { UNRECOGNIZED_TOP, type ConversationStats } from '../storeTypes';
import { t, type MongoContext } from './mongoContext';

/** Stale days a dashboard rebuilds before reading; the rest of its stale days are read from the records. */
export const REBUILD_PER_REQUEST = 31;
/** The largest rows a day's document keeps, in JSON characters: well under MongoDB's 16 MB per document. */
const MAX_ROWS_CHARS = 4_000_000;
/** Unbuilt days a dashboard reads from the records one at a time; more are read in one pipeline over the range. */
const DAYS_READ_ONE_BY_ONE = 8;
/** Stale days one repair run rebuilds, newest first. */
export const REBUILD_PER_REPAIR = 400;

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
 * its figures per channel. Writes mark days stale (MongoContext.markDays, after the record write); a rebuild
 * recomputes a day whole from the records and stores it only if no write marked the day since it read `gen`, so
 * rebuilds on several instances agree and nothing is ever added on top of stored figures. A mark lost to a failure
 * after its record write is found again by the repair (recent records' days are marked) and rebuilt.
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
   * Recomputes one day from the records and stores it with builtGen = the gen read first; the update matches only
   * while gen is unchanged, so a rebuild that raced a write leaves the day stale for the next one.
   */
  async rebuild(day: string): Promise<void> {
    const doc = await this.x.m.DayRollup.findOne({ _id: day }).select({ gen: 1 }).lean();
    if (!doc) return;
    const next = nextDay(day);
    // Not a date (no writer of ours makes one): nothing a whole-day range reads.
    const rows = next === undefined ? emptyRows() : await this.figureRows(day, next, undefined, day);
    const kept = Object.fromEntries(KINDS.map((k) => [k, rows[k].map(({ day: _day, ...rest }) => rest)]));
    // A day too large for one document (thousands of long not-understood texts) keeps no rows: read from the records.
    const fits = JSON.stringify(kept).length <= MAX_ROWS_CHARS;
    await this.x.m.DayRollup.updateOne({ _id: day, gen: doc.gen }, { $set: { rows: fits ? kept : null, builtGen: doc.gen, stale: false } });
  }

  /** Rebuilds up to `max` stale days of [first, end), or the newest stale days anywhere; returns how many. */
  async refresh(range: { first: string; end: string } | undefined, max: number): Promise<number> {
    const filter: Record<string, unknown> = { stale: true };
    if (range) filter._id = t({ $gte: range.first, $lt: range.end });
    const days = await this.x.m.DayRollup.find(filter)
      .sort({ _id: range ? 1 : -1 })
      .limit(max)
      .select({ _id: 1 })
      .lean();
    for (const d of days) await this.rebuild(d._id);
    return days.length;
  }

  /**
   * The whole days [first, end): built days from their rollup; days still stale, or too large to keep, from the
   * records: one day at a time when they are few, else one pipeline over the range (the cost of having no rollups).
   */
  async read(range: { first: string; end: string }, channelId?: string): Promise<FigureRows> {
    const out = emptyRows();
    const add = (rows: FigureRows, days?: Set<string>) => {
      for (const k of KINDS)
        (out[k] as unknown[]).push(...rows[k].filter((r) => (channelId === undefined || r.channelId === channelId) && (!days || days.has(r.day))));
    };
    const docs = await this.x.m.DayRollup.find({ _id: t({ $gte: range.first, $lt: range.end }) }).lean();
    const unbuilt = new Set<string>();
    for (const doc of docs) {
      if (nextDay(doc._id) === undefined) continue;
      if (doc.stale || !doc.rows) unbuilt.add(doc._id);
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
export function summarize(parts: FigureRows[]): Omit<ConversationStats, 'times'> & { n: { waiting: number; firstResponse: number; handling: number } } {
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
    unrecognized: [...unrecognized.values()].sort((a, b) => b.count - a.count || text(a.text, b.text)).slice(0, UNRECOGNIZED_TOP),
    sentiment: [...sentiment.values()]
      .filter((s) => s.n > 0)
      .map((s) => ({ day: s.day, segment: s.segment, average: averageSentiment(s.sum, s.n) ?? 0, n: s.n }))
      .sort((a, b) => text(a.day, b.day) || text(a.segment, b.segment)),
    n: { waiting: sum((d) => d.waitN), firstResponse: sum((d) => d.firstResponseN), handling: sum((d) => d.handleN) },
  };
}
