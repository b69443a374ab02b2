import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config';
import { trainRecognizer } from '../app/app';
import type { BenchSink } from './benchKit';

/**
 * `npm run bench` section "multi": the bot pipeline's turns per second with one instance and with two instances
 * (real app processes on one embedded store file, REDIS_URL set, a real redis-server) behind a small round-robin
 * HTTP proxy in this process, measured in the same run in alternating rounds so a phase of the shared machine
 * weighs on both alike. Both instances run throughout; "one" sends everything to the first.
 */
const REDIS_SERVER = '/usr/bin/redis-server';
const ROUNDS = 4;
const CONCURRENCY = 50;
const TURNS = 600;
interface Run {
  turns: number;
  seconds: number;
  failures: number;
  latencies: number[];
}
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** dist/app/main.js in a child process; resolves with its URL once it listens. */
async function startInstance(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', path.join(__dirname, '..', 'app', 'main.js')], {
    env: { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        const m = /"port":(\d+)/.exec(line);
        if (m && line.includes('listening')) {
          child.stdout.off('data', onData);
          // From now on only errors are shown (a failed turn says why); the rest of its log is drained.
          let rest = '';
          child.stdout.on('data', (more: Buffer) => {
            rest += more.toString();
            const lines = rest.split('\n');
            rest = lines.pop() ?? '';
            for (const l of lines) if (/"level":(5\d|60)/.test(l)) process.stderr.write(`instance: ${l.slice(0, 800)}\n`);
          });
          return resolve(Number(m[1]));
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`instance exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Round robin over `targets`, keep-alive to each, bodies streamed through. */
function proxy(): { server: http.Server; targets: string[] } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const state = { targets: [] as string[], next: 0 };
  const server = http.createServer((req, res) => {
    const target = new URL(state.targets[state.next++ % state.targets.length]);
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  return { server, targets: state.targets };
}

function loadGen(url: string, total: number): Promise<{ latencies: number[]; seconds: number; failures: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(__dirname, 'loadGen.js'), url, String(CONCURRENCY), String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as never) : reject(new Error(`loadGen exited ${code}`))));
  });
}

export async function multiInstance(b: BenchSink): Promise<void> {
  process.stdout.write(`\n== bot turns/s: one instance vs two behind a local proxy (${CONCURRENCY} concurrent customers, shared store and Redis)\n`);
  if (!fs.existsSync(REDIS_SERVER)) {
    process.stdout.write(`multi-instance SKIPPED: ${REDIS_SERVER} is missing (apt-get install -y redis-server)\n`);
    b.results.multiInstance = { skipped: 'redis-server missing' };
    return;
  }
  const env = {
    DATABASE_URL: path.join(b.dir, 'multi.sqlite'),
    NLU_MODEL_CACHE: path.join(b.dir, 'nlu.json'),
    SESSION_SECRET: 'bench-multi-instance-secret-0123456789abcdef',
    RATE_LIMIT_CONVERSATION_MESSAGES: '1000000/1',
    RATE_LIMIT_IP_MESSAGES: '1000000/1',
    RATE_LIMIT_IP_WEBCHAT_SESSIONS: '1000000/1',
    RATE_LIMIT_IP_HANDSHAKES: '1000000/1',
  };
  // Trained (or read from the cache) once here, so the instances load it instead of training at once.
  await trainRecognizer(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }));
  const redis = await startRedis();
  const children: ChildProcess[] = [redis.child];
  const p = proxy();
  try {
    const first = await startInstance({ ...env, REDIS_URL: redis.url });
    children.push(first.child);
    const second = await startInstance({ ...env, REDIS_URL: redis.url });
    children.push(second.child);
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(p.server.address() as net.AddressInfo).port}`;
    const use = (ts: string[]) => p.targets.splice(0, p.targets.length, ...ts);

    const runs: Record<'one' | 'two', Run[]> = { one: [], two: [] };
    use([first.url, second.url]);
    await loadGen(url, 200); // warm-up of both
    for (let r = 0; r < ROUNDS; r++) {
      for (const which of r % 2 ? (['two', 'one'] as const) : (['one', 'two'] as const)) {
        use(which === 'one' ? [first.url] : [first.url, second.url]);
        const x = await loadGen(url, TURNS);
        runs[which].push({ turns: x.latencies.length, seconds: x.seconds, failures: x.failures, latencies: x.latencies });
      }
    }
    const sum = (xs: Run[]) => {
      const turns = xs.reduce((a, x) => a + x.turns, 0);
      const seconds = xs.reduce((a, x) => a + x.seconds, 0);
      const lat = xs.flatMap((x) => x.latencies).sort((a, c) => a - c);
      const pc = (q: number) => round(lat[Math.min(lat.length - 1, Math.floor(q * lat.length))], 1);
      return { turnsPerSecond: round(turns / seconds), p50: pc(0.5), p95: pc(0.95), failures: xs.reduce((a, x) => a + x.failures, 0), turns };
    };
    const one = sum(runs.one);
    const two = sum(runs.two);
    const cores = os.cpus().length;
    b.rows.push([
      'bot turns/s behind a proxy: one instance | two instances',
      `${one.turnsPerSecond} | ${two.turnsPerSecond} (×${round(two.turnsPerSecond / one.turnsPerSecond, 2)})`,
      `same run, ${ROUNDS} alternating rounds; ${cores} cores shared by instances, proxy and load`,
    ]);
    b.rows.push([
      'bot latency ms p50/p95 behind a proxy: one | two',
      `${one.p50}/${one.p95} | ${two.p50}/${two.p95}`,
      `failures ${one.failures} | ${two.failures}`,
    ]);
    b.results.multiInstance = { one, two, rounds: ROUNDS, concurrency: CONCURRENCY, cores };
    process.stdout.write(
      `one instance: ${one.turnsPerSecond} turns/s (p50 ${one.p50} ms) | two instances: ${two.turnsPerSecond} turns/s (p50 ${two.p50} ms)\n`,
    );
  } finally {
    p.server.close();
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await gone;
      }
    }
  }
}
