import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../store/sqliteStore';

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
  const customer = { id: 'c1', displayName: 'Old Olga', identities: [], contacts: [], preferences: {}, consent: [], sentiment: [], engagement: { conversations: 1, messages: 2, score: 0 }, reach: { followers: 0, score: 0 }, lifetimeValue: 0, segments: ['vip'], tags: [], attributes: {}, firstSeenAt: at, lastSeenAt: at, version: 1 };
  const conversation = { id: 'k1', channelId: 'webchat', channelConversationId: 'w1', reference: { channelId: 'webchat', serviceUrl: 'x', conversation: { id: 'w1' } }, customerId: 'c1', state: 'closed', agentId: null, priority: 0, tags: ['legacy'], handoffReason: 'customer_asked', queuedAt: '2025-05-01T10:01:00.000Z', assignedAt: '2025-05-01T10:02:00.000Z', closedAt: '2025-05-01T10:12:00.000Z', satisfaction: { score: 2, at }, lastSeq: 2, createdAt: at, updatedAt: at, version: 3 };
  old.prepare('INSERT INTO customers VALUES (?, ?, ?)').run('c1', 1, JSON.stringify(customer));
  old.prepare('INSERT INTO conversations VALUES (?, ?, ?, ?, ?, NULL, 0, 3, 2, ?, ?, ?)').run('k1', 'webchat', 'w1', 'c1', 'closed', at, at, JSON.stringify(conversation));
  const msg = (seq: number, text: string, intent: string, sentiment: number) => ({ id: `m${seq}`, conversationId: 'k1', seq, role: 'customer', kind: 'message', text, attachments: [], intent, sentiment, createdAt: at });
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
    expect(stats.sentiment).toEqual([{ day: '2025-05-01', segment: '*', average: -0.2, n: 2 }, { day: '2025-05-01', segment: 'vip', average: -0.2, n: 2 }]);
    // The file had no full-text index: what it held is indexed, and new writes keep the running sentiment.
    expect((await store.searchTranscripts({ text: 'parcel is lost' })).items.map((i) => i.conversation.id)).toEqual(['k1']);
    await store.appendMessage({ conversationId: 'k1', role: 'customer', text: 'still lost', intent: 'order.track', sentiment: -0.6 });
    expect((await store.searchTranscripts({ text: 'still lost' })).items.map((i) => i.sentiment)).toEqual([-0.333]);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
