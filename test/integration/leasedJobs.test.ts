/**
 * LeasedJobs over a real store: two schedulers (as two instances would have) tick the same job; one runs it; when
 * it stops the other takes over; a holder that vanished without releasing is taken over once its lease expired.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/logger';
import { LeasedJobs } from '../../store/leasedJobs';
import { SqliteStore } from '../../store/sqliteStore';

let dir: string;
let store: SqliteStore;
const log = createLogger('silent');

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-jobs-'));
  store = new SqliteStore(path.join(dir, 'crm.sqlite'), { synchronous: 'normal' });
  await store.init();
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

test('one of two schedulers runs the job; when it stops, the other takes over', async () => {
  const runs: string[] = [];
  const a = new LeasedJobs(store, { ttlMs: 60_000, log, holder: 'a' });
  const b = new LeasedJobs(store, { ttlMs: 60_000, log, holder: 'b' });
  a.every('job', 30, () => Promise.resolve(runs.push('a')));
  b.every('job', 30, () => Promise.resolve(runs.push('b')));
  await until(() => runs.length >= 10);
  const [first] = runs;
  expect(new Set(runs)).toEqual(new Set([first]));
  const [holder, other] = first === 'a' ? [a, b] : [b, a];
  expect(holder.holds('job')).toBe(true);
  expect(other.holds('job')).toBe(false);
  await holder.stop(); // releases the lease
  const before = runs.length;
  await until(() => runs.length > before + 3);
  expect(new Set(runs.slice(before))).toEqual(new Set([other.holder]));
  await other.stop();
});

test('a holder that vanished without releasing is taken over once its lease expired, not before', async () => {
  const ghostUntil = Date.now() + 400;
  expect(await store.acquireLease('job', 'ghost', 400)).toBe(true);
  const runs: number[] = [];
  const b = new LeasedJobs(store, { ttlMs: 60_000, log, holder: 'b' });
  b.every('job', 30, () => Promise.resolve(runs.push(Date.now())));
  await until(() => runs.length > 0);
  expect(runs[0]).toBeGreaterThanOrEqual(ghostUntil);
  expect(await store.acquireLease('job', 'ghost', 400)).toBe(false);
  await b.stop();
});

test('a job that fails is logged and runs again at the next tick', async () => {
  let calls = 0;
  const jobs = new LeasedJobs(store, { ttlMs: 60_000, log, holder: 'x' });
  jobs.every('flaky', 20, () => (++calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve()));
  await until(() => calls >= 3);
  await jobs.stop();
  expect(await store.acquireLease('flaky', 'y', 1000)).toBe(true); // released at stop
});

test('a job started with atStart runs at once on one of two schedulers, not a period later', async () => {
  const runs: string[] = [];
  const a = new LeasedJobs(store, { ttlMs: 60_000, log, holder: 'a' });
  const b = new LeasedJobs(store, { ttlMs: 60_000, log, holder: 'b' });
  // A period no test waits for: only the start tick can run it.
  a.every('repair', 3_600_000, () => Promise.resolve(runs.push('a')), { atStart: true });
  b.every('repair', 3_600_000, () => Promise.resolve(runs.push('b')), { atStart: true });
  await until(() => a.holds('repair') || b.holds('repair'));
  const [holder, other] = a.holds('repair') ? [a, b] : [b, a];
  // The other's start tick (refused the lease) ends before the holder lets the lease go.
  await other.stop();
  await holder.stop();
  expect(runs).toEqual([holder.holder]);
});
