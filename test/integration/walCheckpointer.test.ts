import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../store/sqlite/walCheckpointer';
import { tempStoreFile } from '../helpers/storeFiles';

/**
 * The worker checkpoints by what waits in the WAL, not on a clock: once `frames` pages wait, or once they have waited
 * `maxAgeMs`. Real SQLite files in WAL mode, written by a connection of the test's own with SQLite's own checkpoint off;
 * what was copied back is read from SQLite's answer to a checkpoint of nothing (log = frames, checkpointed = copied).
 */
const open: { db: Database.Database; worker: WalCheckpointer; file: string }[] = [];

function store(policy: ConstructorParameters<typeof WalCheckpointer>[1]) {
  const file = tempStoreFile('ckpt');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  const worker = new WalCheckpointer(file, policy);
  const s = { db, worker, file };
  open.push(s);
  return s;
}

/** Pages of the WAL not yet copied back into the database file, without copying any (the header, as the worker reads it). */
function waiting(file: string): number {
  const header = Buffer.alloc(100);
  const fd = fs.openSync(`${file}-shm`, 'r');
  try {
    fs.readSync(fd, header, 0, 100, 0);
  } finally {
    fs.closeSync(fd);
  }
  return header.readUInt32LE(16) - header.readUInt32LE(96);
}

/** About `pages` pages of WAL: rows of 3,000 bytes, one a page, one transaction each (the B-tree's pages come on top). */
function write(db: Database.Database, rows: number): void {
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
  for (let i = 0; i < rows; i++) insert.run('x'.repeat(3000));
}

async function until(what: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

afterEach(async () => {
  for (const s of open.splice(0)) {
    await s.worker.close();
    s.db.close();
    fs.rmSync(path.dirname(s.file), { recursive: true, force: true });
  }
});

test('the header read says how many pages wait: what SQLite itself reports', () => {
  const { db, file } = store({ frames: 1_000_000, maxAgeMs: 3_600_000, restartFrames: 1_000_000 });
  write(db, 40);
  const n = waiting(file);
  expect(n).toBeGreaterThanOrEqual(40);
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  expect(r.log).toBe(n);
  expect(waiting(file)).toBe(0);
});

test('pages below the mark wait; past it they are copied back, without waiting for the age', async () => {
  const few = store({ frames: 400, maxAgeMs: 3_600_000, restartFrames: 1_000_000, tickMs: 5 });
  const many = store({ frames: 400, maxAgeMs: 3_600_000, restartFrames: 1_000_000, tickMs: 5 });
  write(few.db, 100);
  write(many.db, 500);
  await until(() => waiting(many.file) === 0);
  expect(waiting(many.file)).toBe(0);
  // The other worker looked as often meanwhile, and more times after: its 100 pages stay in the WAL.
  await new Promise((r) => setTimeout(r, 100));
  expect(waiting(few.file)).toBeGreaterThanOrEqual(100);
});

test('a few pages are copied back once they have waited the age, and so is what comes after', async () => {
  const { db, file } = store({ frames: 1_000_000, maxAgeMs: 50, restartFrames: 1_000_000, tickMs: 5 });
  write(db, 3);
  await until(() => waiting(file) === 0);
  expect(waiting(file)).toBe(0);
  write(db, 3);
  expect(waiting(file)).toBeGreaterThan(0);
  await until(() => waiting(file) === 0);
  expect(waiting(file)).toBe(0);
});

/** Frames in the WAL since it last started over, copied or not. */
function walFrames(file: string): number {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(`${file}-shm`, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  return header.readUInt32LE(16);
}

test('a WAL that did not start over past restartFrames is copied back whatever waits, and then starts over', async () => {
  const { db, file } = store({ frames: 1_000_000, maxAgeMs: 3_600_000, restartFrames: 300, tickMs: 5 });
  // Copied back now and then, each time but the last few pages (a commit came meanwhile: here, a reader's snapshot
  // stops the copy short of them), so the writer never finds everything copied and the WAL keeps growing.
  const reader = new Database(file);
  for (let i = 0; i < 4; i++) {
    write(db, 100);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    write(db, 2);
    db.pragma('wal_checkpoint(PASSIVE)');
    reader.exec('COMMIT');
  }
  reader.close();
  const frames = walFrames(file);
  expect(frames).toBeGreaterThanOrEqual(300);
  await until(() => waiting(file) === 0);
  expect(waiting(file)).toBe(0);
  // The next commit starts the WAL over from its beginning.
  write(db, 1);
  expect(walFrames(file)).toBeLessThan(frames);
});

test("a due checkpoint waits while the writer's fsync runs, and begins once it ended", async () => {
  const syncing = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(syncing, 0, 1);
  const s = store({ frames: 50, maxAgeMs: 3_600_000, restartFrames: 1_000_000, tickMs: 5, syncing, syncWaitMs: 3_600_000 });
  write(s.db, 100);
  // Many ticks of the worker pass: the pages stay in the WAL while the count says an fsync runs.
  await new Promise((r) => setTimeout(r, 300));
  expect(waiting(s.file)).toBeGreaterThanOrEqual(100);
  Atomics.store(syncing, 0, 0);
  Atomics.notify(syncing, 0);
  await until(() => waiting(s.file) === 0);
  expect(waiting(s.file)).toBe(0);
});

test('a disk never idle is checkpointed anyway, after syncWaitMs', async () => {
  const syncing = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(syncing, 0, 1);
  const s = store({ frames: 50, maxAgeMs: 3_600_000, restartFrames: 1_000_000, tickMs: 5, syncing, syncWaitMs: 20 });
  write(s.db, 100);
  await until(() => waiting(s.file) === 0);
  expect(waiting(s.file)).toBe(0);
  Atomics.store(syncing, 0, 0);
});
