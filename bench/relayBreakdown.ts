import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, trainRecognizer } from '../app/app';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import type { Recognizer } from '../nlu/recognizer';
import type { Store } from '../store/store';
import { SqliteStore } from '../store/sqliteStore';
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { positiveNumber } from '../core/cliArgs';
import { agentsOnline, channelPost, type BenchSink } from './benchKit';

/**
 * `npm run bench` section "relayparts": where the time of a customer → agent relay goes, with 200 chats held by
 * agents. The store, the recognizer, the handoff events and the server's sockets are wrapped here (nothing in the
 * product is instrumented): each customer message is sent alone and every step is stamped on one clock.
 */
const HELD = 200;
/** Messages per held chat (the bench's default; alone, `--rounds N` for more samples). */
const ROUNDS = 2;

type Stamp = { name: string; at: number; ms?: number };

export async function relayBreakdown({ dir, rows, results }: Pick<BenchSink, 'dir' | 'rows' | 'results'>, rounds = ROUNDS, profile?: string): Promise<void> {
  process.stdout.write('\n== relay customer → agent, step by step\n');
  const now = () => performance.now();
  const r2 = (n: number) => Math.round(n * 100) / 100;
  let trace: Stamp[] | undefined;
  const stamp = (name: string, at = now(), ms?: number) => trace?.push({ name, at, ms });

  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: path.join(dir, 'relayparts.sqlite'),
    NLU_MODEL_CACHE: path.join(dir, 'nlu.json'),
    RATE_LIMIT_CONVERSATION_MESSAGES: '1000000/1',
    RATE_LIMIT_IP_MESSAGES: '1000000/1',
    RATE_LIMIT_IP_HANDSHAKES: '1000000/1',
  });
  const store = timed(new SqliteStore(path.join(dir, 'relayparts.sqlite'), { synchronous: 'full' }), (name, at, ms) => stamp(`store.${name}`, at, ms));
  const trained = await trainRecognizer(config);
  const recognizer: Recognizer = {
    languages: trained.languages,
    async recognize(text, hint) {
      const at = now();
      const r = await trained.recognize(text, hint);
      stamp('recognize', at, now() - at);
      return r;
    },
  };
  const app = await buildApp(config, createLogger('silent'), { store, recognizer });
  app.httpServer.prependListener('request', () => stamp('http.request'));
  app.services.events.on('message.created', () => stamp('event.message.created'));
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  // A local channel that takes what the bot and the agents send to the customers.
  const channel = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"x"}');
    });
  });
  await new Promise<void>((r) => channel.listen(0, '127.0.0.1', r));
  const channelUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}`;

  const progress = (what: string) => process.stdout.write(`  ${what}\n`);
  progress('app up');
  const agents = await agentsOnline(app, url, Math.ceil(HELD / 3), 'parts');
  progress(`${agents.length} agents online`);
  // The server side of each agent socket: the moment the gateway hands message:new to it.
  for (const s of app.io.of('/').sockets.values()) {
    const emit = s.emit.bind(s) as (ev: string, ...args: unknown[]) => boolean;
    (s as unknown as { emit: typeof emit }).emit = (ev, ...args) => {
      if (ev === 'message:new') stamp('socket.emit');
      return emit(ev, ...args);
    };
  }
  const post = channelPost(url, channelUrl);
  const held: { conv: string; id: string; agent: (typeof agents)[number] }[] = [];
  for (let i = 0; i < HELD; i++) {
    const conv = `parts-${i}`;
    await post(conv, 'talk to a human');
    const c = await app.store.findConversationByChannel('bench', conv);
    const agent = agents[i % agents.length];
    const r = (await agent.socket.emitWithAck('conversation:claim', { conversationId: c!.id })) as { ok: boolean };
    if (!r.ok) throw new Error('claim failed');
    held.push({ conv, id: c!.id, agent });
  }

  progress(`${held.length} chats held`);
  // Collections, on the same clock: each relay is charged the pauses that fell inside it.
  const pauses: { at: number; ms: number }[] = [];
  const gcs = new PerformanceObserver((list) => list.getEntries().forEach((e) => pauses.push({ at: e.startTime, ms: e.duration })));
  gcs.observe({ entryTypes: ['gc'] });
  const traces: Stamp[][] = [];
  // A CPU profile of the measured relays only (not the start-up, the training or the set-up of the held chats).
  const inspector = profile ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const h of held) {
        const text = `status please ${round}`;
        trace = [];
        const t: Stamp[] = trace;
        const seen = new Promise<void>((resolve) => {
          const fn = (p: { conversationId: string; message: { text: string } }) => {
            if (p.conversationId !== h.id || p.message.text !== text) return;
            t.push({ name: 'client.received', at: now() });
            h.agent.socket.off('message:new', fn);
            resolve();
          };
          h.agent.socket.on('message:new', fn);
        });
        t.push({ name: 'client.post', at: now() });
        const answered = post(h.conv, text).then(() => void t.push({ name: 'http.answered', at: now() }));
        await Promise.all([seen, answered]);
        trace = undefined;
        traces.push(t);
      }
    }
  } finally {
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`  CPU of this process per relayed message: ${r2((cpu.user + cpu.system) / 1000 / Math.max(1, traces.length))} ms\n`);
    if (inspector) {
      const { profile: taken } = await inspector.post('Profiler.stop');
      fs.writeFileSync(profile!, JSON.stringify(taken));
      inspector.disconnect();
    }
    gcs.disconnect();
    agents.forEach((a) => a.socket.disconnect());
    await app.close();
    channel.close();
  }

  // Each step: the time from the previous stamp on the way to the agent's socket; store calls by name.
  const segments = new Map<string, number[]>();
  const add = (k: string, v: number) => segments.set(k, [...(segments.get(k) ?? []), v]);
  for (const t of traces) {
    const at = (name: string) => t.find((s) => s.name === name)?.at;
    const post0 = at('client.post')!;
    const chain = ['client.post', 'http.request', 'event.message.created', 'socket.emit', 'client.received'];
    for (let i = 1; i < chain.length; i++) {
      const a = at(chain[i - 1]);
      const b = at(chain[i]);
      if (a !== undefined && b !== undefined) add(`${chain[i - 1]} → ${chain[i]}`, b - a);
    }
    add('total: client.post → client.received', at('client.received')! - post0);
    add(
      '  garbage collection inside it',
      pauses.filter((g) => g.at >= post0 && g.at < at('client.received')!).reduce((sum, g) => sum + g.ms, 0),
    );
    const created = at('event.message.created') ?? Infinity;
    // What ran inside the turn before the relay, by kind (durations; recognize and store calls do not overlap).
    for (const s of t) if (s.ms !== undefined && s.at < created) add(`  before relay: ${s.name}`, s.ms);
    for (const s of t) if (s.ms !== undefined && s.at >= created && at('client.received')! > s.at) add(`  between relay and receipt: ${s.name}`, s.ms);
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  const table: Record<string, { n: number; p50: number; p99: number }> = {};
  for (const [k, xs] of segments) {
    table[k] = { n: xs.length, p50: r2(pct(xs, 50)), p99: r2(pct(xs, 99)) };
    process.stdout.write(`${k.padEnd(60)} n=${String(xs.length).padStart(4)} p50 ${r2(pct(xs, 50))} ms  p99 ${r2(pct(xs, 99))} ms\n`);
  }
  const total = table['total: client.post → client.received'];
  rows.push(['relay customer → agent, instrumented run, ms p50/p99', `${total.p50}/${total.p99}`, 'step by step in results.relayBreakdown']);
  results.relayBreakdown = table;
}

/** The store with every async call stamped (name, start, duration) on the caller's clock. */
function timed(store: Store, record: (name: string, at: number, ms: number) => void): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        const at = performance.now();
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (out instanceof Promise) return out.finally(() => record(prop, at, performance.now() - at));
        return out;
      };
    },
  });
}

/**
 * Alone: `node dist/bench/relayBreakdown.js [--model-cache FILE] [--rounds N] [--profile FILE.cpuprofile]` (a trained
 * model to start from, else it trains; N messages per held chat; a CPU profile of the measured relays only).
 */
if (require.main === module) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-relayparts-'));
  const { values } = parseArgs({
    options: { 'model-cache': { type: 'string' }, rounds: { type: 'string' }, profile: { type: 'string' } },
    strict: true,
  });
  if (values['model-cache']) fs.copyFileSync(values['model-cache'], path.join(dir, 'nlu.json'));
  const rows: [string, string, string][] = [];
  const results: Record<string, unknown> = {};
  relayBreakdown({ dir, rows, results }, positiveNumber('rounds', values.rounds, ROUNDS), values.profile)
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    })
    .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}
