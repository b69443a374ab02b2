import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file from a worker thread with its own connection, so the event loop
 * never waits for it. SQLite otherwise checkpoints inside a COMMIT once the WAL reaches 1,000 pages: the
 * committing connection copies the pages and fsyncs the database file, holding a bot's event loop for several
 * milliseconds every few commits (measured: about 70 % of the time spent committing). PASSIVE never waits
 * for readers or the writer; the writer restarts the WAL from its beginning once everything was copied back.
 * SQLite's own checkpoint stays on at a high mark, as a safety net should this thread fall behind or fail.
 *
 * When: a checkpoint syncs the WAL and the database file, on the disk and cores the commits' own fsyncs need (a relayed
 * message overlapping one waited about 2 ms more at its median). So not on a clock: once `frames` pages wait to be
 * copied, or once the oldest of them has waited `maxAgeMs`. The worker reads how many wait from the WAL-index header in
 * the -shm file (mxFrame − nBackfill, sqlite.org/walformat.html, native byte order) every `tickMs`, a 100-byte read; a
 * busy store is checkpointed as often as before (more, in smaller copies), a quiet one a few times less often, and
 * each page written many times in between is copied once.
 *
 * And not while a commit's fsync of the WAL runs (the group commit counts those in `syncing`, shared memory): a
 * checkpoint begun then copies pages and fsyncs the database file on the disk that fsync needs, and its writers (a
 * relayed message's push) wait for both. The worker waits for the count to fall to zero, at most `syncWaitMs`, and
 * begins right after the fsync ended, as its writers are told.
 */
const WORKER = `
const fs = require('node:fs');
const os = require('node:os');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const header = Buffer.alloc(100);
const u32 = (at) => (os.endianness() === 'LE' ? header.readUInt32LE(at) : header.readUInt32BE(at));
let shm;
/** Frames in the WAL and those not yet copied back; waiting -1 when the header cannot be read (then time alone decides). */
function wal() {
  try {
    shm ??= fs.openSync(workerData.file + '-shm', 'r');
    if (fs.readSync(shm, header, 0, 100, 0) < 100) return { frames: 0, waiting: -1 };
    const frames = u32(16);
    const n = frames - u32(96);
    return { frames, waiting: n >= 0 ? n : -1 };
  } catch {
    return { frames: 0, waiting: -1 };
  }
}
const syncing = workerData.syncing ? new Int32Array(workerData.syncing) : undefined;
let since;
const timer = setInterval(() => {
  const now = Date.now();
  const { frames, waiting } = wal();
  if (waiting === 0) return void (since = undefined);
  since ??= now;
  // Past restartFrames the WAL did not start over (a commit came during each checkpoint): copy on every tick until one
  // ends with nothing left, so the next commit restarts it before SQLite's own checkpoint does on the event loop.
  if (waiting < workerData.frames && now - since < workerData.maxAgeMs && frames < workerData.restartFrames) return;
  since = undefined;
  if (syncing) {
    const until = Date.now() + workerData.syncWaitMs;
    for (let n; (n = Atomics.load(syncing, 0)) > 0 && Date.now() < until; ) Atomics.wait(syncing, 0, n, until - Date.now());
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.tickMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  if (shm !== undefined) fs.closeSync(shm);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointPolicy {
  /** Pages waiting in the WAL that start a checkpoint (4,000: 16 MB of 4 KB pages; SQLite's own net is at 20,000). */
  frames?: number;
  /** A page waits at most about this long before it is copied back, ms. */
  maxAgeMs?: number;
  /**
   * Frames in the WAL (copied or not) past which the worker copies on every tick until the WAL starts over: the writer
   * restarts it only when everything was copied, and with commits every few milliseconds a checkpoint often ends with
   * a few frames left. Half of SQLite's own mark (20,000), where it would checkpoint inside a commit.
   */
  restartFrames?: number;
  /** How often the worker looks, ms. */
  tickMs?: number;
  /**
   * The count of the writer's fsyncs under way (an Int32Array on shared memory, updated by GroupCommit): a checkpoint
   * waits for it to be zero, at most `syncWaitMs`. Without it, checkpoints begin whenever they are due.
   */
  syncing?: Int32Array;
  /** The longest a due checkpoint waits for the fsyncs under way to end, ms: a disk never idle is checkpointed anyway. */
  syncWaitMs?: number;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;
  /** The last error the worker reported (the safety-net checkpoint covers for it); for diagnostics and tests. */
  lastError: string | undefined;

  constructor(file: string, { frames = 4000, maxAgeMs = 2000, restartFrames = 10_000, tickMs = 100, syncing, syncWaitMs = 50 }: CheckpointPolicy = {}) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { file, frames, maxAgeMs, restartFrames, tickMs, syncing: syncing?.buffer, syncWaitMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) this.lastError = m.error;
    });
    this.worker.on('error', (err) => {
      this.lastError = err.message;
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.unref();
  }

  async close(): Promise<void> {
    // Unreferenced, the worker would not keep the process alive while it finishes: a caller awaiting close()
    // with nothing else to do would see the process end first.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
