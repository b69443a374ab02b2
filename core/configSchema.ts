import path from 'node:path';
import { z } from 'zod';
import { PHONE_REGIONS, phoneRegion } from '../models/phoneNumbers';

/**
 * The environment's schema, one field per setting (README's settings table lists them), with the defaults and
 * their units. Only core/config.ts reads process.env and parses it with this; it also derives and checks what
 * depends on several settings at once.
 */
/**
 * log2 of scrypt's N for staff password hashes (auth/passwords.ts): 15 (32 MiB, ~100 ms a hash) by default and at
 * least outside tests; a test suite, creating hundreds of accounts, may go down to 10 with NODE_ENV=test (core/config.ts).
 */
export const PASSWORD_HASH_COST = { default: 15, min: 15, minInTests: 10, max: 17 } as const;

const DEFAULTS = {
  PORT: 3978,
  DATABASE_URL: path.join('data', 'crm.sqlite'),
  LOG_LEVEL: 'info',
  SESSION_TTL_SECONDS: 8 * 3600, // agent session lifetime, seconds
  STORE_TIMEOUT_MS: 2000, // readiness probe and mongo server selection, milliseconds
  NLU_MAX_CHARS: 2000, // text beyond this is not given to the recognizer, characters
  ESCALATE_AFTER_FAILURES: 2, // consecutive not-understood turns before handoff
  OFFER_TIMEOUT_SECONDS: 60, // an offered chat goes to the next agent after this, seconds
  QUEUE_NOTICE_QUIET_SECONDS: 600, // a queued customer whose place did not improve is told it again after this long, seconds
  QUEUE_AWAY_SECONDS: 300, // a queued web chat whose streams have all been closed this long is marked gone, seconds
  QUEUE_IDLE_AWAY_SECONDS: 3600, // a queued chat whose customer has not written (no stream open) this long is marked gone, seconds
  OFFER_COOLDOWN_SECONDS: 120, // an agent who declined a chat (or let its offer time out) is not offered it again for this long, seconds
  CHANNEL_SEND_TIMEOUT_MS: 7000, // longest wait for a customer's channel to take one message (below the console's 10 s), ms
  AGENT_REPLY_TIMEOUT_SECONDS: 120, // a customer writing to an agent silent this long is told their message arrived, seconds
  OFFER_ROLES: 'agent', // roles offered queued chats
  SQLITE_SYNCHRONOUS: 'full',
  WEBCHAT_STREAM_KEEPALIVE_SECONDS: 30, // ping interval of web chat streams; a client silent for two is closed, seconds
  WEBCHAT_STREAM_MAX_BUFFER_BYTES: 256 * 1024, // bytes queued for one web chat stream; past it, writing waits for the client
  WEBCHAT_STREAM_MAX_CONNECTIONS: 20_000, // open web chat streams per process; beyond it pages poll
  CONSOLE_SOCKET_MAX_BUFFER_BYTES: 4 * 1024 * 1024, // bytes queued for one console socket before it is disconnected
  CONSOLE_SESSION_CHECK_SECONDS: 30, // how often open console sockets have their session checked again (a disable from the CLI), seconds
  MAX_MESSAGE_CHARS: 10_000, // longest customer or agent message accepted on any intake path, characters
  ATTACHMENT_MAX_BYTES: 10 * 1024 * 1024, // largest file uploaded, sent or fetched from a channel, bytes
  ATTACHMENT_URL_SECONDS: 3600, // life of a signed attachment link given to a customer's channel, seconds
  TRUST_PROXY: 0, // reverse proxies in front of the service whose X-Forwarded-For is believed, hops
  SHUTDOWN_DELAY_SECONDS: 5, // after SIGTERM, /readyz answers 503 while requests are still served, seconds
  SHUTDOWN_GRACE_SECONDS: 25, // then requests already received get this long to finish, seconds
  PASSWORD_MIN_LENGTH: 12, // staff passwords, characters (and a strength estimate, see auth/passwordPolicy.ts)
  PASSWORD_HASH_COST: PASSWORD_HASH_COST.default, // log2 of scrypt's N for staff password hashes
  WEBCHAT_TOKEN_SECONDS: 3600, // a web chat token's life; refreshed by the page, seconds
  WEBCHAT_SESSION_MAX_SECONDS: 24 * 3600, // no refresh extends a web chat session past this, seconds
  CONSENT_ASK_HOURS: 24, // a consent question staff had the bot ask is answerable this long, hours
  WEBCHAT_REFRESH_GRACE_SECONDS: 30, // a refreshed web chat token keeps working this long (requests in flight), seconds
  SITE_TOKEN_AUDIENCE: 'social-crm-webchat',
  SITE_TOKEN_ISSUER: 'company-website',
  SITE_TOKEN_MAX_SECONDS: 3600, // longest lifetime (exp − iat, or exp − now) a site token may claim, seconds
  // Rate limits: "points/seconds" (that many in any window of that many seconds, per key).
  RATE_LIMIT_CONVERSATION_MESSAGES: '30/60', // customer messages per conversation (every channel)
  RATE_LIMIT_IP_MESSAGES: '120/60', // web chat messages and events per client address
  RATE_LIMIT_CONVERSATION_TYPING: '30/60', // customer typing signals per conversation (Web Chat sends one every ~3 s)
  RATE_LIMIT_IP_TYPING: '120/60', // web chat typing signals per client address
  RATE_LIMIT_IP_WEBCHAT_SESSIONS: '20/600', // new web chat sessions per client address
  RATE_LIMIT_IP_HANDSHAKES: '60/60', // console socket connections per client address
  RATE_LIMIT_SOCKET_PRESENCE: '5/10', // presence changes per console user (all their sockets)
  RATE_LIMIT_SOCKET_TYPING: '20/10', // typing signals per console user (all their sockets)
  RATE_LIMIT_SOCKET_MESSAGES: '30/10', // messages and notes per console user (all their sockets)
  RATE_LIMIT_SOCKET_OTHER: '120/10', // every other console request per console user (all their sockets)
} as const;

/** Secrets that sign or authenticate: long, and not made of a few repeated characters. */
const MIN_SECRET_BITS = 72;

/** Shannon entropy of the string's own character distribution, times its length: a floor check, not a proof. */
export function secretBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const n = [...s].length;
  for (const c of counts.values()) bits -= (c / n) * Math.log2(c / n) * n;
  return bits;
}

function secret(name: string, minLength: number) {
  return z
    .string()
    .refine((v) => v.trim().length >= minLength, `${name} must be at least ${minLength} characters (not counting spaces)`)
    .refine((v) => secretBits(v) >= MIN_SECRET_BITS, `${name} is guessable (too few different characters); use random bytes, e.g. openssl rand -base64 32`);
}

/** "points/seconds", e.g. "30/60". */
const rate = z
  .string()
  .regex(/^\d{1,7}\/\d{1,7}$/, 'a rate looks like "30/60" (at most 30 in any 60 seconds)')
  .transform((v) => {
    const [points, seconds] = v.split('/').map(Number);
    return { points, seconds };
  })
  .refine((r) => r.points > 0 && r.seconds > 0, 'both numbers of a rate must be positive');

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.PORT),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().min(1).default(DEFAULTS.DATABASE_URL),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(DEFAULTS.LOG_LEVEL),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().optional(),
  BOT_OPENID_METADATA_URL: z.string().url().optional(),
  SESSION_SECRET: secret('SESSION_SECRET', 32).optional(),
  SESSION_TTL_SECONDS: z.coerce.number().int().positive().default(DEFAULTS.SESSION_TTL_SECONDS),
  STORE_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULTS.STORE_TIMEOUT_MS),
  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default(DEFAULTS.SQLITE_SYNCHRONOUS),
  MIGRATE_ON_START: bool.optional(),
  NLU_MAX_CHARS: z.coerce.number().int().positive().default(DEFAULTS.NLU_MAX_CHARS),
  NLU_MODEL_CACHE: z.string().optional(),
  ESCALATE_AFTER_FAILURES: z.coerce.number().int().min(1).default(DEFAULTS.ESCALATE_AFTER_FAILURES),
  OFFER_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(DEFAULTS.OFFER_TIMEOUT_SECONDS),
  QUEUE_NOTICE_QUIET_SECONDS: z.coerce.number().int().min(60).max(86_400).default(DEFAULTS.QUEUE_NOTICE_QUIET_SECONDS),
  QUEUE_AWAY_SECONDS: z.coerce.number().int().min(30).max(86_400).default(DEFAULTS.QUEUE_AWAY_SECONDS),
  QUEUE_IDLE_AWAY_SECONDS: z.coerce.number().int().min(300).max(604_800).default(DEFAULTS.QUEUE_IDLE_AWAY_SECONDS),
  OFFER_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(DEFAULTS.OFFER_COOLDOWN_SECONDS),
  CHANNEL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(DEFAULTS.CHANNEL_SEND_TIMEOUT_MS),
  AGENT_REPLY_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(DEFAULTS.AGENT_REPLY_TIMEOUT_SECONDS),
  OFFER_ROLES: z
    .string()
    .default(DEFAULTS.OFFER_ROLES)
    .refine((v) => v.split(',').every((r) => ['agent', 'supervisor', 'admin'].includes(r.trim())), 'OFFER_ROLES lists agent, supervisor, admin'),
  CONSOLE_ALLOWED_ORIGINS: z.string().optional(),
  CONSOLE_SESSION_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULTS.CONSOLE_SESSION_CHECK_SECONDS),
  EXTERNAL_HANDOFF_CHANNELS: z.string().optional(),
  BUSINESS_HOURS: z
    .string()
    .regex(/^[1-7](-[1-7])? \d{2}:\d{2}-\d{2}:\d{2}$/, 'BUSINESS_HOURS looks like "1-5 09:00-18:00" (days 1=Monday…7, local times)')
    .optional(),
  BUSINESS_TIMEZONE: z.string().default('UTC'),
  ALWAYS_HUMAN_INTENTS: z.string().default('complaint,account.delete'),
  VIP_SEGMENTS: z.string().default('vip'),
  QUEUE_SWEEP_SECONDS: z.coerce.number().int().positive().default(15),
  ASK_EMAIL_CHANNELS: z
    .string()
    .regex(/^[\w.-]*(,\s*[\w.-]+)*$/, 'ASK_EMAIL_CHANNELS is a comma-separated list of channel ids')
    .default('webchat,directline,emulator'),
  KNOWLEDGE_FILE: z.string().optional(),
  VERIFY_CODE_LENGTH: z.coerce.number().int().min(6).max(10).default(6),
  VERIFY_CODE_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  VERIFY_CODE_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  VERIFY_CODES_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(5),
  // Absent: the larger of 20 and four conversations' worth (core/config.ts).
  VERIFY_ADDRESS_CODES_PER_HOUR: z.coerce.number().int().min(1).max(100_000).optional(),
  VERIFY_OUTBOX_FILE: z.string().optional(),
  RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'REDIS_URL is redis://[user:password@]host[:port][/db] (or rediss:// for TLS)')
    .optional(),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: secret('WEBHOOK_SECRET', 32).optional(),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(15),
  WEBHOOK_RETRY_SECONDS: z.coerce.number().positive().max(3600).default(1),
  WEBHOOK_RETRY_MAX_SECONDS: z.coerce.number().positive().max(86_400).default(3600),
  RETENTION_SWEEP_SECONDS: z.coerce.number().int().positive().default(3600),
  LEASE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  MENTIONS_API_KEY: secret('MENTIONS_API_KEY', 24).optional(),
  SITE_TOKEN_SECRET: secret('SITE_TOKEN_SECRET', 32).optional(),
  SITE_TOKEN_AUDIENCE: z.string().min(1).max(200).default(DEFAULTS.SITE_TOKEN_AUDIENCE),
  SITE_TOKEN_ISSUER: z.string().min(1).max(200).default(DEFAULTS.SITE_TOKEN_ISSUER),
  SITE_TOKEN_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(DEFAULTS.SITE_TOKEN_MAX_SECONDS),
  WEBCHAT_TOKEN_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(24 * 3600)
    .default(DEFAULTS.WEBCHAT_TOKEN_SECONDS),
  WEBCHAT_SESSION_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(DEFAULTS.WEBCHAT_SESSION_MAX_SECONDS),
  COMPANY_NAME: z.string().trim().max(120).optional(),
  // The country of phone numbers typed without a country code, when neither the profile nor the channel's locale says.
  DEFAULT_PHONE_REGION: z
    .string()
    .trim()
    .refine((v) => phoneRegion(v) !== undefined, `DEFAULT_PHONE_REGION is one of ${Object.keys(PHONE_REGIONS).join(', ')} (ISO 3166-1 alpha-2)`)
    .transform((v) => phoneRegion(v)!)
    .optional(),
  CONSENT_ASK_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .default(DEFAULTS.CONSENT_ASK_HOURS),
  WEBCHAT_REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(DEFAULTS.WEBCHAT_REFRESH_GRACE_SECONDS),
  TRUSTED_SERVICE_URLS: z.string().optional(),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(DEFAULTS.TRUST_PROXY),
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(1).max(100_000).default(DEFAULTS.MAX_MESSAGE_CHARS),
  // Below MongoDB's 16 MB document limit: one attachment is one document (store/mongo/mongoAttachments.ts).
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(15 * 1024 * 1024)
    .default(DEFAULTS.ATTACHMENT_MAX_BYTES),
  ATTACHMENT_URL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(DEFAULTS.ATTACHMENT_URL_SECONDS),
  ATTACHMENT_HOSTS: z.string().optional(),
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).max(300).default(DEFAULTS.SHUTDOWN_DELAY_SECONDS),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(DEFAULTS.SHUTDOWN_GRACE_SECONDS),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(128).default(DEFAULTS.PASSWORD_MIN_LENGTH),
  PASSWORD_HASH_COST: z.coerce.number().int().min(PASSWORD_HASH_COST.minInTests).max(PASSWORD_HASH_COST.max).default(DEFAULTS.PASSWORD_HASH_COST),
  RATE_LIMIT_CONVERSATION_MESSAGES: rate.default(DEFAULTS.RATE_LIMIT_CONVERSATION_MESSAGES),
  RATE_LIMIT_IP_MESSAGES: rate.default(DEFAULTS.RATE_LIMIT_IP_MESSAGES),
  RATE_LIMIT_CONVERSATION_TYPING: rate.default(DEFAULTS.RATE_LIMIT_CONVERSATION_TYPING),
  RATE_LIMIT_IP_TYPING: rate.default(DEFAULTS.RATE_LIMIT_IP_TYPING),
  RATE_LIMIT_IP_WEBCHAT_SESSIONS: rate.default(DEFAULTS.RATE_LIMIT_IP_WEBCHAT_SESSIONS),
  RATE_LIMIT_IP_HANDSHAKES: rate.default(DEFAULTS.RATE_LIMIT_IP_HANDSHAKES),
  RATE_LIMIT_SOCKET_PRESENCE: rate.default(DEFAULTS.RATE_LIMIT_SOCKET_PRESENCE),
  RATE_LIMIT_SOCKET_TYPING: rate.default(DEFAULTS.RATE_LIMIT_SOCKET_TYPING),
  RATE_LIMIT_SOCKET_MESSAGES: rate.default(DEFAULTS.RATE_LIMIT_SOCKET_MESSAGES),
  RATE_LIMIT_SOCKET_OTHER: rate.default(DEFAULTS.RATE_LIMIT_SOCKET_OTHER),
  TEAMS_APP_ID: z.string().optional(),
  TEAMS_APP_URI: z.string().optional(),
  TEAMS_JWKS_URL: z.string().url().default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  TEAMS_ISSUERS: z.string().default('https://login.microsoftonline.com/{tenantid}/v2.0,https://sts.windows.net/{tenantid}/'),
  TEAMS_ALLOWED_TENANTS: z.string().optional(),
  DEMO_ACCOUNTS: bool.optional(),
  WEBCHAT_STREAM: bool.default('true'),
  WEBCHAT_STREAM_KEEPALIVE_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULTS.WEBCHAT_STREAM_KEEPALIVE_SECONDS),
  WEBCHAT_STREAM_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .default(DEFAULTS.WEBCHAT_STREAM_MAX_BUFFER_BYTES),
  WEBCHAT_STREAM_MAX_CONNECTIONS: z.coerce.number().int().min(0).default(DEFAULTS.WEBCHAT_STREAM_MAX_CONNECTIONS),
  CONSOLE_SOCKET_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(DEFAULTS.CONSOLE_SOCKET_MAX_BUFFER_BYTES),
});
