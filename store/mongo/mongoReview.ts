import type { PipelineStage } from 'mongoose';
import { CONVERSATION_FACTS, type ConversationDoc, type MessageDoc } from '../../models/mongoSchemas';
import { SEARCH_PERIOD_MS, searchPeriod } from '../searchText';
import type { Message } from '../../models/records';
import { UNRECOGNIZED_INTENT } from '../../models/records';
import type { EngineReview, EngineTranscriptFilter, Keyset } from '../storeEngine';
import { averageSentiment, encodeCursor } from '../storeGuards';
import { UNRECOGNIZED_TOP, rankIndex, type ConversationStats, type Percentiles, type SearchHit, type StatsQuery, type TranscriptResults } from '../storeTypes';
import { t, type MongoContext } from './mongoContext';
import { toConversation } from './mongoConversations';

/**
 * The phrase, as both stores mean it (store/searchText.ts), among the messages of one week: $text finds the
 * candidates through the text index, whose prefix is the week (every word present, and the phrase somewhere in the
 * search form), and the expression keeps those where the words follow each other as whole words.
 */
export function phraseFilter(words: readonly string[], period: number) {
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // $text is our own operator: trusted, or sanitizeFilter refuses it.
  return { searchPeriod: period, $text: t({ $search: `"${words.join(' ')}"` }), searchText: new RegExp(`(?:^| )${escaped.join(' ')}(?: |$)`, 'u') };
}

/** The fields of the figures, all in the covering index { createdAt, channelId, state, … } (models/mongoSchemas.ts). */
const FACTS: Record<string, 0 | 1> = { _id: 0, ...Object.fromEntries(CONVERSATION_FACTS.map((f) => [f, 1 as const])) };
const TIMES = ['waitMs', 'firstResponseMs', 'handleMs'] as const;

type Grouped<K> = { _id: K; count: number };
type Sums<K> = { _id: K; sum: number; n: number };
interface StatsFacets {
  perDay: Grouped<{ day: string; channelId: string }>[];
  totals: { total: number; botOnly: number }[];
  reasons: Grouped<string>[];
  satisfaction: Grouped<number>[];
  times: Record<(typeof TIMES)[number], number>[];
  sentiment: Sums<string>[];
  sentimentBySegment: Sums<{ day: string; segment: string }>[];
}

type SummaryRow = Pick<ConversationDoc, '_id' | 'doc' | 'lastSeq' | 'sentimentSum' | 'sentimentN' | 'customerId'> & {
  customerName?: unknown;
  customerMessages: number;
};

/** Transcript review and figures as aggregation pipelines: bounded at any size (no id lists, project before sort). */
export class MongoReview implements EngineReview {
  constructor(private readonly x: MongoContext) {}

  /** Newest first, a week at a time: the weeks split the messages by createdAt, so the first `limit` found are the newest. */
  searchMessages(words: readonly string[], limit: number): Promise<SearchHit[]> {
    return this.x.wrap(async () => {
      const hits: SearchHit[] = [];
      for (const period of await this.periods()) {
        const rows = await this.x.m.Message.find(phraseFilter(words, period))
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit - hits.length)
          .select({ conversationId: 1, seq: 1, role: 1, text: 1, createdAt: 1 })
          .lean();
        hits.push(...rows.map((r) => ({ conversationId: r.conversationId, seq: r.seq, role: r.role, text: r.text, createdAt: r.createdAt })));
        if (hits.length >= limit) break;
      }
      return hits;
    });
  }

  /**
   * The weeks that may hold messages, newest first, down to `oldest`: from the newest to the oldest message's week
   * (two reads of the createdAt index).
   */
  private async periods(oldest = 0): Promise<number[]> {
    const edge = (order: 1 | -1) => this.x.m.Message.findOne().sort({ createdAt: order }).select({ createdAt: 1 }).lean<Pick<MessageDoc, 'createdAt'>>();
    const [first, last] = await Promise.all([edge(1), edge(-1)]);
    if (!first || !last) return [];
    const out: number[] = [];
    for (let p = searchPeriod(last.createdAt); p >= Math.max(oldest, searchPeriod(first.createdAt)); p--) out.push(p);
    // A time that does not parse is week 0 (searchText.ts).
    if (out[out.length - 1] !== 0 && oldest <= 0) out.push(0);
    return out;
  }

  conversationStats(q: StatsQuery): Promise<ConversationStats> {
    const match: Record<string, unknown> = { createdAt: { $gte: q.from, $lt: q.to } };
    if (q.channelId !== undefined) match.channelId = q.channelId;
    const messageMatch: Record<string, unknown> = { role: 'customer', createdAt: { $gte: q.from, $lt: q.to } };
    if (q.channelId !== undefined) messageMatch.channelId = q.channelId;
    const day = { $substrBytes: ['$createdAt', 0, 10] };
    const isNumber = (field: string) => ({ $cond: [{ $isNumber: `$${field}` }, 1, 0] });
    return this.x.wrap(async () => {
      const [facets] = await this.x.m.Conversation.aggregate<StatsFacets>([
        { $match: match },
        { $project: FACTS },
        {
          $facet: {
            perDay: [{ $group: { _id: { day, channelId: '$channelId' }, count: { $sum: 1 } } }, { $sort: { '_id.day': 1, '_id.channelId': 1 } }],
            totals: [
              {
                $group: {
                  _id: null,
                  total: { $sum: 1 },
                  botOnly: { $sum: { $cond: [{ $and: [{ $eq: [{ $ifNull: ['$handoffReason', null] }, null] }, { $ne: ['$state', 'external'] }] }, 1, 0] } },
                },
              },
            ],
            reasons: [
              { $match: { handoffReason: { $type: 'string' } } },
              { $group: { _id: '$handoffReason', count: { $sum: 1 } } },
              { $sort: { count: -1, _id: 1 } },
            ],
            satisfaction: [{ $match: { satisfaction: { $type: 'number' } } }, { $group: { _id: '$satisfaction', count: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            times: [
              {
                $group: {
                  _id: null,
                  waitMs: { $sum: isNumber('waitMs') },
                  firstResponseMs: { $sum: isNumber('firstResponseMs') },
                  handleMs: { $sum: isNumber('handleMs') },
                },
              },
            ],
            sentiment: [{ $match: { sentimentN: { $gt: 0 } } }, { $group: { _id: day, sum: { $sum: '$sentimentSum' }, n: { $sum: '$sentimentN' } } }],
            sentimentBySegment: [
              { $match: { sentimentN: { $gt: 0 } } },
              {
                $lookup: {
                  from: 'customers',
                  localField: 'customerId',
                  foreignField: '_id',
                  as: 'customer',
                  pipeline: [{ $project: { _id: 0, segments: 1 } }],
                },
              },
              { $unwind: '$customer' },
              { $unwind: '$customer.segments' },
              { $group: { _id: { day, segment: '$customer.segments' }, sum: { $sum: '$sentimentSum' }, n: { $sum: '$sentimentN' } } },
            ],
          },
        },
      ]);
      const counts = facets.times[0] ?? { waitMs: 0, firstResponseMs: 0, handleMs: 0 };
      // Nearest rank, like the embedded store: per figure, the values alone (projected from the covering index)
      // sorted, skipped to the rank, one taken; a sort followed by a limit keeps only skip + 1 values in memory.
      const ranked: Record<string, PipelineStage.FacetPipelineStage[]> = {};
      for (const field of TIMES) {
        if (!counts[field]) continue;
        for (const p of [0.5, 0.9]) {
          ranked[`${field}_${p * 100}`] = [
            { $match: { [field]: { $type: 'number' } } },
            { $sort: { [field]: 1 } },
            { $skip: rankIndex(counts[field], p) },
            { $limit: 1 },
            { $project: { v: `$${field}` } },
          ];
        }
      }
      const values: Record<string, { v: number }[]> = Object.keys(ranked).length
        ? ((
            await this.x.m.Conversation.aggregate<Record<string, { v: number }[]>>([{ $match: match }, { $project: FACTS }, { $facet: ranked }], {
              allowDiskUse: true,
            })
          )[0] ?? {})
        : {};
      const percentiles = (field: (typeof TIMES)[number]): Percentiles => {
        // A value counted by the first pipeline may be gone by the second (a conversation deleted meanwhile).
        const at = (p: number) => {
          const v = values[`${field}_${p * 100}`]?.[0]?.v;
          return typeof v === 'number' ? v / 1000 : null;
        };
        return { p50: at(0.5), p90: at(0.9), n: counts[field] };
      };
      const intents = await this.x.m.Message.aggregate<Grouped<string>>([
        { $match: { ...messageMatch, intent: { $type: 'string' } } },
        { $group: { _id: '$intent', count: { $sum: 1 } } },
        { $sort: { count: -1, _id: 1 } },
      ]);
      const unrecognized = await this.x.m.Message.aggregate<{ text: string; count: number; conversationId: string }>([
        { $match: { ...messageMatch, intent: UNRECOGNIZED_INTENT, text: { $ne: '' } } },
        {
          $group: {
            _id: { $toLower: { $trim: { input: '$text' } } },
            text: { $min: '$text' },
            count: { $sum: 1 },
            conversationId: { $max: '$conversationId' },
          },
        },
        { $sort: { count: -1, text: 1 } },
        { $limit: UNRECOGNIZED_TOP },
      ]);
      const avg = (sum: number, n: number) => averageSentiment(sum, n) ?? 0;
      const sentiment = [
        ...facets.sentiment.map((r) => ({ day: r._id, segment: '*', average: avg(r.sum, r.n), n: r.n })),
        ...facets.sentimentBySegment.map((r) => ({ day: r._id.day, segment: r._id.segment, average: avg(r.sum, r.n), n: r.n })),
      ].sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : x.segment < y.segment ? -1 : x.segment > y.segment ? 1 : 0));
      return {
        perDay: facets.perDay.map((r) => ({ day: r._id.day, channelId: r._id.channelId, count: r.count })),
        total: facets.totals[0]?.total ?? 0,
        botOnly: facets.totals[0]?.botOnly ?? 0,
        handoffReasons: facets.reasons.map((r) => ({ reason: r._id, count: r.count })),
        satisfaction: facets.satisfaction.map((r) => ({ score: r._id, count: r.count })),
        times: { waiting: percentiles('waitMs'), firstResponse: percentiles('firstResponseMs'), handling: percentiles('handleMs') },
        intents: intents.map((r) => ({ intent: r._id, count: r.count })),
        unrecognized: unrecognized.map((r) => ({ text: r.text, count: r.count, conversationId: r.conversationId })),
        sentiment,
      };
    });
  }

  /**
   * One pipeline, never a list of ids: without words it walks conversations newest first on the keyset index and
   * stops at the page, checking intent and segment per conversation through indexed lookups; with words it starts
   * from the text index, groups the matches by conversation (spilling to disk when large) and keeps the newest
   * page with a bounded top-k sort.
   */
  searchTranscripts(f: EngineTranscriptFilter, page: { limit: number; after?: Keyset }): Promise<TranscriptResults> {
    const match = conversationMatch(f, page.after);
    const narrow: PipelineStage[] = [];
    if (f.intent !== undefined) {
      narrow.push(
        {
          $lookup: {
            from: 'messages',
            localField: '_id',
            foreignField: 'conversationId',
            as: '_intent',
            pipeline: [{ $match: { role: 'customer', intent: f.intent } }, { $limit: 1 }, { $project: { _id: 1 } }],
          },
        },
        { $match: { '_intent.0': { $exists: true } } },
      );
    }
    if (f.segment !== undefined) {
      narrow.push(
        {
          $lookup: {
            from: 'customers',
            localField: 'customerId',
            foreignField: '_id',
            as: '_segment',
            pipeline: [{ $match: { segments: f.segment } }, { $project: { _id: 1 } }],
          },
        },
        { $match: { '_segment.0': { $exists: true } } },
      );
    }
    const newestFirst: PipelineStage.Sort = { $sort: { createdAt: -1, _id: -1 } };
    const describe: PipelineStage[] = [
      {
        $lookup: {
          from: 'customers',
          localField: 'customerId',
          foreignField: '_id',
          as: '_customer',
          pipeline: [{ $project: { _id: 0, name: '$doc.displayName' } }],
        },
      },
      {
        $lookup: {
          from: 'messages',
          localField: '_id',
          foreignField: 'conversationId',
          as: '_count',
          pipeline: [{ $match: { role: 'customer' } }, { $count: 'n' }],
        },
      },
      {
        $project: {
          doc: 1,
          lastSeq: 1,
          sentimentSum: 1,
          sentimentN: 1,
          customerId: 1,
          customerName: { $first: '$_customer.name' },
          customerMessages: { $ifNull: [{ $first: '$_count.n' }, 0] },
        },
      },
    ];
    const want = page.limit + 1;
    /**
     * With words, the newest `want` conversations with a match, read a week of messages at a time, newest week
     * first: a conversation starts no later than its messages, so once `want` conversations started at or after
     * the beginning of the week just read, no older week can hold a newer one (as the embedded store does).
     */
    const matching = async (words: readonly string[]): Promise<string[]> => {
      const found = new Map<string, string>();
      let best: [string, string][] = [];
      // A week early: `from` is compared as text, and a time with an offset parses to another instant.
      for (const period of await this.periods(f.from === undefined ? 0 : searchPeriod(f.from) - 1)) {
        const rows = await this.x.m.Message.aggregate<{ _id: string; createdAt: string }>(
          [
            { $match: phraseFilter(words, period) },
            { $group: { _id: '$conversationId' } },
            { $lookup: { from: 'conversations', localField: '_id', foreignField: '_id', as: 'c' } },
            { $unwind: '$c' },
            { $replaceWith: '$c' },
            { $match: match },
            ...narrow,
            newestFirst,
            { $limit: want },
            { $project: { _id: 1, createdAt: 1 } },
          ],
          { allowDiskUse: true },
        );
        for (const r of rows) found.set(r._id, r.createdAt);
        best = [...found].sort(([ia, ca], [ib, cb]) => (ca < cb ? 1 : ca > cb ? -1 : ia < ib ? 1 : ia > ib ? -1 : 0)).slice(0, want);
        if (best.length === want && Date.parse(best[want - 1][1]) >= period * SEARCH_PERIOD_MS) break;
      }
      return best.map(([id]) => id);
    };
    return this.x.wrap(async () => {
      const ids = f.words === undefined ? undefined : await matching(f.words);
      const rows = await this.x.m.Conversation.aggregate<SummaryRow>([
        { $match: ids ? { _id: t({ $in: ids }) } : match },
        newestFirst,
        ...(ids ? [] : narrow),
        { $limit: want },
        ...describe,
      ]);
      const items = rows.slice(0, page.limit).map((r) => ({
        conversation: toConversation(r),
        ...(typeof r.customerName === 'string' ? { customerName: r.customerName } : {}),
        sentiment: averageSentiment(r.sentimentSum, r.sentimentN),
        customerMessages: r.customerMessages,
      }));
      return { items, nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1].conversation) : null };
    });
  }

  listMessagesOf(conversationIds: readonly string[]): Promise<Message[]> {
    return this.x.wrap(async () =>
      (
        await this.x.m.Message.find({ conversationId: t({ $in: [...conversationIds] }) })
          .sort({ conversationId: 1, seq: 1 })
          .lean()
      ).map((r) => r.doc),
    );
  }
}

/** The conversation-level filters as one $match (raw MongoDB: values arrive validated by the guard layer). */
function conversationMatch(f: EngineTranscriptFilter, after?: Keyset): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  const range = (from?: unknown, to?: unknown, lt = '$lt') => ({ ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { [lt]: to } : {}) });
  if (f.from !== undefined || f.to !== undefined) and.push({ createdAt: range(f.from, f.to) });
  if (f.channelId !== undefined) and.push({ channelId: f.channelId });
  if (f.customerId !== undefined) and.push({ customerId: f.customerId });
  if (f.agentId !== undefined) and.push({ handledBy: f.agentId });
  if (f.state !== undefined) and.push({ state: f.state });
  if (f.handoffReason !== undefined) and.push({ handoffReason: f.handoffReason });
  if (f.tag !== undefined) and.push({ tags: f.tag });
  if (f.satisfactionMin !== undefined || f.satisfactionMax !== undefined) and.push({ satisfaction: range(f.satisfactionMin, f.satisfactionMax, '$lte') });
  // The stored average (null without scored messages, which no range matches): no division, no evaluation order.
  if (f.sentimentMin !== undefined || f.sentimentMax !== undefined) and.push({ sentimentAvg: range(f.sentimentMin, f.sentimentMax, '$lte') });
  if (after) and.push({ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }] });
  return and.length ? { $and: and } : {};
}
