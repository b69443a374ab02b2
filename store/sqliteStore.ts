import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../core/errors';
import type {
  AuditEntry,
  ContactType,
  Conversation,
  ConversationExpectation,
  ConversationPatch,
  Customer,
  CustomerPatch,
  Message,
  NewConversation,
  NewCustomer,
  NewMessage,
  NewUser,
  Session,
  StateEntry,
  User,
  UserPatch,
} from '../models/records';
import { UNRECOGNIZED_INTENT } from '../models/records';
import { WalCheckpointer } from './walCheckpointer';
import { buildConversation, buildCustomer, buildMessage, buildUser, conversationFacts, erasedMessage, mergeCustomer, patchConversation } from './recordBuilders';
import type { AppendResult, AuditQuery, ClaimResult, ConversationQuery, ConversationStats, IdentityKey, ImportBatch, MessagePage, Percentiles, SearchHit, StatsQuery, Store, TranscriptFilter, TranscriptPage, TranscriptResults, StateChange, WriteOptions } from './store';
import { MAX_PAGE, UNRECOGNIZED_TOP, rankIndex } from './store';
import { averageSentiment, byConversationThenSeq, clampLimit, conversationOrder, customerKeys, decodeCursor, encodeCursor, sentimentSums, identityKeyString, normalizeEmail, plain, plainNumber, validateExpectation } from './storeGuards';

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
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, content='messages', content_rowid='rowid');
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
`;

type Row = Record<string, unknown>;

/** Writes committed together at most; keeps one flush from holding the event loop too long. */
const MAX_BATCH = 256;

/**
 * The full-text index is kept in bulk: a new message only queues its rowid (a one-row insert), and indexPending
 * indexes the queue every second and before every full-text query, so a search always sees every message. FTS5
 * writes a segment whenever a transaction or savepoint ends with terms in memory, which, per message, cost more
 * than the rest of the insert. Replaced on every start (an older file has the per-message triggers).
 */
const FTS_TRIGGERS = `DROP TRIGGER IF EXISTS messages_ai; DROP TRIGGER IF EXISTS messages_ad; DROP TRIGGER IF EXISTS messages_au;
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts_pending(message_rowid) VALUES (new.rowid); END;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) SELECT 'delete', old.rowid, old.text
    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
  DELETE FROM messages_fts_pending WHERE message_rowid = old.rowid; END;
CREATE TRIGGER messages_au AFTER UPDATE OF text ON messages
  WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text); END;`;
/** Rows the background indexing takes at a time, so one run holds the event loop a few milliseconds at most. */
const INDEX_CHUNK = 2000;

/** One group-commit transaction: how many writes it holds, and the promise of its commit reaching the disk. */
interface Batch {
  writes: number;
  /** Waits for the running fsync to end before it commits. */
  afterSync?: boolean;
  durable: Promise<void>;
  settle: { resolve: () => void; reject: (e: unknown) => void };
}

function storeError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isUniqueViolation(err)) return new AppError('STORE_CONFLICT', undefined, { cause: err });
  return new AppError('STORE_UNAVAILABLE', (err as Error)?.message, { cause: err });
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The embedded default store: one SQLite file, WAL journal, every multi-step write in one IMMEDIATE transaction. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private db!: Database.Database;
  private closed = false;
  /** Our own descriptor on the WAL file, fsynced off the event loop (see syncWal). */
  private walFd: number | undefined;
  /** fsyncs under way; close() waits for them. */
  private syncing = new Set<Promise<void>>();
  /** Set when an fsync failed: what the disk holds is unknown, so no write is acknowledged again (restart). */
  private syncFailure: Error | undefined;

  constructor(
    private readonly file: string,
    private readonly options: { synchronous?: 'full' | 'normal' } = {},
  ) {}

  async init(): Promise<void> {
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    // SQLite itself never fsyncs a commit (NORMAL keeps the WAL consistent: frames are checksummed, checkpoints
    // sync). Under 'full' this store fsyncs the WAL itself, on libuv's thread pool, and acknowledges a write only
    // after that: the same guarantee as SQLite's FULL (an acknowledged write survives power loss) without
    // blocking the event loop for the fsync of every commit, which held each bot turn about 1 ms per write.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Deleted and overwritten content is zeroed in the file (privacy erasure; scrub() then truncates the WAL).
    this.db.pragma('secure_delete = ON');
    // 64 MiB of page cache (default 2 MiB): indexes of a large history stay in memory, inserts stop thrashing.
    this.db.pragma('cache_size = -65536');
    if (this.file !== ':memory:') {
      // Checkpoints happen off the event loop (see WalCheckpointer); SQLite's own only past about 80 MB of WAL.
      this.db.pragma('wal_autocheckpoint = 20000');
      this.checkpointer = new WalCheckpointer(this.file);
    }
    const hadFts = !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'").get();
    this.db.exec(SCHEMA);
    // A file from before the full-text index: index what it already holds.
    if (!hadFts) this.db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
    this.db.exec(FTS_TRIGGERS);
    this.migrate();
    // A failure here is a failed write like any other: the next search, which indexes first, reports it.
    this.indexTimer = setInterval(() => void this.indexPending(INDEX_CHUNK).catch(() => undefined), 1000).unref();
  }

  private indexTimer: NodeJS.Timeout | undefined;
  private checkpointer: WalCheckpointer | undefined;

  /** Adds queued messages to the full-text index (at most `limit`, else all); applied at once, like a deferSync write. */
  private indexPending(limit = -1): Promise<void> {
    if (this.closed || !this.stmt('SELECT 1 FROM messages_fts_pending LIMIT 1').get()) return Promise.resolve();
    return this.tx(() => this.indexQueued(limit), { deferSync: true });
  }

  private indexQueued(limit: number): void {
    const last = limit < 0 ? undefined : (this.stmt('SELECT message_rowid AS r FROM messages_fts_pending ORDER BY message_rowid LIMIT 1 OFFSET ?').get(limit - 1) as Row | undefined);
    const upTo = last ? (last.r as number) : Number.MAX_SAFE_INTEGER;
    this.stmt('INSERT INTO messages_fts(rowid, text) SELECT m.rowid, m.text FROM messages_fts_pending p JOIN messages m ON m.rowid = p.message_rowid WHERE p.message_rowid <= ? ORDER BY p.message_rowid').run(upTo);
    this.stmt('DELETE FROM messages_fts_pending WHERE message_rowid <= ?').run(upTo);
  }

  /** Columns added after the first release; a file made by an older version gets them filled from its documents. */
  private migrate(): void {
    const columns = (table: string) => new Set((this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    const conv = columns('conversations');
    if (!conv.has('handoff_reason')) {
      this.db.exec(`ALTER TABLE conversations ADD COLUMN handoff_reason TEXT;
        ALTER TABLE conversations ADD COLUMN satisfaction INTEGER;
        UPDATE conversations SET handoff_reason = json_extract(doc, '$.handoffReason'), satisfaction = json_extract(doc, '$.satisfaction.score');`);
    }
    // Review filters and figures (issue 5): indexed facts derived from each record, kept by every write.
    if (!conv.has('tags')) {
      this.db.transaction(() => {
        this.db.exec(`ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '';
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
        const upd = this.db.prepare('UPDATE conversations SET tags = ?, handled_by = ?, wait_ms = ?, first_response_ms = ?, handle_ms = ?, sentiment_sum = ?, sentiment_n = ? WHERE id = ?');
        const sums = this.db.prepare("SELECT COALESCE(SUM(sentiment), 0) AS sum, COUNT(sentiment) AS n FROM messages WHERE conversation_id = ? AND role = 'customer'");
        const page = this.db.prepare('SELECT rowid AS r, * FROM conversations WHERE rowid > ? ORDER BY rowid LIMIT 1000');
        for (let after = 0; ; ) {
          const rows = page.all(after) as Row[];
          if (!rows.length) break;
          for (const row of rows) {
            const c = this.rowToConversation(row);
            const f = conversationFacts(c);
            const s = sums.get(c.id) as { sum: number; n: number };
            upd.run(f.tags, f.handledBy, f.waitMs, f.firstResponseMs, f.handleMs, s.sum, s.n, c.id);
          }
          after = rows[rows.length - 1].r as number;
        }
      })();
    }
    // Figures read covering indexes only: a range of conversations never touches their (large) documents.
    this.db.exec(`DROP INDEX IF EXISTS conversations_stats; DROP INDEX IF EXISTS conversations_created;
      DROP INDEX IF EXISTS messages_customer_day; DROP INDEX IF EXISTS messages_customer_intent;
      CREATE INDEX IF NOT EXISTS conversations_facts ON conversations(created_at, channel_id, state, handoff_reason, satisfaction, wait_ms, first_response_ms, handle_ms, sentiment_sum, sentiment_n, customer_id);
      CREATE INDEX IF NOT EXISTS conversations_keyset ON conversations(created_at, id);
      CREATE INDEX IF NOT EXISTS messages_intent ON messages(intent, created_at, channel_id, conversation_id) WHERE role = 'customer';
      CREATE INDEX IF NOT EXISTS messages_unrecognized ON messages(created_at, channel_id, text, conversation_id) WHERE role = 'customer' AND intent = '${UNRECOGNIZED_INTENT}';`);
  }

  /** For tests and benchmarks that simulate an outage or need raw access. */
  get database(): Database.Database {
    return this.db;
  }

  async ping(): Promise<void> {
    try {
      if (this.closed) throw new Error('store is closed');
      if (this.syncFailure) throw this.syncFailure;
      this.stmt('SELECT 1').get();
    } catch (err) {
      throw new AppError('STORE_UNAVAILABLE', undefined, { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already queued are committed (or fail) before the file closes.
    clearInterval(this.indexTimer);
    // A write made while an fsync is awaited here opens another transaction: commit that one too.
    while (this.batch || this.syncing.size) {
      if (this.batch) this.commit(this.batch);
      await Promise.allSettled([...this.syncing]);
    }
    this.closed = true;
    await this.checkpointer?.close();
    if (this.walFd !== undefined) fs.closeSync(this.walFd);
    this.walFd = undefined;
    this.db?.close();
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text: preparing on every call cost more than running the query. */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** The transaction writes are applied in, until it commits (see tx). */
  private batch: Batch | undefined;
  /** Durability of the last committed batch: what sync() waits for when no transaction is open. */
  private lastDurable: Promise<void> = Promise.resolve();

  /**
   * Group commit. A write runs at once, inside the open IMMEDIATE transaction (begun by the first write since the
   * last commit), in its own savepoint: one that throws is rolled back and fails alone. The transaction commits on
   * the next turn of the event loop, or, while the previous commit's fsync is still running, when it ends (or at
   * MAX_BATCH writes): every write made meanwhile, by any caller, shares one commit and one fsync, and the busier
   * the disk, the bigger the groups. A write resolves once that commit is durable, or, with `deferSync`, at once: then
   * its caller awaits sync() before acknowledging it. Semantics are those of serial transactions: better-sqlite3
   * runs them one after another, and nothing else runs in between.
   */
  private tx<T>(fn: () => T, options?: WriteOptions): Promise<T> {
    if (this.syncFailure) return Promise.reject(new AppError('STORE_UNAVAILABLE', undefined, { cause: this.syncFailure }));
    let batch = this.batch;
    try {
      if (this.closed) throw new Error('store is closed');
      if (!batch) batch = this.begin();
    } catch (err) {
      return Promise.reject(storeError(err));
    }
    // The first write of a transaction needs no savepoint: if it fails, the whole transaction is rolled back.
    const first = batch.writes === 0;
    let value: T;
    try {
      if (!first) this.stmt('SAVEPOINT op').run();
      value = fn();
      if (!first) this.stmt('RELEASE op').run();
    } catch (err) {
      const e = storeError(err);
      this.undo(batch, first, e);
      return Promise.reject(e);
    }
    batch.writes++;
    const result = options?.deferSync ? Promise.resolve(value) : batch.durable.then(() => value);
    if (batch.writes >= MAX_BATCH) this.commit(batch);
    return result;
  }

  private begin(): Batch {
    this.stmt('BEGIN IMMEDIATE').run();
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    const durable = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // Nobody may be waiting when a batch fails (its writes already failed, or its failure is reported by sync()).
    durable.catch(() => undefined);
    const batch: Batch = { writes: 0, durable, settle };
    this.batch = batch;
    setImmediate(() => {
      if (this.batch !== batch) return;
      if (this.syncing.size) batch.afterSync = true;
      else this.commit(batch);
    });
    return batch;
  }

  /** A write threw: roll back its savepoint, or the transaction when it was the first write or SQLite already did. */
  private undo(batch: Batch, first: boolean, err: AppError): void {
    try {
      if (!first && this.db.inTransaction) {
        this.stmt('ROLLBACK TO op').run();
        this.stmt('RELEASE op').run();
        return;
      }
    } catch {
      /* handled below as a lost transaction */
    }
    if (this.db.inTransaction) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* the original error is the one to report */
      }
    }
    this.batch = undefined;
    // Writes already applied in this transaction are gone (on some errors SQLite rolls back on its own).
    if (!first) this.fail(batch, err);
    else batch.settle.resolve();
  }

  private commit(batch: Batch): void {
    if (this.batch !== batch) return;
    this.batch = undefined;
    try {
      this.stmt('COMMIT').run();
    } catch (err) {
      try {
        if (this.db?.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        /* the original error is the one to report */
      }
      return this.fail(batch, storeError(err));
    }
    this.lastDurable = batch.durable;
    if (this.options.synchronous === 'normal' || this.file === ':memory:') return batch.settle.resolve();
    // Acknowledged only once on disk; meanwhile the event loop goes on, and the next transaction begins.
    this.syncWal().then(batch.settle.resolve, (err) => batch.settle.reject(new AppError('STORE_UNAVAILABLE', undefined, { cause: err }))).finally(() => {
      const next = this.batch;
      if (next?.afterSync && !this.syncing.size) this.commit(next);
    });
  }

  /**
   * A transaction whose writes were applied (and readable, and some perhaps already acknowledged to `deferSync`
   * callers) could not be committed: like a failed fsync, nothing is acknowledged again until a restart.
   */
  private fail(batch: Batch, err: AppError): void {
    this.syncFailure ??= err;
    batch.settle.reject(new AppError('STORE_UNAVAILABLE', undefined, { cause: err }));
  }

  async sync(): Promise<void> {
    if (this.syncFailure) throw new AppError('STORE_UNAVAILABLE', undefined, { cause: this.syncFailure });
    await (this.batch?.durable ?? this.lastDurable);
  }

  /**
   * Makes everything committed so far durable: fsync of the WAL file through our own descriptor (fsync flushes
   * the file, whichever descriptor asks). Several may run at once; each batch waits for one started after its
   * own commit. A failed fsync stops the store from acknowledging anything again: after one, the kernel may
   * have dropped the dirty pages, and a later fsync that succeeds would prove nothing.
   */
  private syncWal(): Promise<void> {
    if (this.walFd === undefined) {
      try {
        this.walFd = fs.openSync(`${this.file}-wal`, 'r');
        // The WAL file may be new: its directory entry must reach the disk too, once.
        const dir = fs.openSync(path.dirname(path.resolve(this.file)), 'r');
        try {
          fs.fsyncSync(dir);
        } finally {
          fs.closeSync(dir);
        }
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const fd = this.walFd;
    const p = new Promise<void>((resolve, reject) =>
      fs.fsync(fd, (err) => {
        if (!err) return resolve();
        this.syncFailure ??= err;
        reject(err);
      }),
    ).finally(() => this.syncing.delete(p));
    this.syncing.add(p);
    return p;
  }

  private run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (isUniqueViolation(err)) throw new AppError('STORE_CONFLICT', undefined, { cause: err });
      throw new AppError('STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }

  // ---- customers

  private writeCustomerKeys(c: Customer): void {
    this.stmt('DELETE FROM customer_keys WHERE customer_id = ?').run(c.id);
    this.stmt('DELETE FROM customer_contacts WHERE customer_id = ?').run(c.id);
    const insKey = this.stmt('INSERT INTO customer_keys (key, customer_id) VALUES (?, ?)');
    for (const k of customerKeys(c)) {
      try {
        insKey.run(k, c.id);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('STORE_CONFLICT', `identity ${k.split(':')[0]} belongs to another customer`, { cause: err, details: { key: k } });
        throw err;
      }
    }
    const insContact = this.stmt('INSERT OR IGNORE INTO customer_contacts (customer_id, contact) VALUES (?, ?)');
    for (const p of c.contacts) insContact.run(c.id, identityKeyString({ kind: p.type, value: p.value }));
  }

  private writeSegments(c: Customer): void {
    this.stmt('DELETE FROM customer_segments WHERE customer_id = ?').run(c.id);
    const ins = this.stmt('INSERT OR IGNORE INTO customer_segments (customer_id, segment) VALUES (?, ?)');
    for (const seg of c.segments) ins.run(c.id, seg);
  }

  private insertCustomer(c: Customer): void {
    this.stmt('INSERT INTO customers (id, version, doc) VALUES (?, ?, ?)').run(c.id, c.version, JSON.stringify(c));
    this.writeCustomerKeys(c);
    if (c.segments.length) this.writeSegments(c);
  }

  async createCustomer(input: NewCustomer, options?: WriteOptions): Promise<Customer> {
    const c = buildCustomer(input);
    return this.tx(() => {
      this.insertCustomer(c);
      return c;
    }, options);
  }

  async getCustomer(id: string): Promise<Customer | null> {
    plain(id, 'id');
    const row = this.run(() => this.stmt('SELECT doc FROM customers WHERE id = ?').get(id) as Row | undefined);
    return row ? (JSON.parse(row.doc as string) as Customer) : null;
  }

  async findCustomerByKey(key: IdentityKey): Promise<Customer | null> {
    const k = identityKeyString(key);
    const row = this.run(
      () =>
        this
          .stmt('SELECT c.doc FROM customer_keys k JOIN customers c ON c.id = k.customer_id WHERE k.key = ?')
          .get(k) as Row | undefined,
    );
    return row ? (JSON.parse(row.doc as string) as Customer) : null;
  }

  async findCustomersByContact(type: ContactType, value: string): Promise<Customer[]> {
    const k = identityKeyString(type === 'email' ? { kind: 'email', value } : { kind: 'phone', value });
    const rows = this.run(
      () =>
        this
          .stmt('SELECT c.doc FROM customer_contacts p JOIN customers c ON c.id = p.customer_id WHERE p.contact = ? ORDER BY c.id')
          .all(k) as Row[],
    );
    return rows.map((r) => JSON.parse(r.doc as string) as Customer);
  }

  async updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: WriteOptions): Promise<Customer> {
    plain(id, 'id');
    if (expectedVersion !== undefined) plainNumber(expectedVersion, 'expectedVersion');
    return this.tx(() => {
      const row = this.stmt('SELECT doc FROM customers WHERE id = ?').get(id) as Row | undefined;
      if (!row) throw new AppError('NOT_FOUND', 'customer not found');
      const current = JSON.parse(row.doc as string) as Customer;
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
      }
      const next = mergeCustomer(current, patch);
      this.stmt('UPDATE customers SET version = ?, doc = ? WHERE id = ?').run(next.version, JSON.stringify(next), id);
      // Most updates (sentiment, engagement) leave identities alone; rewrite the key tables only when they changed.
      if (next.identities !== current.identities || next.contacts !== current.contacts) {
        if (JSON.stringify([customerKeys(next), next.contacts]) !== JSON.stringify([customerKeys(current), current.contacts])) this.writeCustomerKeys(next);
      }
      if (next.segments.join('\n') !== current.segments.join('\n')) this.writeSegments(next);
      return next;
    }, options);
  }

  // ---- conversations

  private rowToConversation(row: Row): Conversation {
    const doc = JSON.parse(row.doc as string) as Conversation;
    return { ...doc, lastSeq: row.last_seq as number };
  }

  async getOrCreateConversation(input: NewConversation, options?: WriteOptions): Promise<{ conversation: Conversation; created: boolean }> {
    plain(input.channelId, 'channelId');
    plain(input.channelConversationId, 'channelConversationId');
    plain(input.customerId, 'customerId');
    // Nearly every call finds the conversation: read first, and queue a write only to create it.
    const existing = await this.findConversationByChannel(input.channelId, input.channelConversationId);
    if (existing) return { conversation: existing, created: false };
    return this.tx(() => {
      const row = this
        .stmt('SELECT * FROM conversations WHERE channel_id = ? AND channel_conversation_id = ?')
        .get(input.channelId, input.channelConversationId) as Row | undefined;
      if (row) return { conversation: this.rowToConversation(row), created: false };
      const c = buildConversation(input);
      this.insertConversation(c);
      return { conversation: c, created: true };
    }, options);
  }

  private insertConversation(c: Conversation, sentiment = { sum: 0, n: 0 }): void {
    const f = conversationFacts(c);
    this
      .stmt(
        `INSERT INTO conversations (id, channel_id, channel_conversation_id, customer_id, state, agent_id, priority, version, last_seq, created_at, updated_at,
           handoff_reason, satisfaction, tags, handled_by, wait_ms, first_response_ms, handle_ms, sentiment_sum, sentiment_n, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.channelId, c.channelConversationId, c.customerId, c.state, c.agentId, c.priority, c.version, c.lastSeq, c.createdAt, c.updatedAt,
        c.handoffReason ?? null, c.satisfaction?.score ?? null, f.tags, f.handledBy, f.waitMs, f.firstResponseMs, f.handleMs, sentiment.sum, sentiment.n, JSON.stringify(c));
  }

  async getConversation(id: string): Promise<Conversation | null> {
    plain(id, 'id');
    const row = this.run(() => this.stmt('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined);
    return row ? this.rowToConversation(row) : null;
  }

  async findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null> {
    plain(channelId, 'channelId');
    plain(channelConversationId, 'channelConversationId');
    const row = this.run(
      () =>
        this
          .stmt('SELECT * FROM conversations WHERE channel_id = ? AND channel_conversation_id = ?')
          .get(channelId, channelConversationId) as Row | undefined,
    );
    return row ? this.rowToConversation(row) : null;
  }

  async listConversations(query: ConversationQuery): Promise<Conversation[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.states) {
      if (query.states.length === 0) return [];
      query.states.forEach((s) => plain(s, 'state'));
      where.push(`state IN (${query.states.map(() => '?').join(',')})`);
      args.push(...query.states);
    }
    if (query.agentId !== undefined) {
      where.push('agent_id = ?');
      args.push(plain(query.agentId, 'agentId'));
    }
    if (query.customerId !== undefined) {
      where.push('customer_id = ?');
      args.push(plain(query.customerId, 'customerId'));
    }
    if (query.updatedBefore !== undefined) {
      where.push('updated_at < ?');
      args.push(plain(query.updatedBefore, 'updatedBefore'));
    }
    const limit = clampLimit(query.limit, 100, MAX_PAGE);
    const sql = `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY priority DESC, created_at ASC, id ASC LIMIT ?`;
    const rows = this.run(() => this.stmt(sql).all(...args, limit) as Row[]);
    return rows.map((r) => this.rowToConversation(r));
  }

  async deleteConversation(id: string): Promise<boolean> {
    plain(id, 'id');
    return this.tx(() => {
      this.stmt('DELETE FROM messages WHERE conversation_id = ?').run(id);
      return this.stmt('DELETE FROM conversations WHERE id = ?').run(id).changes > 0;
    });
  }

  async moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]> {
    plain(fromCustomerId, 'fromCustomerId');
    plain(toCustomerId, 'toCustomerId');
    onlyIds?.forEach((id) => plain(id, 'conversationId'));
    return this.tx(() => {
      const rows = this.stmt('SELECT * FROM conversations WHERE customer_id = ?').all(fromCustomerId) as Row[];
      const moved: string[] = [];
      for (const row of rows) {
        const c = this.rowToConversation(row);
        if (onlyIds && !onlyIds.includes(c.id)) continue;
        const next = { ...patchConversation(c, {}), customerId: toCustomerId };
        this.stmt('UPDATE conversations SET customer_id = ?, version = ?, updated_at = ?, doc = ? WHERE id = ?').run(toCustomerId, next.version, next.updatedAt, JSON.stringify(next), c.id);
        moved.push(c.id);
      }
      return moved;
    });
  }

  private writeConversation(next: Conversation): void {
    const f = conversationFacts(next);
    this
      .stmt(
        `UPDATE conversations SET state = ?, agent_id = ?, priority = ?, version = ?, updated_at = ?, handoff_reason = ?, satisfaction = ?,
           tags = ?, handled_by = ?, wait_ms = ?, first_response_ms = ?, handle_ms = ?, doc = ? WHERE id = ?`,
      )
      .run(next.state, next.agentId, next.priority, next.version, next.updatedAt, next.handoffReason ?? null, next.satisfaction?.score ?? null,
        f.tags, f.handledBy, f.waitMs, f.firstResponseMs, f.handleMs, JSON.stringify(next), next.id);
  }

  private expectationHolds(c: Conversation, expect?: ConversationExpectation): boolean {
    if (!expect) return true;
    if (expect.states && !expect.states.includes(c.state)) return false;
    if (expect.agentId !== undefined && c.agentId !== expect.agentId) return false;
    if (expect.version !== undefined && c.version !== expect.version) return false;
    return true;
  }

  async updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null> {
    plain(id, 'id');
    validateExpectation(expect);
    return this.tx(() => {
      const row = this.stmt('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined;
      if (!row) return null;
      const current = this.rowToConversation(row);
      if (!this.expectationHolds(current, expect)) return null;
      const next = patchConversation(current, patch);
      this.writeConversation(next);
      return next;
    });
  }

  async claimConversation(input: {
    conversationId: string;
    agentId: string;
    fromStates: readonly import('../models/records').ConversationState[];
    expectedAgentId?: string | null;
    maxActive: number;
    patch?: ConversationPatch;
  }): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.agentId, 'agentId');
    plainNumber(input.maxActive, 'maxActive');
    return this.tx((): ClaimResult => {
      const row = this.stmt('SELECT * FROM conversations WHERE id = ?').get(input.conversationId) as Row | undefined;
      if (!row) return { ok: false, reason: 'not_found' };
      const current = this.rowToConversation(row);
      if (!this.expectationHolds(current, { states: input.fromStates, agentId: input.expectedAgentId })) return { ok: false, reason: 'state' };
      const active = this
        .stmt("SELECT COUNT(*) AS n FROM conversations WHERE agent_id = ? AND state = 'agent' AND id != ?")
        .get(input.agentId, input.conversationId) as { n: number };
      if (active.n >= input.maxActive) return { ok: false, reason: 'capacity' };
      const next = patchConversation(current, { ...input.patch, state: 'agent', agentId: input.agentId });
      this.writeConversation(next);
      return { ok: true, conversation: next };
    });
  }

  async countActiveChats(agentId: string): Promise<number> {
    plain(agentId, 'agentId');
    const r = this.run(
      () => this.stmt("SELECT COUNT(*) AS n FROM conversations WHERE agent_id = ? AND state = 'agent'").get(agentId) as { n: number },
    );
    return r.n;
  }

  // ---- conversation state (handoff's transition() is the one caller) and privacy erasure

  async setConversationState(input: StateChange): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.to, 'to');
    const expect = { states: input.fromStates, agentId: input.expectedAgentId, version: input.expectedVersion };
    validateExpectation(expect);
    return this.tx((): ClaimResult => {
      const row = this.stmt('SELECT * FROM conversations WHERE id = ?').get(input.conversationId) as Row | undefined;
      if (!row) return { ok: false, reason: 'not_found' };
      const current = this.rowToConversation(row);
      if (!this.expectationHolds(current, expect)) return { ok: false, reason: 'state' };
      const next = patchConversation(current, { ...input.patch, state: input.to, agentId: null });
      this.writeConversation(next);
      return { ok: true, conversation: next };
    });
  }

  async eraseConversation(id: string, channelConversationId: string): Promise<number> {
    plain(id, 'id');
    plain(channelConversationId, 'channelConversationId');
    return this.tx(() => {
      const row = this.stmt('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined;
      if (!row) return 0;
      const current = this.rowToConversation(row);
      const rows = this.stmt('SELECT id, doc FROM messages WHERE conversation_id = ?').all(id) as Row[];
      const upd = this.stmt("UPDATE messages SET text = '', intent = NULL, sentiment = NULL, doc = ? WHERE id = ?");
      for (const r of rows) upd.run(JSON.stringify(erasedMessage(JSON.parse(r.doc as string) as Message)), r.id);
      const next = {
        ...patchConversation(current, { reference: { channelId: current.channelId, serviceUrl: '', conversation: { id: channelConversationId } }, tags: [], satisfaction: undefined }),
        channelConversationId,
      };
      this.writeConversation(next);
      this.stmt('UPDATE conversations SET channel_conversation_id = ?, sentiment_sum = 0, sentiment_n = 0 WHERE id = ?').run(channelConversationId, id);
      return rows.length;
    });
  }

  async scrub(): Promise<void> {
    await this.sync();
    // FTS5 keeps the terms of erased texts in older index segments until they are merged into one.
    await this.indexPending();
    await this.tx(() => this.stmt("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')").run());
    await this.sync();
    if (this.file === ':memory:') return;
    for (let attempt = 0; attempt < 50; attempt++) {
      // Synchronous from here to the checkpoint: no other write can open a transaction in between.
      if (this.batch) this.commit(this.batch);
      const [r] = this.run(() => this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]);
      if (r.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new AppError('STORE_UNAVAILABLE', 'the WAL could not be truncated: readers kept it busy');
  }

  // ---- messages

  async appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult> {
    plain(input.conversationId, 'conversationId');
    if (input.activityId !== undefined) plain(input.activityId, 'activityId');
    return this.tx((): AppendResult => {
      const conv = this.stmt('SELECT last_seq, channel_id FROM conversations WHERE id = ?').get(input.conversationId) as Row | undefined;
      if (!conv) throw new AppError('NOT_FOUND', 'conversation not found');
      if (input.activityId !== undefined) {
        const existing = this
          .stmt('SELECT doc FROM messages WHERE conversation_id = ? AND activity_id = ?')
          .get(input.conversationId, input.activityId) as Row | undefined;
        if (existing) return { message: JSON.parse(existing.doc as string) as Message, created: false };
      }
      const seq = (conv.last_seq as number) + 1;
      const m = buildMessage(input, seq);
      this.insertMessage(m, conv.channel_id as string);
      const scored = m.role === 'customer' && typeof m.sentiment === 'number';
      this
        .stmt('UPDATE conversations SET last_seq = ?, updated_at = ?, sentiment_sum = sentiment_sum + ?, sentiment_n = sentiment_n + ? WHERE id = ?')
        .run(seq, m.createdAt, scored ? m.sentiment : 0, scored ? 1 : 0, m.conversationId);
      return { message: m, created: true };
    }, options);
  }

  private insertMessage(m: Message, channelId: string): void {
    this
      .stmt('INSERT INTO messages (id, conversation_id, seq, activity_id, role, kind, text, created_at, intent, sentiment, channel_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(m.id, m.conversationId, m.seq, m.activityId ?? null, m.role, m.kind, m.text, m.createdAt,
        m.role === 'customer' ? (m.intent ?? null) : null, m.role === 'customer' ? (m.sentiment ?? null) : null, channelId, JSON.stringify(m));
  }

  async listMessages(conversationId: string, page: MessagePage = {}): Promise<Message[]> {
    plain(conversationId, 'conversationId');
    const after = page.afterSeq === undefined ? 0 : plainNumber(page.afterSeq, 'afterSeq');
    const limit = clampLimit(page.limit, MAX_PAGE, MAX_PAGE);
    const rows = this.run(
      () =>
        this
          .stmt('SELECT doc FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?')
          .all(conversationId, after, limit) as Row[],
    );
    return rows.map((r) => JSON.parse(r.doc as string) as Message);
  }

  async findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null> {
    plain(conversationId, 'conversationId');
    plain(activityId, 'activityId');
    const row = this.run(
      () =>
        this
          .stmt('SELECT doc FROM messages WHERE conversation_id = ? AND activity_id = ?')
          .get(conversationId, activityId) as Row | undefined,
    );
    return row ? (JSON.parse(row.doc as string) as Message) : null;
  }

  async eraseMessages(conversationId: string): Promise<number> {
    plain(conversationId, 'conversationId');
    return this.tx(() => {
      const rows = this.stmt('SELECT id, doc FROM messages WHERE conversation_id = ?').all(conversationId) as Row[];
      const upd = this.stmt("UPDATE messages SET text = '', intent = NULL, sentiment = NULL, doc = ? WHERE id = ?");
      for (const r of rows) upd.run(JSON.stringify(erasedMessage(JSON.parse(r.doc as string) as Message)), r.id);
      this.stmt('UPDATE conversations SET sentiment_sum = 0, sentiment_n = 0 WHERE id = ?').run(conversationId);
      return rows.length;
    });
  }

  async searchMessages(query: string, limit?: number): Promise<SearchHit[]> {
    const match = ftsPhrase(plain(query, 'query'));
    if (!match) return [];
    const n = clampLimit(limit, 50, MAX_PAGE);
    await this.indexPending();
    return this.run(
      () =>
        this
          .stmt(
            `SELECT m.conversation_id AS conversationId, m.seq, m.role, m.text, m.created_at AS createdAt
             FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
             WHERE messages_fts MATCH ? ORDER BY m.rowid DESC LIMIT ?`,
          )
          .all(match, n) as SearchHit[],
    );
  }

  async conversationStats(q: StatsQuery): Promise<ConversationStats> {
    const from = plain(q.from, 'from');
    const to = plain(q.to, 'to');
    const channel = q.channelId === undefined ? null : plain(q.channelId, 'channelId');
    const where = 'created_at >= ? AND created_at < ? AND (? IS NULL OR channel_id = ?)';
    const args = [from, to, channel, channel];
    return this.run(() => {
      const perDay = this
        .stmt(`SELECT substr(created_at, 1, 10) AS day, channel_id AS channelId, COUNT(*) AS count FROM conversations WHERE ${where} GROUP BY day, channel_id ORDER BY day, channel_id`)
        .all(...args) as ConversationStats['perDay'];
      const totals = this
        .stmt(`SELECT COUNT(*) AS total, SUM(CASE WHEN handoff_reason IS NULL AND state != 'external' THEN 1 ELSE 0 END) AS botOnly FROM conversations WHERE ${where}`)
        .get(...args) as { total: number; botOnly: number | null };
      const handoffReasons = this
        .stmt(`SELECT handoff_reason AS reason, COUNT(*) AS count FROM conversations WHERE ${where} AND handoff_reason IS NOT NULL GROUP BY handoff_reason ORDER BY count DESC, reason`)
        .all(...args) as ConversationStats['handoffReasons'];
      const satisfaction = this
        .stmt(`SELECT satisfaction AS score, COUNT(*) AS count FROM conversations WHERE ${where} AND satisfaction IS NOT NULL GROUP BY satisfaction ORDER BY satisfaction`)
        .all(...args) as ConversationStats['satisfaction'];
      const percentiles = (column: string): Percentiles => {
        const { n } = this.stmt(`SELECT COUNT(${column}) AS n FROM conversations WHERE ${where}`).get(...args) as { n: number };
        const at = (p: number) =>
          n === 0 ? null : ((this.stmt(`SELECT ${column} AS v FROM conversations WHERE ${where} AND ${column} IS NOT NULL ORDER BY ${column} LIMIT 1 OFFSET ?`).get(...args, rankIndex(n, p)) as { v: number }).v / 1000);
        return { p50: at(0.5), p90: at(0.9), n };
      };
      const messageWhere = "role = 'customer' AND created_at >= ? AND created_at < ? AND (? IS NULL OR channel_id = ?)";
      const intents = this
        .stmt(`SELECT intent, COUNT(*) AS count FROM messages INDEXED BY messages_intent WHERE ${messageWhere} AND intent IS NOT NULL GROUP BY intent ORDER BY count DESC, intent`)
        .all(...args) as ConversationStats['intents'];
      const unrecognized = this
        .stmt(
          `SELECT MIN(text) AS text, COUNT(*) AS count, MAX(conversation_id) AS conversationId FROM messages INDEXED BY messages_unrecognized
           WHERE ${messageWhere} AND intent = '${UNRECOGNIZED_INTENT}' AND text != '' GROUP BY lower(trim(text)) ORDER BY count DESC, text LIMIT ?`,
        )
        .all(...args, UNRECOGNIZED_TOP) as ConversationStats['unrecognized'];
      const sentiment = this
        .stmt(
          `SELECT substr(created_at, 1, 10) AS day, '*' AS segment, ROUND(SUM(sentiment_sum) / SUM(sentiment_n), 3) AS average, SUM(sentiment_n) AS n
             FROM conversations WHERE ${where} AND sentiment_n > 0 GROUP BY day
           UNION ALL
           SELECT substr(c.created_at, 1, 10) AS day, s.segment AS segment, ROUND(SUM(c.sentiment_sum) / SUM(c.sentiment_n), 3) AS average, SUM(c.sentiment_n) AS n
             FROM conversations c JOIN customer_segments s ON s.customer_id = c.customer_id
             WHERE c.created_at >= ? AND c.created_at < ? AND (? IS NULL OR c.channel_id = ?) AND c.sentiment_n > 0 GROUP BY day, s.segment
           ORDER BY day, segment`,
        )
        .all(...args, ...args) as ConversationStats['sentiment'];
      return {
        perDay,
        total: totals.total,
        botOnly: totals.botOnly ?? 0,
        handoffReasons,
        satisfaction,
        times: { waiting: percentiles('wait_ms'), firstResponse: percentiles('first_response_ms'), handling: percentiles('handle_ms') },
        intents,
        unrecognized,
        sentiment,
      };
    });
  }

  async searchTranscripts(filter: TranscriptFilter, page: TranscriptPage = {}): Promise<TranscriptResults> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => (where.push(sql), args.push(...values));
    const f = filter;
    if (f.text !== undefined) {
      const match = ftsPhrase(plain(f.text, 'text'));
      if (!match) return { items: [], nextCursor: null };
      await this.indexPending();
      add('c.id IN (SELECT m.conversation_id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH ?)', match);
    }
    if (f.from !== undefined) add('c.created_at >= ?', plain(f.from, 'from'));
    if (f.to !== undefined) add('c.created_at < ?', plain(f.to, 'to'));
    if (f.channelId !== undefined) add('c.channel_id = ?', plain(f.channelId, 'channelId'));
    if (f.customerId !== undefined) add('c.customer_id = ?', plain(f.customerId, 'customerId'));
    if (f.agentId !== undefined) add("instr(c.handled_by, '|' || ? || '|') > 0", plain(f.agentId, 'agentId'));
    if (f.state !== undefined) add('c.state = ?', plain(f.state, 'state'));
    if (f.handoffReason !== undefined) add('c.handoff_reason = ?', plain(f.handoffReason, 'handoffReason'));
    if (f.intent !== undefined) add("c.id IN (SELECT conversation_id FROM messages WHERE role = 'customer' AND intent = ?)", plain(f.intent, 'intent'));
    if (f.sentimentMin !== undefined) add('c.sentiment_n > 0 AND c.sentiment_sum / c.sentiment_n >= ?', plainNumber(f.sentimentMin, 'sentimentMin'));
    if (f.sentimentMax !== undefined) add('c.sentiment_n > 0 AND c.sentiment_sum / c.sentiment_n <= ?', plainNumber(f.sentimentMax, 'sentimentMax'));
    if (f.satisfactionMin !== undefined) add('c.satisfaction >= ?', plainNumber(f.satisfactionMin, 'satisfactionMin'));
    if (f.satisfactionMax !== undefined) add('c.satisfaction <= ?', plainNumber(f.satisfactionMax, 'satisfactionMax'));
    if (f.tag !== undefined) add("instr(c.tags, '|' || ? || '|') > 0", plain(f.tag, 'tag'));
    if (f.segment !== undefined) add('c.customer_id IN (SELECT customer_id FROM customer_segments WHERE segment = ?)', plain(f.segment, 'segment'));
    if (page.cursor !== undefined) {
      const k = decodeCursor(plain(page.cursor, 'cursor'));
      add('(c.created_at < ? OR (c.created_at = ? AND c.id < ?))', k.createdAt, k.createdAt, k.id);
    }
    const limit = clampLimit(page.limit, 50, MAX_PAGE);
    // With words, walk conversations newest first and stop at the page: otherwise SQLite sorts every match
    // of a common word (hundreds of thousands) before taking fifty.
    const keysetScan = 'INDEXED BY conversations_keyset';
    const sql = `SELECT c.*, json_extract(cu.doc, '$.displayName') AS customer_name,
        (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'customer') AS customer_messages
      FROM conversations c ${f.text !== undefined ? keysetScan : ''} LEFT JOIN customers cu ON cu.id = c.customer_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`;
    const rows = this.run(() => this.stmt(sql).all(...args, limit + 1) as Row[]);
    const items = rows.slice(0, limit).map((r) => ({
      conversation: this.rowToConversation(r),
      ...(typeof r.customer_name === 'string' ? { customerName: r.customer_name } : {}),
      sentiment: averageSentiment(r.sentiment_sum as number, r.sentiment_n as number),
      customerMessages: r.customer_messages as number,
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].conversation) : null };
  }

  async listMessagesOf(conversationIds: readonly string[]): Promise<Message[]> {
    if (conversationIds.length === 0) return [];
    const order = conversationOrder(conversationIds, MAX_PAGE);
    const rows = this.run(() =>
      this.db
        .prepare(`SELECT doc FROM messages WHERE conversation_id IN (${conversationIds.map(() => '?').join(',')}) ORDER BY conversation_id, seq`)
        .all(...conversationIds) as Row[],
    );
    const messages = rows.map((r) => JSON.parse(r.doc as string) as Message);
    return messages.sort(byConversationThenSeq(order));
  }

  async importRecords(batch: ImportBatch): Promise<void> {
    await this.tx(() => {
      for (const c of batch.customers ?? []) this.insertCustomer(c);
      const sentiment = sentimentSums(batch.messages ?? []);
      const channels = new Map<string, string>();
      for (const c of batch.conversations ?? []) {
        this.insertConversation(c, sentiment.get(c.id));
        sentiment.delete(c.id);
        channels.set(c.id, c.channelId);
      }
      for (const m of batch.messages ?? []) {
        let channel = channels.get(m.conversationId);
        if (channel === undefined) {
          const row = this.stmt('SELECT channel_id FROM conversations WHERE id = ?').get(m.conversationId) as Row | undefined;
          if (!row) throw new AppError('NOT_FOUND', `conversation ${m.conversationId} not found`);
          channels.set(m.conversationId, (channel = row.channel_id as string));
        }
        this.insertMessage(m, channel);
      }
      // Messages added to conversations stored earlier: their running sentiment moves too.
      for (const [id, s] of sentiment) this.stmt('UPDATE conversations SET sentiment_sum = sentiment_sum + ?, sentiment_n = sentiment_n + ? WHERE id = ?').run(s.sum, s.n, id);
      // A bulk load indexes its own messages, so the queue never grows by more than a second of live traffic.
      this.indexQueued(-1);
    });
  }

  // ---- users

  async createUser(input: NewUser): Promise<User> {
    const u = buildUser(input);
    await this.tx(() => this.stmt('INSERT INTO users (id, email, doc) VALUES (?, ?, ?)').run(u.id, u.email, JSON.stringify(u)));
    return u;
  }

  async getUser(id: string): Promise<User | null> {
    plain(id, 'id');
    const row = this.run(() => this.stmt('SELECT doc FROM users WHERE id = ?').get(id) as Row | undefined);
    return row ? (JSON.parse(row.doc as string) as User) : null;
  }

  async getUserByEmail(email: string): Promise<User | null> {
    const e = normalizeEmail(plain(email, 'email'));
    const row = this.run(() => this.stmt('SELECT doc FROM users WHERE email = ?').get(e) as Row | undefined);
    return row ? (JSON.parse(row.doc as string) as User) : null;
  }

  async listUsers(): Promise<User[]> {
    const rows = this.run(() => this.stmt('SELECT doc FROM users ORDER BY email').all() as Row[]);
    return rows.map((r) => JSON.parse(r.doc as string) as User);
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    plain(id, 'id');
    return this.tx(() => {
      const row = this.stmt('SELECT doc FROM users WHERE id = ?').get(id) as Row | undefined;
      if (!row) return null;
      const next: User = { ...(JSON.parse(row.doc as string) as User), ...patch, id, updatedAt: new Date().toISOString() };
      this.stmt('UPDATE users SET doc = ? WHERE id = ?').run(JSON.stringify(next), id);
      return next;
    });
  }

  // ---- sessions

  async createSession(session: Session): Promise<Session> {
    plain(session.id, 'id');
    await this.tx(() => this.stmt('INSERT INTO sessions (id, user_id, doc) VALUES (?, ?, ?)').run(session.id, session.userId, JSON.stringify(session)));
    return session;
  }

  async getSession(id: string): Promise<Session | null> {
    plain(id, 'id');
    const row = this.run(() => this.stmt('SELECT doc FROM sessions WHERE id = ?').get(id) as Row | undefined);
    return row ? (JSON.parse(row.doc as string) as Session) : null;
  }

  async revokeSession(id: string, at: string): Promise<boolean> {
    plain(id, 'id');
    return this.tx(() => {
      const row = this.stmt('SELECT doc FROM sessions WHERE id = ?').get(id) as Row | undefined;
      if (!row) return false;
      const s = JSON.parse(row.doc as string) as Session;
      if (s.revokedAt) return true;
      this.stmt('UPDATE sessions SET doc = ? WHERE id = ?').run(JSON.stringify({ ...s, revokedAt: at }), id);
      return true;
    });
  }

  // ---- audit

  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const e: AuditEntry = { ...entry, id: randomUUID(), at: entry.at ?? new Date().toISOString() };
    plain(e.action, 'action');
    await this.tx(() =>
      this
        .stmt('INSERT INTO audit (id, at, actor_id, action, target_id, doc) VALUES (?, ?, ?, ?, ?, ?)')
        .run(e.id, e.at, e.actorId ?? null, plain(e.action, 'action'), e.targetId ?? null, JSON.stringify(e)),
    );
    return e;
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.actorId !== undefined) (where.push('actor_id = ?'), args.push(plain(query.actorId, 'actorId')));
    if (query.action !== undefined) (where.push('action = ?'), args.push(plain(query.action, 'action')));
    if (query.targetId !== undefined) (where.push('target_id = ?'), args.push(plain(query.targetId, 'targetId')));
    if (query.cursor !== undefined) {
      const k = decodeCursor(plain(query.cursor, 'cursor'));
      where.push('(at < ? OR (at = ? AND id < ?))');
      args.push(k.createdAt, k.createdAt, k.id);
    }
    const limit = clampLimit(query.limit, 100, MAX_PAGE);
    const sql = `SELECT doc FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
    const rows = this.run(() => this.stmt(sql).all(...args, limit) as Row[]);
    return rows.map((r) => JSON.parse(r.doc as string) as AuditEntry);
  }

  // ---- bot state

  async readState(keys: readonly string[]): Promise<Record<string, StateEntry>> {
    const out: Record<string, StateEntry> = {};
    const stmt = this.stmt('SELECT etag, value FROM bot_state WHERE key = ?');
    this.run(() => {
      for (const key of keys) {
        const row = stmt.get(plain(key, 'key')) as Row | undefined;
        if (row) out[key] = { etag: row.etag as string, value: JSON.parse(row.value as string) };
      }
    });
    return out;
  }

  async writeState(key: string, value: Record<string, unknown>, expectedEtag?: string, options?: WriteOptions): Promise<string> {
    plain(key, 'key');
    if (expectedEtag !== undefined) plain(expectedEtag, 'eTag');
    return this.tx(() => {
      const row = this.stmt('SELECT etag FROM bot_state WHERE key = ?').get(key) as Row | undefined;
      if (row && expectedEtag !== undefined && expectedEtag !== '*' && row.etag !== expectedEtag) {
        throw new AppError('STORE_ETAG_CONFLICT', `state ${key} changed since it was read`);
      }
      const etag = randomUUID();
      this
        .stmt('INSERT INTO bot_state (key, etag, value) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, value = excluded.value')
        .run(key, etag, JSON.stringify(value));
      return etag;
    }, options);
  }

  async deleteState(keys: readonly string[]): Promise<void> {
    await this.tx(() => {
      const stmt = this.stmt('DELETE FROM bot_state WHERE key = ?');
      for (const key of keys) stmt.run(plain(key, 'key'));
    });
  }
}

/** Request text as an FTS5 phrase of plain words: no column filters, operators or prefix syntax get through. */
export function ftsPhrase(query: string): string {
  const words = query.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? `"${words.slice(0, 20).join(' ')}"` : '';
}
