import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SentimentPoint } from '../../models/records';
import { averageRecentSentiment } from '../../profile/segments';
import { runMigrate } from '../../store/migrateCli';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { SCHEMA_VERSION } from '../../store/sqlite/sqliteSchema';

/**
 * Schema 11 (issue 19): a version-10 file kept each customer's sentiment history in the customer document
 * (`$.sentiment`, up to 200 points). Opened by this release, the points move to their own table, the document keeps
 * only the newest scores, and everything reads as it did.
 */
const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
const points = (n: number, withConversation = true): SentimentPoint[] =>
  Array.from({ length: n }, (_, i) => ({
    at: at(i),
    score: Math.round(Math.sin(i) * 1000) / 1000,
    ...(withConversation ? { conversationId: `k${i % 7}` } : {}),
  }));

/** A version-10 file: made by this release, then its table dropped and the histories written into the documents. */
async function versionTenFile(histories: Record<string, SentimentPoint[]>): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sentiment-')), 'v10.sqlite');
  const store = new SqliteStore(file);
  await store.init();
  for (const id of Object.keys(histories))
    await store.createCustomer({ id, displayName: `Customer ${id}`, identities: [{ channelId: 'test', userId: id, verified: false, addedAt: at(0) }] });
  await store.close();
  const raw = new Database(file);
  raw.exec("DROP TABLE customer_sentiment; UPDATE store_meta SET value = '10' WHERE key = 'schema_version'");
  const write = raw.prepare("UPDATE customers SET doc = json_set(json_remove(doc, '$.recentSentiment'), '$.sentiment', json(?)) WHERE id = ?");
  for (const [id, history] of Object.entries(histories)) write.run(JSON.stringify(history), id);
  raw.close();
  return file;
}

function rawDocs(file: string): Record<string, Record<string, unknown>> {
  const raw = new Database(file, { readonly: true });
  try {
    const rows = raw.prepare('SELECT id, doc FROM customers').all() as { id: string; doc: string }[];
    return Object.fromEntries(rows.map((r) => [r.id, JSON.parse(r.doc) as Record<string, unknown>]));
  } finally {
    raw.close();
  }
}

test('a version-10 file with histories in the documents migrates: the same points, in order, apart from the records', async () => {
  const histories = { full: points(200), few: points(3, false), none: [] as SentimentPoint[] };
  const file = await versionTenFile(histories);
  const store = new SqliteStore(file);
  await store.init();
  try {
    for (const [id, history] of Object.entries(histories)) {
      expect(await store.listSentiment(id)).toEqual(history);
      const c = (await store.getCustomer(id))!;
      expect(c).not.toHaveProperty('sentiment');
      expect(c.recentSentiment).toEqual(history.slice(-5).map((p) => p.score));
      // What the bot decides on reads as it read from the whole history before (profile/segments.ts at_risk).
      const before = history.slice(-5);
      expect(averageRecentSentiment(c)).toBe(before.length ? before.reduce((a, p) => a + p.score, 0) / before.length : undefined);
      expect(await store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: id })).toEqual(c);
    }
    expect(await store.listSentiment('full', 3)).toEqual(histories.full.slice(-3));
    // The next message appends after the moved points and keeps the newest 200.
    const full = (await store.getCustomer('full'))!;
    const point = { at: at(500), score: -0.9, conversationId: 'k-new' };
    await store.recordCustomerMessage('full', {
      expectedVersion: full.version,
      point,
      keepSentiment: 200,
      recentSentiment: [...full.recentSentiment, point.score].slice(-5),
      at: point.at,
      newConversation: false,
      engagementScore: 10,
    });
    expect(await store.listSentiment('full')).toEqual([...histories.full.slice(1), point]);
  } finally {
    await store.close();
  }
  const docs = rawDocs(file);
  expect(Object.values(docs).every((d) => !('sentiment' in d))).toBe(true);
});

test('the move runs once: reopening and `npm run migrate` again leave the histories as they are', async () => {
  const histories = { a: points(12), b: points(1) };
  const file = await versionTenFile(histories);
  for (let i = 0; i < 2; i++) {
    const store = new SqliteStore(file);
    await store.init();
    await store.close();
  }
  const out: string[] = [];
  expect(await runMigrate({ NODE_ENV: 'test', DATABASE_URL: file, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' }, (s) => out.push(s))).toBe(0);
  const store = new SqliteStore(file, { migrateOnStart: false });
  await store.init();
  try {
    expect([await store.listSentiment('a'), await store.listSentiment('b')]).toEqual([histories.a, histories.b]);
    expect((await store.getCustomer('a'))!.recentSentiment).toEqual(histories.a.slice(-5).map((p) => p.score));
  } finally {
    await store.close();
  }
  const raw = new Database(file, { readonly: true });
  expect((raw.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").get() as { value: string }).value).toBe(String(SCHEMA_VERSION));
  raw.close();
});

test('a file refused at version 10 says to migrate; `npm run migrate` moves the histories', async () => {
  const file = await versionTenFile({ a: points(4) });
  const refused = new SqliteStore(file, { migrateOnStart: false });
  await expect(refused.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect(rawDocs(file).a.sentiment).toHaveLength(4);
  expect(await runMigrate({ NODE_ENV: 'test', DATABASE_URL: file, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' }, () => undefined)).toBe(0);
  expect(rawDocs(file).a).not.toHaveProperty('sentiment');
  const store = new SqliteStore(file, { migrateOnStart: false });
  await store.init();
  try {
    expect(await store.listSentiment('a')).toEqual(points(4));
  } finally {
    await store.close();
  }
});
