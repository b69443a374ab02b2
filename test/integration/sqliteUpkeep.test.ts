import fs from 'node:fs';
import path from 'node:path';
import { INDEX_NEW_PERIODS_SQL, INDEX_NEW_SQL, INDEX_PERIODS_SQL, INDEX_QUEUED_SQL } from '../../store/sqlite/sqliteReview';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { searchPeriod } from '../../store/searchText';
import { tempStoreFile } from '../helpers/storeFiles';

const WAITING_SQL = `SELECT (SELECT COUNT(*) FROM messages_fts_pending)
  + (SELECT COUNT(*) FROM messages WHERE rowid > (SELECT indexed_to FROM messages_fts_mark))`;

/**
 * The embedded store's background upkeep (store/sqlite/sqliteUpkeep.ts): the search index and the dashboard's
 * rollups catch up in slices of their own transactions, between the group commits, never inside a customer's. The
 * timer is slowed to an hour here and the slices driven by hand, so every step is seen.
 */
describe('sqlite background upkeep', () => {
  let file: string;
  let store: SqliteStore;
  const BUSY_MS = 60_000;

  beforeEach(async () => {
    file = tempStoreFile('upkeep');
    store = new SqliteStore(file, { upkeep: { everyMs: 3_600_000, busyDayEveryMs: BUSY_MS } });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  const count = (sql: string) => (store.database.prepare(sql).pluck().get() as number) ?? 0;
  // Messages waiting for the index: the changed ones queued, the new ones past the mark (sqliteSchema.ts FTS_TRIGGERS).
  const pending = () => count(WAITING_SQL);
  const dirty = () => store.database.prepare('SELECT day FROM stats_dirty_days').pluck().all() as string[];

  async function conversationWith(texts: string[]) {
    const customer = await store.createCustomer({});
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: `c-${customer.id}`,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://x', conversation: { id: `c-${customer.id}` } },
    });
    for (const [i, text] of texts.entries())
      await store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text, activityId: `a${i}` });
    return conversation;
  }

  it('indexes queued messages between group commits: skipped while a group is open, then in slices until none is left', async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `parcel number ${i} is late`);
    texts[150] = 'where is my marmalade';
    const conversation = await conversationWith(texts);
    expect(pending()).toBe(300);

    // A write opens a group (committed on the next turn of the event loop): the upkeep does not join it.
    const write = store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'one more', activityId: 'more' });
    expect(store.database.inTransaction).toBe(true);
    expect(store.upkeep.slice()).toBe(false);
    expect(pending()).toBe(301);
    await write;

    // Now between commits: each slice commits on its own (no transaction is left open), and they end the queue.
    let slices = 0;
    while (store.upkeep.slice()) {
      expect(store.database.inTransaction).toBe(false);
      if (++slices > 1000) throw new Error('the upkeep never ends');
    }
    expect(store.database.inTransaction).toBe(false);
    expect(pending()).toBe(0);
    expect(count('SELECT COUNT(*) FROM messages_fts')).toBe(301);
    expect((await store.searchMessages('marmalade')).map((h) => h.text)).toEqual(['where is my marmalade']);
  });

  it("a new message's write queues nothing; a changed one is queued, and found by its new words only", async () => {
    const conversation = await conversationWith(['my parcel is late', 'the parcel never came']);
    expect(count('SELECT COUNT(*) FROM messages_fts_pending')).toBe(0);
    expect(pending()).toBe(2);
    while (store.upkeep.slice());
    expect(pending()).toBe(0);
    store.database.prepare("UPDATE messages SET text = 'my umbrella is late' WHERE conversation_id = ? AND seq = 1").run(conversation.id);
    expect(count('SELECT COUNT(*) FROM messages_fts_pending')).toBe(1);
    expect((await store.searchMessages('parcel')).map((h) => h.text)).toEqual(['the parcel never came']);
    expect((await store.searchMessages('umbrella')).map((h) => h.text)).toEqual(['my umbrella is late']);
    expect(pending()).toBe(0);
  });

  it('the newest messages deleted after they were indexed: a message that takes one of their rowids is indexed too', async () => {
    await conversationWith(['a question about a refund']);
    const gone = await conversationWith(['a question about an invoice', 'and another one']);
    while (store.upkeep.slice());
    const rowid = () => count('SELECT MAX(rowid) FROM messages');
    const newest = rowid();
    await store.deleteConversation(gone.id);
    await conversationWith(['a question about a voucher']);
    // SQLite gives a new row the newest rowid plus one: a rowid already indexed once, then deleted.
    expect(rowid()).toBeLessThan(newest);
    expect(pending()).toBe(1);
    expect((await store.searchMessages('question')).map((h) => h.text).sort()).toEqual(['a question about a refund', 'a question about a voucher']);
  });

  it('what it indexed survives a reopen, and nothing is indexed twice', async () => {
    await conversationWith(['first refund question', 'second refund question']);
    while (store.upkeep.slice());
    await store.close();
    store = new SqliteStore(file, { upkeep: { everyMs: 3_600_000 } });
    await store.init();
    expect(pending()).toBe(0);
    expect((await store.searchMessages('refund question')).map((h) => h.text).sort()).toEqual(['first refund question', 'second refund question']);
  });

  it('recomputes a dirty day, then leaves the day being written for a while; a dashboard reading it still counts everything', async () => {
    const day = new Date().toISOString().slice(0, 10);
    await conversationWith(['hello']);
    while (store.upkeep.slice());
    expect(dirty()).toEqual([]);
    // The day is written again: dirty, and the background leaves it until BUSY_MS after its last recompute.
    await conversationWith(['hello again']);
    expect(dirty()).toEqual([day]);
    const now = performance.now();
    expect(store.upkeep.slice(now)).toBe(false);
    expect(dirty()).toEqual([day]);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    // The dashboard recomputes the dirty days it reads first.
    expect((await store.conversationStats({ from: day, to: next })).total).toBe(2);
    expect(dirty()).toEqual([]);
    // Once the while is over, the background recomputes it again.
    await conversationWith(['and again']);
    expect(store.upkeep.slice(now + BUSY_MS + 1)).toBe(false);
    expect(dirty()).toEqual([]);
    expect((await store.conversationStats({ from: day, to: next })).total).toBe(3);
  });

  it('an older dirty day is recomputed even while the newest waits', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await conversationWith(['hello']);
    while (store.upkeep.slice());
    await conversationWith(['hello again']);
    // A day of the past, re-dirtied (as an import or an erasure would).
    store.database.prepare("INSERT INTO stats_dirty_days(day) VALUES ('2020-01-01')").run();
    expect(dirty().sort()).toEqual(['2020-01-01', today]);
    store.upkeep.slice();
    expect(dirty()).toEqual([today]);
  });

  it('a slice reads the queued messages only, not every message before them; each queued week is listed', async () => {
    const conversation = await conversationWith(['an old question about a refund']);
    while (store.upkeep.slice());
    // A message from three weeks back joins the queue with the newest ones.
    await store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'newer words', activityId: 'n1' });
    store.database.prepare("UPDATE messages SET created_at = '2020-01-01T10:00:00.000Z' WHERE activity_id = 'n1'").run();
    await store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'newest words', activityId: 'n2' });

    // The plans: the queue is walked, each message read by its rowid (a plain JOIN walked messages up to the newest
    // queued rowid, which is all of them).
    for (const sql of [INDEX_QUEUED_SQL, INDEX_PERIODS_SQL]) {
      const plan = (store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(Number.MAX_SAFE_INTEGER) as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((d) => /^(SCAN|SEARCH) /.test(d))).toEqual([
        expect.stringMatching(/^(SCAN|SEARCH) p\b/),
        'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)',
      ]);
    }

    // New messages: a range of the table's own key past the mark.
    for (const sql of [INDEX_NEW_SQL, INDEX_NEW_PERIODS_SQL]) {
      const plan = (store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, Number.MAX_SAFE_INTEGER) as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((d) => /^(SCAN|SEARCH) /.test(d))).toEqual(['SEARCH messages USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']);
    }

    const weeks = () => store.database.prepare('SELECT period FROM messages_fts_periods ORDER BY period').pluck().all() as number[];
    const before = weeks();
    while (store.upkeep.slice());
    expect(pending()).toBe(0);
    expect(weeks()).toEqual([...new Set([...before, searchPeriod('2020-01-01T10:00:00.000Z')])].sort((a, b) => a - b));
    expect((await store.searchMessages('words')).map((h) => h.text).sort()).toEqual(['newer words', 'newest words']);
  });
});

/**
 * The upkeep and the commits' fsyncs: a slice begun while a commit's fsync runs would hold that commit's writers (and
 * a relayed message's push) whenever it outlasts the fsync, so the upkeep waits for the fsyncs to end and runs after
 * their writers were told; on a disk never idle, it runs anyway after maxWaitForSyncsMs. The timer ticks every
 * millisecond here; the disk's fdatasync is held until the test lets it finish.
 */
describe('sqlite background upkeep and the fsyncs of commits', () => {
  type Done = (err: NodeJS.ErrnoException | null) => void;
  let file: string;
  let store: SqliteStore;
  let held: Done[];

  async function open(maxWaitForSyncsMs: number) {
    file = tempStoreFile('upkeep-syncs');
    store = new SqliteStore(file, { upkeep: { everyMs: 1, maxWaitForSyncsMs } });
    await store.init();
  }
  afterEach(async () => {
    const release = setInterval(() => held.splice(0).forEach((cb) => cb(null)), 1);
    await store.close();
    clearInterval(release);
    jest.restoreAllMocks();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  const pending = () => store.database.prepare(WAITING_SQL).pluck().get() as number;
  const ticks = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function until(done: () => boolean) {
    for (let i = 0; !done(); i++) {
      if (i > 5000) throw new Error('never happened');
      await ticks(1);
    }
  }
  /** A conversation whose messages were indexed, then the disk's fdatasync held. */
  async function heldDisk() {
    const customer = await store.createCustomer({});
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: 'c-1',
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://x', conversation: { id: 'c-1' } },
    });
    await store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'first', activityId: 'a0' });
    await until(() => pending() === 0);
    held = [];
    jest.spyOn(fs, 'fdatasync').mockImplementation((_fd: number, cb: Done) => void held.push(cb));
    return conversation;
  }

  it('waits while a commit is being synced, and indexes its message once the writer was acknowledged', async () => {
    await open(3_600_000);
    const conversation = await heldDisk();
    let pendingAtAck: number | undefined;
    const write = store
      .appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'second', activityId: 'a1' })
      .then(() => void (pendingAtAck = pending()));
    await until(() => held.length === 1);
    // Many ticks of the upkeep's timer pass while the fsync is held: the queued message waits for it.
    await ticks(30);
    expect(pending()).toBe(1);
    held.shift()!(null);
    await write;
    // The writer heard first; the upkeep ran after.
    expect(pendingAtAck).toBe(1);
    await until(() => pending() === 0);
    expect((await store.searchMessages('second')).map((h) => h.text)).toEqual(['second']);
  });

  it('runs during an fsync once it has waited maxWaitForSyncsMs (a disk never idle does not starve it)', async () => {
    await open(0);
    const conversation = await heldDisk();
    const write = store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'second', activityId: 'a1' });
    await until(() => held.length === 1);
    await until(() => pending() === 0);
    expect(held).toHaveLength(1);
    held.shift()!(null);
    await write;
  });
});
