import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config, Rate } from './config';
import { AppError } from './errors';

/** Every limit the service keeps, each counted per key (a conversation, a client address, a console user). */
export type LimitName =
  | 'conversationMessages'
  | 'ipMessages'
  | 'conversationTyping'
  | 'ipTyping'
  | 'ipWebChatSessions'
  | 'ipHandshakes'
  | 'socketPresence'
  | 'socketTyping'
  | 'socketMessages'
  | 'socketOther';

/**
 * Builds one limiter. In memory by default: counts are per process, right for one instance. With several
 * instances behind a load balancer, pass a factory that builds rate-limiter-flexible's shared ones
 * (RateLimiterRedis, RateLimiterMongo, …) with the same keyPrefix, points and duration.
 */
export type LimiterFactory = (name: LimitName, rate: Rate) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (name, rate) => new RateLimiterMemory({ keyPrefix: name, points: rate.points, duration: rate.seconds });

/** Fixed-window limits per identity (rate-limiter-flexible). Over a limit: RATE_LIMITED, with when to retry. */
export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterAbstract>;

  constructor(config: Config['rateLimits'], factory: LimiterFactory = memoryLimiters) {
    const rates: Record<LimitName, Rate> = {
      conversationMessages: config.conversationMessages,
      ipMessages: config.ipMessages,
      conversationTyping: config.conversationTyping,
      ipTyping: config.ipTyping,
      ipWebChatSessions: config.ipWebChatSessions,
      ipHandshakes: config.ipHandshakes,
      socketPresence: config.socket.presence,
      socketTyping: config.socket.typing,
      socketMessages: config.socket.messages,
      socketOther: config.socket.other,
    };
    this.limiters = Object.fromEntries(Object.entries(rates).map(([name, rate]) => [name, factory(name as LimitName, rate)])) as Record<
      LimitName,
      RateLimiterAbstract
    >;
  }

  /** Takes one point from key's budget under this limit; throws RATE_LIMITED when none is left. */
  async consume(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new AppError('RATE_LIMITED', undefined, { details: { limit: name, retryAfterSeconds } });
      }
      // A shared store that cannot answer: refuse rather than run unlimited.
      throw new AppError('STORE_UNAVAILABLE', `rate limit store: ${(err as Error)?.message ?? err}`, { cause: err });
    }
  }
}
