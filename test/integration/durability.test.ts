import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { failFsync, tempStoreFile } from '../helpers/storeFiles';

async function newConversation(store: SqliteStore, id: string) {
  const customer = await store.createCustomer({});
  const { conversation } = await store.getOrCreateConversation({
    channelId: 'test',
    channelConversationId: id,
    customerId: customer.id,
    reference: { channelId: 'test', serviceUrl: 'http://x', conversation: { id } },
  });
  return conversation;
}

/**
 * A child process appends messages and prints each acknowledgement; we SIGKILL it mid-stream and
 * check that every acknowledged message is in the file (synchronous=FULL, the production default), both for
 * writes that resolve once durable and for deferSync writes acknowledged after store.sync().
 */
test.each(['durable', 'deferred'])('SIGKILL loses nothing that was acknowledged (%s writes)', async (mode) => {
  const file = tempStoreFile('kill');
  const setup = new SqliteStore(file);
  await setup.init();
  const conversation = await newConversation(setup, 'kill');
  await setup.close();

  const child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, 'helpers', 'registerTs.js'), path.join(__dirname, 'helpers', 'appendForever.ts'), file, conversation.id, mode],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const acked: string[] = [];
  await new Promise<void>((resolve) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
      if (acked.length >= 200) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.on('exit', r));

  const after = new SqliteStore(file);
  await after.init();
  const stored = new Set((await after.listMessages(conversation.id)).map((m) => m.activityId));
  await after.close();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  expect(acked.length).toBeGreaterThanOrEqual(200);
  expect(acked.filter((a) => !stored.has(a))).toEqual([]);
});

/**
 * The store fsyncs the WAL itself, off the event loop, and acknowledges a write only after that fsync. When one
 * fails, the write is refused, and so is every later write (after a failed fsync the kernel may have dropped the
 * pages, so nothing written can be vouched for again); readiness reports the store down.
 */
/**
 * Writes are applied at once, inside a transaction that commits on the next turn of the event loop. When that
 * commit fails, writes already applied (and readable, and perhaps reported applied to deferSync callers) are
 * gone: the store then refuses everything for the recovery hold (30 s by default, longer than a turn takes from a
 * deferred write to its sync()), so a caller whose deferred write was lost learns it from sync(). The commit is made
 * to fail with a deferred foreign key, which SQLite checks only at COMMIT.
 */
test('a failed commit fails the writes it held and sync(), and the store acknowledges nothing after it during the recovery hold', async () => {
  const store = new SqliteStore(':memory:');
  await store.init();
  const customer = await store.createCustomer({});
  const db = store.database;
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
    CREATE TABLE trap (parent INTEGER REFERENCES trap_parent(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER trap_poison AFTER UPDATE ON customers WHEN json_extract(new.doc, '$.displayName') = 'poison' BEGIN INSERT INTO trap VALUES (42); END;`);
  const deferred = store.updateCustomer(customer.id, { displayName: 'poison' }, undefined, { deferSync: true });
  const durable = store.writeState('same/transaction', { x: 1 });
  await expect(deferred).resolves.toMatchObject({ displayName: 'poison' });
  await expect(durable).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  await expect(store.sync()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  await expect(store.writeState('after', { x: 2 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect((await store.getCustomer(customer.id))?.displayName).toBeUndefined();
  await store.close();
});

/**
 * The same failed commit, with no recovery hold: the batch's writes and sync() fail, the store reports itself
 * degraded (not failed: SQLite rolled the transaction back cleanly), and the next probe finds it writable again.
 */
test('after a commit that was rolled back cleanly, a probe write brings the store back; nothing of the lost batch remains', async () => {
  const store = new SqliteStore(':memory:', { recoveryHoldMs: 0 });
  await store.init();
  const customer = await store.createCustomer({});
  const db = store.database;
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
    CREATE TABLE trap (parent INTEGER REFERENCES trap_parent(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER trap_poison AFTER UPDATE ON customers WHEN json_extract(new.doc, '$.displayName') = 'poison' BEGIN INSERT INTO trap VALUES (42); END;`);
  const deferred = store.updateCustomer(customer.id, { displayName: 'poison' }, undefined, { deferSync: true });
  const durable = store.writeState('same/transaction', { x: 1 });
  await expect(deferred).resolves.toMatchObject({ displayName: 'poison' });
  await expect(durable).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect(store.health()).toMatchObject({ status: 'degraded' });
  await expect(store.ping()).resolves.toBeUndefined();
  expect(store.health()).toEqual({ status: 'ok' });
  expect(await store.writeState('after', { x: 2 })).toEqual(expect.any(String));
  await store.sync();
  expect([(await store.getCustomer(customer.id))?.displayName, Object.keys(await store.readState(['same/transaction', 'after']))]).toEqual([
    undefined,
    ['after'],
  ]);
  await store.close();
});

describe('a failed fsync', () => {
  afterEach(() => jest.restoreAllMocks());

  it('refuses the write it was for and every later one, and the store reports itself down', async () => {
    const store = new SqliteStore(tempStoreFile('fsync'));
    await store.init();
    const conversation = await newConversation(store, 'fsync');
    const ok = await store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'before', activityId: 'a1' });
    expect(ok.created).toBe(true);

    const realFsync = fs.fdatasync;
    const calls = failFsync();
    await expect(
      store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'lost?', activityId: 'a2' }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(calls).toHaveBeenCalled();
    calls.mockImplementation(realFsync);
    await expect(
      store.appendMessage({ conversationId: conversation.id, role: 'customer', kind: 'message', text: 'after', activityId: 'a3' }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });

  it('fails sync() after deferSync writes it could not make durable, and everything after', async () => {
    const store = new SqliteStore(tempStoreFile('fsync'));
    await store.init();
    const customer = await store.createCustomer({});
    failFsync();
    // Applied at once (readable), but never acknowledged: sync() is what the caller waits for.
    const updated = await store.updateCustomer(customer.id, { displayName: 'Applied' }, undefined, { deferSync: true });
    expect(updated.displayName).toBe('Applied');
    await expect(store.sync()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.updateCustomer(customer.id, { displayName: 'Later' }, undefined, { deferSync: true })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });

  it('acknowledges a write after an fsync of the WAL, and the write is in the file when reopened', async () => {
    const file = tempStoreFile('fsync');
    const store = new SqliteStore(file);
    await store.init();
    const synced = jest.spyOn(fs, 'fdatasync');
    const customer = await store.createCustomer({});
    // Every acknowledged write waited for an fdatasync of the WAL.
    expect(synced).toHaveBeenCalled();
    await store.close();
    const again = new SqliteStore(file);
    await again.init();
    expect(await again.getCustomer(customer.id)).toMatchObject({ id: customer.id });
    await again.close();
  });
});

/**
 * The WAL is copied back into the database file by a worker thread (WalCheckpointer), not inside a commit on the
 * event loop; SQLite's own checkpoint only starts at 20,000 pages. A few hundred pages written here reach the main
 * file only through the worker.
 */
test('checkpoints happen off the event loop: the database file takes in what the WAL holds', async () => {
  const file = tempStoreFile('ckpt');
  const store = new SqliteStore(file);
  await store.init();
  const conversation = await newConversation(store, 'ckpt');
  const before = fs.statSync(file).size;
  const text = 'x'.repeat(2000);
  for (let i = 0; i < 20; i++)
    await Promise.all(Array.from({ length: 25 }, () => store.appendMessage({ conversationId: conversation.id, role: 'customer', text })));
  const deadline = Date.now() + 20_000;
  while (fs.statSync(file).size < before + 500 * 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(fs.statSync(file).size).toBeGreaterThanOrEqual(before + 500 * 2000);
  await store.close();
  const again = new SqliteStore(file);
  await again.init();
  expect((await again.listMessages(conversation.id, { limit: 1000 })).length).toBe(500);
  await again.close();
});
