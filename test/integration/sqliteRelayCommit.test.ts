import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../store/sqlite/sqliteStore';

/**
 * Issue 19: the pages a held chat's customer message commits (the message, deferred; its count on the profile,
 * deferred; sync), read from the WAL itself: the frames the commit appended, each named by the b-tree its page
 * belongs to (dbstat). Schema 13 took two b-trees out of that commit: the running sentiment is no longer in
 * conversations_facts, and the sentiment history is one b-tree clustered by customer, with no index beside it.
 */
let dir: string;
let file: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-relay-commit-'));
  file = path.join(dir, 'store.sqlite');
  store = new SqliteStore(file, { backgroundMs: 0 });
  await store.init();
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** mxFrame and the salts of the WAL-index header (sqlite.org/walformat.html), in native byte order. */
function walHeader(): { mxFrame: number; salt: string } {
  const buf = Buffer.alloc(48);
  const fd = fs.openSync(`${file}-shm`, 'r');
  try {
    fs.readSync(fd, buf, 0, 48, 0);
  } finally {
    fs.closeSync(fd);
  }
  return { mxFrame: os.endianness() === 'LE' ? buf.readUInt32LE(16) : buf.readUInt32BE(16), salt: buf.subarray(32, 40).toString('hex') };
}

/** The b-trees whose pages one commit wrote: frames after `before` up to the header's mxFrame now. */
function btreesWritten(before: { mxFrame: number; salt: string }): Set<string> {
  const after = walHeader();
  const first = after.salt === before.salt ? before.mxFrame + 1 : 1;
  const raw = new Database(file, { readonly: true });
  try {
    const frameSize = (raw.pragma('page_size', { simple: true }) as number) + 24;
    const names = new Map((raw.prepare('SELECT pageno, name FROM dbstat').all() as { pageno: number; name: string }[]).map((r) => [r.pageno, r.name]));
    const wal = fs.openSync(`${file}-wal`, 'r');
    const h = Buffer.alloc(24);
    const written = new Set<string>();
    try {
      for (let f = first; f <= after.mxFrame; f++) {
        fs.readSync(wal, h, 0, 24, 32 + (f - 1) * frameSize);
        written.add(names.get(h.readUInt32BE(0)) ?? 'free page');
      }
    } finally {
      fs.closeSync(wal);
    }
    return written;
  } finally {
    raw.close();
  }
}

test("a held chat's customer message commits its message, the chat's counters and the profile's count, and no index of either besides", async () => {
  const customer = await store.createCustomer({ identities: [{ channelId: 'test', userId: 'u1', verified: false, addedAt: new Date().toISOString() }] });
  const { conversation } = await store.getOrCreateConversation({
    channelId: 'test',
    channelConversationId: 'c1',
    customerId: customer.id,
    reference: { channelId: 'test', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'c1' } },
  });
  await store.claimConversation({ conversationId: conversation.id, agentId: 'agent-1', fromStates: ['bot', 'queued'], maxActive: 5 });
  let version = customer.version;
  const relay = async (k: number) => {
    const before = walHeader();
    const deferred = { deferSync: true };
    const { message } = await store.appendMessage(
      { conversationId: conversation.id, role: 'customer', text: `message ${k}`, intent: 'None', sentiment: -0.5, activityId: `a${k}` },
      deferred,
    );
    await store.recordCustomerMessage(
      customer.id,
      {
        expectedVersion: version++,
        point: { at: message.createdAt, score: -0.5, conversationId: conversation.id },
        keepSentiment: 200,
        recentSentiment: [-0.5],
        at: message.createdAt,
        newConversation: false,
        engagementScore: k,
      },
      deferred,
    );
    await store.sync();
    return btreesWritten(before);
  };
  await relay(0);
  const written = await relay(1);
  // What the message and the counts are made of.
  for (const name of ['messages', 'conversations', 'customers', 'customer_sentiment']) expect(written).toContain(name);
  // Until schema 12 the same commit also rewrote these.
  expect(written).not.toContain('conversations_facts');
  expect(written).not.toContain('customer_sentiment_customer');
  expect([...written].filter((n) => n.startsWith('customer_sentiment'))).toEqual(['customer_sentiment']);
  // The running sentiment reads as before.
  expect(await store.listSentiment(customer.id, 10)).toHaveLength(2);
});
