import { Redis } from 'ioredis';
import { redisShared, type SharedState } from '../../cluster/sharedState';
import { loadConfig } from '../../core/config';
import { isAppError } from '../../core/errors';
import { createLogger } from '../../core/logger';
import { RateLimits } from '../../core/rateLimits';
import { RedisServer } from '../helpers/cluster';

/** Two "instances" of the shared state (as two processes build them) on one real redis-server. */
jest.setTimeout(60_000);

const log = createLogger('silent');
const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_IP_MESSAGES: '3/60', RATE_LIMIT_SOCKET_OTHER: '2/60' });

async function refused(limits: RateLimits, name: Parameters<RateLimits['consume']>[0], key: string): Promise<string | undefined> {
  try {
    await limits.consume(name, key);
    return undefined;
  } catch (err) {
    return isAppError(err) ? err.code : String(err);
  }
}

function until(pred: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (pred()) {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
}

describe('shared state in Redis (REDIS_URL)', () => {
  let redis: RedisServer;
  let a: SharedState;
  let b: SharedState;
  beforeAll(async () => {
    redis = await RedisServer.start();
    a = redisShared(redis.url, log);
    b = redisShared(redis.url, log);
    await Promise.all([a.connected(10_000), b.connected(10_000)]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.kill();
  });

  test('limits per address count across instances; per-socket budgets stay with the socket', async () => {
    const la = new RateLimits(config.rateLimits, a.limiters);
    const lb = new RateLimits(config.rateLimits, b.limiters);
    expect(await refused(la, 'ipMessages', '10.0.0.1')).toBeUndefined();
    expect(await refused(lb, 'ipMessages', '10.0.0.1')).toBeUndefined();
    expect(await refused(la, 'ipMessages', '10.0.0.1')).toBeUndefined();
    // The fourth, on either instance, is over the one budget of 3.
    expect(await refused(lb, 'ipMessages', '10.0.0.1')).toBe('RATE_LIMITED');
    expect(await refused(la, 'ipMessages', '10.0.0.2')).toBeUndefined();
    // A socket lives on one instance: its budget is that instance's.
    for (const l of [la, lb]) {
      expect(await refused(l, 'socketOther', 'sock-1')).toBeUndefined();
      expect(await refused(l, 'socketOther', 'sock-1')).toBeUndefined();
      expect(await refused(l, 'socketOther', 'sock-1')).toBe('RATE_LIMITED');
    }
  });

  test('last replies, web chat news and typing reach the other instance; a presence deadline is taken by one', async () => {
    await a.lastReplies!.set('agent-1', '2026-11-30T01:00:00.000Z');
    expect(await b.lastReplies!.get(['agent-1', 'agent-2'])).toEqual(new Map([['agent-1', '2026-11-30T01:00:00.000Z']]));

    const heard: string[] = [];
    const off = b.webChatNews.subscribe((id) => heard.push(id));
    a.webChatNews.publish('conv-7');
    await until(() => heard.includes('conv-7'));
    off();
    // Typing has its own channel: it is no news of a stored message (streams would re-read the store for nothing).
    const typed: string[] = [];
    const offTyping = b.webChatTyping.subscribe((id) => typed.push(id));
    a.webChatTyping.publish('conv-8');
    await until(() => typed.includes('conv-8'));
    offTyping();
    expect(heard).toEqual(['conv-7']);

    await a.presenceGrace.schedule('agent-3', Date.now() - 1);
    await b.presenceGrace.schedule('agent-4', Date.now() + 60_000);
    const [fromA, fromB] = await Promise.all([a.presenceGrace.takeDue(Date.now()), b.presenceGrace.takeDue(Date.now())]);
    expect([...fromA, ...fromB]).toEqual(['agent-3']);
    await b.presenceGrace.cancel('agent-4');
    expect(await a.presenceGrace.takeDue(Date.now() + 120_000)).toEqual([]);
  });

  test('a single-use token is claimed once across instances, concurrently too; its mark expires with it', async () => {
    const exp = Date.now() + 60_000;
    const claims = await Promise.all([a.usedTokens.claim('tok-1', exp), b.usedTokens.claim('tok-1', exp), a.usedTokens.claim('tok-1', exp)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b.usedTokens.claim('tok-2', exp)).toBe(true);
    expect(await a.usedTokens.claim('tok-2', exp)).toBe(false);
    // The mark lives in Redis as long as the token (seconds left, not forever).
    const probe = new Redis(redis.url);
    const ttl = await probe.pttl('crm:usedToken:tok-1');
    probe.disconnect();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test('Redis down: limits go on in memory (never unlimited, never refusing everyone); back: both instances hear of the recovery', async () => {
    const la = new RateLimits(config.rateLimits, a.limiters);
    const recovered: number[] = [];
    a.onRecovered((since) => recovered.push(since));
    b.onRecovered((since) => recovered.push(since));
    await redis.kill();
    await until(() => !a.healthy() && !b.healthy());
    for (let i = 0; i < 3; i++) expect(await refused(la, 'ipMessages', '10.9.9.9')).toBeUndefined();
    expect(await refused(la, 'ipMessages', '10.9.9.9')).toBe('RATE_LIMITED');
    await redis.restart();
    await until(() => recovered.length >= 2 && a.healthy() && b.healthy());
    expect(recovered.every((t) => t <= Date.now())).toBe(true);
  });
});
