import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';

/**
 * The only module that reads process.env. Everything else receives the frozen Config.
 * Defaults live here with their units.
 */
const DEFAULTS = {
  PORT: 3978,
  DATABASE_URL: path.join('data', 'crm.sqlite'),
  LOG_LEVEL: 'info',
  SESSION_TTL_SECONDS: 8 * 3600, // agent session lifetime, seconds
  STORE_TIMEOUT_MS: 2000, // readiness probe and mongo server selection, milliseconds
  NLU_MAX_CHARS: 2000, // text beyond this is not given to the recognizer, characters
  ESCALATE_AFTER_FAILURES: 2, // consecutive not-understood turns before handoff
  OFFER_TIMEOUT_SECONDS: 60, // an offered chat goes to the next agent after this, seconds
  SQLITE_SYNCHRONOUS: 'full',
  WEBCHAT_STREAM_KEEPALIVE_SECONDS: 30, // ping interval of web chat streams; a client silent for two is closed, seconds
  WEBCHAT_STREAM_MAX_BUFFER_BYTES: 256 * 1024, // bytes queued for one web chat stream; past it, writing waits for the client
  WEBCHAT_STREAM_MAX_CONNECTIONS: 20_000, // open web chat streams per process; beyond it pages poll
  CONSOLE_SOCKET_MAX_BUFFER_BYTES: 4 * 1024 * 1024, // bytes queued for one console socket before it is disconnected
} as const;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
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
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  SESSION_TTL_SECONDS: z.coerce.number().int().positive().default(DEFAULTS.SESSION_TTL_SECONDS),
  STORE_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULTS.STORE_TIMEOUT_MS),
  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default(DEFAULTS.SQLITE_SYNCHRONOUS),
  MIGRATE_ON_START: bool.optional(),
  NLU_MAX_CHARS: z.coerce.number().int().positive().default(DEFAULTS.NLU_MAX_CHARS),
  NLU_MODEL_CACHE: z.string().optional(),
  ESCALATE_AFTER_FAILURES: z.coerce.number().int().min(1).default(DEFAULTS.ESCALATE_AFTER_FAILURES),
  OFFER_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(DEFAULTS.OFFER_TIMEOUT_SECONDS),
  CONSOLE_ALLOWED_ORIGINS: z.string().optional(),
  EXTERNAL_HANDOFF_CHANNELS: z.string().optional(),
  BUSINESS_HOURS: z.string().regex(/^[1-7](-[1-7])? \d{2}:\d{2}-\d{2}:\d{2}$/, 'BUSINESS_HOURS looks like "1-5 09:00-18:00" (days 1=Monday…7, local times)').optional(),
  BUSINESS_TIMEZONE: z.string().default('UTC'),
  ALWAYS_HUMAN_INTENTS: z.string().default('complaint,account.delete'),
  VIP_SEGMENTS: z.string().default('vip'),
  QUEUE_SWEEP_SECONDS: z.coerce.number().int().positive().default(15),
  ASK_EMAIL_CHANNELS: z.string().regex(/^[\w.-]*(,\s*[\w.-]+)*$/, 'ASK_EMAIL_CHANNELS is a comma-separated list of channel ids').default('webchat,directline,emulator'),
  KNOWLEDGE_FILE: z.string().optional(),
  RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z.string().min(32, 'WEBHOOK_SECRET must be at least 32 characters').optional(),
  MENTIONS_API_KEY: z.string().min(24, 'MENTIONS_API_KEY must be at least 24 characters').optional(),
  SITE_TOKEN_SECRET: z.string().min(32, 'SITE_TOKEN_SECRET must be at least 32 characters').optional(),
  TEAMS_APP_ID: z.string().optional(),
  TEAMS_APP_URI: z.string().optional(),
  TEAMS_JWKS_URL: z.string().url().default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  TEAMS_ISSUERS: z.string().default('https://login.microsoftonline.com/{tenantid}/v2.0,https://sts.windows.net/{tenantid}/'),
  DEMO_ACCOUNTS: bool.optional(),
  WEBCHAT_STREAM: bool.default('true'),
  WEBCHAT_STREAM_KEEPALIVE_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULTS.WEBCHAT_STREAM_KEEPALIVE_SECONDS),
  WEBCHAT_STREAM_MAX_BUFFER_BYTES: z.coerce.number().int().min(16 * 1024).default(DEFAULTS.WEBCHAT_STREAM_MAX_BUFFER_BYTES),
  WEBCHAT_STREAM_MAX_CONNECTIONS: z.coerce.number().int().min(0).default(DEFAULTS.WEBCHAT_STREAM_MAX_CONNECTIONS),
  CONSOLE_SOCKET_MAX_BUFFER_BYTES: z.coerce.number().int().min(64 * 1024).default(DEFAULTS.CONSOLE_SOCKET_MAX_BUFFER_BYTES),
});

/** `migrateOnStart`: apply pending store migrations at start (default: yes for the embedded store, no for MongoDB). */
export type StoreConfig =
  | { kind: 'mongo'; uri: string; timeoutMs: number; migrateOnStart: boolean }
  | { kind: 'sqlite'; file: string; synchronous: 'full' | 'normal'; timeoutMs: number; migrateOnStart: boolean };

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly publicUrl?: string;
  readonly logLevel: string;
  readonly store: StoreConfig;
  readonly bot: {
    readonly appId?: string;
    readonly appPassword?: string;
    readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    readonly tenantId?: string;
    /** True when no app id is set: activities are accepted without a token (local use only). */
    readonly anonymous: boolean;
  };
  readonly session: { readonly secret: string; readonly ttlSeconds: number };
  readonly nlu: { readonly maxChars: number; readonly modelCache: string };
  readonly handoff: {
    readonly escalateAfterFailures: number;
    readonly offerTimeoutSeconds: number;
    readonly externalChannels: readonly string[];
    readonly businessHours?: { readonly days: number[]; readonly open: string; readonly close: string; readonly timeZone: string };
    readonly alwaysHumanIntents: readonly string[];
    readonly vipSegments: readonly string[];
    /** How often the queue is swept for unaccepted offers and changed waits, seconds. */
    readonly sweepSeconds: number;
    /** Channels that cannot reach a customer later: when nobody can answer now, the bot asks for an e-mail there. */
    readonly askEmailChannels: readonly string[];
  };
  readonly knowledgeFile?: string;
  /** Verifies the company website's signed visitor tokens (web chat); absent: no visitor is verified. */
  readonly siteTokenSecret?: string;
  /** Key the social listening tool sends (x-api-key) to POST /api/mentions; absent: the endpoint is off. */
  readonly mentionsApiKey?: string;
  /** Closed conversations untouched this many days are deleted (unless tagged legal_hold); absent: kept. */
  readonly retentionDays?: number;
  /** Where profile and conversation events are sent, signed; absent: no webhook. */
  readonly webhook?: { readonly url: string; readonly secret: string };
  /** Teams tab single sign-on; absent when TEAMS_APP_ID is not set. */
  readonly teams?: { readonly appId: string; readonly jwksUrl: string; readonly issuers: readonly string[]; readonly audiences: readonly string[] };
  readonly console: { readonly allowedOrigins: readonly string[] };
  readonly demoAccounts: boolean;
  /** Web chat over Direct Line 3.0 WebSocket streams, and the outbound bounds of every pushed connection. */
  readonly streams: {
    /** False: no streamUrl is offered and the page polls. */
    readonly webChat: boolean;
    readonly webChatKeepAliveSeconds: number;
    readonly webChatMaxBufferedBytes: number;
    readonly webChatMaxConnections: number;
    /** Bytes queued for one console socket (not yet accepted by its transport) before it is disconnected. */
    readonly consoleMaxBufferedBytes: number;
  };
}

export function parseStoreUrl(url: string, synchronous: 'full' | 'normal', timeoutMs: number, migrateOnStart?: boolean): StoreConfig {
  if (/^mongodb(\+srv)?:\/\//.test(url)) return { kind: 'mongo', uri: url, timeoutMs, migrateOnStart: migrateOnStart ?? false };
  const file = url.startsWith('file:') ? url.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : url;
  return { kind: 'sqlite', file, synchronous, timeoutMs, migrateOnStart: migrateOnStart ?? true };
}

/** Parses an environment (process.env by default) into a frozen Config, or throws listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || 'env'}: ${issue.message}`);
  }
  const e = parsed.success ? parsed.data : undefined;
  if (e && e.NODE_ENV === 'production') {
    if (!e.MicrosoftAppId) problems.push('MicrosoftAppId: required in production (unauthenticated activities are refused)');
    if (!e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI')
      problems.push('MicrosoftAppPassword: required in production');
    if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId)
      problems.push('MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant');
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: required in production (at least 32 characters)');
  }
  if (e && !!e.WEBHOOK_URL !== !!e.WEBHOOK_SECRET) problems.push('WEBHOOK_URL and WEBHOOK_SECRET go together');
  if (e?.BUSINESS_TIMEZONE) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: e.BUSINESS_TIMEZONE });
    } catch {
      problems.push(`BUSINESS_TIMEZONE: unknown time zone ${e.BUSINESS_TIMEZONE}`);
    }
  }
  if (problems.length > 0 || !e) {
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, { details: problems });
  }
  const secret = e.SESSION_SECRET ?? `dev-only-session-secret-${e.NODE_ENV}-not-for-production`;
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    store: parseStoreUrl(e.DATABASE_URL, e.SQLITE_SYNCHRONOUS, e.STORE_TIMEOUT_MS, e.MIGRATE_ON_START),
    bot: {
      appId: e.MicrosoftAppId || undefined,
      appPassword: e.MicrosoftAppPassword || undefined,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId || undefined,
      anonymous: !e.MicrosoftAppId,
    },
    session: { secret, ttlSeconds: e.SESSION_TTL_SECONDS },
    nlu: { maxChars: e.NLU_MAX_CHARS, modelCache: e.NLU_MODEL_CACHE ?? path.join('data', 'nlu-model.json') },
    handoff: {
      escalateAfterFailures: e.ESCALATE_AFTER_FAILURES,
      offerTimeoutSeconds: e.OFFER_TIMEOUT_SECONDS,
      externalChannels: list(e.EXTERNAL_HANDOFF_CHANNELS),
      businessHours: e.BUSINESS_HOURS ? parseBusinessHours(e.BUSINESS_HOURS, e.BUSINESS_TIMEZONE) : undefined,
      alwaysHumanIntents: list(e.ALWAYS_HUMAN_INTENTS),
      vipSegments: list(e.VIP_SEGMENTS),
      sweepSeconds: e.QUEUE_SWEEP_SECONDS,
      askEmailChannels: list(e.ASK_EMAIL_CHANNELS),
    },
    knowledgeFile: e.KNOWLEDGE_FILE,
    siteTokenSecret: e.SITE_TOKEN_SECRET,
    mentionsApiKey: e.MENTIONS_API_KEY,
    retentionDays: e.RETENTION_DAYS,
    webhook: e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : undefined,
    teams: e.TEAMS_APP_ID
      ? { appId: e.TEAMS_APP_ID, jwksUrl: e.TEAMS_JWKS_URL, issuers: list(e.TEAMS_ISSUERS), audiences: [e.TEAMS_APP_ID, ...list(e.TEAMS_APP_URI)] }
      : undefined,
    console: { allowedOrigins: list(e.CONSOLE_ALLOWED_ORIGINS) },
    demoAccounts: e.DEMO_ACCOUNTS ?? e.NODE_ENV === 'development',
    streams: {
      webChat: e.WEBCHAT_STREAM,
      webChatKeepAliveSeconds: e.WEBCHAT_STREAM_KEEPALIVE_SECONDS,
      webChatMaxBufferedBytes: e.WEBCHAT_STREAM_MAX_BUFFER_BYTES,
      webChatMaxConnections: e.WEBCHAT_STREAM_MAX_CONNECTIONS,
      consoleMaxBufferedBytes: e.CONSOLE_SOCKET_MAX_BUFFER_BYTES,
    },
  };
  return deepFreeze(config);
}

function parseBusinessHours(spec: string, timeZone: string) {
  const [days, window] = spec.split(' ');
  const [from, to] = days.split('-').map(Number);
  const [open, close] = window.split('-');
  return { days: Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i), open, close, timeZone };
}

function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The MongoDB used by the contract suite; unset means that run is skipped (and says so). */
export function mongoTestUri(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.MONGODB_URI || undefined;
}
