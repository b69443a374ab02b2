import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../core/cliArgs';
import type { Store } from '../store/store';

/**
 * The review queries the store section of `npm run bench` times at 1,000,000 messages, shared with a CLI that
 * times them on an existing history (made once by `npm run generate`), so a change to the search or the figures
 * is measured in seconds instead of a whole bench run:
 *
 *   node dist/bench/storeQueries.js data/history.sqlite [runs]
 */
export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

function summary(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
  return { p50: at(50), p95: at(95), p99: at(99), n: s.length };
}

async function timed(runs: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return summary(ms);
}

/** Common and rare phrases: common ones are where an unbounded ranking sorts hundreds of thousands of matches. */
export const PHRASES = ['blue umbrella', 'refund', 'never arrived', 'wrong size', 'invoice', 'purple kettle', 'charged twice', 'worst service ever'];

export async function timeStoreQueries(s: Store, runs = 16, now = Date.now()): Promise<Record<string, Timing>> {
  const day = 86_400_000;
  const lastMonth = { from: new Date(now - 30 * day).toISOString(), to: new Date(now + day).toISOString() };
  const lastYear = { from: new Date(now - 366 * day).toISOString(), to: lastMonth.to };
  const out: Record<string, Timing> = {};
  out.messageSearch = await timed(runs, (i) => s.searchMessages(PHRASES[i % PHRASES.length], 50));
  out.transcriptSearchText = await timed(runs, (i) => s.searchTranscripts({ text: PHRASES[i % PHRASES.length] }, { limit: 50 }));
  out.transcriptSearchTextAndFilters = await timed(runs, (i) =>
    s.searchTranscripts({ text: PHRASES[i % PHRASES.length], channelId: 'webchat', ...lastMonth }, { limit: 50 }),
  );
  out.transcriptSearchFilters = await timed(runs, (i) =>
    s.searchTranscripts(
      [
        { handoffReason: 'negative_sentiment', satisfactionMax: 2 },
        { segment: 'vip', sentimentMax: -0.3 },
        { intent: 'payment.problem' },
        { tag: 'billing', channelId: 'slack' },
      ][i % 4],
      { limit: 50 },
    ),
  );
  // The Transcripts page's "Customer (name or id)": a common first name (thousands of customers: the newest-first
  // walk), a full name (about a hundred: listed), an id, and a name with a channel and a month.
  out.transcriptSearchCustomer = await timed(runs, (i) =>
    s.searchTranscripts(
      [{ customer: 'ana' }, { customer: 'Ana López' }, { customer: 'gen-cust-1234' }, { customer: 'tess', channelId: 'slack', ...lastMonth }][i % 4],
      { limit: 50 },
    ),
  );
  const dashboardRuns = Math.max(6, Math.round(runs / 2));
  // The first whole-year dashboard after a bulk load recomputes every day the load touched (the daily rollups
  // catch up in the background too, about 20 ms in each second): timed once, apart from the steady state.
  out.dashboardYearFirst = await timed(1, () => s.conversationStats(lastYear));
  out.dashboardMonth = await timed(dashboardRuns, () => s.conversationStats(lastMonth));
  out.dashboardYear = await timed(dashboardRuns, () => s.conversationStats(lastYear));
  return out;
}

const USAGE = `usage: node dist/bench/storeQueries.js FILE [RUNS]
  (after npm run build) times the store section's search and dashboard queries on an embedded store FILE, for
  example one made by npm run generate; RUNS timed runs of each query (default 16)
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [file, runs, ...extra] = positionals;
  if (!file) throw new UsageError('the store FILE is missing');
  if (extra.length) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const runCount = Number(runs ?? 16);
  if (!Number.isInteger(runCount) || runCount < 1) throw new UsageError(`RUNS must be a whole number above 0, not '${runs}'`);
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  const { SqliteStore } = await import('../store/sqliteStore');
  const s = new SqliteStore(file, { synchronous: 'normal' });
  const t = Date.now();
  await s.init();
  const openMs = Date.now() - t;
  const r = await timeStoreQueries(s, runCount);
  await s.close();
  process.stdout.write(`${JSON.stringify({ openMs, ...r })}\n`);
  return 0;
}

if (require.main === module) runCli('storeQueries', USAGE, () => main(process.argv.slice(2)));
