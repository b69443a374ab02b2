import type restify from 'restify';
import { AuthenticationError } from 'botframework-connector';
import { z } from 'zod';
import { AppError, toAppError, type ErrorCode } from '../core/errors';
import { isRealDate, route } from '../core/http';
import type { Logger } from '../core/logger';
import type { RateLimits } from '../core/rateLimits';
import { TrustedServiceUrls } from '../core/serviceUrls';
import { SupportAdapter } from './supportAdapter';
import { FROM_BOT_ENDPOINT, type SupportBot } from './supportBot';

// Every field the bot reads from an account is typed here, so a malformed one is refused before anything is stored
// (a non-string aadObjectId used to fail the turn after the customer's message was written).
/**
 * Ids travel into connector URLs and store keys: control characters (NUL, line breaks) and unpaired surrogates
 * (which no URL can encode) are never part of one.
 */
const idString = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
    .refine((v) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v), 'must be well-formed text');

const Account = z
  .object({
    id: idString(512),
    name: z.string().max(1024).optional(),
    role: z.string().max(64).optional(),
    aadObjectId: z.string().max(128).optional(),
  })
  .passthrough();

/**
 * What we require of an incoming activity before any bot logic runs; other fields pass through. The text is
 * bounded by the body limit here and by the message limit in the endpoint (a coded MESSAGE_TOO_LONG).
 */
export const ActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: idString(512).optional(),
    channelId: idString(128),
    // The connector's HTTP client looks a bracketed IPv6 literal up as a host name and fails after the message is
    // stored: such an address is refused here, before anything is.
    serviceUrl: z
      .string()
      .min(1)
      .max(2048)
      .refine(
        (v) => !/^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?\[/i.test(v),
        'an IPv6 address literal cannot be reached by the Bot Framework connector; use a host name',
      ),
    // The connector sends it back in a header (x-ms-conversation-id): printable ASCII, as every channel's ids are.
    conversation: z
      .object({ id: idString(1024).refine((v) => /^[\x20-\x7e]+$/.test(v), 'must be printable ASCII'), tenantId: z.string().max(128).optional() })
      .passthrough(),
    from: Account,
    recipient: Account.optional(),
    text: z.string().optional(),
    locale: z.string().max(32).optional(),
    attachments: z
      .array(z.object({ contentType: z.string().max(256) }).passthrough())
      .max(50)
      .optional(),
    deliveryMode: z.enum(['normal', 'notification', 'expectReplies', 'ephemeral']).optional(),
    membersAdded: z.array(Account).max(100).optional(),
    membersRemoved: z.array(Account).max(100).optional(),
    entities: z
      .array(z.object({ type: z.string().max(256).optional() }).passthrough())
      .max(50)
      .optional(),
    channelData: z.object({}).passthrough().optional(),
    replyToId: idString(512).optional(),
    name: z.string().max(256).optional(),
    // A date that exists (Date.parse takes 2020-02-30 for March 1st); Bot Framework sends up to seven decimals and an offset.
    timestamp: z
      .string()
      .max(64)
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO 8601 time')
      .refine((v) => isRealDate(`${v.slice(0, 16)}Z`), 'is not a real date')
      .optional(),
  })
  .passthrough();

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
      const parsed = ActivitySchema.safeParse(req.body);
      if (!parsed.success) {
        throw new AppError(
          'BOT_ACTIVITY_INVALID',
          `Invalid activity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
        );
      }
      const activity = parsed.data;
      if (typeof activity.text === 'string' && activity.text.length > d.maxMessageChars) {
        throw new AppError('MESSAGE_TOO_LONG', `messages are at most ${d.maxMessageChars} characters`, { details: { maxChars: d.maxMessageChars } });
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
const PASSED_THROUGH = new Set<ErrorCode>(['RATE_LIMITED', 'OUTBOUND_URL_UNTRUSTED', 'MESSAGE_TOO_LONG', 'BOT_CHANNEL_FORBIDDEN']);

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
