import { transition } from '../handoff/handoffStatus';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp, trainRecognizer, type App } from '../app/app';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { wallMs } from './benchHttp';

/**
 * The load people bring, on one process, the load generators in child processes (bench/webchatCustomers.ts,
 * bench/agentLoad.ts):
 * - `webchat`: N web chat customers on Direct Line streams (10,000 by default) and M agent sockets (500), every
 *   customer writing once every 30 s into a chat an agent holds: memory per connection, CPU at idle, delivery
 *   customer → agent socket, event-loop delay.
 * - `outside`: 100 customer messages a second (50 customers, two a second each, every fifth 20 KB) into chats held
 *   by nine agents, and a tenth console socket that stops reading while it watches all fifty chats: delivery to the
 *   others, event-loop delay, memory at start and end.
 * Sizes: `--webchat-customers N --webchat-agents M --webchat-seconds S` (the README says what ran).
 */
export interface BenchSink {
  dir: string;
  rows: [string, string, string][];
  results: Record<string, unknown>;
  argv: string[];
}

const log = createLogger('silent');
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))], 1) : NaN);
  return { p50: at(50), p95: at(95), p99: at(99), max: s.length ? round(s[s.length - 1], 1) : NaN, n: s.length };
}

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Heap + external after full collections (what connections keep alive), and RSS. */
async function memory() {
  // External memory (buffers) is released after the collection that finds it dead, not during it: collect again.
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { live: m.heapUsed + m.external, rss: m.rss };
}

/** A child process spoken to by lines on stdin and stdout. */
class Child {
  private readonly p: ChildProcess;
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private exited = false;

  constructor(script: string, args: string[]) {
    this.p = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = '';
    this.p.stdout!.on('data', (d) => {
      buf += String(d);
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      this.waiters.splice(0).forEach((w) => w());
    });
    this.p.on('exit', () => {
      this.exited = true;
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  async line(): Promise<string> {
    while (!this.lines.length) {
      if (this.exited) throw new Error('load generator exited early');
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.lines.shift()!;
  }

  send(line: string): void {
    this.p.stdin!.write(`${line}\n`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.p.once('exit', r));
    this.send('stop');
    await gone;
  }
}

async function startApp(dir: string, name: string): Promise<{ app: App; url: string }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: path.join(dir, `${name}.sqlite`),
    NLU_MODEL_CACHE: path.join(dir, 'nlu.json'),
  });
  const app = await buildApp(config, log, { recognizer: await trainRecognizer(config) });
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  return { app, url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}` };
}

/** Agents straight into the store (no password hashing: nobody signs in) with a session token each. */
async function agents(app: App, n: number, capacity: number, role: 'agent' | 'supervisor' = 'agent'): Promise<{ id: string; token: string }[]> {
  const out: { id: string; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const u = await app.store.createUser({
      email: `${role}${i}-${Date.now()}@bench.local`,
      name: `${role} ${i}`,
      role,
      skills: [],
      languages: ['en'],
      capacity,
      passwordHash: 'none',
      presence: 'online',
    });
    out.push({ id: u.id, token: app.services.auth.tokenFor(await app.services.auth.issue(u.id)) });
  }
  return out;
}

/**
 * Each web chat customer's conversation held by an agent (round robin), written as the bot and a claim would
 * (profile by channel identity, conversation with this channel's serviceUrl), without running a handoff per chat.
 */
async function holdChats(
  app: App,
  url: string,
  sessions: { conversationId: string; userId: string }[],
  held: { id: string }[],
  capacity: number,
): Promise<string[]> {
  const ids: string[] = [];
  const DEFERRED = { deferSync: true } as const;
  for (let i = 0; i < sessions.length; i += 200) {
    const part = sessions.slice(i, i + 200);
    ids.push(
      ...(await Promise.all(
        part.map(async (s, k) => {
          const customer = await app.services.profiles.resolve({ channelId: 'webchat', userId: s.userId, name: 'Bench Customer' }, DEFERRED);
          const reference = {
            channelId: 'webchat',
            serviceUrl: `${url}/webchat/connector`,
            conversation: { id: s.conversationId },
            user: { id: s.userId },
            bot: { id: 'bot' },
          };
          const { conversation } = await app.store.getOrCreateConversation(
            { channelId: 'webchat', channelConversationId: s.conversationId, customerId: customer.id, reference },
            DEFERRED,
          );
          const agent = held[(i + k) % held.length];
          // Through the state machine, like every change of owner: queued, then claimed by its agent.
          const { store, services } = app;
          await transition(store, services.events, { conversationId: conversation.id, to: 'queued', cause: 'escalated', from: ['bot'] });
          const r = await transition(store, services.events, {
            conversationId: conversation.id,
            to: 'agent',
            cause: 'claimed',
            from: ['queued'],
            agent: { id: agent.id, maxActive: capacity },
          });
          if (!r.ok) throw new Error(`bench claim failed: ${r.reason}`);
          return conversation.id;
        }),
      )),
    );
  }
  await app.store.sync();
  return ids;
}

/** CPU (% of one core) and event-loop delay over a quiet window. */
async function idle(ms: number) {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, ms));
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1000;
  eld.disable();
  return { cpuPercent: round(((c.user + c.system) / wall) * 100, 2), eldP99: round(eld.percentile(99) / 1e6), eldMax: round(eld.max / 1e6) };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function webchatAtScale(b: BenchSink): Promise<void> {
  const customers = arg(b.argv, '--webchat-customers', 10_000);
  const agentCount = arg(b.argv, '--webchat-agents', 500);
  const seconds = arg(b.argv, '--webchat-seconds', 30);
  const intervalMs = 30_000;
  process.stdout.write(`\n== ${customers} web chat customers on streams + ${agentCount} agent sockets, one message per customer every 30 s for ${seconds} s\n`);
  const { app, url } = await startApp(b.dir, 'webchat');
  const children: Child[] = [];
  try {
    const base = await idle(3000);
    const sessionsFile = path.join(b.dir, 'webchat-sessions.json');
    const buyers = new Child('webchatCustomers.js', [url, String(customers), String(intervalMs), String(seconds), '0', sessionsFile]);
    children.push(buyers);
    const t0 = Date.now();
    // Memory per connection is the slope between half and all of them, so one-time costs are not spread over it.
    const [, half] = (await buyers.line()).split(' ').map(Number);
    await settle(1000);
    const mem0 = await memory();
    buyers.send('more');
    const [, connected, failed] = (await buyers.line()).split(' ').map(Number);
    const connectSeconds = (Date.now() - t0) / 1000;
    await settle(1000);
    const mem1 = await memory();

    const sessions = JSON.parse(fs.readFileSync(sessionsFile, 'utf8')) as { conversationId: string; userId: string }[];
    const capacity = Math.ceil(sessions.length / agentCount) + 1;
    const held = await agents(app, agentCount, capacity);
    await holdChats(app, url, sessions, held, capacity);
    const specFile = path.join(b.dir, 'webchat-agents.json');
    fs.writeFileSync(specFile, JSON.stringify(held.map((a) => ({ token: a.token }))));
    const staff = new Child('agentLoad.js', [url, specFile]);
    children.push(staff);
    const [, halfAgents] = (await staff.line()).split(' ').map(Number);
    await settle(1000);
    const mem2 = await memory();
    staff.send('more');
    await staff.line();
    await settle(1000);
    const mem3 = await memory();
    const quiet = await idle(10_000);

    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const c0 = process.cpuUsage();
    const w0 = wallMs();
    buyers.send('go');
    const r = JSON.parse(await buyers.line()) as {
      sent: number;
      failures: number;
      post: number[];
      echo: number[];
      unechoed: number;
      closedStreams: number;
      seconds: number;
    };
    await settle(500);
    staff.send('report');
    const a = JSON.parse(await staff.line()) as { latencies: number[] };
    eld.disable();
    const cpu = process.cpuUsage(c0);
    const busyPercent = round(((cpu.user + cpu.system) / ((wallMs() - w0) * 1000)) * 100);
    const delivery = percentiles(a.latencies);
    const out = {
      customers: connected,
      connectFailures: failed,
      agents: agentCount,
      connectSeconds: round(connectSeconds),
      bytesPerCustomer: Math.round((mem1.live - mem0.live) / (connected - half)),
      rssBytesPerCustomer: Math.round((mem1.rss - mem0.rss) / (connected - half)),
      bytesPerAgent: Math.round((mem3.live - mem2.live) / (agentCount - halfAgents)),
      rssBytesPerAgent: Math.round((mem3.rss - mem2.rss) / (agentCount - halfAgents)),
      idleCpuPercent: quiet.cpuPercent,
      idleCpuPercentNoConnections: base.cpuPercent,
      idleEventLoopDelayP99: quiet.eldP99,
      messagesPerSecond: round(r.sent / seconds),
      sent: r.sent,
      failures: r.failures,
      delivered: delivery.n,
      delivery,
      echoOverStream: percentiles(r.echo),
      postAnswer: percentiles(r.post),
      streamsClosed: r.closedStreams,
      eventLoopDelay: { p99: round(eld.percentile(99) / 1e6), max: round(eld.max / 1e6) },
      serverCpuPercentUnderLoad: busyPercent,
      rssMegabytes: round(process.memoryUsage().rss / 2 ** 20, 0),
    };
    b.results.webchat = out;
    const sized = `${connected} customers + ${agentCount} agents`;
    b.rows.push([
      `web chat on streams, ${sized}: memory per customer connection`,
      `${(out.bytesPerCustomer / 1024).toFixed(1)} KB (RSS ${(out.rssBytesPerCustomer / 1024).toFixed(1)} KB)`,
      'target < 20 KB; heap + external after GC',
    ]);
    b.rows.push([
      `  memory per agent socket`,
      `${(out.bytesPerAgent / 1024).toFixed(1)} KB (RSS ${(out.rssBytesPerAgent / 1024).toFixed(1)} KB)`,
      'server heap + external after GC',
    ]);
    b.rows.push([
      `  server CPU at idle, everything connected`,
      `${out.idleCpuPercent} % of a core`,
      `${out.idleCpuPercentNoConnections} % with nothing connected`,
    ]);
    b.rows.push([
      `  delivery customer → agent ms p50/p99 at ${out.messagesPerSecond} msg/s`,
      `${delivery.p50} / ${delivery.p99} (${delivery.n} of ${r.sent}, ${r.failures} failed)`,
      'target p99 < 100',
    ]);
    b.rows.push([
      `  event-loop delay ms p99 (max) under that load`,
      `${out.eventLoopDelay.p99} (${out.eventLoopDelay.max})`,
      `target p99 < 50; idle ${out.idleEventLoopDelayP99}`,
    ]);
    b.rows.push([
      `  customer's own message back on its stream ms p50/p99`,
      `${out.echoOverStream.p50} / ${out.echoOverStream.p99}`,
      `post answered ${out.postAnswer.p50} / ${out.postAnswer.p99}`,
    ]);
  } finally {
    for (const c of children) await c.stop().catch(() => undefined);
    await app.close();
  }
}

export async function outsideLoad(b: BenchSink): Promise<void> {
  const customers = 50;
  const seconds = arg(b.argv, '--outside-seconds', 30);
  process.stdout.write(
    `\n== outside load: ${customers} customers × 2 messages/s (every fifth 20 KB) for ${seconds} s, 9 agents, 1 stalled console socket watching every chat\n`,
  );
  const { app, url } = await startApp(b.dir, 'outside');
  const children: Child[] = [];
  try {
    const sessionsFile = path.join(b.dir, 'outside-sessions.json');
    const buyers = new Child('webchatCustomers.js', [url, String(customers), '500', String(seconds), '5', sessionsFile]);
    children.push(buyers);
    await buyers.line();
    buyers.send('more');
    await buyers.line();
    const sessions = JSON.parse(fs.readFileSync(sessionsFile, 'utf8')) as { conversationId: string; userId: string }[];
    const held = await agents(app, 9, 10);
    const ids = await holdChats(app, url, sessions, held, 10);
    const [watcher] = await agents(app, 1, 0, 'supervisor');
    const specFile = path.join(b.dir, 'outside-agents.json');
    fs.writeFileSync(specFile, JSON.stringify([...held.map((a) => ({ token: a.token })), { token: watcher.token, join: ids, stall: true }]));
    const staff = new Child('agentLoad.js', [url, specFile]);
    children.push(staff);
    await staff.line();
    staff.send('more');
    await staff.line();
    const watcherSocket = [...app.io.sockets.sockets.values()].find((s) => s.data.userId === watcher.id);
    const cut: { at?: number; reason?: string } = {};
    watcherSocket?.once('disconnect', (reason) => Object.assign(cut, { at: wallMs(), reason }));
    const quiet = await idle(3000);
    const start = await memory();
    let peakRss = start.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    buyers.send('go');
    const r = JSON.parse(await buyers.line()) as { sent: number; failures: number; post: number[]; echo: number[]; seconds: number };
    await settle(500);
    staff.send('report');
    const a = JSON.parse(await staff.line()) as { latencies: number[]; stalled: { pausedAt?: number; received: number }[] };
    eld.disable();
    clearInterval(sampler);
    const end = await memory();
    const delivery = percentiles(a.latencies);
    const pausedAt = a.stalled[0]?.pausedAt;
    const out = {
      messagesPerSecond: round(r.sent / seconds),
      sent: r.sent,
      failures: r.failures,
      deliveredToHealthyAgents: delivery.n,
      delivery,
      echoOverStream: percentiles(r.echo),
      eventLoopDelay: { p99: round(eld.percentile(99) / 1e6), max: round(eld.max / 1e6) },
      idleEventLoopDelayP99: quiet.eldP99,
      stalledSocket: {
        cutAfterSeconds: cut.at && pausedAt ? round((cut.at - pausedAt) / 1000) : null,
        reason: cut.reason ?? 'still connected',
        messagesItRead: a.stalled[0]?.received ?? 0,
      },
      memoryMegabytes: {
        liveStart: round(start.live / 2 ** 20),
        liveEnd: round(end.live / 2 ** 20),
        rssStart: round(start.rss / 2 ** 20),
        rssEnd: round(end.rss / 2 ** 20),
        rssPeak: round(peakRss / 2 ** 20),
      },
    };
    b.results.outside = out;
    const m = out.memoryMegabytes;
    b.rows.push([
      `outside load ${out.messagesPerSecond} msg/s, 9 agents + 1 stalled socket: delivery ms p95/p99`,
      `${delivery.p95} / ${delivery.p99} (${delivery.n} of ${r.sent}, ${r.failures} failed)`,
      'target p95 < 100, p99 < 250',
    ]);
    b.rows.push(['  event-loop delay ms p99 (max)', `${out.eventLoopDelay.p99} (${out.eventLoopDelay.max})`, `idle ${out.idleEventLoopDelayP99}`]);
    b.rows.push([
      '  memory MB at start → end (heap + external; RSS, peak)',
      `${m.liveStart} → ${m.liveEnd}; ${m.rssStart} → ${m.rssEnd}, peak ${m.rssPeak}`,
      'target flat',
    ]);
    b.rows.push([
      '  the stalled socket',
      out.stalledSocket.cutAfterSeconds !== null
        ? `cut after ${out.stalledSocket.cutAfterSeconds} s (${out.stalledSocket.reason})`
        : 'still connected at the end',
      'before: dropped only by the ping timeout (45 s)',
    ]);
  } finally {
    for (const c of children) await c.stop().catch(() => undefined);
    await app.close();
  }
}
