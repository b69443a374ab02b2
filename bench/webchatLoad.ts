import fs from 'node:fs';
import path from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { wallMs } from './benchHttp';
import type { BenchSink } from './benchKit';
import { startCpuProfile } from './cpuProfile';
import { agents, Child, holdChats, idle, memory, percentiles, round, settle, startApp } from './webchatHarness';

/**
 * The load people bring, on one process, the load generators in child processes (bench/webchatCustomers.ts,
 * bench/agentLoad.ts):
 * - `webchat`: N web chat customers on Direct Line streams (10,000 by default) and M agent sockets (500), every
 *   customer writing once every 30 s into a chat an agent holds and has greeted: memory per connection, CPU at idle,
 *   delivery customer → agent socket, event-loop delay.
 * - `outside`: 100 customer messages a second (50 customers, two a second each, every fifth 20 KB) into chats held
 *   by nine agents, and a tenth console socket that stops reading while it watches all fifty chats: delivery to the
 *   others, event-loop delay, memory at start and end.
 * Sizes: `--webchat-customers N --webchat-agents M --webchat-seconds S --outside-seconds S` (bench/benchArgs.ts; the README says what ran).
 */

/** The agents' greetings before the web chat load, a second: 10,000 take 40 s (the whole bench stays under 10 minutes). */
const GREETINGS_PER_SECOND = 250;

export async function webchatAtScale(b: BenchSink): Promise<void> {
  const customers = b.options.webchatCustomers;
  const agentCount = b.options.webchatAgents;
  const seconds = b.options.webchatSeconds;
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
    const chats = await holdChats(app, url, sessions, held, capacity);
    const specFile = path.join(b.dir, 'webchat-agents.json');
    // holdChats gives chat i to agent i mod M: each agent greets its own.
    fs.writeFileSync(specFile, JSON.stringify(held.map((a, k) => ({ token: a.token, greet: chats.filter((_, i) => i % held.length === k) }))));
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

    // Real agents greet a chat when they take it: each agent answers each of its chats once, through the console's
    // message:send, so the load meets chats whose agent answered recently, as in real use. Without it every chat
    // was assigned more than AGENT_REPLY_TIMEOUT_SECONDS (120 s) before the load and nobody had answered, so each
    // customer message also brought a holding notice (a second stored message, commit and two pushes): the section
    // measured a chat nobody serves. Paced (GREETINGS_PER_SECOND), so 10,000 greetings stay a cheap setup.
    const g0 = Date.now();
    staff.send(`greet ${GREETINGS_PER_SECOND}`);
    const [, greeted, greetFailures] = (await staff.line()).split(' ').map(Number);
    const greetSeconds = (Date.now() - g0) / 1000;
    await settle(1000);

    // What the server wrote besides the customers' messages: a chat whose agent has not answered for
    // AGENT_REPLY_TIMEOUT_SECONDS gets a holding notice with the customer's next message, a second write and push.
    // After the greetings, none should fall in the window.
    let notices = 0;
    const unsubscribe = app.services.events.on('message.created', ({ message }) => void (message.data?.notice === 'agentStillThere' && notices++));
    const profiling = b.options.webchatCpuProf ? await startCpuProfile() : undefined;
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    // Collector pauses during the load: a long one holds every message in flight, which is what a p99 is made of.
    const pauses: { ms: number; major: boolean }[] = [];
    const gcs = new PerformanceObserver((list) =>
      list
        .getEntries()
        .forEach((e: PerformanceEntry & { detail?: { kind?: number } }) =>
          pauses.push({ ms: e.duration, major: e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR }),
        ),
    );
    gcs.observe({ entryTypes: ['gc'] });
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
    gcs.disconnect();
    unsubscribe();
    const cpu = process.cpuUsage(c0);
    const busyPercent = round(((cpu.user + cpu.system) / ((wallMs() - w0) * 1000)) * 100);
    if (profiling)
      process.stdout.write(`server CPU profile of the load: ${await profiling(path.join(b.options.webchatCpuProf!, `webchat-${Date.now()}.cpuprofile`))}\n`);
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
      // What each customer message costs the server (its turn, the notice, the pushes), whatever the machine's load.
      serverCpuMsPerMessage: round((cpu.user + cpu.system) / 1000 / Math.max(1, r.sent), 2),
      // Of it, the kernel's share: on loopback a socket write also runs the receiver's side of TCP.
      serverSystemCpuMsPerMessage: round(cpu.system / 1000 / Math.max(1, r.sent), 2),
      greetings: { sent: greeted, failures: greetFailures, seconds: round(greetSeconds) },
      gcPauses: {
        count: pauses.length,
        totalMs: round(pauses.reduce((a, p) => a + p.ms, 0)),
        maxMs: round(Math.max(0, ...pauses.map((p) => p.ms))),
        major: pauses.filter((p) => p.major).length,
        majorMaxMs: round(Math.max(0, ...pauses.filter((p) => p.major).map((p) => p.ms))),
      },
      holdingNoticesDuringLoad: notices,
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
      `  server CPU per customer message under that load`,
      `${out.serverCpuMsPerMessage} ms (${out.serverSystemCpuMsPerMessage} in the kernel)`,
      `busy ${busyPercent} % of a core; ${notices} holding notices written meanwhile (${greeted} greetings before, ${greetFailures} failed)`,
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
  const seconds = b.options.outsideSeconds;
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
