// Over 400 lines: every table and each schema version's step in one file, so how a file gets from any version to now reads in order.
import type Database from 'better-sqlite3';
import type { Conversation, CorpusAddition, MergeRecord, MergeSuggestion } from '../../models/records';
import { RECENT_SENTIMENT_POINTS, SENTIMENT_HISTORY_POINTS, UNRECOGNIZED_INTENT } from '../../models/records';
import { conversationFacts, corpusTextKey, suggestionPair } from '../recordBuilders';
import { maskPaymentCards } from '../../models/paymentCards';
import { visitorNumber } from '../../models/visitorLabel';
import { nameWords, searchForm, searchPeriod } from '../searchText';

/**
 * The embedded store's schema and its upgrades. `applySchema` is idempotent: a new file gets every table; a file
 * made by an older version gets what was added since, filled from what it already holds (tested by
 * test/integration/sqliteMigration.test.ts from a first-release file and from one that kept merge suggestions,
 * merges, segment rules and corpus additions in the bot-state table).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customer_keys (
  key TEXT PRIMARY KEY, customer_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS customer_keys_customer ON customer_keys(customer_id);
CREATE TABLE IF NOT EXISTS customer_contacts (
  customer_id TEXT NOT NULL, contact TEXT NOT NULL, PRIMARY KEY (customer_id, contact));
CREATE INDEX IF NOT EXISTS customer_contacts_contact ON customer_contacts(contact);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL, channel_conversation_id TEXT NOT NULL,
  customer_id TEXT NOT NULL, state TEXT NOT NULL, agent_id TEXT,
  priority INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, doc TEXT NOT NULL,
  UNIQUE (channel_id, channel_conversation_id));
CREATE INDEX IF NOT EXISTS conversations_state ON conversations(state, priority DESC, created_at);
CREATE INDEX IF NOT EXISTS conversations_agent ON conversations(agent_id, state);
CREATE INDEX IF NOT EXISTS conversations_customer ON conversations(customer_id, created_at);
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL,
  activity_id TEXT, role TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
  created_at TEXT NOT NULL, doc TEXT NOT NULL,
  UNIQUE (conversation_id, seq), UNIQUE (conversation_id, activity_id));
CREATE TABLE IF NOT EXISTS messages_fts_pending (message_rowid INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id TEXT PRIMARY KEY, at TEXT NOT NULL, actor_id TEXT, action TEXT NOT NULL, target_id TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at, id);
CREATE TABLE IF NOT EXISTS bot_state (
  key TEXT PRIMARY KEY, etag TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS store_probe (x BLOB);
`;

/** Tables added after the first release for what used to be kept in bot_state (issue 14): one row per record. */
const PROFILE_RECORDS = `
CREATE TABLE IF NOT EXISTS merge_suggestions (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, candidate_id TEXT NOT NULL,
  pair TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS merge_suggestions_open_pair ON merge_suggestions(pair) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS merge_suggestions_status ON merge_suggestions(status, created_at);
CREATE INDEX IF NOT EXISTS merge_suggestions_customer ON merge_suggestions(customer_id);
CREATE INDEX IF NOT EXISTS merge_suggestions_candidate ON merge_suggestions(candidate_id);
CREATE TABLE IF NOT EXISTS merges (
  id TEXT PRIMARY KEY, absorbed_id TEXT NOT NULL, survivor_id TEXT NOT NULL, at TEXT NOT NULL, undone_at TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS merges_absorbed ON merges(absorbed_id);
CREATE INDEX IF NOT EXISTS merges_survivor ON merges(survivor_id);
CREATE TABLE IF NOT EXISTS segment_rules (
  id INTEGER PRIMARY KEY CHECK (id = 1), rules TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS corpus_additions (
  id INTEGER PRIMARY KEY, language TEXT NOT NULL, text_key TEXT NOT NULL, conversation_id TEXT, doc TEXT NOT NULL,
  UNIQUE (language, text_key));
CREATE INDEX IF NOT EXISTS corpus_additions_conversation ON corpus_additions(conversation_id) WHERE conversation_id IS NOT NULL;
`;

/** Leases of jobs run once across processes, the webhook outbox (issue 18), quota uses (v9, sqliteJobs.ts, ms). */
const JOBS = `
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quota_uses (key TEXT NOT NULL, at INTEGER NOT NULL, until INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS quota_uses_key ON quota_uses(key, at);
CREATE INDEX IF NOT EXISTS quota_uses_until ON quota_uses(until);
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, next_attempt_at TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_attempt_at);
`;

/** Files kept for conversations (schema version 5): the record as a document and the bytes beside it. */
const ATTACHMENTS = `
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL, content BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS attachments_conversation ON attachments(conversation_id, created_at);
`;

/**
 * The full-text index holds each message's search form (store/searchText.ts: its words, lower case, no
 * diacritics, joined by spaces), the same text MongoDB indexes, so a phrase means the same on both stores. It is
 * contentless (the form is computed in JavaScript, by the `search_form` function, only when indexing) with
 * contentless_delete, so a deleted or erased message leaves it by rowid alone. The `period` column holds the
 * message's week (store/searchText.ts searchPeriod), so a transcript search reads the matches a week at a time,
 * newest first, and stops at its page (sqliteReview.ts); `messages_fts_periods` lists the weeks that hold messages.
 * `conversation_id` is stored, not indexed (contentless_unindexed): a transcript search maps a week's matches to
 * their conversations from the index's own small rows instead of one read of the messages table per match, where
 * a million messages put each match on a page of its own (half the search's time).
 */
const FTS_TABLE = `CREATE VIRTUAL TABLE messages_fts USING fts5(text, period, conversation_id UNINDEXED, content='', contentless_delete=1,
  contentless_unindexed=1, tokenize='unicode61 remove_diacritics 0')`;
const FTS_PERIODS = 'CREATE TABLE IF NOT EXISTS messages_fts_periods (period INTEGER PRIMARY KEY)';

/**
 * The index is kept in bulk, never inside a customer's write: indexing runs every second and before every full-text
 * query (sqliteReview.ts), so a search always sees every message. FTS5 writes a segment whenever a transaction or
 * savepoint ends with terms in memory, which, per message, cost more than the rest of the insert. What waits:
 *
 * - a new message: every message whose rowid is past `messages_fts_mark.indexed_to` (schema 12). A message's insert
 *   writes nothing for the index: until schema 11 it queued its rowid (a page of its own in every relayed message's
 *   commit, about one in ten of its pages). Rowids only grow (max + 1), except after the newest messages are deleted:
 *   then the mark comes down to the newest one left, so a rowid used again is past it;
 * - a changed message (its text erased, moved by a merge): its rowid queued in messages_fts_pending, always at or
 *   below the mark (past it, the message was never indexed and is read as it is when it is).
 *
 * Replaced on every start (older files have other triggers).
 */
const FTS_MARK = `CREATE TABLE IF NOT EXISTS messages_fts_mark (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_to INTEGER NOT NULL)`;
const FTS_TRIGGERS = `DROP TRIGGER IF EXISTS messages_ai; DROP TRIGGER IF EXISTS messages_ad; DROP TRIGGER IF EXISTS messages_au;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid;
  DELETE FROM messages_fts_pending WHERE message_rowid = old.rowid;
  UPDATE messages_fts_mark SET indexed_to = (SELECT COALESCE(MAX(rowid), 0) FROM messages) WHERE indexed_to > (SELECT COALESCE(MAX(rowid), 0) FROM messages); END;
CREATE TRIGGER messages_au AFTER UPDATE OF text, conversation_id ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid;
  INSERT OR IGNORE INTO messages_fts_pending(message_rowid) SELECT new.rowid WHERE new.rowid <= (SELECT indexed_to FROM messages_fts_mark); END;`;

/**
 * Daily rollups of the dashboard's figures (sqliteRollups.ts), one row per day (UTC, the dashboard's day: the first
 * ten characters of created_at) and channel. Triggers mark a day dirty whenever a write changes what its figures
 * are made of (a conversation's facts, a customer message, a customer's segments); a dirty day is recomputed
 * whole from the records, in the background and before a dashboard reads it. Recomputing is idempotent, so no
 * lease is needed and a crash loses nothing: the mark and the write commit together. Triggers test for the mark
 * instead of INSERT OR IGNORE, which an outer statement's own conflict clause (an upsert) would override. Replaced on
 * every start.
 */
const ROLLUP_TABLES = `
CREATE TABLE IF NOT EXISTS stats_dirty_days (day TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS stats_days (
  day TEXT NOT NULL, channel_id TEXT NOT NULL, conversations INTEGER NOT NULL, bot_only INTEGER NOT NULL,
  wait_n INTEGER NOT NULL, first_response_n INTEGER NOT NULL, handle_n INTEGER NOT NULL, PRIMARY KEY (day, channel_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_reasons (
  day TEXT NOT NULL, channel_id TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, channel_id, reason)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_satisfaction (
  day TEXT NOT NULL, channel_id TEXT NOT NULL, score INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, channel_id, score)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_sentiment (
  day TEXT NOT NULL, channel_id TEXT NOT NULL, segment TEXT NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, channel_id, segment)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_intents (
  day TEXT NOT NULL, channel_id TEXT NOT NULL, intent TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, channel_id, intent)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_unrecognized (
  day TEXT NOT NULL, channel_id TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL, text TEXT NOT NULL, conversation_id TEXT NOT NULL,
  PRIMARY KEY (day, channel_id, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_wait ON conversations(wait_ms, created_at, channel_id) WHERE wait_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS conversations_first_response ON conversations(first_response_ms, created_at, channel_id) WHERE first_response_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS conversations_handle ON conversations(handle_ms, created_at, channel_id) WHERE handle_ms IS NOT NULL;
DROP TRIGGER IF EXISTS stats_conversations_ai; DROP TRIGGER IF EXISTS stats_conversations_au; DROP TRIGGER IF EXISTS stats_conversations_ad;
DROP TRIGGER IF EXISTS stats_messages_ai; DROP TRIGGER IF EXISTS stats_messages_au; DROP TRIGGER IF EXISTS stats_messages_ad;
DROP TRIGGER IF EXISTS stats_segments_ai; DROP TRIGGER IF EXISTS stats_segments_ad;
CREATE TRIGGER stats_conversations_ai AFTER INSERT ON conversations BEGIN
  INSERT INTO stats_dirty_days(day) SELECT d FROM (SELECT substr(new.created_at, 1, 10) AS d) WHERE d NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_conversations_au AFTER UPDATE OF created_at, channel_id, state, handoff_reason, satisfaction, wait_ms, first_response_ms,
  handle_ms, sentiment_sum, sentiment_n, customer_id ON conversations
  -- Every append sets the running sentiment; most add nothing to it (a bot's message, an unscored one).
  WHEN old.sentiment_n IS NOT new.sentiment_n OR old.sentiment_sum IS NOT new.sentiment_sum OR old.created_at IS NOT new.created_at
    OR old.channel_id IS NOT new.channel_id OR old.state IS NOT new.state OR old.handoff_reason IS NOT new.handoff_reason
    OR old.satisfaction IS NOT new.satisfaction OR old.wait_ms IS NOT new.wait_ms OR old.first_response_ms IS NOT new.first_response_ms
    OR old.handle_ms IS NOT new.handle_ms OR old.customer_id IS NOT new.customer_id BEGIN
  INSERT INTO stats_dirty_days(day) SELECT d FROM (SELECT substr(old.created_at, 1, 10) AS d UNION SELECT substr(new.created_at, 1, 10))
    WHERE d NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_conversations_ad AFTER DELETE ON conversations BEGIN
  INSERT INTO stats_dirty_days(day) SELECT d FROM (SELECT substr(old.created_at, 1, 10) AS d) WHERE d NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_messages_ai AFTER INSERT ON messages WHEN new.role = 'customer' BEGIN
  INSERT INTO stats_dirty_days(day) SELECT d FROM (SELECT substr(new.created_at, 1, 10) AS d) WHERE d NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_messages_au AFTER UPDATE OF role, created_at, channel_id, intent, text ON messages WHEN old.role = 'customer' OR new.role = 'customer' BEGIN
  INSERT INTO stats_dirty_days(day) SELECT d FROM (SELECT substr(old.created_at, 1, 10) AS d UNION SELECT substr(new.created_at, 1, 10))
    WHERE d NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_messages_ad AFTER DELETE ON messages WHEN old.role = 'customer' BEGIN
  INSERT INTO stats_dirty_days(day) SELECT d FROM (SELECT substr(old.created_at, 1, 10) AS d) WHERE d NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_segments_ai AFTER INSERT ON customer_segments BEGIN
  INSERT INTO stats_dirty_days(day) SELECT DISTINCT substr(created_at, 1, 10) FROM conversations
    WHERE customer_id = new.customer_id AND substr(created_at, 1, 10) NOT IN (SELECT day FROM stats_dirty_days); END;
CREATE TRIGGER stats_segments_ad AFTER DELETE ON customer_segments BEGIN
  INSERT INTO stats_dirty_days(day) SELECT DISTINCT substr(created_at, 1, 10) FROM conversations
    WHERE customer_id = old.customer_id AND substr(created_at, 1, 10) NOT IN (SELECT day FROM stats_dirty_days); END;
`;

/** The SQL functions the schema and the indexing use; registered on the store's connection before anything runs. */
export function registerFunctions(db: Database.Database): void {
  db.function('search_form', { deterministic: true }, (text: unknown) => searchForm(typeof text === 'string' ? text : ''));
  db.function('search_period', { deterministic: true }, (createdAt: unknown) => searchPeriod(typeof createdAt === 'string' ? createdAt : ''));
}

type Row = Record<string, unknown>;

/**
 * The schema version a file is at, recorded in store_meta: 1 the first release (no version recorded), 2 merge
 * suggestions, merges, segment rules and corpus additions in their own tables, 3 the full-text index over the
 * search form, 4 leases and the webhook outbox, 5 attachments, 6 the week of each message in the full-text index
 * and the daily rollups of the dashboard, 7 each message's conversation stored in the full-text index, 8 the words
 * of each customer's name (the transcripts' customer filter), 9 quota uses (the rolling limit of codes per address),
 * 10 each customer's visitor number (the "Visitor 4821" label, models/visitorLabel.ts), indexed, for the same filter,
 * 11 each customer's sentiment history in its own table (customer_sentiment), out of the customer document.
 * 12 new messages wait for the full-text index past a mark instead of each in its queue (FTS_TRIGGERS).
 * 13 a relayed customer message writes fewer pages: each customer's sentiment points clustered by customer (one
 * b-tree, no index beside it: clusterSentiment) and the running sentiment out of conversations_facts (FACTS_INDEX).
 * 14 payment card numbers in messages stored before they were masked on the way in are masked in place (maskStoredCards).
 */
export const SCHEMA_VERSION = 14;

export function schemaVersion(db: Database.Database): number {
  const hasMeta = !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'").get();
  if (!hasMeta) return 0;
  const row = db.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").get() as Row | undefined;
  return row ? Number(row.value) : 0;
}

/** How long a start waits for another process's migration of the same file, milliseconds. */
const MIGRATION_WAIT_MS = 10 * 60_000;

/**
 * applySchema as one IMMEDIATE transaction: several processes may start on one file at once, and each runs this.
 * The first takes the write lock and upgrades; the others wait for it (busy_timeout per attempt, retried up to
 * MIGRATION_WAIT_MS, since a large upgrade takes longer), then find nothing left to do. Without it two starts raced
 * on `ALTER TABLE … ADD COLUMN` (a duplicate column), and the triggers that queue messages for the full-text index
 * were dropped and created again outside a transaction, so another process's message inserted in between was never
 * indexed. A file at the current version takes only the lock and the idempotent statements.
 */
export function migrateExclusively(db: Database.Database, waitMs = MIGRATION_WAIT_MS): void {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      db.exec('BEGIN IMMEDIATE');
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > until) throw err;
    }
  }
  try {
    applySchema(db);
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Drops the full-text index. SQLite (3.53) leaves a contentless_unindexed table's `_content` shadow table behind,
 * and defensive mode (better-sqlite3's default) refuses to drop a shadow table: dropped with it lifted, at once.
 */
function dropFullText(db: Database.Database): void {
  db.exec('DROP TABLE IF EXISTS messages_fts');
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'messages_fts_content'").get()) return;
  db.unsafeMode(true);
  try {
    db.exec('DROP TABLE messages_fts_content');
  } finally {
    db.unsafeMode(false);
  }
}

export function applySchema(db: Database.Database): void {
  registerFunctions(db);
  const from = schemaVersion(db);
  db.exec(SCHEMA);
  addReviewColumns(db);
  addCustomerNames(db);
  addVisitorNumbers(db);
  moveSentimentOutOfCustomers(db);
  const fts = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").get() as { sql: string } | undefined;
  if (!fts?.sql.includes('contentless_delete') || !fts.sql.includes('period') || !fts.sql.includes('contentless_unindexed')) {
    // A new file, one from before the full-text index, or one whose index held raw texts, no weeks or no
    // conversation ids: index every message's search form now (the migration step; a large history takes a while
    // once: about 20 s for a million messages).
    db.transaction(() => {
      dropFullText(db);
      db.exec(`${FTS_TABLE}; ${FTS_PERIODS}; ${FTS_MARK}; DELETE FROM messages_fts_pending; DELETE FROM messages_fts_periods;`);
      db.exec(
        'INSERT INTO messages_fts(rowid, text, period, conversation_id) SELECT rowid, search_form(text), search_period(created_at), conversation_id FROM messages',
      );
      db.exec('INSERT OR IGNORE INTO messages_fts_periods(period) SELECT DISTINCT search_period(created_at) FROM messages');
      db.exec('INSERT OR REPLACE INTO messages_fts_mark (id, indexed_to) SELECT 1, COALESCE(MAX(rowid), 0) FROM messages');
    })();
  }
  addFullTextMark(db);
  db.exec(FTS_TRIGGERS);
  if (from < 14) maskStoredCards(db);
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'stats_days'").get()) {
    // A file from before the rollups: every day that holds a record is dirty, recomputed in the background.
    db.transaction(() => {
      db.exec(ROLLUP_TABLES);
      db.exec(`INSERT OR IGNORE INTO stats_dirty_days(day) SELECT DISTINCT substr(created_at, 1, 10) FROM conversations;
        INSERT OR IGNORE INTO stats_dirty_days(day) SELECT DISTINCT substr(created_at, 1, 10) FROM messages WHERE role = 'customer';`);
    })();
  } else db.exec(ROLLUP_TABLES);
  db.transaction(() => {
    db.exec(PROFILE_RECORDS);
    db.exec(JOBS);
    moveProfileRecordsOutOfBotState(db);
    db.exec(ATTACHMENTS);
    db.exec('CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.prepare("INSERT INTO store_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
      String(SCHEMA_VERSION),
    );
  })();
}

/**
 * Schema 12: the mark past which messages wait for the full-text index (FTS_TRIGGERS). A file from before it queued
 * every message: what its queue holds stays there (indexed from it, at or below the mark), so the mark starts at the
 * newest message. In the same transaction as the triggers that stop queueing inserts (migrateExclusively).
 */
function addFullTextMark(db: Database.Database): void {
  db.exec(FTS_MARK);
  db.exec('INSERT OR IGNORE INTO messages_fts_mark (id, indexed_to) SELECT 1, COALESCE(MAX(rowid), 0) FROM messages');
}

/**
 * Schema 14 (PCI): messages stored before card numbers were masked on the way in (store/guardedRecords.ts) have them
 * masked in place, in the text column and the document, the same way (models/paymentCards.ts). After FTS_TRIGGERS:
 * the update trigger takes each changed message out of the full-text index and queues it to be indexed again from
 * the masked text, and the rollups' trigger marks its day to be recounted. Only runs from an older version (a scan of
 * every message with four digits in a row); rerunnable, since a masked text has no card left to mask.
 */
function maskStoredCards(db: Database.Database): void {
  db.function('mask_cards', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? maskPaymentCards(text).text : text));
  const masked = db
    .prepare(
      `UPDATE messages SET text = mask_cards(text), doc = json_set(doc, '$.text', mask_cards(text))
    WHERE text GLOB '*[0-9][0-9][0-9][0-9]*' AND mask_cards(text) <> text`,
    )
    .run().changes;
  // The trigger left the old words in the full-text segments as tombstones: merging them drops the card numbers from
  // the file too (as erasure does), not only from search answers.
  if (masked > 0) db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
}

/** Columns added after the first release; a file made by an older version gets them filled from its documents. */
function addReviewColumns(db: Database.Database): void {
  const columns = (table: string) => new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  const conv = columns('conversations');
  if (!conv.has('handoff_reason')) {
    db.exec(`ALTER TABLE conversations ADD COLUMN handoff_reason TEXT;
      ALTER TABLE conversations ADD COLUMN satisfaction INTEGER;
      UPDATE conversations SET handoff_reason = json_extract(doc, '$.handoffReason'), satisfaction = json_extract(doc, '$.satisfaction.score');`);
  }
  // Review filters and figures (issue 5): indexed facts derived from each record, kept by every write.
  if (!conv.has('tags')) {
    db.transaction(() => {
      db.exec(`ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '';
        ALTER TABLE conversations ADD COLUMN handled_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE conversations ADD COLUMN wait_ms INTEGER;
        ALTER TABLE conversations ADD COLUMN first_response_ms INTEGER;
        ALTER TABLE conversations ADD COLUMN handle_ms INTEGER;
        ALTER TABLE conversations ADD COLUMN sentiment_sum REAL NOT NULL DEFAULT 0;
        ALTER TABLE conversations ADD COLUMN sentiment_n INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN intent TEXT;
        ALTER TABLE messages ADD COLUMN sentiment REAL;
        ALTER TABLE messages ADD COLUMN channel_id TEXT;
        CREATE TABLE IF NOT EXISTS customer_segments (customer_id TEXT NOT NULL, segment TEXT NOT NULL, PRIMARY KEY (customer_id, segment));
        CREATE INDEX IF NOT EXISTS customer_segments_segment ON customer_segments(segment, customer_id);
        UPDATE messages SET intent = json_extract(doc, '$.intent'), sentiment = json_extract(doc, '$.sentiment'),
          channel_id = (SELECT channel_id FROM conversations c WHERE c.id = messages.conversation_id);
        INSERT OR IGNORE INTO customer_segments (customer_id, segment) SELECT c.id, j.value FROM customers c, json_each(c.doc, '$.segments') j;`);
      const upd = db.prepare(
        'UPDATE conversations SET tags = ?, handled_by = ?, wait_ms = ?, first_response_ms = ?, handle_ms = ?, sentiment_sum = ?, sentiment_n = ? WHERE id = ?',
      );
      const sums = db.prepare("SELECT COALESCE(SUM(sentiment), 0) AS sum, COUNT(sentiment) AS n FROM messages WHERE conversation_id = ? AND role = 'customer'");
      const page = db.prepare('SELECT rowid AS r, * FROM conversations WHERE rowid > ? ORDER BY rowid LIMIT 1000');
      for (let after = 0; ;) {
        const rows = page.all(after) as Row[];
        if (!rows.length) break;
        for (const row of rows) {
          const c = { ...(JSON.parse(row.doc as string) as Conversation), lastSeq: row.last_seq as number };
          const f = conversationFacts(c);
          const s = sums.get(c.id) as { sum: number; n: number };
          upd.run(f.tags, f.handledBy, f.waitMs, f.firstResponseMs, f.handleMs, s.sum, s.n, c.id);
        }
        after = rows[rows.length - 1].r as number;
      }
    })();
  }
  // Figures read covering indexes only: a range of conversations never touches their (large) documents. Transcript
  // pages walk conversations_review newest first and test the common filters in the index, reading a row only for
  // the page (it replaces conversations_keyset, its first two columns). Not the running sentiment: every customer
  // message changes it, and a turn would rewrite this entry too.
  db.exec(`DROP INDEX IF EXISTS conversations_stats; DROP INDEX IF EXISTS conversations_created;
    DROP INDEX IF EXISTS messages_customer_day; DROP INDEX IF EXISTS messages_customer_intent;
    DROP INDEX IF EXISTS conversations_keyset;
    CREATE INDEX IF NOT EXISTS conversations_review ON conversations(created_at, id, channel_id, state, handoff_reason, satisfaction, customer_id, tags, handled_by);
    CREATE INDEX IF NOT EXISTS messages_intent ON messages(intent, created_at, channel_id, conversation_id) WHERE role = 'customer';
    CREATE INDEX IF NOT EXISTS messages_unrecognized ON messages(created_at, channel_id, text, conversation_id) WHERE role = 'customer' AND intent = '${UNRECOGNIZED_INTENT}';`);
  // Schema 13: until 12 the index also held sentiment_sum and sentiment_n, so every scored customer message rewrote
  // this entry as well as the row (one page of about ten in a relayed message's commit).
  const facts = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'conversations_facts'").get() as { sql: string } | undefined;
  if (facts?.sql.includes('sentiment_sum')) db.exec('DROP INDEX conversations_facts');
  db.exec(FACTS_INDEX);
}

/**
 * What the dashboard's figures read of a range of conversations, in the index alone. Not the running sentiment
 * (sentiment_sum, sentiment_n): every scored customer message changes it, and its entry here would be rewritten with
 * the row in the commit of every relayed message; the rollups read it from the rows of the conversations that have one.
 */
const FACTS_INDEX = `CREATE INDEX IF NOT EXISTS conversations_facts ON conversations(created_at, channel_id, state, handoff_reason, satisfaction, wait_ms,
  first_response_ms, handle_ms, customer_id)`;

/** Each word of each customer's name (searchText.ts nameWords), found by prefix on the key; filled for an older file. */
function addCustomerNames(db: Database.Database): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'customer_names'").get()) return;
  db.exec(`CREATE TABLE customer_names (word TEXT NOT NULL, customer_id TEXT NOT NULL, PRIMARY KEY (word, customer_id)) WITHOUT ROWID;
    CREATE INDEX customer_names_customer ON customer_names(customer_id);`);
  const ins = db.prepare('INSERT OR IGNORE INTO customer_names (word, customer_id) VALUES (?, ?)');
  const page = db.prepare("SELECT id, json_extract(doc, '$.displayName') AS name FROM customers WHERE id > ? ORDER BY id LIMIT 1000");
  for (let after = ''; ;) {
    const rows = page.all(after) as { id: string; name: unknown }[];
    if (!rows.length) break;
    for (const r of rows) for (const w of nameWords(typeof r.name === 'string' ? r.name : '')) ins.run(w, r.id);
    after = rows[rows.length - 1].id;
  }
}

/**
 * Each customer's visitor number (models/visitorLabel.ts), kept by every insert (sqliteCustomers.ts) and indexed,
 * so the customer filter reads the few customers with a number instead of every customer. Derived from the id alone,
 * so the labels people already saw stay what they were. Filled for every customer without one, on every start: an
 * older file's, and any a process of the previous release wrote since (the index serves `IS NULL`: none, no cost).
 */
function addVisitorNumbers(db: Database.Database): void {
  const columns = (db.prepare('PRAGMA table_info(customers)').all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('visitor_number')) db.exec('ALTER TABLE customers ADD COLUMN visitor_number INTEGER');
  db.exec('CREATE INDEX IF NOT EXISTS customers_visitor ON customers(visitor_number)');
  const set = db.prepare('UPDATE customers SET visitor_number = ? WHERE id = ?');
  const page = db.prepare('SELECT id FROM customers WHERE visitor_number IS NULL LIMIT 1000').pluck();
  for (;;) {
    const ids = page.all() as string[];
    if (!ids.length) break;
    for (const id of ids) set.run(visitorNumber(id), id);
  }
}

/**
 * Schema 11: the sentiment history in a table of its own, so the customer read of every bot turn no longer parses up
 * to 200 points, and an append no longer rewrites the document. `seq` is the order the points came in (the order
 * the document's array kept, and MongoDB's still keeps): the newest are the highest.
 * A document that still holds `$.sentiment` (a file of version 10 or older, or a row an older process wrote since)
 * has its points moved here, after the customer's points already here, and keeps only the newest scores as
 * `recentSentiment`; a moved document holds no `$.sentiment`, so running this again moves nothing twice.
 */
function moveSentimentOutOfCustomers(db: Database.Database): void {
  db.exec(SENTIMENT_TABLE);
  clusterSentiment(db);
  const holding = "json_type(doc, '$.sentiment') = 'array'";
  if (!db.prepare(`SELECT 1 FROM customers WHERE ${holding} LIMIT 1`).get()) return;
  // SQLite runs the SELECT to its end before inserting (it reads the table it inserts into), so every customer's
  // points number on from the highest seq they had before this statement.
  db.exec(`INSERT INTO customer_sentiment (customer_id, seq, at, score, conversation_id)
      SELECT c.id, COALESCE((SELECT MAX(s.seq) FROM customer_sentiment s WHERE s.customer_id = c.id), 0) + row_number() OVER (PARTITION BY c.id ORDER BY j.key),
        json_extract(j.value, '$.at'), json_extract(j.value, '$.score'), json_extract(j.value, '$.conversationId')
        FROM customers c, json_each(c.doc, '$.sentiment') j WHERE ${holding.replace('doc', 'c.doc')};
    DELETE FROM customer_sentiment WHERE (customer_id, seq) IN (SELECT customer_id, seq FROM (SELECT customer_id, seq,
      row_number() OVER (PARTITION BY customer_id ORDER BY seq DESC) AS r FROM customer_sentiment) WHERE r > ${SENTIMENT_HISTORY_POINTS});
    UPDATE customers SET doc = json_remove(json_set(doc, '$.recentSentiment', json((SELECT json_group_array(score ORDER BY seq) FROM
        (SELECT score, seq FROM customer_sentiment s WHERE s.customer_id = customers.id ORDER BY seq DESC LIMIT ${RECENT_SENTIMENT_POINTS})))), '$.sentiment')
      WHERE ${holding};`);
}

/**
 * Schema 13: the points clustered by customer, `seq` counted per customer (sqliteCustomers.ts insertPoint). Until 12
 * the table was keyed by a global rowid with an index on (customer_id, seq) beside it: each point appended wrote a
 * page of each (two of about ten pages in a relayed message's commit). A customer's history, read newest first, is now
 * the few neighbouring pages of one b-tree.
 */
const SENTIMENT_TABLE = `CREATE TABLE IF NOT EXISTS customer_sentiment (
  customer_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, score REAL NOT NULL, conversation_id TEXT,
  PRIMARY KEY (customer_id, seq)) WITHOUT ROWID`;

/** A file of version 11 or 12: its rowid table rebuilt clustered, each customer's points in the order they had. */
function clusterSentiment(db: Database.Database): void {
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'customer_sentiment'").get() as { sql: string };
  if (table.sql.includes('WITHOUT ROWID')) return;
  db.exec(`${SENTIMENT_TABLE.replace('customer_sentiment', 'customer_sentiment_clustered')};
    INSERT INTO customer_sentiment_clustered (customer_id, seq, at, score, conversation_id)
      SELECT customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY seq), at, score, conversation_id FROM customer_sentiment;
    DROP TABLE customer_sentiment;
    ALTER TABLE customer_sentiment_clustered RENAME TO customer_sentiment;`);
}

/** The bot-state keys an older version kept these records under. */
export const LEGACY_KEYS = {
  suggestions: 'crm/merge-suggestions',
  mergePrefix: 'crm/merges/',
  segmentRules: 'crm/segment-rules',
  corpus: 'nlu/corpus-additions',
} as const;

/** A file from before the profile-record tables: moves its records into them and out of bot_state (once). */
function moveProfileRecordsOutOfBotState(db: Database.Database): void {
  const value = (key: string) => {
    const row = db.prepare('SELECT value FROM bot_state WHERE key = ?').get(key) as Row | undefined;
    return row ? (JSON.parse(row.value as string) as Record<string, unknown>) : undefined;
  };
  const suggestions = value(LEGACY_KEYS.suggestions)?.items as MergeSuggestion[] | undefined;
  const insSuggestion = db.prepare(
    'INSERT OR IGNORE INTO merge_suggestions (id, customer_id, candidate_id, pair, status, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const s of suggestions ?? [])
    insSuggestion.run(s.id, s.customerId, s.candidateId, suggestionPair(s.customerId, s.candidateId), s.status, s.createdAt, JSON.stringify(s));
  const merges = db
    .prepare('SELECT key, value FROM bot_state WHERE key >= ? AND key < ?')
    .all(LEGACY_KEYS.mergePrefix, `${LEGACY_KEYS.mergePrefix}\uffff`) as Row[];
  const insMerge = db.prepare('INSERT OR IGNORE INTO merges (id, absorbed_id, survivor_id, at, undone_at, doc) VALUES (?, ?, ?, ?, ?, ?)');
  for (const row of merges) {
    const r = (JSON.parse(row.value as string) as { record: MergeRecord }).record;
    insMerge.run(r.id, r.absorbed.id, r.survivor.id, r.at, r.undone ?? null, JSON.stringify(r));
  }
  const rules = value(LEGACY_KEYS.segmentRules)?.rules;
  if (Array.isArray(rules))
    db.prepare('INSERT OR IGNORE INTO segment_rules (id, rules, updated_at) VALUES (1, ?, ?)').run(JSON.stringify(rules), new Date().toISOString());
  const additions = value(LEGACY_KEYS.corpus)?.items as CorpusAddition[] | undefined;
  const insAddition = db.prepare('INSERT OR IGNORE INTO corpus_additions (language, text_key, conversation_id, doc) VALUES (?, ?, ?, ?)');
  for (const a of additions ?? []) insAddition.run(a.language, corpusTextKey(a.text), a.conversationId ?? null, JSON.stringify(a));
  db.prepare('DELETE FROM bot_state WHERE key IN (?, ?, ?) OR (key >= ? AND key < ?)').run(
    LEGACY_KEYS.suggestions,
    LEGACY_KEYS.segmentRules,
    LEGACY_KEYS.corpus,
    LEGACY_KEYS.mergePrefix,
    `${LEGACY_KEYS.mergePrefix}\uffff`,
  );
}
