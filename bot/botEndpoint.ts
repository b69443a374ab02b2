import { messageTooLongMessage, textLength } from '../core/visibleText';
import type restify from 'restify';
import { AuthenticationError } from 'botframework-connector';
import { AppError, toAppError, type ErrorCode } from '../core/errors';
import { route } from '../core/http';
import type { Logger } from '../core/logger';
import type { RateLimits } from '../core/rateLimits';
import { TrustedServiceUrls } from '../core/serviceUrls';
import { checkActivity } from './activityCheck';
import { SupportAdapter } from './supportAdapter';
import { FROM_BOT_ENDPOINT, type SupportBot } from './supportBot';

export interface BotEndpointDeps {
  adapter: SupportAdapter;
  bot: SupportBot;
  log: Logger;
  limits: RateLimits;
  maxMessageChars: number;
  /** No app credentials: activities without a token are accepted (local use only). */
  anonymous: boolean;
}

/**
 * POST /api/messages: validate, authenticate (CloudAdapter), limit, run the turn; never 200 for an unstored message.
 * Bot Framework traffic comes from the channel service's own addresses, so it is limited per conversation, not per
 * address.
 */
export function registerBotEndpoint(server: restify.Server, d: BotEndpointDeps): void {
  const { adapter, bot, log, limits } = d;
  server.post(
    '/api/messages',
    route(log, async (req, res) => {
      const parsed = checkActivity(req.body);
      if (!parsed.success) {
        throw new AppError(
          'BOT_ACTIVITY_INVALID',
          `Invalid activity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
        );
      }
      const activity = parsed.data;
      // Bot Framework channel ids are lower-case ("webchat", "msteams"): "WebChat" is the same channel, one series.
      if (typeof activity.channelId === 'string') activity.channelId = activity.channelId.toLowerCase();
      if (typeof activity.text === 'string' && textLength(activity.text) > d.maxMessageChars) {
        throw new AppError('MESSAGE_TOO_LONG', messageTooLongMessage(d.maxMessageChars), { details: { maxChars: d.maxMessageChars } });
      }
      const auth = req.header('authorization') ?? '';
      // Refused before any key lookup: what no channel ever signs (no token, alg none, HMAC, no key id).
      if ((auth !== '' || !d.anonymous) && !plausibleChannelToken(auth)) throw new AppError('AUTH_INVALID', 'Bot Framework token missing or invalid');
      let invoke;
      try {
        invoke = await adapter.handle(auth, activity as never, async (ctx) => {
          // After authentication (an unauthenticated request is a 401 whatever it says), before anything is stored.
          const a = ctx.activity;
          // Replies go to the activity's serviceUrl: one we would refuse to send to is refused now.
          if (a.deliveryMode !== 'expectReplies' && !adapter.isTrustedServiceUrl(a.serviceUrl) && !SupportAdapter.isOwnWebChat(a)) {
            log.warn(
              { code: 'OUTBOUND_URL_UNTRUSTED', target: TrustedServiceUrls.describe(a.serviceUrl), channelId: a.channelId },
              'activity refused: its service URL is not on the trusted list',
            );
            throw new AppError('OUTBOUND_URL_UNTRUSTED', "the activity's serviceUrl is not on the trusted list (TRUSTED_SERVICE_URLS)");
          }
          // The in-process web chat's conversations belong to its own endpoint: never written to from here (an activity
          // naming one of its conversations is refused by the turn's first read, before anything is stored).
          ctx.turnState.set(FROM_BOT_ENDPOINT, true);
          if (SupportAdapter.isOwnWebChat(a)) {
            log.warn({ code: 'BOT_CHANNEL_FORBIDDEN', channelId: a.channelId }, 'activity refused: it names an in-process web chat conversation');
            throw new AppError('BOT_CHANNEL_FORBIDDEN');
          }
          // A forged request must not spend a real conversation's budget: limited after authentication.
          if (a.type === 'message') await limits.consume('conversationMessages', `${a.channelId}|${a.conversation.id}`);
          // Typing reaches the agent's console as it comes: it has its own budget, so a flood of it is refused
          // before anything is broadcast and never costs the customer's messages.
          else if (a.type === 'typing') await limits.consume('conversationTyping', `${a.channelId}|${a.conversation.id}`);
          return bot.onTurn(ctx);
        });
      } catch (err) {
        if (isKeyOutage(err)) {
          log.warn(
            { code: 'AUTH_KEYS_UNAVAILABLE', err: { name: (err as Error)?.name, message: (err as Error)?.message } },
            'Bot Framework signing keys unavailable; activity refused',
          );
          throw new AppError('AUTH_KEYS_UNAVAILABLE', undefined, { cause: err });
        }
        if (isAuthFailure(err)) throw new AppError('AUTH_INVALID', 'Bot Framework token missing or invalid', { cause: err });
        const e = toAppError(err);
        throw e.status >= 500 || PASSED_THROUGH.has(e.code) ? e : new AppError('BOT_TURN_FAILED', undefined, { cause: err });
      }
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    }),
  );
}

/** Refusals a turn may end with that the channel should see as they are (the rest of 4xx are the bot's own failure). */
const PASSED_THROUGH = new Set<ErrorCode>(['RATE_LIMITED', 'OUTBOUND_URL_UNTRUSTED', 'MESSAGE_TOO_LONG', 'BOT_CHANNEL_FORBIDDEN', 'IDEMPOTENCY_KEY_REUSED']);

/** Bot Framework channels sign with RSA keys they publish under a key id. */
function plausibleChannelToken(header: string): boolean {
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header);
  if (!m) return false;
  try {
    const h = JSON.parse(Buffer.from(m[1], 'base64url').toString()) as { alg?: unknown; kid?: unknown };
    return (h.alg === 'RS256' || h.alg === 'RS384' || h.alg === 'RS512') && typeof h.kid === 'string' && h.kid.length > 0;
  } catch {
    return false;
  }
}

/** The signing keys could not be fetched (network error, or the metadata endpoint failing): nobody can be verified. */
function isKeyOutage(err: unknown): boolean {
  const e = err as { name?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if (e?.name === 'FetchError') return true;
  if (err instanceof AuthenticationError && typeof e?.statusCode === 'number' && e.statusCode >= 500) return true;
  return typeof e?.message === 'string' && /Failed to load (openID config|Keys)/.test(e.message);
}

/**
 * botframework-connector rejects a bad token in many shapes: AuthenticationError, an error with statusCode 401,
 * and, for a token it cannot even decode or whose algorithm it refuses (alg "none", HS256), a plain Error from
 * jsonwebtoken or its own checks. Every one of them is a 401, never a 500.
 */
function isAuthFailure(err: unknown): boolean {
  if (err instanceof AuthenticationError) return true;
  const e = err as { statusCode?: unknown; name?: unknown; message?: unknown } | undefined;
  if (e?.statusCode === 401 || e?.statusCode === 403) return true;
  if (e?.name === 'JsonWebTokenError' || e?.name === 'TokenExpiredError' || e?.name === 'NotBeforeError') return true;
  return (
    typeof e?.message === 'string' && /token|jwt|signature|unauthori[sz]ed|issuer|audience|endorse|signing key/i.test(e.message) && !(err instanceof AppError)
  );
}
