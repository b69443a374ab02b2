import fs from 'node:fs';
import path from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import threads from 'node:worker_threads';
import { GroupCommit } from '../store/sqlite/groupCommit';
import { SqliteUpkeep } from '../store/sqlite/sqliteUpkeep';
import type { App } from '../app/app';

/**
 * The relay server's timeline (bench/relayServer.ts `trace`): one relayed message's steps stamped on the clock every
 * process shares (epoch ms, performance.timeOrigin + now), from the HTTP request to the agent's frame written, with
 * whatever else ran meanwhile (commits and their fdatasync, background upkeep slices, timers that held the event
 * loop). Wraps the product's objects from outside, in the bench's server process only: nothing in the product is
 * instrumented. The bench sends one message at a time, so a message's timeline is everything between its request and
 * the next.
 */
export interface Stamp {
  name: string;
  at: number;
  ms?: number;
  info?: string;
}

const clock = () => performance.timeOrigin + performance.now();
/** Callbacks of timers (setTimeout, setInterval, setImmediate) that held the event loop at least this long are stamped. */
const LONG_CALLBACK_MS = 0.3;

export interface RelayTrace {
  /** The app's HTTP server and events (the prototypes and timers are wrapped before the app is built). */
  attach(app: App): void;
  /** The stamps since the last take. */
  take(): Stamp[];
  /** The event loop's delay since the last call, ms. */
  loopDelay(): { p99: number; max: number };
}

/** Call before the app is built: its timers are made while it starts. */
export function traceRelay(): RelayTrace {
  let stamps: Stamp[] = [];
  const stamp = (name: string, at = clock(), ms?: number, info?: string) => void stamps.push({ name, at, ms, info });

  const gcProto = GroupCommit.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const method of ['begin', 'commit']) {
    const original = gcProto[method];
    gcProto[method] = function (this: unknown, ...args: unknown[]) {
      const at = clock();
      const value = original.apply(this, args);
      stamp(`gc.${method}`, at, clock() - at);
      return value;
    };
  }
  // The COMMIT statement alone (its WAL writes), inside commit().
  const stmt = gcProto.stmt;
  gcProto.stmt = function (this: unknown, sql: unknown) {
    const st = stmt.call(this, sql) as { run: (...a: unknown[]) => unknown };
    if (sql !== 'COMMIT') return st;
    return {
      run: (...a: unknown[]) => {
        const at = clock();
        const value = st.run(...a);
        stamp('sql.COMMIT', at, clock() - at);
        return value;
      },
    };
  };
  const sync = gcProto.sync;
  gcProto.sync = function (this: unknown) {
    const at = clock();
    stamp('gc.sync.call', at);
    return (sync.call(this) as Promise<void>).finally(() => stamp('gc.sync.done', clock(), clock() - at));
  };
  const upkeepProto = SqliteUpkeep.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const slice = upkeepProto.slice;
  upkeepProto.slice = function (this: unknown, ...args: unknown[]) {
    const at = clock();
    const more = slice.apply(this, args);
    stamp('upkeep.slice', at, clock() - at, String(more));
    return more;
  };
  const fdatasync = fs.fdatasync;
  let walSize = 0;
  (fs as { fdatasync: unknown }).fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    // What this fdatasync has to flush: the WAL's growth since the last one (the WAL is appended in order).
    const size = fs.fstatSync(fd).size;
    const at = clock();
    stamp('fdatasync.start', at, undefined, String(size - walSize));
    walSize = size;
    fdatasync(fd, (err) => {
      stamp('fdatasync.done', clock(), clock() - at);
      cb(err);
    });
    stamp('fdatasync.submitted', clock(), clock() - at);
  };

  // The agent's frame: engine.io's WebSocket transport (a socket.io broadcast hands it a frame encoded once, written
  // through ws's Sender), and the ws package it depends on.
  const wrapMethod = (proto: Record<string, (...a: unknown[]) => unknown>, method: string, name: string, info: (self: unknown, a: unknown[]) => string) => {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const at = clock();
      const value = original.apply(this, args);
      stamp(name, at, clock() - at, info(this, args));
      return value;
    };
  };
  const engineDir = path.dirname(require.resolve('engine.io'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transport = require(path.join(engineDir, 'transports', 'websocket.js')) as { WebSocket: { prototype: Record<string, (...a: unknown[]) => unknown> } };
  wrapMethod(
    transport.WebSocket.prototype,
    'send',
    'engine.send',
    (self, a) => `${(a[0] as unknown[]).length} packet(s), writable ${(self as { writable: boolean }).writable}`,
  );
  const wsDir = path.dirname(require.resolve('ws', { paths: [engineDir] }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sender = require(path.join(wsDir, 'lib', 'sender.js')) as { prototype: Record<string, (...a: unknown[]) => unknown> };
  wrapMethod(sender.prototype, 'sendFrame', 'ws.frame', () => '');
  wrapMethod(sender.prototype, 'send', 'ws.send', () => '');

  // Timer callbacks that held the loop, named by where the timer was made.
  const wrapTimer = <F extends (...a: never[]) => unknown>(kind: string, original: F): F =>
    function (this: unknown, cb: (...a: unknown[]) => unknown, ...rest: unknown[]) {
      if (typeof cb !== 'function') return (original as unknown as (...a: unknown[]) => unknown).call(this, cb, ...rest);
      // Two frames captured now (this wrapper and its caller), formatted only for a long callback: formatting a whole
      // stack at every timer cost about 0.1 ms, and a timer the product sets on the relay's path (a setImmediate) must
      // not cost the traced relay much more than it costs the product.
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 2;
      const made = new Error();
      Error.stackTraceLimit = limit;
      const wrapped = function (this: unknown, ...a: unknown[]) {
        const at = clock();
        try {
          return cb.apply(this, a);
        } finally {
          const ms = clock() - at;
          if (ms >= LONG_CALLBACK_MS) stamp(`timer.${kind}`, at, ms, (made.stack ?? '').split('\n')[2]?.trim() ?? '');
        }
      };
      return (original as unknown as (...a: unknown[]) => unknown).call(this, wrapped, ...rest);
    } as unknown as F;
  globalThis.setTimeout = wrapTimer('setTimeout', globalThis.setTimeout);
  globalThis.setInterval = wrapTimer('setInterval', globalThis.setInterval);
  globalThis.setImmediate = wrapTimer('setImmediate', globalThis.setImmediate);

  // Collections, and the WAL checkpoints of the store's worker thread (walCheckpointer.ts): its source is given one
  // line more, which reports each checkpoint's start and duration.
  // Named by kind (node's NODE_PERFORMANCE_GC_* flags): a scavenge of the young generation or a full collection.
  const gcKinds: Record<number, string> = {
    [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) =>
    list
      .getEntries()
      .forEach((e) => stamp('gc.pause', performance.timeOrigin + e.startTime, e.duration, gcKinds[(e as { detail?: { kind?: number } }).detail?.kind ?? 0])),
  ).observe({
    entryTypes: ['gc'],
  });
  const Worker = threads.Worker;
  (threads as { Worker: unknown }).Worker = class extends Worker {
    constructor(code: string, options: threads.WorkerOptions) {
      const checkpoints = typeof code === 'string' && code.includes("db.pragma('wal_checkpoint(PASSIVE)');");
      super(
        checkpoints
          ? code.replace(
              "db.pragma('wal_checkpoint(PASSIVE)');",
              "const at = performance.timeOrigin + performance.now(); const r = db.pragma('wal_checkpoint(PASSIVE)'); parentPort.postMessage({ checkpoint: at, ms: performance.timeOrigin + performance.now() - at, r: JSON.stringify(r) });",
            )
          : code,
        options,
      );
      if (checkpoints)
        this.on('message', (m: { checkpoint?: number; ms?: number; r?: string }) => m.checkpoint && stamp('checkpoint', m.checkpoint, m.ms, m.r));
    }
  };

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  return {
    attach(app) {
      app.httpServer.prependListener('request', (req: { url?: string }, res: { once(e: string, f: () => void): void }) => {
        stamp('http.request', clock(), undefined, req.url);
        (req as unknown as { once(e: string, f: () => void): void }).once('end', () => stamp('http.body'));
        res.once('finish', () => stamp('http.finish'));
      });
      app.services.events.on('message.created', ({ message }) => stamp('event.message.created', clock(), undefined, message.role));
      // The turn's own steps before the push: its reads, recognition and writes (each synchronous on this store, so the
      // call's duration is its work), stamped from outside on the app's own objects.
      const timedCall = (target: Record<string, unknown>, method: string, name: string) => {
        const original = target[method];
        if (typeof original !== 'function') return;
        target[method] = function (this: unknown, ...args: unknown[]) {
          const at = clock();
          const value = (original as (...a: unknown[]) => unknown).apply(this, args);
          stamp(name, at, clock() - at);
          return value;
        };
      };
      const store = app.store as unknown as Record<string, unknown>;
      for (const m of ['readTurn', 'appendMessage', 'recordCustomerMessage', 'getConversation', 'getUser']) timedCall(store, m, `store.${m}`);
      timedCall(app.services.recognizer as unknown as Record<string, unknown>, 'recognize', 'recognize');
    },
    take() {
      const out = stamps;
      stamps = [];
      return out;
    },
    loopDelay() {
      const r = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
      delay.reset();
      return r;
    },
  };
}
