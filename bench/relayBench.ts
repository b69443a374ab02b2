import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io as ioClient, type Socket } from 'socket.io-client';
import { positiveNumber, runCli, UsageError } from '../core/cliArgs';
import { channelActivity, channelPost, listen, median, round, section, summary, type BenchSink } from './benchKit';
import { Child } from './webchatHarness';
import { printTimelines, timelines, type ClientRelay, type RelayTimeline } from './relayTimeline';
import { above, Floor, floorSummary, pcts, type FloorSample } from './relayFloor';
import type { Stamp } from './relayTrace';

/**
 * `npm run bench` section "relay": 200 conversations held by 67 agents, customer → agent socket and agent → channel
 * callback, beside a bare Socket.IO round trip. The app and the bare Socket.IO server each run in a process of their
 * own (bench/relayServer.ts), the clients (fetch as the channel, the agents' sockets, the channel's callback server)
 * in this one: both figures are measured the same way, and the server's process carries only the server's work.
 */
const HELD = 200;
const AGENTS = 67;
/**
 * One customer message per held chat per round: 5 rounds, 1,000 relays, each followed by one sample of its floor
 * (2 rounds, 400, until 2026-11-30 night: a p99 of 400 samples is the 4th-worst one, and moved by a single slow
 * fdatasync; of 1,000 it is the 10th-worst). The relay and its floor get the same count, and so does the run with several
 * customers at once: an estimated 4–6 s more per section on a quiet machine.
 */
const ROUNDS = 5;
/** Customers' messages in flight at once in the section's second run (each on a chat of its own). */
const IN_FLIGHT = 4;
/** Relays sent before measuring (JIT, the recognizer's first entity extraction), not counted. */
const WARM_UP = 20;

/**
 * How the channel posts a customer's activity: `http` (default), node's own HTTP client on a kept-alive connection, as
 * cheap as the floor's Socket.IO client; `fetch`, the client this section used until 2026-11-30 (undici: on this
 * machine about 0.35 ms more per request at p50 and a tail of its own, spent in the bench's process, not the server's).
 */
export type ChannelClient = 'http' | 'fetch';

/** Posts one customer activity to the app's /api/messages and resolves once answered (rejects on a status not 2xx). */
function channelPoster(url: string, channelUrl: string, client: ChannelClient): { post: (conv: string, text: string) => Promise<unknown>; close: () => void } {
  if (client === 'fetch') return { post: channelPost(url, channelUrl), close: () => undefined };
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL('/api/messages', url);
  const post = (conv: string, text: string) =>
    new Promise<void>((resolve, reject) => {
      const body = channelActivity(channelUrl, conv, text);
      const req = http.request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`POST /api/messages answered ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

interface Stats {
  cpuMs: number;
  gcCount: number;
  gcMs: number;
}

export interface RelayRun {
  customerToAgent: number[];
  agentToChannel: number[];
  /** The server process's CPU and collections per customer message relayed (the measured passes only). */
  serverCpuMsPerRelay: number;
  serverGcPerRelay: number;
  serverGcMsPerRelay: number;
  /** With `timeline`: each measured relay's steps (bench/relayTimeline.ts) and the event loop's delay per round. */
  timelines?: RelayTimeline[];
  loopDelay?: { p99: number; max: number }[];
  /** With a floor: its samples, one after each measured relay. */
  floor?: FloorSample[];
}

async function command<T>(server: Child, line: string): Promise<T> {
  server.send(line);
  return JSON.parse(await server.line()) as T;
}

const stats = (server: Child) => command<Stats>(server, 'stats');

/** The app in its own process (`script`, built from any checkout: side-by-side runs of two builds), 200 held chats. */
export interface RelayOptions {
  /** A CPU profile of the server's first round of relays, into this file. */
  profile?: string;
  /** Each relay's steps on the server (bench/relayTrace.ts); one relay at a time only. */
  timeline?: boolean;
  /** Customers' messages in flight at once, each on a chat of its own (default 1: one after the other). */
  inFlight?: number;
  /** Sampled after each measured relay (in flight 1 only): the floor under the same disk and load (relayFloor.ts). */
  floor?: Floor;
  /** The channel's HTTP client (default http). */
  client?: ChannelClient;
}

export async function relayRun(
  dir: string,
  script = 'relayServer.js',
  { profile, timeline = false, inFlight = 1, floor, client = 'http' }: RelayOptions = {},
): Promise<RelayRun> {
  if ((timeline || floor) && inFlight > 1) throw new Error('a timeline and the floor are read one relay at a time (in flight 1)');
  // A local channel that receives what the connector sends to serviceUrl.
  const waiting = new Map<string, (t: bigint) => void>();
  const channel = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const a = JSON.parse(body || '{}') as { text?: string };
      waiting.get(String(a.text))?.(process.hrtime.bigint());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"x"}');
    });
  });
  const channelUrl = await listen(channel);
  const server = new Child(script, ['app', dir, String(AGENTS), ...(timeline ? ['trace'] : [])]);
  const sockets: Socket[] = [];
  let closeChannel = () => undefined as void;
  try {
    const { url, agents } = JSON.parse(await server.line()) as { url: string; agents: { id: string; token: string }[] };
    for (const a of agents) {
      const socket = ioClient(url, { auth: { token: a.token }, transports: ['websocket'] });
      await new Promise<void>((r) => socket.once('connect', () => r()));
      await socket.emitWithAck('presence:set', { presence: 'online' });
      sockets.push(socket);
    }
    const poster = channelPoster(url, channelUrl, client);
    closeChannel = poster.close;
    const post = poster.post;
    const held: { conv: string; id: string; socket: Socket }[] = [];
    for (let i = 0; i < HELD; i++) {
      const conv = `relay-${i}`;
      await post(conv, 'talk to a human');
      server.send(`find ${conv}`);
      const { id } = JSON.parse(await server.line()) as { id: string | null };
      if (!id) throw new Error(`no conversation for ${conv}`);
      const socket = sockets[i % sockets.length];
      const r = (await socket.emitWithAck('conversation:claim', { conversationId: id })) as { ok: boolean; error?: unknown };
      if (!r.ok) throw new Error(`claim failed: ${JSON.stringify(r.error)}`);
      held.push({ conv, id, socket });
    }
    const clock = () => performance.timeOrigin + performance.now();
    const clientRelays: ClientRelay[] = [];
    const traced: RelayTimeline[] = [];
    const loopDelay: { p99: number; max: number }[] = [];
    const relay = async (h: (typeof held)[number], text: string): Promise<number> => {
      const sent = clock();
      const t = process.hrtime.bigint();
      const seen = new Promise<bigint>((resolve) => {
        const fn = (p: { conversationId: string; message: { text: string } }) => {
          if (p.conversationId === h.id && p.message.text === text) {
            h.socket.off('message:new', fn);
            resolve(process.hrtime.bigint());
          }
        };
        h.socket.on('message:new', fn);
      });
      await post(h.conv, text);
      const at = await seen;
      clientRelays.push({ sent, seen: sent + Number(at - t) / 1e6 });
      return Number(at - t) / 1e6;
    };
    for (const h of held.slice(0, WARM_UP)) await relay(h, 'status please 9');
    if (timeline) await command(server, 'timeline');
    clientRelays.length = 0;
    const inbound: number[] = [];
    const outbound: number[] = [];
    const floorSamples: FloorSample[] = [];
    const cpu = { ms: 0, gc: 0, gcMs: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      // The profile: the first round's customer messages only.
      if (profile && r === 0) await command(server, 'profile');
      const s0 = await stats(server);
      // `inFlight` customers at once, each taking the next chat when its message reached the agent.
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < held.length) {
            inbound.push(await relay(held[next++], `status please ${r}`));
            // Between relays, never during one; a process of its own, so the server's CPU figures leave it out.
            if (floor) floorSamples.push(await floor.take());
          }
        }),
      );
      const s1 = await stats(server);
      if (timeline) {
        const { stamps, loop } = await command<{ stamps: Stamp[]; loop: { p99: number; max: number } }>(server, 'timeline');
        traced.push(...timelines(clientRelays.splice(0), stamps));
        loopDelay.push(loop);
      }
      if (profile && r === 0) await command(server, `profiled ${profile}`);
      cpu.ms += s1.cpuMs - s0.cpuMs;
      cpu.gc += s1.gcCount - s0.gcCount;
      cpu.gcMs += s1.gcMs - s0.gcMs;
      for (const h of held) {
        const reply = `reply ${h.conv} ${r}`;
        const delivered = new Promise<bigint>((resolve) => waiting.set(reply, resolve));
        const t = process.hrtime.bigint();
        await h.socket.emitWithAck('message:send', { conversationId: h.id, text: reply, clientMessageId: `${h.conv}-${r}` });
        outbound.push(Number((await delivered) - t) / 1e6);
      }
    }
    const n = inbound.length;
    return {
      customerToAgent: inbound,
      agentToChannel: outbound,
      serverCpuMsPerRelay: round(cpu.ms / n, 3),
      serverGcPerRelay: round(cpu.gc / n, 3),
      serverGcMsPerRelay: round(cpu.gcMs / n, 3),
      ...(timeline ? { timelines: traced, loopDelay } : {}),
      ...(floor ? { floor: floorSamples } : {}),
    };
  } finally {
    sockets.forEach((s) => s.disconnect());
    closeChannel();
    await server.stop();
    channel.close();
  }
}

export async function relayLatency({ dir, rows, results }: BenchSink): Promise<void> {
  section('handoff relay, 200 conversations held by agents (server in its own process)');
  const floor = await Floor.start(dir);
  let run: RelayRun;
  try {
    run = await relayRun(dir, 'relayServer.js', { floor });
  } finally {
    await floor.stop();
  }
  // Customers write independently: several messages whose commits and fsyncs overlap (the group commit's MAX_SYNCS).
  const together = await relayRun(dir, 'relayServer.js', { inFlight: IN_FLIGHT });
  const base = floorSummary(run.floor ?? []);
  const customerToAgent = summary(run.customerToAgent);
  const r = {
    customerToAgentInFlight: { inFlight: IN_FLIGHT, ...summary(together.customerToAgent) },
    customerToAgent,
    agentToChannel: summary(run.agentToChannel),
    // Sampled after each relay of the one-at-a-time run (bench/relayFloor.ts).
    bareSocketIoRoundTrip: base.rtt,
    roundTripPlusDurableWrite: base.durable,
    fdatasync: base.fsync,
    /** What the product takes above the floor (round trip + durable write), percentile by percentile. */
    aboveFloor: above(customerToAgent, base.durable),
    serverCpuMsPerRelay: run.serverCpuMsPerRelay,
    serverGcPerRelay: run.serverGcPerRelay,
    serverGcMsPerRelay: run.serverGcMsPerRelay,
  };
  rows.push([
    'relay customer → agent socket ms p50/p95/p99',
    pcts(r.customerToAgent),
    `floor: bare Socket.IO RTT + durable write ${pcts(r.roundTripPlusDurableWrite)}; bare RTT ${pcts(r.bareSocketIoRoundTrip)}`,
  ]);
  rows.push(['relay floor: bare fdatasync of a small append ms p50/p95/p99', pcts(r.fdatasync), 'same disk, sampled between the relays']);
  rows.push(['relay above its floor ms p50/p95/p99', pcts(r.aboveFloor), 'relay − (RTT + durable write), percentile by percentile']);
  rows.push([`relay customer → agent socket ms p50/p95/p99, ${IN_FLIGHT} customers at once`, pcts(r.customerToAgentInFlight), 'same floor']);
  rows.push(['relay server CPU ms per customer message', String(r.serverCpuMsPerRelay), `GC ${r.serverGcMsPerRelay} ms per message`]);
  rows.push(['relay agent → channel callback ms p50/p99', `${r.agentToChannel.p50}/${r.agentToChannel.p99}`, 'same baseline']);
  results.relay = r;
}

const USAGE = `usage: node dist/bench/relayBench.js [--model-cache FILE] [--servers A.js,B.js] [--channel http,fetch] [--rounds N] [--profile DIR] [--timeline FILE] [--in-flight N]
  (after npm run build) the "relay" section of npm run bench alone. --model-cache: a trained model to start from
  (else it trains); --servers: relayServer.js of several builds, run in alternating rounds (default this build's);
  --channel: the channel's HTTP client, http (default: node's, kept alive) or fetch (undici, used before 2026-11-30),
  several alternate with the servers;
  --rounds: rounds per build (default 1); --profile: a CPU profile of each server's first round of relays, into DIR;
  --timeline: each relay's steps on the server (bench/relayTrace.ts), their percentiles and the slowest relays printed
  per build, all timelines written to FILE as JSON (a previous build needs this build's bench/relayServer.js and
  bench/relayTrace.js copied into its dist); --in-flight: customers' messages in flight at once (default 1), each on
  a chat of its own. One at a time, each relay is followed by a sample of its floor (bench/relayFloor.ts: a bare
  Socket.IO round trip, the same acked after a durable write through the store's group commit, a bare fdatasync),
  printed beside each build
`;

/**
 * Alone (USAGE). With several server scripts (each a relayServer.js of one build), runs them in alternating rounds
 * (A, B, A, B…), fresh servers each round, and prints each build's pooled percentiles and its median server CPU per
 * relayed message: two builds compared under the same machine load.
 */
if (require.main === module) {
  runCli('relayBench', USAGE, async () => {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        'model-cache': { type: 'string' },
        servers: { type: 'string' },
        rounds: { type: 'string' },
        profile: { type: 'string' },
        timeline: { type: 'string' },
        'in-flight': { type: 'string' },
        channel: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const rounds = positiveNumber('rounds', values.rounds, 1);
    const inFlight = positiveNumber('in-flight', values['in-flight'], 1);
    const scripts = values.servers ? values.servers.split(',').map((s) => path.resolve(s)) : [path.join(__dirname, 'relayServer.js')];
    const clients = (values.channel ?? 'http').split(',');
    for (const c of clients) if (c !== 'http' && c !== 'fetch') throw new UsageError(`--channel: http or fetch, not ${c}`);
    // Each server with each channel client, in alternating rounds; named by the script, and the client when several.
    const servers = scripts.flatMap((script) => clients.map((client) => ({ script, client: client as ChannelClient })));
    const label = (s: (typeof servers)[number]) => (clients.length > 1 ? `${s.script} [${s.client}]` : s.script);
    // The servers write their profiles into it, and a missing folder failed the run only after its first round.
    if (values.profile) fs.mkdirSync(values.profile, { recursive: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-relay-'));
    try {
      if (values['model-cache']) fs.copyFileSync(values['model-cache'], path.join(dir, 'nlu.json'));
      const runs = new Map<string, RelayRun[]>(servers.map((s) => [label(s), []]));
      // One floor (this build's) for every build, sampled between their relays: each build beside the floor it met.
      const floor = inFlight === 1 ? await Floor.start(dir) : undefined;
      try {
        for (let i = 0; i < rounds; i++) {
          for (const s of servers) {
            const profile = values.profile && path.resolve(values.profile, `relay-${servers.indexOf(s)}-${i + 1}.cpuprofile`);
            const run = await relayRun(dir, s.script, { profile, timeline: Boolean(values.timeline), inFlight, floor, client: s.client });
            runs.get(label(s))!.push(run);
            const x = summary(run.customerToAgent);
            const f = run.floor && floorSummary(run.floor);
            process.stdout.write(
              `round ${i + 1} ${label(s)}: p50/p95/p99 ${pcts(x)} ms${f ? ` (floor ${pcts(f.durable)})` : ''}, server CPU ${run.serverCpuMsPerRelay} ms/msg, GC ${run.serverGcMsPerRelay} ms/msg\n`,
            );
          }
        }
      } finally {
        await floor?.stop();
      }
      for (const [s, rs] of runs) {
        const x = summary(rs.flatMap((r) => r.customerToAgent));
        const cpu = median(rs.map((r) => r.serverCpuMsPerRelay));
        const gc = median(rs.map((r) => r.serverGcMsPerRelay));
        process.stdout.write(`${s}: pooled p50/p95/p99 ${pcts(x)} ms (n ${x.n}), median server CPU ${cpu} ms/msg, GC ${gc} ms/msg\n`);
        if (floor) {
          const f = floorSummary(rs.flatMap((r) => r.floor ?? []));
          process.stdout.write(
            `  floor p50/p95/p99 ms: RTT + durable write ${pcts(f.durable)}, bare RTT ${pcts(f.rtt)}, fdatasync ${pcts(f.fsync)}; relay above the floor ${pcts(above(x, f.durable))}\n`,
          );
        }
        if (values.timeline) {
          process.stdout.write(
            `  event loop delay p99/max per round ms: ${rs
              .flatMap((r) => r.loopDelay ?? [])
              .map((l) => `${round(l.p99, 2)}/${round(l.max, 2)}`)
              .join(' ')}\n`,
          );
          printTimelines(
            rs.flatMap((r) => r.timelines ?? []),
            (line) => process.stdout.write(`  ${line}\n`),
          );
        }
      }
      if (values.timeline)
        fs.writeFileSync(values.timeline, JSON.stringify(Object.fromEntries([...runs].map(([s, rs]) => [s, rs.flatMap((r) => r.timelines ?? [])]))));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return 0;
  });
}
