import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runMigrate } from '../../store/migrateCli';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { SCHEMA_VERSION } from '../../store/sqlite/sqliteSchema';
import { visitorNumber } from '../../models/visitorLabel';

/** Drops the full-text index of schema 7 (its `_content` table stays behind a plain DROP: sqliteSchema.ts dropFullText). */
function dropIndex(db: Database.Database): void {
  db.exec('DROP TABLE messages_fts');
  db.unsafeMode(true);
  db.exec('DROP TABLE IF EXISTS messages_fts_content');
  db.unsafeMode(false);
}

/** A file written by the first release (no review columns) opens with its history searchable and counted. */
test('an older data file gains the review columns, filled from its documents', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'old.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE customers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE conversations (id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, channel_conversation_id TEXT NOT NULL, customer_id TEXT NOT NULL, state TEXT NOT NULL, agent_id TEXT,
      priority INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL, last_seq INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (channel_id, channel_conversation_id));
    CREATE INDEX conversations_created ON conversations(created_at, channel_id);
    CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, activity_id TEXT, role TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
      created_at TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (conversation_id, seq), UNIQUE (conversation_id, activity_id));`);
  const at = '2025-05-01T10:00:00.000Z';
  const customer = {
    id: 'c1',
    displayName: 'Old Olga',
    identities: [],
    contacts: [],
    preferences: {},
    consent: [],
    sentiment: [],
    engagement: { conversations: 1, messages: 2, score: 0 },
    reach: { followers: 0, score: 0 },
    lifetimeValue: 0,
    segments: ['vip'],
    tags: [],
    attributes: {},
    firstSeenAt: at,
    lastSeenAt: at,
    version: 1,
  };
  const conversation = {
    id: 'k1',
    channelId: 'webchat',
    channelConversationId: 'w1',
    reference: { channelId: 'webchat', serviceUrl: 'x', conversation: { id: 'w1' } },
    customerId: 'c1',
    state: 'closed',
    agentId: null,
    priority: 0,
    tags: ['legacy'],
    handoffReason: 'customer_asked',
    queuedAt: '2025-05-01T10:01:00.000Z',
    assignedAt: '2025-05-01T10:02:00.000Z',
    closedAt: '2025-05-01T10:12:00.000Z',
    satisfaction: { score: 2, at },
    lastSeq: 2,
    createdAt: at,
    updatedAt: at,
    version: 3,
  };
  old.prepare('INSERT INTO customers VALUES (?, ?, ?)').run('c1', 1, JSON.stringify(customer));
  old
    .prepare('INSERT INTO conversations VALUES (?, ?, ?, ?, ?, NULL, 0, 3, 2, ?, ?, ?)')
    .run('k1', 'webchat', 'w1', 'c1', 'closed', at, at, JSON.stringify(conversation));
  const msg = (seq: number, text: string, intent: string, sentiment: number) => ({
    id: `m${seq}`,
    conversationId: 'k1',
    seq,
    role: 'customer',
    kind: 'message',
    text,
    attachments: [],
    intent,
    sentiment,
    createdAt: at,
  });
  for (const m of [msg(1, 'my parcel is lost', 'order.track', -0.4), msg(2, 'wibble wobble', 'none', 0)]) {
    old.prepare('INSERT INTO messages VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)').run(m.id, 'k1', m.seq, 'customer', 'message', m.text, at, JSON.stringify(m));
  }
  old.close();

  const store = new SqliteStore(file);
  await store.init();
  try {
    const found = await store.searchTranscripts({ intent: 'order.track', tag: 'legacy', segment: 'vip', handoffReason: 'customer_asked', satisfactionMax: 2 });
    expect(found.items.map((i) => [i.conversation.id, i.sentiment, i.customerName])).toEqual([['k1', -0.2, 'Old Olga']]);
    const stats = await store.conversationStats({ from: '2025-05-01T00:00:00.000Z', to: '2025-05-02T00:00:00.000Z' });
    expect(stats.times.waiting).toEqual({ p50: 60, p90: 60, n: 1 });
    expect(stats.times.handling).toEqual({ p50: 600, p90: 600, n: 1 });
    expect(stats.unrecognized).toEqual([{ text: 'wibble wobble', count: 1, conversationId: 'k1' }]);
    expect(stats.sentiment).toEqual([
      { day: '2025-05-01', segment: '*', average: -0.2, n: 2 },
      { day: '2025-05-01', segment: 'vip', average: -0.2, n: 2 },
    ]);
    // The file had no full-text index: what it held is indexed, and new writes keep the running sentiment.
    expect((await store.searchTranscripts({ text: 'parcel is lost' })).items.map((i) => i.conversation.id)).toEqual(['k1']);
    await store.appendMessage({ conversationId: 'k1', role: 'customer', text: 'still lost', intent: 'order.track', sentiment: -0.6 });
    expect((await store.searchTranscripts({ text: 'still lost' })).items.map((i) => i.sentiment)).toEqual([-0.333]);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A file from before merge suggestions, merges, segment rules and corpus additions had their own tables (they were
 * JSON lists in the bot-state table) opens with every record in its table, and gone from the bot state.
 */
test('records an older file kept in the bot-state table move to their own tables', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'old.sqlite');
  const old = new Database(file);
  old.exec('CREATE TABLE bot_state (key TEXT PRIMARY KEY, etag TEXT NOT NULL, value TEXT NOT NULL)');
  const at = '2025-06-01T10:00:00.000Z';
  const customer = (id: string) => ({
    id,
    displayName: id,
    identities: [],
    contacts: [],
    preferences: {},
    consent: [],
    sentiment: [],
    engagement: { conversations: 0, messages: 0, score: 0 },
    reach: { followers: 0, score: 0 },
    lifetimeValue: 0,
    segments: [],
    tags: [],
    attributes: {},
    firstSeenAt: at,
    lastSeenAt: at,
    version: 1,
  });
  const suggestions = [
    { id: 's1', customerId: 'c1', candidateId: 'c2', score: 0.6, evidence: ['same email'], status: 'open', createdAt: at },
    { id: 's2', customerId: 'c3', candidateId: 'c1', score: 0.85, evidence: [], status: 'rejected', createdAt: at },
  ];
  const merge = { id: 'm1', absorbed: customer('c4'), survivor: customer('c5'), movedConversations: ['k9'], at, undone: '2025-06-02T00:00:00.000Z' };
  const rules = [{ name: 'big_spender', any: [[{ field: 'lifetimeValue', op: '>=', value: 100 }]] }];
  const additions = [
    { text: 'where is my parcel', intent: 'order.track', language: 'en', by: 'sup', at },
    { text: 'zorbly', intent: 'none', language: 'en', by: 'sup', at },
  ];
  const put = old.prepare('INSERT INTO bot_state (key, etag, value) VALUES (?, ?, ?)');
  put.run('crm/merge-suggestions', 'e1', JSON.stringify({ items: suggestions }));
  put.run('crm/merges/m1', 'e2', JSON.stringify({ record: merge }));
  put.run('crm/segment-rules', 'e3', JSON.stringify({ rules }));
  put.run('nlu/corpus-additions', 'e4', JSON.stringify({ items: additions }));
  put.run('webchat/conversations/x', 'e5', JSON.stringify({ dialogState: { step: 1 } }));
  old.close();

  const store = new SqliteStore(file);
  await store.init();
  try {
    expect(await store.listMergeSuggestions({ status: 'open' })).toEqual([suggestions[0]]);
    expect(await store.listMergeSuggestions({ status: 'rejected', customerId: 'c1' })).toEqual([suggestions[1]]);
    expect(await store.getMerge('m1')).toEqual(merge);
    expect(await store.markMergeUndone('m1', 'later')).toBe(false);
    expect((await store.readSegmentRules())?.rules).toEqual(rules);
    expect(await store.listCorpusAdditions()).toEqual(additions);
    // Only the dialog state stays a key-value entry.
    const state = await store.readState(['crm/merge-suggestions', 'crm/merges/m1', 'crm/segment-rules', 'nlu/corpus-additions', 'webchat/conversations/x']);
    expect(Object.keys(state)).toEqual(['webchat/conversations/x']);
    // Opening it again changes nothing.
    await store.close();
    const again = new SqliteStore(file);
    await again.init();
    expect((await again.listCorpusAdditions()).length).toBe(2);
    expect((await again.listMergeSuggestions({ status: 'open' })).length).toBe(1);
    await again.close();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A file whose full-text index held raw texts (before the shared search form) is indexed again by the migration
 * step; a release that may not migrate at start refuses such a file, and `npm run migrate` brings it up to date.
 */
test('the migration step re-indexes an older full-text index; without it a file behind the release is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'old.sqlite');
  const fresh = new SqliteStore(file);
  await fresh.init();
  const customer = await fresh.createCustomer({});
  const { conversation } = await fresh.getOrCreateConversation({
    channelId: 'x',
    channelConversationId: 'x1',
    customerId: customer.id,
    reference: { channelId: 'x', serviceUrl: 'http://x', conversation: { id: 'x1' } },
  });
  await fresh.appendMessage({ conversationId: conversation.id, role: 'customer', text: 'ﬁle not found' });
  await fresh.close();
  // Back to the index and version of the release before: raw texts, FTS5's own tokens.
  const old = new Database(file);
  dropIndex(old);
  old.exec(`CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid');
    INSERT INTO messages_fts(messages_fts) VALUES ('rebuild'); UPDATE store_meta SET value = '2' WHERE key = 'schema_version';`);
  old.close();
  try {
    const refused = new SqliteStore(file, { migrateOnStart: false });
    await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('npm run migrate') as unknown });
    const out: string[] = [];
    expect(await runMigrate({ NODE_ENV: 'test', DATABASE_URL: file, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' }, (s) => out.push(s))).toBe(0);
    expect(out.join('')).toMatch(/up to date/);
    const store = new SqliteStore(file, { migrateOnStart: false });
    await store.init();
    expect((await store.searchMessages('file not found')).map((h) => h.text)).toEqual(['ﬁle not found']);
    await store.appendMessage({ conversationId: conversation.id, role: 'customer', text: 'still no ﬁle' });
    expect((await store.searchMessages('no file')).map((h) => h.seq)).toEqual([2]);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Schema 7 stores each message's conversation in the full-text index (a transcript search reads it there): a file
 * of schema 6, whose index has no such column, is indexed again by the migration step, and searches find what
 * they found before, new messages included.
 */
test('the migration step adds the conversation to a schema 6 full-text index; transcript search finds the same', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'six.sqlite');
  const fresh = new SqliteStore(file);
  await fresh.init();
  const customer = await fresh.createCustomer({});
  const ids: string[] = [];
  for (const n of [1, 2]) {
    const { conversation } = await fresh.getOrCreateConversation({
      channelId: 'x',
      channelConversationId: `six-${n}`,
      customerId: customer.id,
      reference: { channelId: 'x', serviceUrl: 'http://x', conversation: { id: `six-${n}` } },
    });
    ids.push(conversation.id);
    await fresh.appendMessage({ conversationId: conversation.id, role: 'customer', text: n === 1 ? 'my blue umbrella broke' : 'nothing here' });
  }
  await fresh.close();
  // Back to schema 6's index: text and week only.
  const old = new Database(file);
  dropIndex(old);
  old.exec(`CREATE VIRTUAL TABLE messages_fts USING fts5(text, period, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
    UPDATE store_meta SET value = '6' WHERE key = 'schema_version';`);
  old.close();
  try {
    const refused = new SqliteStore(file, { migrateOnStart: false });
    await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('npm run migrate') as unknown });
    const store = new SqliteStore(file);
    await store.init();
    const found = async (text: string) => (await store.searchTranscripts({ text }, { limit: 10 })).items.map((i) => i.conversation.id);
    expect(await found('blue umbrella')).toEqual([ids[0]]);
    await store.appendMessage({ conversationId: ids[1], role: 'customer', text: 'a blue umbrella too' });
    expect((await found('blue umbrella')).sort()).toEqual([...ids].sort());
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect((raw.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").get() as { value: string }).value).toBe(String(SCHEMA_VERSION));
    raw.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A schema 7 file has no words of its customers' names: the migration step fills them, and the customer filter finds names. */
test("the migration step indexes a schema 7 file's customer names; the transcripts' customer filter finds them", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'seven.sqlite');
  const fresh = new SqliteStore(file);
  await fresh.init();
  const ids: string[] = [];
  for (const [n, displayName] of ['Ana Gómez', 'Ben Ortiz', ''].entries()) {
    const customer = await fresh.createCustomer({ displayName });
    const { conversation } = await fresh.getOrCreateConversation({
      channelId: 'x',
      channelConversationId: `seven-${n}`,
      customerId: customer.id,
      reference: { channelId: 'x', serviceUrl: 'http://x', conversation: { id: `seven-${n}` } },
    });
    ids.push(conversation.id);
  }
  await fresh.close();
  const old = new Database(file);
  old.exec(`DROP TABLE customer_names; UPDATE store_meta SET value = '7' WHERE key = 'schema_version';`);
  old.close();
  try {
    const refused = new SqliteStore(file, { migrateOnStart: false });
    await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const store = new SqliteStore(file);
    await store.init();
    const found = async (customer: string) => (await store.searchTranscripts({ customer }, { limit: 10 })).items.map((i) => i.conversation.id);
    expect([await found('gomez'), await found('ben ort'), await found('a')]).toEqual([[ids[0]], [ids[1]], [ids[0]]]);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A schema 8 file has nowhere to count quota uses (codes sent per address): refused unmigrated, counted once migrated. */
test('a schema 8 file gains the quota uses; without the migration step it is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'eight.sqlite');
  const fresh = new SqliteStore(file);
  await fresh.init();
  await fresh.close();
  const old = new Database(file);
  old.exec(`DROP TABLE quota_uses; UPDATE store_meta SET value = '8' WHERE key = 'schema_version';`);
  old.close();
  try {
    const refused = new SqliteStore(file, { migrateOnStart: false });
    await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const store = new SqliteStore(file);
    await store.init();
    expect([await store.takeQuota('k', 1, 60_000, 1000), await store.takeQuota('k', 1, 60_000, 2000)]).toEqual([true, false]);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A schema 9 file has no visitor numbers: refused unmigrated; migrated, every customer gets the number of the label
 * the console already showed them by (from the id: labels do not change), and the customer filter finds them by it.
 */
test('a schema 9 file gains the visitor numbers of the labels already shown; the customer filter finds a visitor by one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'nine.sqlite');
  const fresh = new SqliteStore(file);
  await fresh.init();
  const people: { customerId: string; conversationId: string }[] = [];
  for (const [n, displayName] of ['', 'Ana Gómez', ''].entries()) {
    const customer = await fresh.createCustomer({ displayName });
    const { conversation } = await fresh.getOrCreateConversation({
      channelId: 'x',
      channelConversationId: `nine-${n}`,
      customerId: customer.id,
      reference: { channelId: 'x', serviceUrl: 'http://x', conversation: { id: `nine-${n}` } },
    });
    people.push({ customerId: customer.id, conversationId: conversation.id });
  }
  await fresh.close();
  const old = new Database(file);
  old.exec(`DROP INDEX customers_visitor; ALTER TABLE customers DROP COLUMN visitor_number; UPDATE store_meta SET value = '9' WHERE key = 'schema_version';`);
  old.close();
  try {
    const refused = new SqliteStore(file, { migrateOnStart: false });
    await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const store = new SqliteStore(file);
    await store.init();
    const found = async (customer: string) => (await store.searchTranscripts({ customer }, { limit: 10 })).items.map((i) => i.conversation.id);
    const [first, named, third] = people;
    expect(await found(`Visitor ${visitorNumber(first.customerId)}`)).toContain(first.conversationId);
    expect(await found(`${visitorNumber(third.customerId)}`)).toContain(third.conversationId);
    // The named customer is shown by the name, not the label.
    expect(await found(`visitor ${visitorNumber(named.customerId)}`)).not.toContain(named.conversationId);
    await store.close();
    const check = new Database(file, { readonly: true });
    const rows = check.prepare('SELECT id, visitor_number AS n FROM customers').all() as { id: string; n: number }[];
    check.close();
    expect(rows.map((r) => r.n)).toEqual(rows.map((r) => visitorNumber(r.id)));
    expect(rows).toHaveLength(3);
    // A customer a process of the previous release wrote to the file since (no number): numbered at the next start.
    const previous = new Database(file);
    previous.prepare("INSERT INTO customers (id, version, doc) SELECT 'late-visitor', version, doc FROM customers WHERE id = ?").run(first.customerId);
    previous.close();
    const again = new SqliteStore(file);
    await again.init();
    await again.close();
    const late = new Database(file, { readonly: true });
    expect(late.prepare("SELECT visitor_number FROM customers WHERE id = 'late-visitor'").pluck().get()).toBe(visitorNumber('late-visitor'));
    // The filter's read (sqliteReview.ts visitorsNumbered) and the fill's are index searches, never a scan of customers.
    for (const sql of [
      "SELECT id, json_extract(doc, '$.displayName') AS name FROM customers WHERE visitor_number = ?",
      'SELECT id FROM customers WHERE visitor_number IS NULL LIMIT 1000',
    ]) {
      const plan = (late.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('= ?') ? [6290] : [])) as { detail: string }[])
        .map((r) => r.detail)
        .join('; ');
      expect(plan).toMatch(/SEARCH customers USING (COVERING )?INDEX customers_visitor/);
    }
    late.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Up to schema 11 every new message queued its rowid for the full-text index in its own commit; from 12 new messages
 * wait past a mark (sqliteSchema.ts FTS_TRIGGERS). A file whose queue still holds messages keeps them there: the step
 * starts the mark at the newest message, and the queued ones and later ones are all found.
 */
test('schema 12: a schema 11 file keeps its queued messages, and a new message queues nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-migrate-'));
  const file = path.join(dir, 'eleven.sqlite');
  const fresh = new SqliteStore(file);
  await fresh.init();
  const customer = await fresh.createCustomer({});
  const { conversation } = await fresh.getOrCreateConversation({
    channelId: 'x',
    channelConversationId: 'eleven',
    customerId: customer.id,
    reference: { channelId: 'x', serviceUrl: 'http://x', conversation: { id: 'eleven' } },
  });
  for (const text of ['an indexed parcel', 'a queued parcel'])
    await fresh.appendMessage({ conversationId: conversation.id, role: 'customer', text, activityId: text });
  await fresh.searchMessages('parcel');
  await fresh.close();
  // Back to schema 11: no mark, the insert trigger that queued each message, and the newest message still queued.
  const old = new Database(file);
  const queued = old.prepare("SELECT rowid FROM messages WHERE text = 'a queued parcel'").pluck().get() as number;
  old.exec(`DROP TABLE messages_fts_mark; DROP TRIGGER messages_au;
    CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN INSERT INTO messages_fts_pending(message_rowid) VALUES (new.rowid); END;
    CREATE TRIGGER messages_au AFTER UPDATE OF text, conversation_id ON messages BEGIN
      DELETE FROM messages_fts WHERE rowid = old.rowid; INSERT OR IGNORE INTO messages_fts_pending(message_rowid) VALUES (new.rowid); END;
    DELETE FROM messages_fts WHERE rowid = ${queued}; INSERT INTO messages_fts_pending(message_rowid) VALUES (${queued});
    UPDATE store_meta SET value = '11' WHERE key = 'schema_version';`);
  old.close();
  try {
    const refused = new SqliteStore(file, { migrateOnStart: false });
    await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const store = new SqliteStore(file, { upkeep: { everyMs: 3_600_000 } });
    await store.init();
    const count = (sql: string) => store.database.prepare(sql).pluck().get() as number;
    expect(count('SELECT indexed_to FROM messages_fts_mark')).toBe(count('SELECT MAX(rowid) FROM messages'));
    expect(count('SELECT COUNT(*) FROM messages_fts_pending')).toBe(1);
    await store.appendMessage({ conversationId: conversation.id, role: 'customer', text: 'a new parcel', activityId: 'new' });
    expect(count('SELECT COUNT(*) FROM messages_fts_pending')).toBe(1);
    expect((await store.searchMessages('parcel')).map((h) => h.text).sort()).toEqual(['a new parcel', 'a queued parcel', 'an indexed parcel']);
    expect(count('SELECT COUNT(*) FROM messages_fts_pending')).toBe(0);
    expect(count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages_ai'")).toBe(0);
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
    raw.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
