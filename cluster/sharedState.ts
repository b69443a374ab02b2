import { EventEmitter } from 'node:events';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../core/logger';
import { memoryLimiters, type LimiterFactory } from '../core/rateLimits';

/**
 * What instances of the service share besides the store: who is where in Socket.IO (the adapter), rate-limit
 * counters, agents' last replies, presence grace deadlines and "a message was stored for this web chat" news.
 * Without REDIS_URL all of it lives in this process (`memoryShared`), which is exactly right for one instance;
 * with it (`redisShared`) every instance sees the same state.
 *
 * Nothing here is a source of truth for messages: the store is. News lost while Redis is away is caught up from
 * the store (web chat streams re-read after their watermark, console sockets resync by sequence number) once
 * `onRecovered` fires.
 */
export interface SharedState {
  readonly kind: 'memory' | 'redis';
  /** Socket.IO's adapter across instances; absent: Socket.IO's in-memory default. */
  readonly ioAdapter?: ReturnType<typeof createAdapter>;
  readonly limiters: LimiterFactory;
  /** Absent: the handoff service keeps them in this process. */
  readonly lastReplies?: LastReplies;
  readonly presenceGrace: PresenceGrace;
  /** "A message was stored for this web chat conversation (channel id)": reaches the instance holding its streams. */
  readonly webChatNews: Notifier;
  /**
   * "An agent is typing in this web chat conversation (channel id)": reaches every instance, the one holding its
   * stream and any that a polling page asks next. Typing is never stored: lost news is simply not shown.
   */
  readonly webChatTyping: Notifier;
  /** Single-use tokens already spent (web chat stream URLs, download links), across instances. */
  readonly usedTokens: UsedTokens;
  /** Tokens replaced by a refresh (web chat), across instances. */
  readonly retiredTokens: RetiredTokens;
  /**
   * Called after Redis came back from an outage (seen by this instance or any other: the one that saw it tells
   * the rest), with when the outage began (epoch ms): catch up from the store whatever news may have been missed.
   */
  onRecovered(fn: (downSince: number) => void): () => void;
  /** Readiness: false while Redis cannot be reached (memory: always true). */
  healthy(): boolean;
  /**
   * Resolves once Redis answers, or after `timeoutMs` (an instance starts without it rather than not at all: see
   * onRecovered). Awaited at start, so the first requests do not fall back to per-instance counting.
   */
  connected(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** When each agent last answered a customer (the supervisors' board). */
export interface LastReplies {
  set(agentId: string, at: string): Promise<void>;
  get(agentIds: readonly string[]): Promise<Map<string, string>>;
}

/**
 * Agents whose last console socket closed: marked offline at `dueAt` unless a socket of theirs is back by then.
 * `takeDue` hands each due agent to exactly one caller across instances (the one that removes the deadline).
 */
export interface PresenceGrace {
  schedule(userId: string, dueAt: number): Promise<void>;
  cancel(userId: string): Promise<void>;
  takeDue(now: number): Promise<string[]>;
}

/**
 * Marks of spent single-use tokens. `claim` is true for exactly one caller per id (across instances with Redis);
 * the mark is kept until the token's own expiry, after which the token is refused for that reason anyway.
 */
export interface UsedTokens {
  claim(id: string, expiresAt: number): Promise<boolean>;
}

/**
 * This process's marks, dropped once expired as new ones come. A Map iterates in insertion order, which is about
 * expiry order (stream tokens live a minute), so the sweep stops at the first live mark: O(1) per claim on average.
 */
export function memoryUsedTokens(): UsedTokens {
  const marks = new Map<string, number>();
  return {
    claim(id, expiresAt) {
      const now = Date.now();
      for (const [k, until] of marks) {
        if (until > now) break;
        marks.delete(k);
      }
      if (marks.has(id)) return Promise.resolve(false);
      marks.set(id, Math.max(expiresAt, now + 1000));
      return Promise.resolve(true);
    },
  };
}

/**
 * Tokens a refresh replaced: each keeps working until its grace ends (requests already in flight), then never. The
 * first retirement's grace stands (a second refresh with the same token does not extend it); the mark is kept until
 * the token's own expiry, after which the token is refused for that reason anyway.
 */
export interface RetiredTokens {
  /** True for the first retirement of this id (the refresh that may mint its successor), false for any later one. */
  retire(id: string, graceUntil: number, expiresAt: number): Promise<boolean>;
  /** Until when (epoch ms) a retired token still works; undefined when it was never retired. */
  graceUntil(id: string): Promise<number | undefined>;
}

/** This process's retirements, dropped once expired as new ones come (about expiry order, like memoryUsedTokens). */
export function memoryRetiredTokens(): RetiredTokens {
  const marks = new Map<string, { graceUntil: number; until: number }>();
  return {
    retire(id, graceUntil, expiresAt) {
      const now = Date.now();
      for (const [k, m] of marks) {
        if (m.until > now) break;
        marks.delete(k);
      }
      if (marks.has(id)) return Promise.resolve(false);
      marks.set(id, { graceUntil, until: Math.max(expiresAt, graceUntil) });
      return Promise.resolve(true);
    },
    graceUntil: (id) => Promise.resolve(marks.get(id)?.graceUntil),
  };
}

export interface Notifier {
  publish(id: string): void;
  subscribe(fn: (id: string) => void): () => void;
}

const KEY = {
  lastReplies: 'crm:lastReply',
  grace: 'crm:presenceGrace',
  webChat: 'crm:webchat',
  webChatTyping: 'crm:webchatTyping',
  recovered: 'crm:recovered',
  usedToken: 'crm:usedToken:',
  retiredToken: 'crm:retiredToken:',
} as const;

class LocalNotifier implements Notifier {
  private readonly e = new EventEmitter().setMaxListeners(0);
  publish(id: string): void {
    this.e.emit('n', id);
  }
  subscribe(fn: (id: string) => void): () => void {
    this.e.on('n', fn);
    return () => void this.e.off('n', fn);
  }
}

export function memoryPresenceGrace(): PresenceGrace {
  const grace = new Map<string, number>();
  return {
    schedule: (userId, dueAt) => Promise.resolve(void grace.set(userId, dueAt)),
    cancel: (userId) => Promise.resolve(void grace.delete(userId)),
    takeDue: (now) => {
      const due = [...grace].filter(([, at]) => at <= now).map(([id]) => id);
      due.forEach((id) => grace.delete(id));
      return Promise.resolve(due);
    },
  };
}

/** One instance: everything in this process, as before REDIS_URL existed. */
export function memoryShared(): SharedState {
  return {
    kind: 'memory',
    limiters: memoryLimiters,
    presenceGrace: memoryPresenceGrace(),
    webChatNews: new LocalNotifier(),
    webChatTyping: new LocalNotifier(),
    usedTokens: memoryUsedTokens(),
    retiredTokens: memoryRetiredTokens(),
    onRecovered: () => () => undefined,
    healthy: () => true,
    connected: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/**
 * Several instances: Redis at `url`. Three connections: the adapter's (commands queue while Redis is away, so
 * broadcasts made meanwhile are written to the stream once it is back and other instances read them in order),
 * a fail-fast one for counters and state (a request never waits for Redis: see the limiters below), and a
 * subscriber for web chat news. The adapter opens its own reading and subscribing copies of the first.
 */
export function redisShared(url: string, log: Logger): SharedState {
  const events = new EventEmitter().setMaxListeners(0);
  let downSince: number | undefined;
  const lost = (name: string, err?: Error) => {
    if (downSince === undefined) log.warn({ err, redis: name }, 'redis unreachable; real-time news across instances waits for it');
    downSince ??= Date.now();
  };
  const watch = (client: Redis, name: string): Redis => {
    client.on('error', (err: Error) => lost(name, err));
    client.on('close', () => lost(name));
    client.on('ready', () => {
      if (downSince === undefined || name !== 'main') return;
      const since = downSince;
      downSince = undefined;
      log.info({ downSince: new Date(since).toISOString() }, 'redis reachable again; catching up from the store');
      // After the adapter's reader resumed (its first XREAD runs on its own connection's ready). The others are
      // told too: an instance that never lost Redis may hold sockets this one's pushes missed.
      setTimeout(() => {
        events.emit('recovered', since);
        main.publish(KEY.recovered, String(since)).catch(() => undefined);
      }, 250).unref();
    });
    return client;
  };
  const main = watch(new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 100, 2000) }), 'main');
  const fast = watch(new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 100, 2000) }), 'state');
  const sub = watch(main.duplicate(), 'subscriber');

  const local = new LocalNotifier();
  const localTyping = new LocalNotifier();
  void sub.subscribe(KEY.webChat, KEY.webChatTyping, KEY.recovered).catch((err: unknown) => log.warn({ err }, 'redis subscribe failed'));
  sub.on('message', (channel: string, data: string) => {
    if (channel === KEY.webChat) local.publish(data);
    else if (channel === KEY.webChatTyping) localTyping.publish(data);
    else if (channel === KEY.recovered && Number.isSafeInteger(Number(data))) events.emit('recovered', Number(data));
  });

  const limiters: LimiterFactory = (name, rate) =>
    // A console socket lives on one instance: its budgets are exact in that instance's memory, without a round trip.
    name.startsWith('socket')
      ? memoryLimiters(name, rate)
      : new RateLimiterRedis({
          storeClient: fast,
          keyPrefix: name,
          points: rate.points,
          duration: rate.seconds,
          rejectIfRedisNotReady: true,
          // Redis down: each instance counts in its own memory meanwhile. Failing open would leave the intake
          // unlimited exactly when something is wrong; failing closed would refuse every customer message and
          // console handshake for an outage of a cache. With N instances a client gets at most N times its budget.
          insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: rate.points, duration: rate.seconds }),
        });

  // Redis down: marks are kept in this process meanwhile, like the limiters' insurance. Refusing every stream would
  // send every page to polling for an outage of a cache; a copied token then works at most once per instance.
  const usedLocally = memoryUsedTokens();
  const usedTokens: UsedTokens = {
    async claim(id, expiresAt) {
      try {
        // SET NX is atomic: of instances claiming the same id, one gets OK. The mark expires with the token.
        const ok = await fast.set(`${KEY.usedToken}${id}`, '1', 'PX', Math.max(1000, expiresAt - Date.now()), 'NX');
        return ok === 'OK' && (await usedLocally.claim(id, expiresAt));
      } catch (err) {
        log.warn({ err }, 'redis unreachable; single-use token marks kept in this process meanwhile');
        return usedLocally.claim(id, expiresAt);
      }
    },
  };

  // Redis down: retirements are kept in this process too, and read from it meanwhile (a retired token then still
  // works on an instance that did not see the refresh, until Redis is back: refusing every page would be worse).
  const retiredLocally = memoryRetiredTokens();
  const retiredTokens: RetiredTokens = {
    async retire(id, graceUntil, expiresAt) {
      const first = await retiredLocally.retire(id, graceUntil, expiresAt);
      try {
        // NX: the first retirement's grace stands, and only its refresh mints. The mark expires with the token.
        return (await fast.set(`${KEY.retiredToken}${id}`, String(graceUntil), 'PX', Math.max(1000, expiresAt - Date.now()), 'NX')) === 'OK';
      } catch (err) {
        log.warn({ err }, 'redis unreachable; token retirement kept in this process meanwhile');
        return first;
      }
    },
    async graceUntil(id) {
      try {
        const v = await fast.get(`${KEY.retiredToken}${id}`);
        return v === null ? retiredLocally.graceUntil(id) : Number(v);
      } catch {
        return retiredLocally.graceUntil(id);
      }
    },
  };

  let adapter: ReturnType<typeof createAdapter> | undefined;
  return {
    kind: 'redis',
    // Made on first use: it opens its reading and subscribing connections at once, closed with the Socket.IO server.
    get ioAdapter() {
      return (adapter ??= createAdapter(main, { streamName: 'crm:socket.io', channelPrefix: 'crm:socket.io', sessionKeyPrefix: 'crm:sio:session:' }));
    },
    limiters,
    lastReplies: {
      async set(agentId, at) {
        await fast.hset(KEY.lastReplies, agentId, at);
      },
      async get(ids) {
        if (!ids.length) return new Map();
        const values = await fast.hmget(KEY.lastReplies, ...ids);
        return new Map(ids.flatMap((id, i) => (values[i] ? [[id, values[i]] as const] : [])));
      },
    },
    presenceGrace: {
      async schedule(userId, dueAt) {
        await fast.zadd(KEY.grace, dueAt, userId);
      },
      async cancel(userId) {
        await fast.zrem(KEY.grace, userId);
      },
      async takeDue(now) {
        const due = await fast.zrangebyscore(KEY.grace, 0, now, 'LIMIT', 0, 100);
        const mine: string[] = [];
        // ZREM is atomic: of the instances that saw the same deadline, only one removes it.
        for (const id of due) if ((await fast.zrem(KEY.grace, id)) === 1) mine.push(id);
        return mine;
      },
    },
    webChatNews: {
      publish(id) {
        // Published to every instance, this one included (the subscriber hears its own channel).
        main.publish(KEY.webChat, id).catch((err: unknown) => log.warn({ err }, 'web chat news not published; streams catch up on recovery'));
      },
      subscribe: (fn) => local.subscribe(fn),
    },
    webChatTyping: {
      publish(id) {
        // Every instance, this one included. Lost while Redis is away: typing is momentary, nothing to catch up.
        main.publish(KEY.webChatTyping, id).catch(() => undefined);
      },
      subscribe: (fn) => localTyping.subscribe(fn),
    },
    usedTokens,
    retiredTokens,
    onRecovered(fn) {
      events.on('recovered', fn);
      return () => void events.off('recovered', fn);
    },
    healthy: () => main.status === 'ready' && downSince === undefined,
    async connected(timeoutMs) {
      const ready = (c: Redis) => (c.status === 'ready' ? Promise.resolve() : new Promise<void>((r) => c.once('ready', () => r())));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
      await Promise.race([Promise.all([ready(main), ready(fast), ready(sub)]), late]);
      clearTimeout(timer);
      if (!(main.status === 'ready' && fast.status === 'ready')) log.warn({ timeoutMs }, 'redis not reachable at start; serving without it meanwhile');
    },
    close() {
      // Not quit(): with Redis away it would wait for a reply that never comes.
      for (const c of [sub, fast, main]) c.disconnect();
      return Promise.resolve();
    },
  };
}

export function createShared(redisUrl: string | undefined, log: Logger): SharedState {
  return redisUrl ? redisShared(redisUrl, log) : memoryShared();
}
