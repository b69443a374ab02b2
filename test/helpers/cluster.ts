import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthService } from '../../auth/authService';
import { loadConfig } from '../../core/config';
import type { UserRole } from '../../models/records';
import { createStore } from '../../store/createStore';
import { startAppProcess, type AppProcess } from './appProcess';
import { sharedRecognizer } from './sharedRecognizer';
import { TEST_PASSWORD_HASH_COST } from './testHashCost';

/**
 * Several instances of the real service (app/main.ts in child processes) sharing one embedded store file and one
 * real redis-server, as a deployment behind a load balancer runs them. Tests talk to each instance by its own URL.
 */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
export const CLUSTER_SECRET = 'cluster-test-session-secret-0123456789abcdef';

/** A free loopback port (redis-server needs one named; it cannot report a port 0 it picked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free loopback port, without persistence. Throws (never skips) when it is not installed. */
  static async start(): Promise<RedisServer> {
    if (!fs.existsSync(REDIS_SERVER))
      throw new Error(`${REDIS_SERVER} is missing: install it (apt-get install -y redis-server; .ci/run does) to run the multi-instance tests`);
    const r = new RedisServer(await freePort());
    await r.restart();
    return r;
  }

  /** Starts (again) on the same port: what a Redis restart looks like to the instances. */
  async restart(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
    });
  }

  /** Kills the server at once (SIGKILL: no goodbye to the clients). */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }
}

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly process: AppProcess;
  stop(): Promise<void>;
}

export interface Cluster {
  readonly redis: RedisServer;
  readonly instances: Instance[];
  readonly dir: string;
  stop(): Promise<void>;
}

export interface StaffSpec {
  email: string;
  role?: UserRole;
  capacity?: number;
}
export const STAFF_PASSWORD = 'correct horse battery staple';

/**
 * Starts redis-server, creates the staff accounts in a fresh store file, then starts `count` instances on that
 * file with REDIS_URL set. `env` is given to every instance.
 */
export async function startCluster(count: number, staff: StaffSpec[], env: Record<string, string> = {}): Promise<Cluster> {
  const redis = await RedisServer.start();
  await sharedRecognizer(); // the instances load its model cache instead of training
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cluster-'));
  const base = {
    NODE_ENV: 'test',
    DATABASE_URL: path.join(dir, 'crm.sqlite'),
    SQLITE_SYNCHRONOUS: 'normal',
    SESSION_SECRET: CLUSTER_SECRET,
    REDIS_URL: redis.url,
    ...env,
  };
  const config = loadConfig(base);
  const store = createStore(config.store);
  await store.init();
  const auth = new AuthService(store, CLUSTER_SECRET, 3600, Date.now, { passwordMinLength: 12, passwordHashCost: Number(TEST_PASSWORD_HASH_COST) });
  for (const s of staff)
    await auth.createUser({ email: s.email, name: s.email.split('@')[0], password: STAFF_PASSWORD, role: s.role ?? 'agent', capacity: s.capacity ?? 3 });
  await store.close();

  // Started side by side, as a deployment starts them: each takes seconds to load on a busy machine.
  const started = await Promise.allSettled(Array.from({ length: count }, () => startAppProcess(base)));
  const instances: Instance[] = started.flatMap((r, i) =>
    r.status === 'fulfilled' ? [{ name: String.fromCharCode(65 + i), url: r.value.url, process: r.value, stop: async () => void (await r.value.kill()) }] : [],
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(instances.map((x) => x.stop()));
    await redis.kill();
    throw failed.reason;
  }
  return {
    redis,
    instances,
    dir,
    async stop() {
      await Promise.all(instances.map((x) => x.stop()));
      await redis.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in over HTTP on one instance, as the console does. */
export async function signIn(url: string, email: string): Promise<{ token: string; user: { id: string } }> {
  const r = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: STAFF_PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`sign-in ${r.status}: ${await r.text()}`);
  return (await r.json()) as { token: string; user: { id: string } };
}
