import { spawn } from 'node:child_process';
import path from 'node:path';
import { SqliteStore } from '../store/sqliteStore';
import { round, section, type BenchSink } from './benchKit';
import { generateHistory } from './generateHistory';
import { timeStoreQueries } from './storeQueries';

/**
 * `npm run bench` section "store": appends per second, then a generated history of 1,000,000 messages, the
 * search and dashboard queries on it, and a streamed export from the real app in a child process.
 */
/**
 * `alongside` starts work for the other core while the history is generated (the recognizer's training); it is
 * awaited before any query is timed, so the timed part runs alone.
 */
export async function storeFigures({ dir, rows, results }: BenchSink, alongside?: () => Promise<void>): Promise<void> {
  section('embedded store: appends, then search and dashboard at 1,000,000 messages');
  const out: Record<string, unknown> = {};
  for (const sync of ['full', 'normal'] as const) {
    const s = new SqliteStore(path.join(dir, `append-${sync}.sqlite`), { synchronous: sync });
    await s.init();
    const c = await s.createCustomer({});
    const { conversation } = await s.getOrCreateConversation({
      channelId: 'b',
      channelConversationId: 'b',
      customerId: c.id,
      reference: { channelId: 'b', serviceUrl: 'x', conversation: { id: 'b' } },
    });
    const n = 3000;
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await s.appendMessage({ conversationId: conversation.id, role: 'customer', text: `message ${i}`, activityId: `a${i}` });
    out[`appendsPerSecond_${sync}`] = round(n / (Number(process.hrtime.bigint() - t) / 1e9), 0);
    await s.close();
  }
  const file = path.join(dir, 'history.sqlite');
  const s = new SqliteStore(file, { synchronous: 'normal' });
  await s.init();
  const t0 = Date.now();
  const background = alongside?.();
  const generated = await generateHistory(s, { conversations: 100_000, messages: 1_000_000 });
  out.generated = generated;
  out.generateSeconds = round((Date.now() - t0) / 1000, 1);
  out.generatedAlongsideTraining = !!background;
  await background;
  // The same queries `node dist/bench/storeQueries.js FILE` times on a history made once by `npm run generate`.
  Object.assign(out, await timeStoreQueries(s));
  await s.close();
  out.export = await exportFigures(file, path.join(dir, 'nlu.json'));
  const p = (k: string) => `${(out[k] as { p50: number; p95: number }).p50}/${(out[k] as { p50: number; p95: number }).p95}`;
  rows.push([
    'store appends/s (sync full / normal)',
    `${String(out.appendsPerSecond_full)} / ${String(out.appendsPerSecond_normal)}`,
    'one transaction per append',
  ]);
  rows.push([`generate 100k conversations / ${generated.messages} messages (s)`, String(out.generateSeconds), 'npm run generate']);
  rows.push(['message full-text search at 1M ms p50/p95', p('messageSearch'), 'well under 1000']);
  rows.push(['transcript search, words ms p50/p95', p('transcriptSearchText'), 'well under 1000']);
  rows.push(['transcript search, words + channel + month ms p50/p95', p('transcriptSearchTextAndFilters'), 'well under 1000']);
  rows.push(['transcript search, filters only ms p50/p95', p('transcriptSearchFilters'), 'well under 1000']);
  rows.push(['transcript search, customer name or id ms p50/p95', p('transcriptSearchCustomer'), 'under 100']);
  rows.push(['dashboard, last 30 days ms p50/p95', p('dashboardMonth'), 'well under 1000']);
  rows.push(['dashboard, whole year (100k conv.) ms p50/p95', p('dashboardYear'), 'well under 1000']);
  const e = out.export as Record<string, number>;
  rows.push(['export 100k conversations (1M messages) as CSV: MB, s', `${e.csvMegabytes}, ${e.csvSeconds}`, 'streamed from the real app in a child process']);
  rows.push(['server RSS during the export: peak MB', `${e.peakRssMegabytes}`, `${e.rssBeforeMegabytes} MB before; "a few hundred" max`]);
  results.store = out;
}

/** Streams the whole history out of the real app (a child process) as CSV, then JSON, reading as it arrives. */
async function exportFigures(file: string, modelCache: string): Promise<Record<string, number>> {
  const p = spawn(process.execPath, [path.join(__dirname, 'exportServer.js'), file, modelCache], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffered = '';
  const waiters: (() => void)[] = [];
  p.stdout.on('data', (d) => {
    buffered += String(d);
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const nextLine = async () => {
    while (!lines.length) await new Promise<void>((r) => waiters.push(r));
    return lines.shift()!;
  };
  const [, url, token, before] = (await nextLine()).split(' ');
  const out: Record<string, number> = { rssBeforeMegabytes: round(Number(before) / 2 ** 20, 0) };
  // CSV only: JSON streams through the same pages (measured once by hand: 308 MB in 28 s), and the whole run must stay under 10 minutes.
  for (const format of ['csv']) {
    const t = Date.now();
    const res = await fetch(`${url}/api/transcripts/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    out[`${format}Megabytes`] = round(bytes / 2 ** 20, 0);
    out[`${format}Seconds`] = round((Date.now() - t) / 1000, 1);
  }
  p.stdin.write('stop\n');
  const mem = JSON.parse(await nextLine()) as { peakRssBytes: number; maxRssBytes: number };
  out.peakRssMegabytes = round(mem.peakRssBytes / 2 ** 20, 0);
  out.maxRssMegabytes = round(mem.maxRssBytes / 2 ** 20, 0);
  await new Promise((r) => p.on('exit', r));
  return out;
}
