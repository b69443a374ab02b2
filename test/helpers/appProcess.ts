/**
 * The real service as a child process (app/main.ts run from the TypeScript sources), for tests that need several
 * instances, a SIGKILL or a restart: spawn with an environment, wait until `/readyz` answers 200, read its JSON log
 * lines, kill it. Port 0: each instance gets its own port, read from its "listening" log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sharedModelCache } from './sharedRecognizer';
import { TEST_PASSWORD_HASH_COST } from './testHashCost';

const REGISTER_TS = path.join(__dirname, '..', 'integration', 'helpers', 'registerTs.js');
const MAIN = path.join(__dirname, '..', '..', 'app', 'main.ts');

export type LogLine = Record<string, unknown>;

export interface AppProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Every JSON log line so far. */
  readonly lines: LogLine[];
  /** Resolves with the first log line (past or future) that matches; rejects if the process exits first. */
  waitFor(pred: (line: LogLine) => boolean): Promise<LogLine>;
  /** The exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends the signal (SIGKILL by default) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface AppProcessOptions {
  /** How long to wait for readiness, milliseconds (the model cache loads first). */
  readyTimeoutMs?: number;
}

/**
 * Starts an instance. Defaults: NODE_ENV=test, PORT=0, HOST=127.0.0.1, LOG_LEVEL=info, the tests' shared NLU model
 * cache, SHUTDOWN_DELAY_SECONDS=0, PASSWORD_HASH_COST=10; `env` overrides them (DATABASE_URL at least, for a shared store).
 */
export async function startAppProcess(env: Record<string, string>, options: AppProcessOptions = {}): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '-r', REGISTER_TS, MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NLU_MODEL_CACHE: sharedModelCache(),
      SHUTDOWN_DELAY_SECONDS: '0',
      PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: LogLine[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) {
      let line: LogLine;
      try {
        line = JSON.parse(p) as LogLine;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of waiters.filter((x) => x.pred(line))) w.resolve(line);
    }
  });
  const waitFor = (pred: (l: LogLine) => boolean) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = lines.find(pred);
      if (found) return resolve(found);
      waiters.push({ pred, resolve });
      void exited.then((code) => reject(new Error(`the app process exited (${code}) before the awaited log line`)));
    });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  try {
    const port = Number((await waitFor((l) => typeof l.port === 'number')).port);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (;;) {
      const status = await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`the app process on port ${port} did not become ready (last /readyz: ${status})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, port, url, lines, waitFor, exited, kill };
  } catch (err) {
    await kill();
    throw err;
  }
}
