import { execFile } from 'node:child_process';
import { SECTIONS, type Section } from './benchArgs';
import { round, type BenchSink } from './benchKit';
import { botThroughput } from './botBench';
import { connections } from './connectionsBench';
import { consolePush } from './consolePush';
import { multiInstance } from './multiInstance';
import { recognizer, sentiment, startNluChild, type NluChild } from './recognizerBench';
import { relayLatency } from './relayBench';
import { storeRoundTrips } from './roundTrips';
import { storeFigures } from './storeBench';
import { outsideLoad, webchatAtScale } from './webchatLoad';

/**
 * The sections of `npm run bench` and the order they run in (SECTIONS). The recognizer trains (about 2.5 minutes
 * on one core) while the store section generates its history on the other: the run stays well under 10 minutes,
 * and neither times anything while the other works; so "store" starts the "nlu" child and "nlu" only collects.
 */
export async function runSections(b: BenchSink): Promise<Record<Section, number>> {
  const want = (name: Section) => !b.options.only || b.options.only.has(name);
  const nluWanted = want('nlu') && !b.options.skipNlu;
  let nlu: NluChild | undefined;
  const startNlu = () => (nlu = startNluChild(b.options.data)).ready;
  const run: Record<Section, () => Promise<void>> = {
    bot: () => botThroughput(b),
    trips: () => storeRoundTrips(b),
    relay: () => relayLatency(b),
    store: () => storeFigures(b, nluWanted ? startNlu : undefined),
    connections: () => connections(b),
    webchat: () => webchatAtScale(b),
    outside: () => outsideLoad(b),
    console: () => consolePush(b),
    multi: () => multiInstance(b),
    sentiment: () => sentiment(b),
    nlu: () => recognizer(b, nlu ?? startNluChild(b.options.data)),
  };
  // Seconds per section, so the 10-minute budget can be read from the result.
  const seconds = {} as Record<Section, number>;
  const flushed: Partial<Record<Section, number | null>> = {};
  for (const name of SECTIONS) {
    if (name === 'nlu' && !nluWanted) {
      process.stdout.write('\nrecognizer SKIPPED\n');
      continue;
    }
    if (!want(name)) continue;
    flushed[name] = await flushDisk(name);
    const t = Date.now();
    await run[name]();
    seconds[name] = round((Date.now() - t) / 1000, 1);
  }
  b.results.diskFlushSeconds = flushed;
  return seconds;
}

/**
 * Every section starts from a flushed disk: the store section writes and indexes a million
 * messages, and the kernel wrote its dirty pages back while the next section measured (the web chat section's
 * delivery p99 was 285 ms in a full run, 39 ms alone). `sync` waits for that write-back; its time is printed and
 * kept in the result (diskFlushSeconds), null where it could not run.
 */
async function flushDisk(next: Section): Promise<number | null> {
  const t = Date.now();
  const ok = await new Promise<boolean>((resolve) => execFile('sync', (err) => resolve(!err)));
  const s = round((Date.now() - t) / 1000, 2);
  process.stdout.write(ok ? `\n(disk flushed before ${next}: sync took ${s} s)\n` : `\n(disk NOT flushed before ${next}: sync failed)\n`);
  return ok ? s : null;
}
