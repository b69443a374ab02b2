import type { PipelineStage } from 'mongoose';
import { CONVERSATION_FACTS, type ConversationDoc, type MessageDoc } from '../../models/mongoSchemas';
import { NAME_MATCH_LIMIT, SEARCH_PERIOD_MS, searchPeriod, type SearchTerms } from '../searchText';
import type { Message } from '../../models/records';
import type { EngineReview, EngineTranscriptFilter, Keyset } from '../storeEngine';
import { averageSentiment, encodeCursor } from '../storeGuards';
import { rankIndex, type ConversationStats, type Percentiles, type SearchHit, type StatsQuery, type TranscriptResults } from '../storeTypes';
import { t, type MongoContext } from './mongoContext';
import { toConversation } from './mongoConversations';
import { REBUILD_PER_REQUEST, summarize, type FigureRows, type MongoRollups } from './mongoRollups';
import { wholeDays } from '../statsDays';

/**
 * The phrase, as both stores mean it (store/searchText.ts), among the messages of one week: $text finds the
 * candidates through the text index, whose prefix is the week (every word present, and the phrase somewhere in the
 * search form), and the expression keeps those where the words follow each other as whole words.
 */
export function phraseFilter(terms: SearchTerms, period: number) {
  const escaped = terms.map((words) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' '));
  // $text finds candidates with the longest term (one quoted phrase: every word present, the phrase somewhere); the
  // expression keeps those holding every term as whole words, in any order. $text is our own operator: trusted.
  const longest = [...terms].sort((a, b) => b.length - a.length)[0];
  const all = escaped.map((e) => `(?=.*(?:^| )${e}(?: |$))`).join('');
  return { searchPeriod: period, $text: t({ $search: `"${longest.join(' ')}"` }), searchText: new RegExp(`^${all}`, 'u') };
}

/** The fields of the figures, all in the covering index { createdAt, channelId, state, … } (models/mongoSchemas.ts). */
const FACTS: Record<string, 0 | 1> = { _id: 0, ...Object.fromEntries(CONVERSATION_FACTS.map((f) => [f, 1 as const])) };
const TIMES = ['waitMs', 'firstResponseMs', 'handleMs'] as const;

type SummaryRow = Pick<ConversationDoc, '_id' | 'doc' | 'lastSeq' | 'sentimentSum' | 'sentimentN' | 'customerId'> & {
  customerName?: unknown;
  customerMessages: number;
};

/** Transcript review and figures as aggregation pipelines: bounded at any size (no id lists, project before sort). */
export class MongoReview implements EngineReview {
  constructor(
    private readonly x: MongoContext,
    private readonly rollups: MongoRollups,
  ) {}

  /** Newest first, a week at a time: the weeks split the messages by createdAt, so the first `limit` found are the newest. */
  searchMessages(words: SearchTerms, limit: number): Promise<SearchHit[]> {
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

  /**
   * The figures over [from, to): whole days from the daily rollups (mongoRollups.ts; up to REBUILD_PER_REQUEST stale
   * days rebuilt first, any others read from the records), the partial days at either end from the records; the
   * percentiles walk the covering index over the whole range.
   */
  conversationStats(q: StatsQuery): Promise<ConversationStats> {
    const match: Record<string, unknown> = { createdAt: { $gte: q.from, $lt: q.to } };
    if (q.channelId !== undefined) match.channelId = q.channelId;
    return this.x.wrap(async () => {
      const whole = wholeDays(q.from, q.to);
      const parts: FigureRows[] = [];
      if (whole) {
        await this.rollups.refresh(whole, REBUILD_PER_REQUEST);
        if (q.from < whole.first) parts.push(await this.rollups.figureRows(q.from, whole.first, q.channelId));
        parts.push(await this.rollups.read(whole, q.channelId));
        if (whole.end < q.to) parts.push(await this.rollups.figureRows(whole.end, q.to, q.channelId));
      } else parts.push(await this.rollups.figureRows(q.from, q.to, q.channelId));
      const { n, ...figures } = summarize(parts, q.unrecognizedExcept);
      const counts = { waitMs: n.waiting, firstResponseMs: n.firstResponse, handleMs: n.handling };
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
      return {
        ...figures,
        times: { waiting: percentiles('waitMs'), firstResponse: percentiles('firstResponseMs'), handling: percentiles('handleMs') },
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
    return this.x.wrap(async () => {
      // A name's customers, when few, are listed and matched with the id (the { customerId, createdAt } index);
      // a common name is tested per conversation of the newest-first walk by a lookup, like a segment.
      // The visitors a label names are listed whatever their number (a few per number: customers / 9,000).
      const customer = f.customerMatch;
      const exact = customer
        ? [...new Set([customer.id, ...(customer.visitorNumber === undefined ? [] : await this.visitorsNumbered(customer.visitorNumber))])]
        : [];
      const named = customer?.prefixes.length ? await this.customersNamed(customer.prefixes) : [];
      const listed = customer && named.length <= NAME_MATCH_LIMIT ? [...new Set([...exact, ...named])] : undefined;
      return this.transcripts(f, page, listed, exact);
    });
  }

  /**
   * The customers the console labels "Visitor <number>": that visitor number (an equality on the { visitorNumber }
   * index, schema version 10) and no name, as the console decides it (format.ts customerLabel: blanks are no name).
   */
  private async visitorsNumbered(visitorNumber: number): Promise<string[]> {
    const rows = await this.x.m.Customer.find(visitorFilter(visitorNumber))
      .select({ _id: 1, 'doc.displayName': 1 })
      .lean<{ _id: string; doc?: { displayName?: unknown } }[]>();
    return rows.filter((r) => typeof r.doc?.displayName !== 'string' || !r.doc.displayName.trim()).map((r) => r._id);
  }

  /** Up to NAME_MATCH_LIMIT + 1 customers whose name has a word beginning with each prefix. */
  private async customersNamed(prefixes: readonly string[]): Promise<string[]> {
    const rows = await this.x.m.Customer.find(nameFilter(prefixes))
      .select({ _id: 1 })
      .limit(NAME_MATCH_LIMIT + 1)
      .lean<{ _id: string }[]>();
    return rows.map((r) => r._id);
  }

  private async transcripts(
    f: EngineTranscriptFilter,
    page: { limit: number; after?: Keyset },
    listed: string[] | undefined,
    exact: readonly string[] = [],
  ): Promise<TranscriptResults> {
    const match = conversationMatch(f, page.after, listed);
    const narrow: PipelineStage[] = [];
    if (f.customerMatch && !listed) {
      narrow.push(
        {
          $lookup: {
            from: 'customers',
            localField: 'customerId',
            foreignField: '_id',
            as: '_named',
            pipeline: [{ $match: nameFilter(f.customerMatch.prefixes) }, { $project: { _id: 1 } }],
          },
        },
        { $match: { $or: [{ customerId: { $in: [...exact] } }, { '_named.0': { $exists: true } }] } },
      );
    }
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
    const matching = async (words: SearchTerms): Promise<string[]> => {
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

/** Customers with a visitor number: an equality the { visitorNumber } index serves (a declared field: strictQuery keeps it). */
export function visitorFilter(visitorNumber: number): { visitorNumber: number } {
  return { visitorNumber };
}

/**
 * Customers whose name has a word beginning with each prefix: one anchored regular expression per prefix on the
 * indexed, already folded words (an index range each). The prefixes are letters and digits only (searchText.ts),
 * escaped all the same; RegExp values pass sanitizeFilter untouched and `$and` is one it allows.
 */
export function nameFilter(prefixes: readonly string[]): { $and: { nameWords: RegExp }[] } {
  return { $and: prefixes.map((p) => ({ nameWords: new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })) };
}

/**
 * The conversation-level filters as one $match (raw MongoDB: values arrive validated by the guard layer); `listed`:
 * the customers a customer filter names (the id and the few whose name matches), when they are few.
 */
function conversationMatch(f: EngineTranscriptFilter, after?: Keyset, listed?: readonly string[]): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  const range = (from?: unknown, to?: unknown, lt = '$lt') => ({ ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { [lt]: to } : {}) });
  if (f.from !== undefined || f.to !== undefined) and.push({ createdAt: range(f.from, f.to) });
  if (f.channelId !== undefined) and.push({ channelId: f.channelId });
  if (f.customerId !== undefined) and.push({ customerId: f.customerId });
  if (listed) and.push({ customerId: { $in: [...listed] } });
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
