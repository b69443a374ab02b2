import { UNRECOGNIZED_INTENT } from '../../models/records';
import { nextDay } from '../statsDays';
import type { GroupCommit } from './groupCommit';

export { wholeDays } from '../statsDays';

type Row = Record<string, unknown>;

/**
 * Customer messages per intent and channel over a range of created_at (bound as ?, ?, then `extra`'s values): the
 * intent index starts with the intent, so a range of times alone would read all of it; this walks the intents
 * (one seek each, a loose index scan) and reads each one's range.
 */
export function intentCounts(extra = ''): string {
  return `WITH RECURSIVE i(intent) AS (
      SELECT (SELECT MIN(intent) FROM messages INDEXED BY messages_intent WHERE role = 'customer' AND intent IS NOT NULL)
      UNION ALL
      SELECT (SELECT MIN(intent) FROM messages INDEXED BY messages_intent WHERE role = 'customer' AND intent > i.intent) FROM i WHERE i.intent IS NOT NULL)
    SELECT m.intent AS key, COALESCE(m.channel_id, '') AS channelId, COUNT(*) AS count FROM i CROSS JOIN messages m INDEXED BY messages_intent
    WHERE m.intent = i.intent AND m.role = 'customer' AND m.created_at >= ? AND m.created_at < ? ${extra} GROUP BY m.intent, COALESCE(m.channel_id, '')`;
}

/** A day's conversations by their start; its customer messages by their own time. */
const CONVERSATION_DAY = 'created_at >= ? AND created_at < ? AND substr(created_at, 1, 10) = ?';

/** Keeps the daily rollups (sqliteSchema.ts ROLLUP_TABLES) equal to the records they sum. */
export class SqliteRollups {
  constructor(private readonly gc: GroupCommit) {}

  /**
   * Recomputes the dirty days in [first, end): a dashboard about to read them, an erasure, or repair(). Every process
   * on the file may do this; a day is claimed inside the write transaction (its dirty mark deleted), so each dirty
   * day is recomputed by one of them, once. Returns how many days this call recomputed.
   */
  refresh(range: { first: string; end: string }): Promise<number> {
    if (this.gc.isClosed) return Promise.resolve(0);
    const pick = this.gc.stmt('SELECT day FROM stats_dirty_days WHERE day >= ? AND day < ? ORDER BY day').pluck();
    const days = this.gc.run(() => pick.all(range.first, range.end) as string[]);
    if (!days.length) return Promise.resolve(0);
    return this.gc.tx(() => days.filter((day) => this.recompute(day)).length, { deferSync: true });
  }

  /**
   * Inside a transaction (the background upkeep's, sqliteUpkeep.ts): recomputes the newest dirty days until
   * `until` (performance.now()), at least one, leaving out those `skip` names; whether dirty days remain that were
   * not skipped.
   */
  catchUp(until: number, skip: (day: string) => boolean): { recomputed: string[]; more: boolean } {
    const days = (this.gc.stmt('SELECT day FROM stats_dirty_days ORDER BY day DESC LIMIT 400').pluck().all() as string[]).filter((d) => !skip(d));
    const recomputed: string[] = [];
    for (const day of days) {
      if (recomputed.length && performance.now() >= until) break;
      if (this.recompute(day)) recomputed.push(day);
    }
    return { recomputed, more: recomputed.length < days.length };
  }

  /**
   * Inside a transaction: the day's rows, rebuilt from the records, if it is still dirty (another process, or an
   * earlier call, may have rebuilt it since it was picked). Returns whether it was rebuilt.
   */
  private recompute(day: string): boolean {
    const gc = this.gc;
    if (gc.stmt('DELETE FROM stats_dirty_days WHERE day = ?').run(day).changes === 0) return false;
    for (const table of ['stats_days', 'stats_reasons', 'stats_satisfaction', 'stats_sentiment', 'stats_intents', 'stats_unrecognized'])
      gc.stmt(`DELETE FROM ${table} WHERE day = ?`).run(day);
    const next = nextDay(day);
    // Not a date (a created_at no writer of ours makes): nothing to keep, and no whole-day range ever reads it.
    if (next === undefined) return true;
    const span = [day, next, day];
    gc.stmt(
      `INSERT INTO stats_days (day, channel_id, conversations, bot_only, wait_n, first_response_n, handle_n)
       SELECT ?, channel_id, COUNT(*), SUM(CASE WHEN handoff_reason IS NULL AND state != 'external' THEN 1 ELSE 0 END),
         COUNT(wait_ms), COUNT(first_response_ms), COUNT(handle_ms)
       FROM conversations WHERE ${CONVERSATION_DAY} GROUP BY channel_id`,
    ).run(day, ...span);
    gc.stmt(
      `INSERT INTO stats_reasons (day, channel_id, reason, count) SELECT ?, channel_id, handoff_reason, COUNT(*)
       FROM conversations WHERE ${CONVERSATION_DAY} AND handoff_reason IS NOT NULL GROUP BY channel_id, handoff_reason`,
    ).run(day, ...span);
    gc.stmt(
      `INSERT INTO stats_satisfaction (day, channel_id, score, count) SELECT ?, channel_id, satisfaction, COUNT(*)
       FROM conversations WHERE ${CONVERSATION_DAY} AND satisfaction IS NOT NULL GROUP BY channel_id, satisfaction`,
    ).run(day, ...span);
    // The running sentiment is in the rows, not in conversations_facts (schema 13): each row of the day is read once,
    // for the whole and for the segments.
    gc.stmt(
      `INSERT INTO stats_sentiment (day, channel_id, segment, sum, n)
       WITH d AS MATERIALIZED (SELECT channel_id, customer_id, sentiment_sum, sentiment_n FROM conversations WHERE ${CONVERSATION_DAY} AND sentiment_n > 0)
       SELECT ?, channel_id, '*', SUM(sentiment_sum), SUM(sentiment_n) FROM d GROUP BY channel_id
       UNION ALL
       SELECT ?, d.channel_id, s.segment, SUM(d.sentiment_sum), SUM(d.sentiment_n) FROM d JOIN customer_segments s ON s.customer_id = d.customer_id
       GROUP BY d.channel_id, s.segment`,
    ).run(...span, day, day);
    const messageDay = "role = 'customer' AND created_at >= ? AND created_at < ? AND substr(created_at, 1, 10) = ?";
    gc.stmt(
      `INSERT INTO stats_intents (day, channel_id, intent, count) SELECT ?, channelId, key, count FROM (${intentCounts('AND substr(m.created_at, 1, 10) = ?')})`,
    ).run(day, ...span);
    gc.stmt(
      `INSERT INTO stats_unrecognized (day, channel_id, key, count, text, conversation_id)
       SELECT ?, COALESCE(channel_id, ''), lower(trim(text)), COUNT(*), MIN(text), MAX(conversation_id) FROM messages INDEXED BY messages_unrecognized
       WHERE ${messageDay} AND intent = '${UNRECOGNIZED_INTENT}' AND text != '' GROUP BY COALESCE(channel_id, ''), lower(trim(text))`,
    ).run(day, ...span);
    return true;
  }

  /** Inside gc.run: the rollup's figures over the whole days [first, end), for one channel or all. */
  read(range: { first: string; end: string }, channel: string | null) {
    const gc = this.gc;
    const where = 'day >= ? AND day < ? AND (? IS NULL OR channel_id = ?)';
    const args = [range.first, range.end, channel, channel];
    const days = gc
      .stmt(
        `SELECT day, channel_id AS channelId, conversations AS count, bot_only AS botOnly, wait_n AS waitN, first_response_n AS firstResponseN, handle_n AS handleN
         FROM stats_days WHERE ${where} ORDER BY day, channel_id`,
      )
      .all(...args) as { day: string; channelId: string; count: number; botOnly: number; waitN: number; firstResponseN: number; handleN: number }[];
    return {
      days,
      reasons: gc.stmt(`SELECT reason AS key, SUM(count) AS count FROM stats_reasons WHERE ${where} GROUP BY reason`).all(...args) as Row[],
      satisfaction: gc.stmt(`SELECT score AS key, SUM(count) AS count FROM stats_satisfaction WHERE ${where} GROUP BY score`).all(...args) as Row[],
      intents: gc.stmt(`SELECT intent AS key, SUM(count) AS count FROM stats_intents WHERE ${where} GROUP BY intent`).all(...args) as Row[],
      unrecognized: gc
        .stmt(`SELECT key, SUM(count) AS count, MIN(text) AS text, MAX(conversation_id) AS conversationId FROM stats_unrecognized WHERE ${where} GROUP BY key`)
        .all(...args) as { key: string; count: number; text: string; conversationId: string }[],
      sentiment: gc
        .stmt(`SELECT day, segment, SUM(sum) AS sum, SUM(n) AS n FROM stats_sentiment WHERE ${where} GROUP BY day, segment HAVING SUM(n) > 0`)
        .all(...args) as { day: string; segment: string; sum: number; n: number }[],
    };
  }
}
