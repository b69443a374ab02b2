import fs from 'node:fs';
import path from 'node:path';
import { GroupCommit, MAX_SYNCS } from '../../store/sqlite/groupCommit';
import { tempStoreFile } from '../helpers/storeFiles';

/**
 * The group commit's fsyncs of the WAL overlap (MAX_SYNCS): a group that closes while an earlier group's fsync runs
 * starts its own at once instead of waiting for that one to end. A real SQLite file; the disk's fdatasync is held
 * here until the test lets it finish, in any order, or fail.
 */
type Done = (err: NodeJS.ErrnoException | null) => void;

let gc: GroupCommit;
let held: Done[];
let file: string;

beforeEach(() => {
  file = tempStoreFile('syncs');
  gc = new GroupCommit(file);
  gc.open();
  gc.db.exec('CREATE TABLE t (x INTEGER)');
  held = [];
  jest.spyOn(fs, 'fdatasync').mockImplementation((_fd: number, cb: Done) => void held.push(cb));
});

afterEach(async () => {
  // Whatever is still held ends well, so close() can wait for it.
  const release = setInterval(() => held.splice(0).forEach((cb) => cb(null)), 1);
  await gc.close().catch(() => undefined);
  clearInterval(release);
  jest.restoreAllMocks();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

/** A write in a group of its own (the group commits on the next turn of the event loop). */
async function write(x: number): Promise<{ settled: () => string; done: Promise<void> }> {
  let state = 'pending';
  const done = gc
    .tx(() => gc.stmt('INSERT INTO t (x) VALUES (?)').run(x))
    .then(
      () => void (state = 'durable'),
      (err: { code?: string }) => void (state = `failed ${err.code}`),
    );
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  return { settled: () => state, done };
}

const turn = () => new Promise((r) => setImmediate(r));

test('a group that closes while an earlier fsync runs starts its own fsync at once; past MAX_SYNCS it waits', async () => {
  expect(MAX_SYNCS).toBe(2);
  const a = await write(1);
  expect(held).toHaveLength(1);
  const b = await write(2);
  // b committed without waiting for a's fsync.
  expect(held).toHaveLength(2);
  const c = await write(3);
  // Two are running: c's group stays open, and every write made meanwhile joins it.
  expect(held).toHaveLength(2);
  const d = await write(4);
  expect(held).toHaveLength(2);
  held.shift()!(null);
  await a.done;
  await turn();
  // a's fsync ended: c and d commit together, with one fsync.
  expect(held).toHaveLength(2);
  held.splice(0).forEach((cb) => cb(null));
  await b.done;
  await turn();
  expect(held).toHaveLength(0);
  await Promise.all([c.done, d.done]);
  expect([a, b, c, d].map((w) => w.settled())).toEqual(['durable', 'durable', 'durable', 'durable']);
  expect(gc.db.prepare('SELECT x FROM t ORDER BY x').all()).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }]);
});

test('a later group whose fsync ends first is acknowledged only once the earlier group is', async () => {
  const a = await write(1);
  const b = await write(2);
  expect(held).toHaveLength(2);
  held[1](null);
  await turn();
  await turn();
  expect(b.settled()).toBe('pending');
  held[0](null);
  await Promise.all([a.done, b.done]);
  expect([a.settled(), b.settled()]).toEqual(['durable', 'durable']);
});

test('a failed earlier fsync fails the later group too, even when its own fsync succeeded', async () => {
  const a = await write(1);
  const b = await write(2);
  held[1](null);
  held[0](Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  await Promise.all([a.done, b.done]);
  expect([a.settled(), b.settled()]).toEqual(['failed STORE_UNAVAILABLE', 'failed STORE_UNAVAILABLE']);
  expect(gc.health().status).toBe('failed');
  await expect(gc.sync()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
});

test('an fsync that fails after a later one began fails that later group, whichever ends first', async () => {
  const a = await write(1);
  const b = await write(2);
  held[0](Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  await a.done;
  held[1](null);
  await b.done;
  expect([a.settled(), b.settled()]).toEqual(['failed STORE_UNAVAILABLE', 'failed STORE_UNAVAILABLE']);
});
