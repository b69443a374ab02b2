import { sharedModelCache } from '../helpers/sharedRecognizer';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type App, type AppDeps } from '../../app/app';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { Redis } from 'ioredis';
import { RedisServer } from '../helpers/cluster';

export interface SecurityApp {
  app: App;
  url: string;
  port: number;
  /** Its temp folder (the embedded store is crm.sqlite in it: a second instance may share it). */
  dir: string;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Every log line as written (to scan for leaked secrets). */
  rawLogs: string[];
  stop(): Promise<void>;
}

/** The real app on a fresh embedded store, listening on port 0, its log captured (info and above). */
export async function startSecurityApp(env: Record<string, string> = {}, deps: AppDeps = {}): Promise<SecurityApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sec-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: path.join(dir, 'crm.sqlite'),
    SQLITE_SYNCHRONOUS: 'normal',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  const app = await buildApp(config, createLogger(config.logLevel, sink), { recognizer: await sharedRecognizer(), ...deps });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const port = (app.httpServer.address() as AddressInfo).port;
  return {
    app,
    port,
    dir,
    url: `http://127.0.0.1:${port}`,
    logs,
    rawLogs,
    async stop() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TrapHit {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A host the attacker controls, on another loopback address (127.0.0.2): records every connection and request
 * it gets, and answers 200 like a channel would, so nothing it receives could look like a failure upstream.
 */
export class Trap {
  readonly hits: TrapHit[] = [];
  connections = 0;
  private server!: http.Server;
  url = '';
  host = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.hits.push({ method: req.method, url: req.url, headers: req.headers });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"trapped"}');
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.2', r));
    this.host = `127.0.0.2:${(this.server.address() as AddressInfo).port}`;
    this.url = `http://${this.host}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * The fields of the app's JSON answers that these tests read (each endpoint sends only its own, so all are
 * optional). The body is the raw text when the answer is not JSON, undefined when it is empty.
 */
export interface AnswerBody {
  error?: { code: string; message: string; details?: unknown };
  token?: string;
  expires_in?: number;
  user?: { id: string; role: string };
  userId?: string;
  conversationId?: string;
  id?: string;
  activities?: { type: string; text?: string }[];
  hits?: unknown[];
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: AnswerBody;
}

/** One HTTP request with exactly the headers given (fetch would not let us set Host), body as JSON or raw. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; raw?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    const req = http.request(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as AnswerBody });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A web chat visitor: a session, and a way to post activities (with extra headers, as an attacker would). */
export async function webChatVisitor(url: string, body: Record<string, unknown> = {}) {
  const s = await request(`${url}/chat/session`, { body });
  if (s.status !== 200) throw new Error(`session: ${s.status} ${JSON.stringify(s.body)}`);
  const { token, conversationId, userId } = s.body as { token: string; conversationId: string; userId: string };
  return {
    token,
    conversationId,
    userId,
    say: (text: string, headers: Record<string, string> = {}) =>
      request(`${url}/v3/directline/conversations/${conversationId}/activities`, {
        body: { type: 'message', text },
        headers: { authorization: `Bearer ${token}`, ...headers },
      }),
  };
}

/** Waits until pred holds, checking on every turn of the event loop's timers; fails after the jest timeout. */
export async function until(pred: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await pred())) await new Promise((r) => setTimeout(r, 20));
}

/**
 * A local stand-in for the Bot Framework's token signing key publication (OpenID metadata and its key set), the
 * one service we cannot run: channel tokens signed here are real RS256 JWTs that botbuilder validates. `up`
 * false makes both documents answer 503, as an outage would.
 */
export class BotFrameworkKeys {
  readonly keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  up = true;
  fetches = 0;
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.fetches++;
      if (!this.up) {
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/keys')
        res.end(
          JSON.stringify({
            keys: [{ ...this.keyPair.publicKey.export({ format: 'jwk' }), kid: 'bf-1', use: 'sig', endorsements: ['test', 'webchat', 'msteams'] }],
          }),
        );
      else res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${this.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** A channel token as the Bot Framework signs it (claims overridable; `key` and `kid` to forge). */
  token(claims: Record<string, unknown>, options: { key?: KeyObject; kid?: string; alg?: string } = {}): string {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${enc({ alg: options.alg ?? 'RS256', typ: 'JWT', kid: options.kid ?? 'bf-1' })}.${enc(claims)}`;
    return `${body}.${createSign('RSA-SHA256')
      .update(body)
      .sign(options.key ?? this.keyPair.privateKey)
      .toString('base64url')}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Claims of a valid channel token for this app and service URL. */
export function channelClaims(appId: string, serviceUrl: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'https://api.botframework.com', aud: appId, serviceurl: serviceUrl, nbf: now - 10, exp: now + 600, ...over };
}

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** Every JSON log line so far. */
  lines: Record<string, unknown>[];
  /** Resolves with the first log line (past or future) matching pred. */
  waitFor(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

const REGISTER_TS = path.join(__dirname, '..', 'integration', 'helpers', 'registerTs.js');
const MAIN = path.join(__dirname, '..', '..', 'app', 'main.ts');

/**
 * The real service (app/main.ts) in a child process, on port 0 of 127.0.0.1, with the test recognizer's model
 * cache (call sharedRecognizer() first so it exists) and the given environment; resolves once it listens.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', REGISTER_TS, MAIN], {
    env: { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NLU_MODEL_CACHE: sharedModelCache(), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(p) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of waiters.filter((x) => x.pred(line))) w.resolve(line);
    }
  });
  const waitFor = (pred: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = lines.find(pred);
      if (found) return resolve(found);
      waiters.push({ pred, resolve });
      void exited.then((code) => reject(new Error(`service exited (${code}) before the awaited log line`)));
    });
  const port = Number((await waitFor((l) => typeof l.port === 'number')).port);
  return { child, port, lines, waitFor, exited };
}

/**
 * Two instances behind one address, as issue 18 deploys them: the same secret and a real Redis (`REDIS_URL`), and
 * with `shareStore` the same embedded store file. Started before the suite's tests and stopped after them; Redis
 * stops last, once the instances' blocking reads have let go of it (else it would keep this process alive).
 */
export function twoInstances(env: Record<string, string>, options: { shareStore?: boolean } = {}): { a: SecurityApp; b: SecurityApp; redisUrl: string } {
  const ctx = {} as { a: SecurityApp; b: SecurityApp; redisUrl: string };
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await RedisServer.start();
    ctx.redisUrl = redis.url;
    ctx.a = await startSecurityApp({ ...env, REDIS_URL: redis.url });
    ctx.b = await startSecurityApp({ ...env, REDIS_URL: redis.url, ...(options.shareStore ? { DATABASE_URL: path.join(ctx.a.dir, 'crm.sqlite') } : {}) });
  });
  afterAll(async () => {
    await ctx.b?.stop();
    await ctx.a?.stop();
    if (!redis) return;
    const probe = new Redis(redis.url);
    await until(
      async () =>
        String(await probe.client('LIST'))
          .trim()
          .split('\n').length === 1,
    );
    probe.disconnect();
    await redis.kill();
  });
  return ctx;
}
