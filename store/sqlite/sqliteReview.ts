import type { Message } from '../../models/records';
import { UNRECOGNIZED_INTENT } from '../../models/records';
import type { EngineReview, EngineTranscriptFilter, Keyset } from '../storeEngine';
import { averageSentiment, encodeCursor } from '../storeGuards';
import { rankIndex, topUnrecognized, type ConversationStats, type Percentiles, type SearchHit, type StatsQuery, type TranscriptResults } from '../storeTypes';
import { NAME_MATCH_LIMIT, SEARCH_PERIOD_MS, searchPeriod, type SearchTerms } from '../searchText';
import { promised, type GroupCommit } from './groupCommit';
import { intentCounts, wholeDays, type SqliteRollups } from './sqliteRollups';
import { rowToConversation } from './sqliteConversations';

type Row = Record<string, unknown>;

/** The dashboard's figures over some days, before merging (unrecognized texts by their key, all of them). */
interface Figures {
  perDay: ConversationStats['perDay'];
  total: number;
  botOnly: number;
  reasons: Map<string | number, number>;
  satisfaction: Map<string | number, number>;
  intents: Map<string | number, number>;
  unrecognized: Map<string, { text: string; count: number; conversationId: string }>;
  /** Sums, averaged when merged (averageSentiment: the same rounding as the MongoDB engine's). */
  sentiment: { day: string; segment: string; sum: number; n: number }[];
  n: { waiting: number; firstResponse: number; handling: number };
}

/**
 * The words of a phrase (store/searchText.ts) as an FTS5 phrase query on the text column: only letters and digits,
 * so no syntax gets through (and a number never matches the period column).
 */
function ftsPhrase(terms: SearchTerms): string {
  // Every term in the message, in any order; each term's words one after another.
  return `text : (${terms.map((words) => `"${words.join(' ')}"`).join(' AND ')})`;
}

/** The phrase within one week's messages. */
function ftsPhraseIn(words: SearchTerms, period: number): string {
  return `${ftsPhrase(words)} AND period : "${period}"`;
}

/**
 * The queued (changed) messages up to a rowid into the index, and their weeks into the list of weeks. The queue drives both
 * reads (CROSS JOIN fixes the order): with a plain JOIN, SQLite carried `rowid <= ?` over to messages and, for the
 * DISTINCT, walked every message up to the newest queued one, at each statement: 3 ms of CPU per 50 messages indexed
 * at 40,000 messages (130 µs per message in the web chat bench's store, 9 µs now), 100 ms at a million.
 */
export const INDEX_QUEUED_SQL = `INSERT INTO messages_fts(rowid, text, period, conversation_id)
  SELECT m.rowid, search_form(m.text), search_period(m.created_at), m.conversation_id
  FROM messages_fts_pending p CROSS JOIN messages m ON m.rowid = p.message_rowid WHERE p.message_rowid <= ? ORDER BY p.message_rowid`;
export const INDEX_PERIODS_SQL = `INSERT OR IGNORE INTO messages_fts_periods(period)
  SELECT DISTINCT search_period(m.created_at) FROM messages_fts_pending p CROSS JOIN messages m ON m.rowid = p.message_rowid WHERE p.message_rowid <= ?`;

/**
 * The customers whose name has a word beginning with each prefix (store/searchText.ts namePrefixes), each once: a
 * range of the customer_names key per prefix. The bound past every word with this prefix is the prefix followed by
 * the highest code point (SQLite compares text as UTF-8 bytes, in code point order).
 */
function namedQuery(prefixes: readonly string[]): { sql: string; args: string[] } {
  const one = 'SELECT customer_id FROM customer_names WHERE word >= ? AND word < ?';
  return {
    sql: prefixes.length === 1 ? one.replace('SELECT', 'SELECT DISTINCT') : prefixes.map(() => one).join(' INTERSECT '),
    args: prefixes.flatMap((p) => [p, `${p}\u{10FFFF}`]),
  };
}

/**
 * New messages into the index: those past the mark up to a rowid (sqliteSchema.ts FTS_TRIGGERS), read by a range of
 * the table's own key.
 */
export const INDEX_NEW_SQL = `INSERT INTO messages_fts(rowid, text, period, conversation_id)
  SELECT rowid, search_form(text), search_period(created_at), conversation_id FROM messages WHERE rowid > ? AND rowid <= ? ORDER BY rowid`;
export const INDEX_NEW_PERIODS_SQL = `INSERT OR IGNORE INTO messages_fts_periods(period)
  SELECT DISTINCT search_period(created_at) FROM messages WHERE rowid > ? AND rowid <= ?`;

/** The full-text index, kept in bulk: new messages past a mark, changed ones from a queue (see sqliteSchema.ts). */
export class SqliteFullText {
  constructor(private readonly gc: GroupCommit) {}

  /** Every message at or below this rowid was indexed, or waits in the queue. */
  private mark(): number {
    return (this.gc.stmt('SELECT indexed_to FROM messages_fts_mark WHERE id = 1').get() as Row | undefined)?.indexed_to as number;
  }

  /** Whether messages wait to be indexed. */
  pending(): boolean {
    return (
      this.gc
        .stmt(
          `SELECT 1 WHERE EXISTS (SELECT 1 FROM messages_fts_pending)
             OR (SELECT MAX(rowid) FROM messages) > (SELECT indexed_to FROM messages_fts_mark WHERE id = 1)`,
        )
        .get() !== undefined
    );
  }

  /** Adds every waiting message to the index (a search, first); applied at once, like a deferSync write. */
  indexPending(): Promise<void> {
    if (this.gc.isClosed || !this.pending()) return Promise.resolve();
    return this.gc.tx(() => void this.indexQueued(-1), { deferSync: true });
  }

  /**
   * Inside a transaction: indexes the oldest `limit` queued (changed) messages and the oldest `limit` new ones (all
   * when negative); how many it indexed.
   */
  indexQueued(limit: number): number {
    let indexed = 0;
    if (this.gc.stmt('SELECT 1 FROM messages_fts_pending LIMIT 1').get()) {
      const last =
        limit < 0
          ? undefined
          : (this.gc.stmt('SELECT message_rowid AS r FROM messages_fts_pending ORDER BY message_rowid LIMIT 1 OFFSET ?').get(limit - 1) as Row | undefined);
      const upTo = last ? (last.r as number) : Number.MAX_SAFE_INTEGER;
      indexed += this.gc.stmt(INDEX_QUEUED_SQL).run(upTo).changes;
      this.gc.stmt(INDEX_PERIODS_SQL).run(upTo);
      this.gc.stmt('DELETE FROM messages_fts_pending WHERE message_rowid <= ?').run(upTo);
    }
    const mark = this.mark();
    const newest = this.gc.stmt('SELECT MAX(rowid) AS r FROM messages').get() as Row;
    if (newest.r === null || (newest.r as number) <= mark) return indexed;
    const last =
      limit < 0
        ? undefined
        : (this.gc.stmt('SELECT rowid AS r FROM messages WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?').get(mark, limit - 1) as Row | undefined);
    const upTo = last ? (last.r as number) : (newest.r as number);
    indexed += this.gc.stmt(INDEX_NEW_SQL).run(mark, upTo).changes;
    this.gc.stmt(INDEX_NEW_PERIODS_SQL).run(mark, upTo);
    this.gc.stmt('UPDATE messages_fts_mark SET indexed_to = ? WHERE id = 1').run(upTo);
    return indexed;
  }
}

/** Transcript review and dashboard figures, read from covering indexes; the bulk import. */
export class SqliteReview implements EngineReview {
  constructor(
    private readonly gc: GroupCommit,
    private readonly fullText: SqliteFullText,
    private readonly rollups: SqliteRollups,
  ) {}

  async searchMessages(words: SearchTerms, limit: number): Promise<SearchHit[]> {
    await this.fullText.indexPending();
    return this.gc.run(
      () =>
        this.gc
          .stmt(
            // The index hands its matches over newest first and stops at the page: ordering after the join
            // read every match of a common word (130,000 for "refund" at a million messages) to keep fifty.
            `SELECT m.conversation_id AS conversationId, m.seq, m.role, m.text, m.created_at AS createdAt
             FROM messages m WHERE m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
             ORDER BY m.rowid DESC`,
          )
          .all(ftsPhrase(words), limit) as SearchHit[],
    );
  }

  /**
   * The figures over [from, to): whole days from the daily rollups (sqliteRollups.ts, dirty days recomputed first),
   * the partial days at either end from the records, merged; the percentiles walk an index ordered by the value.
   */
  async conversationStats(q: StatsQuery): Promise<ConversationStats> {
    const channel = q.channelId ?? null;
    const whole = wholeDays(q.from, q.to);
    if (whole) await this.rollups.refresh(whole);
    return this.gc.run(() => {
      const parts: Figures[] = [];
      if (whole) {
        if (q.from < whole.first) parts.push(this.recordFigures(q.from, whole.first, channel));
        parts.push(this.rollupFigures(whole, channel));
        if (whole.end < q.to) parts.push(this.recordFigures(whole.end, q.to, channel));
      } else parts.push(this.recordFigures(q.from, q.to, channel));
      return this.merge(parts, q.from, q.to, channel, q.unrecognizedExcept);
    });
  }

  /** Inside gc.run: the figures of [from, to) read from the records (covering indexes, and the rows for the running sentiment). */
  private recordFigures(from: string, to: string, channel: string | null): Figures {
    const where = 'created_at >= ? AND created_at < ? AND (? IS NULL OR channel_id = ?)';
    const args = [from, to, channel, channel];
    const gc = this.gc;
    const perDay = gc
      .stmt(
        `SELECT substr(created_at, 1, 10) AS day, channel_id AS channelId, COUNT(*) AS count FROM conversations WHERE ${where} GROUP BY day, channel_id ORDER BY day, channel_id`,
      )
      .all(...args) as ConversationStats['perDay'];
    const totals = gc
      .stmt(
        `SELECT COUNT(*) AS total, SUM(CASE WHEN handoff_reason IS NULL AND state != 'external' THEN 1 ELSE 0 END) AS botOnly,
           COUNT(wait_ms) AS waiting, COUNT(first_response_ms) AS firstResponse, COUNT(handle_ms) AS handling FROM conversations WHERE ${where}`,
      )
      .get(...args) as { total: number; botOnly: number | null; waiting: number; firstResponse: number; handling: number };
    const counted = (sql: string) => new Map((gc.stmt(sql).all(...args) as { key: string | number; count: number }[]).map((r) => [r.key, r.count]));
    const messageWhere = "role = 'customer' AND created_at >= ? AND created_at < ? AND (? IS NULL OR channel_id = ?)";
    const unrecognized = gc
      .stmt(
        `SELECT lower(trim(text)) AS key, MIN(text) AS text, COUNT(*) AS count, MAX(conversation_id) AS conversationId FROM messages INDEXED BY messages_unrecognized
         WHERE ${messageWhere} AND intent = '${UNRECOGNIZED_INTENT}' AND text != '' GROUP BY lower(trim(text))`,
      )
      .all(...args) as { key: string; text: string; count: number; conversationId: string }[];
    const sentiment = gc
      .stmt(
        // Each row read once (the running sentiment is not in conversations_facts since schema 13).
        `WITH d AS MATERIALIZED (SELECT substr(created_at, 1, 10) AS day, customer_id, sentiment_sum, sentiment_n FROM conversations WHERE ${where} AND sentiment_n > 0)
         SELECT day, '*' AS segment, SUM(sentiment_sum) AS sum, SUM(sentiment_n) AS n FROM d GROUP BY day
         UNION ALL
         SELECT d.day, s.segment AS segment, SUM(d.sentiment_sum) AS sum, SUM(d.sentiment_n) AS n
           FROM d JOIN customer_segments s ON s.customer_id = d.customer_id GROUP BY d.day, s.segment`,
      )
      .all(...args) as Figures['sentiment'];
    return {
      perDay,
      total: totals.total,
      botOnly: totals.botOnly ?? 0,
      reasons: counted(
        `SELECT handoff_reason AS key, COUNT(*) AS count FROM conversations WHERE ${where} AND handoff_reason IS NOT NULL GROUP BY handoff_reason`,
      ),
      satisfaction: counted(
        `SELECT satisfaction AS key, COUNT(*) AS count FROM conversations WHERE ${where} AND satisfaction IS NOT NULL GROUP BY satisfaction`,
      ),
      intents: new Map(
        (gc.stmt(`SELECT key, SUM(count) AS count FROM (${intentCounts('AND (? IS NULL OR m.channel_id = ?)')}) GROUP BY key`).all(...args) as Row[]).map(
          (r) => [r.key as string, r.count as number],
        ),
      ),
      unrecognized: new Map(unrecognized.map((r) => [r.key, r])),
      sentiment,
      n: { waiting: totals.waiting, firstResponse: totals.firstResponse, handling: totals.handling },
    };
  }

  /** Inside gc.run: the figures of whole days from the rollups. */
  private rollupFigures(range: { first: string; end: string }, channel: string | null): Figures {
    const r = this.rollups.read(range, channel);
    const counted = (rows: Record<string, unknown>[]) => new Map(rows.map((x) => [x.key as string | number, x.count as number]));
    const sum = (f: (d: (typeof r.days)[number]) => number) => r.days.reduce((a, d) => a + f(d), 0);
    return {
      perDay: r.days.map((d) => ({ day: d.day, channelId: d.channelId, count: d.count })),
      total: sum((d) => d.count),
      botOnly: sum((d) => d.botOnly),
      reasons: counted(r.reasons),
      satisfaction: counted(r.satisfaction),
      intents: counted(r.intents),
      unrecognized: new Map(r.unrecognized.map((u) => [u.key, u])),
      sentiment: r.sentiment,
      n: { waiting: sum((d) => d.waitN), firstResponse: sum((d) => d.firstResponseN), handling: sum((d) => d.handleN) },
    };
  }

  /** Parts over disjoint days, merged into the figures (the same orders as one query over the whole range). */
  private merge(parts: Figures[], from: string, to: string, channel: string | null, unrecognizedExcept?: readonly string[]): ConversationStats {
    const add = <K>(maps: Map<K, number>[]) => {
      const out = new Map<K, number>();
      for (const m of maps) for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
      return [...out];
    };
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const unrecognized = new Map<string, { text: string; count: number; conversationId: string }>();
    for (const p of parts) {
      for (const [key, u] of p.unrecognized) {
        const seen = unrecognized.get(key);
        unrecognized.set(
          key,
          seen
            ? {
                text: u.text < seen.text ? u.text : seen.text,
                count: seen.count + u.count,
                conversationId: u.conversationId > seen.conversationId ? u.conversationId : seen.conversationId,
              }
            : { text: u.text, count: u.count, conversationId: u.conversationId },
        );
      }
    }
    const percentiles = (column: string, index: string, n: number): Percentiles => {
      const at = (p: number) => {
        if (n === 0) return null;
        const row = this.gc
          .stmt(
            `SELECT ${column} AS v FROM conversations INDEXED BY ${index} WHERE ${column} IS NOT NULL AND created_at >= ? AND created_at < ? AND (? IS NULL OR channel_id = ?)
             ORDER BY ${column} LIMIT 1 OFFSET ?`,
          )
          .get(from, to, channel, channel, rankIndex(n, p)) as { v: number } | undefined;
        // A conversation changed since the rollup was read may move a rank past the end.
        return row ? row.v / 1000 : null;
      };
      return { p50: at(0.5), p90: at(0.9), n };
    };
    const n = (k: keyof Figures['n']) => parts.reduce((a, p) => a + p.n[k], 0);
    return {
      perDay: parts.flatMap((p) => p.perDay).sort((a, b) => byText(a.day, b.day) || byText(a.channelId, b.channelId)),
      total: parts.reduce((a, p) => a + p.total, 0),
      botOnly: parts.reduce((a, p) => a + p.botOnly, 0),
      handoffReasons: add(parts.map((p) => p.reasons as Map<string, number>))
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || byText(a.reason, b.reason)),
      satisfaction: add(parts.map((p) => p.satisfaction as Map<number, number>))
        .map(([score, count]) => ({ score, count }))
        .sort((a, b) => a.score - b.score),
      times: {
        waiting: percentiles('wait_ms', 'conversations_wait', n('waiting')),
        firstResponse: percentiles('first_response_ms', 'conversations_first_response', n('firstResponse')),
        handling: percentiles('handle_ms', 'conversations_handle', n('handling')),
      },
      intents: add(parts.map((p) => p.intents as Map<string, number>))
        .map(([intent, count]) => ({ intent, count }))
        .sort((a, b) => b.count - a.count || byText(a.intent, b.intent)),
      // Left out by the merged line's text, as returned: the same on every engine, whatever its case folding.
      unrecognized: topUnrecognized(unrecognized.values(), unrecognizedExcept),
      sentiment: parts
        .flatMap((p) => p.sentiment)
        .map((r) => ({ day: r.day, segment: r.segment, average: averageSentiment(r.sum, r.n) ?? 0, n: r.n }))
        .sort((a, b) => byText(a.day, b.day) || byText(a.segment, b.segment)),
    };
  }

  async searchTranscripts(f: EngineTranscriptFilter, page: { limit: number; after?: Keyset }): Promise<TranscriptResults> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => (where.push(sql), args.push(...values));
    if (f.from !== undefined) add('c.created_at >= ?', f.from);
    if (f.to !== undefined) add('c.created_at < ?', f.to);
    if (f.channelId !== undefined) add('c.channel_id = ?', f.channelId);
    if (f.customerId !== undefined) add('c.customer_id = ?', f.customerId);
    // A name's customers, when few, are listed (the customer index finds their conversations); a common name is a
    // subquery tested on each conversation of the newest-first walk, which soon fills the page.
    let commonName = false;
    if (f.customerMatch !== undefined) {
      const { id, prefixes, visitorNumber } = f.customerMatch;
      // The visitors a label names are listed whatever their number (a few per number: customers / 9,000).
      const exact = [...new Set([id, ...(visitorNumber === undefined ? [] : this.gc.run(() => this.visitorsNumbered(visitorNumber)))])];
      const named = prefixes.length ? this.gc.run(() => this.customersNamed(prefixes, NAME_MATCH_LIMIT + 1)) : [];
      const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');
      if (named.length <= NAME_MATCH_LIMIT) {
        const listed = [...new Set([...exact, ...named])];
        add(`c.customer_id IN (${marks(listed.length)})`, ...listed);
      } else {
        const byName = namedQuery(prefixes);
        add(`(c.customer_id IN (${marks(exact.length)}) OR c.customer_id IN (${byName.sql}))`, ...exact, ...byName.args);
        commonName = true;
      }
    }
    if (f.agentId !== undefined) add("instr(c.handled_by, '|' || ? || '|') > 0", f.agentId);
    if (f.state !== undefined) add('c.state = ?', f.state);
    if (f.handoffReason !== undefined) add('c.handoff_reason = ?', f.handoffReason);
    if (f.intent !== undefined) add("c.id IN (SELECT conversation_id FROM messages WHERE role = 'customer' AND intent = ?)", f.intent);
    if (f.sentimentMin !== undefined) add('c.sentiment_n > 0 AND c.sentiment_sum / c.sentiment_n >= ?', f.sentimentMin);
    if (f.sentimentMax !== undefined) add('c.sentiment_n > 0 AND c.sentiment_sum / c.sentiment_n <= ?', f.sentimentMax);
    if (f.satisfactionMin !== undefined) add('c.satisfaction >= ?', f.satisfactionMin);
    if (f.satisfactionMax !== undefined) add('c.satisfaction <= ?', f.satisfactionMax);
    if (f.tag !== undefined) add("instr(c.tags, '|' || ? || '|') > 0", f.tag);
    if (f.segment !== undefined) add('c.customer_id IN (SELECT customer_id FROM customer_segments WHERE segment = ?)', f.segment);
    if (page.after) add('(c.created_at < ? OR (c.created_at = ? AND c.id < ?))', page.after.createdAt, page.after.createdAt, page.after.id);
    const filters = where.length ? `WHERE ${where.join(' AND ')}` : '';
    let ids: string[] | undefined;
    if (f.words !== undefined) {
      await this.fullText.indexPending();
      ids = this.gc.run(() => this.matchingConversations(f.words!, f.from, filters, args, page.limit + 1));
      if (!ids.length) return { items: [], nextCursor: null };
    }
    // Without words, walk conversations newest first on the review index, which holds the common filters, and stop
    // at the page; SQLite would otherwise start from a filter's own index (a channel: 10,000 rows read and sorted)
    // or from an intent's list of conversations. A customer and a segment have selective indexes of their own.
    const walk =
      !ids && f.customerId === undefined && f.segment === undefined && (f.customerMatch === undefined || commonName) ? 'INDEXED BY conversations_review' : '';
    const sql = `SELECT c.*, json_extract(cu.doc, '$.displayName') AS customer_name,
        (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'customer') AS customer_messages
      FROM conversations c ${walk} LEFT JOIN customers cu ON cu.id = c.customer_id
      ${ids ? `WHERE c.id IN (${ids.map(() => '?').join(',')})` : filters} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`;
    const rows = this.gc.run(() => this.gc.db.prepare(sql).all(...(ids ?? args), page.limit + 1) as Row[]);
    const items = rows.slice(0, page.limit).map((r) => ({
      conversation: rowToConversation(r),
      ...(typeof r.customer_name === 'string' ? { customerName: r.customer_name } : {}),
      sentiment: averageSentiment(r.sentiment_sum as number, r.sentiment_n as number),
      customerMessages: r.customer_messages as number,
    }));
    return { items, nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1].conversation) : null };
  }

  /**
   * The newest `want` conversations (by start, then id) with a message matching the phrase and passing `filters`:
   * read a week of matches at a time, newest week first. A conversation starts no later than its messages, so once
   * `want` conversations started at or after the beginning of the week just read, no older week can hold a newer
   * one. A common word's page comes from its last week or two (a few thousand matches, not 130,000); a rare
   * phrase costs one cheap index query per week that holds messages, from the week of `from` on.
   */
  private matchingConversations(words: SearchTerms, from: string | undefined, filters: string, args: unknown[], want: number): string[] {
    // A week early: `from` is compared as text, and a time with an offset parses to another instant.
    const oldest = from === undefined ? 0 : searchPeriod(from) - 1;
    const periods = this.gc.stmt('SELECT period FROM messages_fts_periods WHERE period >= ? ORDER BY period DESC').pluck().all(oldest) as number[];
    const inPeriod = this.gc.stmt(
      // The conversation of each match comes from the index itself (sqliteSchema.ts FTS_TABLE), not the messages table.
      `SELECT c.id, c.created_at FROM (SELECT DISTINCT f.conversation_id AS id FROM messages_fts f WHERE messages_fts MATCH ?) s
         CROSS JOIN conversations c ON c.id = s.id ${filters ? `${filters}` : ''} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
    );
    const found = new Map<string, string>();
    let best: [string, string][] = [];
    for (const period of periods) {
      for (const r of inPeriod.all(ftsPhraseIn(words, period), ...args, want) as Row[]) found.set(r.id as string, r.created_at as string);
      best = [...found].sort(([ia, ca], [ib, cb]) => (ca < cb ? 1 : ca > cb ? -1 : ia < ib ? 1 : ia > ib ? -1 : 0)).slice(0, want);
      if (best.length === want && Date.parse(best[want - 1][1]) >= period * SEARCH_PERIOD_MS) break;
    }
    return best.map(([id]) => id);
  }

  /**
   * Inside gc.run: the customers the console labels "Visitor <number>": that visitor number (the customers_visitor
   * index) and no name, as the console decides it (format.ts customerLabel: a name of blanks is no name).
   */
  private visitorsNumbered(visitorNumber: number): string[] {
    const rows = this.gc.stmt("SELECT id, json_extract(doc, '$.displayName') AS name FROM customers WHERE visitor_number = ?").all(visitorNumber) as {
      id: string;
      name: unknown;
    }[];
    return rows.filter((r) => typeof r.name !== 'string' || !r.name.trim()).map((r) => r.id);
  }

  /** Inside gc.run: up to `limit` customers whose name has a word beginning with each prefix. */
  private customersNamed(prefixes: readonly string[], limit: number): string[] {
    const q = namedQuery(prefixes);
    return this.gc
      .stmt(`${q.sql} LIMIT ?`)
      .pluck()
      .all(...q.args, limit) as string[];
  }

  listMessagesOf(conversationIds: readonly string[]): Promise<Message[]> {
    return promised(() => {
      const rows = this.gc.run(
        () =>
          this.gc.db
            .prepare(`SELECT doc FROM messages WHERE conversation_id IN (${conversationIds.map(() => '?').join(',')}) ORDER BY conversation_id, seq`)
            .all(...conversationIds) as Row[],
      );
      return rows.map((r) => JSON.parse(r.doc as string) as Message);
    });
  }
}
