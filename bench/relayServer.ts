import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import readline from 'node:readline';
import type { App } from '../app/app';
import { appOn } from './benchKit';
import { agents } from './webchatHarness';
import { floorServer } from './relayFloor';
import { traceRelay, type RelayTrace } from './relayTrace';

/**
 * The relay section's server in a process of its own (bench/relayBench.ts): a deployment never has its load generator
 * in the server's process, and in one process the clients' allocations and collections (fetch, 67 agent sockets, the
 * channel) count against the server. Spoken to by lines on stdin, answering one JSON line each:
 *
 *   node relayServer.js app DIR AGENTS [trace] → {url, agents:[{id, token}]}; then `find CHANNEL_CONVERSATION` → {id};
 *                                          with `trace`, `timeline` → {stamps, loop} since the last (bench/relayTrace.ts)
 *   node relayServer.js floor DIR        → {url}: the relay's floor, its baseline (bench/relayFloor.ts): a bare
 *                                          Socket.IO echo, the same acked after a durable write, a bare fdatasync
 *
 * and in both `stats` → {cpuMs, gcCount, gcMs} (this process so far), `profile` (a CPU profile starts) and
 * `profiled FILE` (it is written) → {}, `stop` → exits.
 */
async function main(): Promise<void> {
  const [mode, dir, count, traced] = process.argv.slice(2);
  let app: App | undefined;
  let trace: RelayTrace | undefined;
  let close: () => Promise<void>;
  if (mode === 'app') {
    if (traced === 'trace') trace = traceRelay();
    const started = await appOn(dir, { DATABASE_URL: path.join(dir, `relay-${process.pid}.sqlite`) });
    app = started.app;
    trace?.attach(app);
    const online = await agents(app, Number(count), 3);
    say({ url: started.url, agents: online });
    close = () => started.app.close();
  } else if (mode === 'floor') {
    const floor = await floorServer(dir);
    say({ url: floor.url });
    close = floor.close;
  } else {
    throw new Error(`usage: relayServer.js app DIR AGENTS | floor DIR (not ${mode})`);
  }
  let gcCount = 0;
  let gcMs = 0;
  new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => {
      gcCount++;
      gcMs += e.duration;
    }),
  ).observe({ entryTypes: ['gc'] });
  const inspector = new Session();
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [cmd, arg] = line.split(' ');
    if (cmd === 'find' && app) say({ id: (await app.store.findConversationByChannel('bench', arg))?.id ?? null });
    else if (cmd === 'timeline') say({ stamps: trace?.take() ?? [], loop: trace?.loopDelay() });
    else if (cmd === 'stats') {
      const c = process.cpuUsage();
      say({ cpuMs: (c.user + c.system) / 1000, gcCount, gcMs });
    } else if (cmd === 'profile') {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
      await inspector.post('Profiler.start');
      say({});
    } else if (cmd === 'profiled') {
      const { profile } = await inspector.post('Profiler.stop');
      // The profile's clock (µs, CLOCK_MONOTONIC, as process.hrtime) against the epoch the timelines are stamped on:
      // with --timeline too, each sample falls into a step of its relay.
      const epochMs = performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6;
      fs.writeFileSync(arg, JSON.stringify({ ...profile, epochMs }));
      inspector.disconnect();
      say({});
    } else if (cmd === 'stop') break;
  }
  await close();
  process.exit(0);
}

function say(x: unknown): void {
  process.stdout.write(`${JSON.stringify(x)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
