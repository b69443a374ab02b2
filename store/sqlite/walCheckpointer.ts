import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file from a worker thread with its own connection, so the event loop
 * never waits for it. SQLite otherwise checkpoints inside a COMMIT once the WAL reaches 1,000 pages: the
 * committing connection copies the pages and fsyncs the database file, holding a bot's event loop for several
 * milliseconds every few commits (measured: about 70 % of the time spent committing). PASSIVE never waits
 * for readers or the writer; the writer restarts the WAL from its beginning once everything was copied back.
 * SQLite's own checkpoint stays on at a high mark, as a safety net should this thread fall behind or fail.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;
  /** The last error the worker reported (the safety-net checkpoint covers for it); for diagnostics and tests. */
  lastError: string | undefined;

  constructor(file: string, intervalMs = 500) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') } });
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
