import { transition } from '../handoff/handoffStatus';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp, trainRecognizer, type App } from '../app/app';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { LOAD_GENERATOR_LIMITS } from './benchKit';

/**
 * What the web chat load sections (bench/webchatLoad.ts) stand on: an app on port 0, agents and held chats written
 * straight into it, load generators in child processes spoken to by lines, and the memory, CPU and event-loop
 * readings taken of this process.
 */
const log = createLogger('silent');
export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))], 1) : NaN);
  return { p50: at(50), p95: at(95), p99: at(99), max: s.length ? round(s[s.length - 1], 1) : NaN, n: s.length };
}

/** Heap + external after full collections (what connections keep alive), and RSS. */
export async function memory() {
  // External memory (buffers) is released after the collection that finds it dead, not during it: collect again.
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { live: m.heapUsed + m.external, rss: m.rss };
}

/** A child process spoken to by lines on stdin and stdout. */
export class Child {
  private readonly p: ChildProcess;
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private exited = false;

  constructor(script: string, args: string[]) {
    // The bench's own warning filters (npm run bench silences a dependency's deprecation), nothing else of its flags.
    const quiet = process.execArgv.filter((a) => a.startsWith('--disable-warning'));
    this.p = spawn(process.execPath, [...quiet, path.resolve(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
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

export async function startApp(dir: string, name: string): Promise<{ app: App; url: string }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: path.join(dir, `${name}.sqlite`),
    NLU_MODEL_CACHE: path.join(dir, 'nlu.json'),
    ...LOAD_GENERATOR_LIMITS,
  });
  const app = await buildApp(config, log, { recognizer: await trainRecognizer(config) });
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  return { app, url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}` };
}

/** Agents straight into the store (no password hashing: nobody signs in) with a session token each. */
export async function agents(app: App, n: number, capacity: number, role: 'agent' | 'supervisor' = 'agent'): Promise<{ id: string; token: string }[]> {
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
export async function holdChats(
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
export async function idle(ms: number) {
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

export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
