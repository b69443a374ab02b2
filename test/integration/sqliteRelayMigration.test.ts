import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Customer, SentimentPoint } from '../../models/records';
import { runMigrate } from '../../store/migrateCli';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { SCHEMA_VERSION } from '../../store/sqlite/sqliteSchema';
import type { ConversationStats, TranscriptResults } from '../../store/storeTypes';

/**
 * Schema 13 (issue 19): a version-12 file kept the sentiment history in a rowid table, numbered across customers, with
 * an index on (customer_id, seq), and conversations_facts held the running sentiment. Opened (or `npm run migrate`d)
 * by this release, the history is one b-tree clustered by customer and the index leaves the sentiment to the rows;
 * every history, dashboard figure and sentiment filter reads as it did.
 */
const at = (day: number, minute: number) => new Date(Date.UTC(2026, 1, day, 10, minute)).toISOString();
const FROM = at(1, 0).slice(0, 10);
/** Conversations are created now; their messages carry earlier days. */
const TO = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

interface Before {
  histories: Record<string, SentimentPoint[]>;
  stats: ConversationStats;
  negative: TranscriptResults;
  customers: Customer[];
}

/**
 * A version-12 file: made by this release with chats over several days and channels and customers whose points came
 * in turns, then its two schema-13 structures put back the way version 12 made them.
 */
async function versionTwelveFile(): Promise<{ file: string; before: Before }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-relay-migration-')), 'v12.sqlite');
  const store = new SqliteStore(file, { backgroundMs: 0 });
  await store.init();
  const customers: Customer[] = [];
  for (let i = 0; i < 4; i++)
    customers.push(
      await store.createCustomer({ displayName: `Customer ${i}`, identities: [{ channelId: 'test', userId: `u${i}`, verified: false, addedAt: at(1, 0) }] }),
    );
  await store.updateCustomer(customers[1].id, { segments: ['vip'] });
  for (let day = 1; day <= 6; day++)
    for (const [i, c] of customers.entries()) {
      const channelId = i % 2 ? 'facebook' : 'webchat';
      const { conversation } = await store.getOrCreateConversation({
        channelId,
        channelConversationId: `c${day}-${i}`,
        customerId: c.id,
        reference: { channelId, serviceUrl: 'http://127.0.0.1:9', conversation: { id: `c${day}-${i}` } },
      });
      for (let k = 0; k < 3; k++) {
        const score = Math.round(Math.sin(day * 7 + i * 3 + k) * 100) / 100;
        const { message } = await store.appendMessage({
          conversationId: conversation.id,
          role: 'customer',
          text: `message ${k}`,
          intent: k ? 'order.track' : 'None',
          sentiment: score,
          activityId: `a${day}-${i}-${k}`,
          createdAt: at(day, i * 10 + k),
        });
        const now = (await store.getCustomer(c.id))!;
        await store.recordCustomerMessage(c.id, {
          expectedVersion: now.version,
          point: { at: message.createdAt, score, conversationId: conversation.id },
          keepSentiment: 200,
          recentSentiment: [...now.recentSentiment, score].slice(-5),
          at: message.createdAt,
          newConversation: k === 0,
          engagementScore: day,
        });
      }
    }
  const before: Before = {
    histories: Object.fromEntries(await Promise.all(customers.map(async (c) => [c.id, await store.listSentiment(c.id)] as const))),
    stats: await store.conversationStats({ from: FROM, to: TO }),
    negative: await store.searchTranscripts({ sentimentMax: -0.1 }),
    customers: await Promise.all(customers.map(async (c) => (await store.getCustomer(c.id))!)),
  };
  await store.close();
  const raw = new Database(file);
  raw.exec(`CREATE TABLE customer_sentiment_v12 (seq INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, at TEXT NOT NULL, score REAL NOT NULL, conversation_id TEXT);
    INSERT INTO customer_sentiment_v12 (customer_id, at, score, conversation_id) SELECT customer_id, at, score, conversation_id FROM customer_sentiment
      ORDER BY substr(at, 1, 10), CAST(substr(at, 15, 2) AS INTEGER) % 10, customer_id;
    DROP TABLE customer_sentiment;
    ALTER TABLE customer_sentiment_v12 RENAME TO customer_sentiment;
    CREATE INDEX customer_sentiment_customer ON customer_sentiment(customer_id, seq);
    DROP INDEX conversations_facts;
    CREATE INDEX conversations_facts ON conversations(created_at, channel_id, state, handoff_reason, satisfaction, wait_ms, first_response_ms, handle_ms, sentiment_sum, sentiment_n, customer_id);
    UPDATE store_meta SET value = '12' WHERE key = 'schema_version';`);
  // Version 12 numbered points across customers: the interleaving leaves gaps in each customer's own numbers.
  expect(raw.prepare('SELECT COUNT(DISTINCT customer_id) AS n FROM customer_sentiment WHERE seq <= 4').get()).toEqual({ n: 4 });
  raw.close();
  return { file, before };
}

function schemaOf(file: string): { version: string; sentiment: string; facts: string; indexes: string[] } {
  const raw = new Database(file, { readonly: true });
  try {
    const sql = (name: string) => (raw.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
    return {
      version: (raw.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").get() as { value: string }).value,
      sentiment: sql('customer_sentiment'),
      facts: sql('conversations_facts'),
      indexes: (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_sentiment'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    };
  } finally {
    raw.close();
  }
}

async function expectAsBefore(store: SqliteStore, before: Before): Promise<void> {
  for (const [id, history] of Object.entries(before.histories)) {
    expect(await store.listSentiment(id)).toEqual(history);
    expect(await store.listSentiment(id, 4)).toEqual(history.slice(-4));
  }
  expect(await store.conversationStats({ from: FROM, to: TO })).toEqual(before.stats);
  expect(await store.searchTranscripts({ sentimentMax: -0.1 })).toEqual(before.negative);
  for (const c of before.customers) expect(await store.getCustomer(c.id)).toEqual(c);
}

test('a version-12 file migrates on start: histories clustered by customer, the facts index without the sentiment, every answer the same', async () => {
  const { file, before } = await versionTwelveFile();
  expect(schemaOf(file)).toMatchObject({ version: '12', indexes: ['customer_sentiment_customer'] });
  const store = new SqliteStore(file, { backgroundMs: 0 });
  await store.init();
  try {
    const schema = schemaOf(file);
    expect(schema.version).toBe(String(SCHEMA_VERSION));
    expect(schema.sentiment).toContain('WITHOUT ROWID');
    expect(schema.facts).not.toContain('sentiment');
    // No index beside the table: its key is the customer and the order.
    expect(schema.indexes).toEqual([]);
    await expectAsBefore(store, before);
    // The next points come after the moved ones, and the history keeps its newest.
    const c = before.customers[2];
    const history = before.histories[c.id];
    for (let k = 0; k < 3; k++) {
      const now = (await store.getCustomer(c.id))!;
      const point = { at: at(7, k), score: -0.75, conversationId: 'k-new' };
      await store.recordCustomerMessage(c.id, {
        expectedVersion: now.version,
        point,
        keepSentiment: history.length,
        recentSentiment: [...now.recentSentiment, point.score].slice(-5),
        at: point.at,
        newConversation: false,
        engagementScore: 9,
      });
    }
    expect(await store.listSentiment(c.id)).toEqual([...history.slice(3), ...[0, 1, 2].map((k) => ({ at: at(7, k), score: -0.75, conversationId: 'k-new' }))]);
    expect(await store.listSentiment(before.customers[3].id)).toEqual(before.histories[before.customers[3].id]);
  } finally {
    await store.close();
  }
});

test('refused at version 12 until `npm run migrate`, which migrates once: reopening changes nothing more', async () => {
  const { file, before } = await versionTwelveFile();
  const refused = new SqliteStore(file, { migrateOnStart: false });
  await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect(await runMigrate({ NODE_ENV: 'test', DATABASE_URL: file, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' }, () => undefined)).toBe(0);
  const migrated = schemaOf(file);
  expect(migrated.version).toBe(String(SCHEMA_VERSION));
  for (let i = 0; i < 2; i++) {
    const store = new SqliteStore(file, { migrateOnStart: false, backgroundMs: 0 });
    await store.init();
    try {
      await expectAsBefore(store, before);
    } finally {
      await store.close();
    }
    expect(schemaOf(file)).toEqual(migrated);
  }
});
