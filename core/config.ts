import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';
import { EnvSchema, PASSWORD_HASH_COST } from './configSchema';
import { knowledgeFileProblem } from './configFiles';
import { BOT_FRAMEWORK_SERVICE_URLS, LOCAL_SERVICE_URLS, isCleartextRemote, parseServiceUrlPattern } from './serviceUrls';

/**
 * The only module that reads process.env. Everything else receives the frozen Config.
 * The schema, defaults and units are in core/configSchema.ts; this module parses, cross-checks and freezes.
 */

export interface Rate {
  readonly points: number;
  readonly seconds: number;
}

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
    /** Where channel token signing keys are published; absent: Bot Framework's public cloud. */
    readonly openIdMetadataUrl?: string;
  };
  readonly session: { readonly secret: string; readonly ttlSeconds: number };
  readonly nlu: { readonly maxChars: number; readonly modelCache: string };
  readonly handoff: {
    readonly escalateAfterFailures: number;
    readonly offerTimeoutSeconds: number;
    /** An agent who passed on a chat (declined, or let the offer time out) is not offered it again for this long, seconds. */
    readonly offerCooldownSeconds: number;
    /** A queued customer whose place did not improve is told their place again after this long, seconds. */
    readonly queueNoticeQuietSeconds: number;
    /** A queued web chat whose streams have all been closed this long counts as gone, seconds. */
    readonly queueAwaySeconds: number;
    /** A queued chat whose customer has not written, with no stream open, this long counts as gone, seconds. */
    readonly queueIdleAwaySeconds: number;
    /** A customer writing to an agent who has not answered this long is told their message reached them, seconds. */
    readonly agentReplyTimeoutSeconds: number;
    /** Longest wait for the customer's channel to take one message, ms: an agent's send is answered before the console gives up. */
    readonly channelSendTimeoutMs: number;
    /** Roles offered queued chats. */
    readonly offerRoles: readonly string[];
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
  /** One-time codes that prove a chat visitor controls the e-mail on an order before the bot acts on it. */
  readonly verification: {
    readonly codeLength: number;
    readonly codeSeconds: number;
    readonly maxAttempts: number;
    /** Codes one conversation may have sent to one address in any 60 minutes. */
    readonly codesPerHour: number;
    /** Codes sent to one address in any 60 minutes, whichever conversations asked (the mailbox's own limit). */
    readonly addressCodesPerHour: number;
    /** Development outbox the stand-in notifier appends codes to; absent: the server log only. */
    readonly outboxFile?: string;
  };
  /** Verifies the company website's signed visitor tokens (web chat); absent: no visitor is verified. */
  readonly siteTokenSecret?: string;
  /** Key the social listening tool sends (x-api-key) to POST /api/mentions; absent: the endpoint is off. */
  readonly mentionsApiKey?: string;
  /** Closed conversations untouched this many days are deleted (unless tagged legal_hold); absent: kept. */
  readonly retentionDays?: number;
  /**
   * Redis shared by every instance (Socket.IO adapter, rate-limit counters, presence, last replies, web chat
   * notifications); absent: one instance, all of it in this process.
   */
  readonly redisUrl?: string;
  /** Where profile and conversation events are sent, signed; absent: no webhook. */
  readonly webhook?: {
    readonly url: string;
    readonly secret: string;
    /** Attempts before an event is dead-lettered. */
    readonly maxAttempts: number;
    /** First retry after this many seconds, doubling, at most retryMaxSeconds. */
    readonly retrySeconds: number;
    readonly retryMaxSeconds: number;
  };
  /** Jobs that run once across instances (docs/adr/0006). */
  readonly jobs: {
    /** A lease not renewed for this many seconds (its holder died) is taken over by another instance. */
    readonly leaseTtlSeconds: number;
    /** How often the retention sweep runs, seconds. */
    readonly retentionSweepSeconds: number;
  };
  /** How the company website's signed visitor tokens must look besides their signature. */
  readonly siteToken: { readonly audience: string; readonly issuer: string; readonly maxSeconds: number };
  /**
   * Web chat tokens: each lives `tokenSeconds`; refreshes never carry a session past `sessionMaxSeconds`, and the
   * token a refresh replaced works `refreshGraceSeconds` more.
   */
  readonly webChat: { readonly tokenSeconds: number; readonly sessionMaxSeconds: number; readonly refreshGraceSeconds: number };
  /** Teams tab single sign-on; absent when TEAMS_APP_ID is not set. Only tokens of allowedTenants are accepted. */
  readonly teams?: {
    readonly appId: string;
    readonly jwksUrl: string;
    readonly issuers: readonly string[];
    readonly audiences: readonly string[];
    readonly allowedTenants: readonly string[];
  };
  readonly console: { readonly allowedOrigins: readonly string[]; readonly sessionCheckSeconds: number };
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
  /** Service URL patterns the bot may send to (core/serviceUrls.ts); everything else is refused, nothing sent. */
  readonly trustedServiceUrls: readonly string[];
  /** Longest message text accepted on any intake path (Bot Framework, web chat, console, mentions), characters. */
  readonly maxMessageChars: number;
  /** How long a consent question staff had the bot ask stays answerable, hours (after it a yes is no consent). */
  readonly consentAskHours: number;
  /** The company's name: no customer may go by it (profile/reservedNames.ts). */
  readonly companyName?: string;
  /**
   * The country (ISO 3166-1 alpha-2) of a phone number a customer types without its country code when neither their
   * profile nor the channel's locale names one (models/phoneNumbers.ts); absent: such a number is asked for again.
   */
  readonly defaultPhoneRegion?: string;
  /**
   * Files: the largest accepted (upload, agent send, channel fetch), bytes; how long a signed link lives, seconds;
   * hosts channel attachments are fetched from besides the trusted service URLs (patterns as TRUSTED_SERVICE_URLS).
   */
  readonly attachments: { readonly maxBytes: number; readonly urlSeconds: number; readonly hosts: readonly string[] };
  /** Reverse proxies in front of the service: the client address is read that many hops from the right of X-Forwarded-For. */
  readonly trustProxy: number;
  readonly shutdown: { readonly delaySeconds: number; readonly graceSeconds: number };
  readonly passwordMinLength: number;
  /** log2 of scrypt's N for new staff password hashes (auth/passwords.ts). */
  readonly passwordHashCost: number;
  readonly rateLimits: {
    readonly conversationMessages: Rate;
    readonly ipMessages: Rate;
    readonly conversationTyping: Rate;
    readonly ipTyping: Rate;
    readonly ipWebChatSessions: Rate;
    readonly ipHandshakes: Rate;
    readonly socket: { readonly presence: Rate; readonly typing: Rate; readonly messages: Rate; readonly other: Rate };
  };
}

export function parseStoreUrl(url: string, synchronous: 'full' | 'normal', timeoutMs: number, migrateOnStart?: boolean): StoreConfig {
  if (/^mongodb(\+srv)?:\/\//.test(url)) return { kind: 'mongo', uri: url, timeoutMs, migrateOnStart: migrateOnStart ?? false };
  const file = url.startsWith('file:') ? url.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : url;
  return { kind: 'sqlite', file, synchronous, timeoutMs, migrateOnStart: migrateOnStart ?? true };
}

/** Parses an environment (process.env by default) into a frozen Config, or throws listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Each setting is parsed on its own, so the checks between settings still run (and report) when one is invalid.
  const problems: string[] = [];
  const failed = new Set<string>();
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EnvSchema.shape) as [string, z.ZodTypeAny][]) {
    const r = schema.safeParse(env[name]);
    if (r.success) values[name] = r.data;
    else {
      failed.add(name);
      for (const issue of r.error.issues) problems.push(`${[name, ...issue.path].join('.')}: ${issue.message}`);
    }
  }
  const e = values as z.output<typeof EnvSchema>;
  /** A setting that is absent (and not merely invalid, which is reported already). */
  const missing = (name: keyof typeof e) => !e[name] && !failed.has(name);
  // One conversation alone must not use up an address's codes: the real customer, in their own chat, still gets theirs.
  if (e.VERIFY_ADDRESS_CODES_PER_HOUR !== undefined && e.VERIFY_ADDRESS_CODES_PER_HOUR < 2 * e.VERIFY_CODES_PER_HOUR)
    problems.push('VERIFY_ADDRESS_CODES_PER_HOUR: must be at least twice VERIFY_CODES_PER_HOUR (one conversation must not use up an address)');
  // A cheaper hash is for test suites only, which create hundreds of accounts; anything else gets 2^15 or more.
  if (e.NODE_ENV !== 'test' && e.PASSWORD_HASH_COST < PASSWORD_HASH_COST.min)
    problems.push(`PASSWORD_HASH_COST: at least ${PASSWORD_HASH_COST.min} outside tests (NODE_ENV=test)`);
  if (e.NODE_ENV === 'production') {
    if (missing('MicrosoftAppId')) problems.push('MicrosoftAppId: required in production (unauthenticated activities are refused)');
    if (missing('MicrosoftAppPassword') && e.MicrosoftAppType !== 'UserAssignedMSI') problems.push('MicrosoftAppPassword: required in production');
    if (missing('SESSION_SECRET')) problems.push('SESSION_SECRET: required in production (at least 32 characters)');
    if (missing('PUBLIC_URL')) problems.push("PUBLIC_URL: required in production (the service's own https address)");
    else if (e.PUBLIC_URL && !e.PUBLIC_URL.startsWith('https://'))
      problems.push('PUBLIC_URL: must be https:// in production (terminate TLS in front of the service)');
    if (e.DEMO_ACCOUNTS) problems.push('DEMO_ACCOUNTS: refused in production (their password is public)');
    if (e.VERIFY_OUTBOX_FILE) problems.push('VERIFY_OUTBOX_FILE: refused in production (it writes verification codes in clear)');
    if (e.BOT_OPENID_METADATA_URL && !e.BOT_OPENID_METADATA_URL.startsWith('https://'))
      problems.push('BOT_OPENID_METADATA_URL: must be https:// in production');
  }
  if (e.MicrosoftAppId && missing('PUBLIC_URL'))
    problems.push("PUBLIC_URL: required when MicrosoftAppId is set (the web chat's service URL must never come from a request)");
  if ((e.MicrosoftAppType === 'SingleTenant' || e.MicrosoftAppType === 'UserAssignedMSI') && missing('MicrosoftAppTenantId'))
    problems.push(`MicrosoftAppTenantId: required when MicrosoftAppType is ${e.MicrosoftAppType}`);
  if (e.MicrosoftAppType === 'UserAssignedMSI' && missing('MicrosoftAppId'))
    problems.push("MicrosoftAppId: required when MicrosoftAppType is UserAssignedMSI (the managed identity's client id)");
  if (e.MicrosoftAppPassword && !e.MicrosoftAppId) problems.push('MicrosoftAppPassword: set without MicrosoftAppId');
  for (const t of trustedList(e.TRUSTED_SERVICE_URLS, !e.MicrosoftAppId)) {
    const p = parseServiceUrlPattern(t);
    if (typeof p === 'string') problems.push(`TRUSTED_SERVICE_URLS: ${p}`);
    else if (e.NODE_ENV === 'production' && isCleartextRemote(t))
      problems.push(`TRUSTED_SERVICE_URLS: "${t}" is plain http to another host; production sends only over https`);
  }
  for (const t of list(e.ATTACHMENT_HOSTS)) {
    const p = parseServiceUrlPattern(t);
    if (typeof p === 'string') problems.push(`ATTACHMENT_HOSTS: ${p}`);
    else if (e.NODE_ENV === 'production' && isCleartextRemote(t))
      problems.push(`ATTACHMENT_HOSTS: "${t}" is plain http to another host; production fetches only over https`);
  }
  if (e.TEAMS_APP_ID && list(e.TEAMS_ALLOWED_TENANTS).length === 0 && !failed.has('TEAMS_ALLOWED_TENANTS'))
    problems.push('TEAMS_ALLOWED_TENANTS: required when TEAMS_APP_ID is set (the Entra ID tenant ids whose users may sign in)');
  for (const tid of list(e.TEAMS_ALLOWED_TENANTS)) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tid))
      problems.push(`TEAMS_ALLOWED_TENANTS: "${tid}" is not a tenant id (a GUID)`);
  }
  if (e.WEBCHAT_TOKEN_SECONDS !== undefined && e.WEBCHAT_SESSION_MAX_SECONDS !== undefined && e.WEBCHAT_TOKEN_SECONDS > e.WEBCHAT_SESSION_MAX_SECONDS)
    problems.push('WEBCHAT_TOKEN_SECONDS: longer than WEBCHAT_SESSION_MAX_SECONDS');
  if (!!e.WEBHOOK_URL !== !!e.WEBHOOK_SECRET && !failed.has('WEBHOOK_URL') && !failed.has('WEBHOOK_SECRET'))
    problems.push('WEBHOOK_URL and WEBHOOK_SECRET go together');
  if (e.BUSINESS_TIMEZONE) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: e.BUSINESS_TIMEZONE });
    } catch {
      problems.push(`BUSINESS_TIMEZONE: unknown time zone ${e.BUSINESS_TIMEZONE}`);
    }
  }
  if (e.KNOWLEDGE_FILE) {
    const p = knowledgeFileProblem(e.KNOWLEDGE_FILE);
    if (p) problems.push(`KNOWLEDGE_FILE: ${p}`);
  }
  if (problems.length > 0) {
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
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
    },
    session: { secret, ttlSeconds: e.SESSION_TTL_SECONDS },
    nlu: { maxChars: e.NLU_MAX_CHARS, modelCache: e.NLU_MODEL_CACHE ?? path.join('data', 'nlu-model.json') },
    handoff: {
      escalateAfterFailures: e.ESCALATE_AFTER_FAILURES,
      offerTimeoutSeconds: e.OFFER_TIMEOUT_SECONDS,
      offerCooldownSeconds: e.OFFER_COOLDOWN_SECONDS,
      queueNoticeQuietSeconds: e.QUEUE_NOTICE_QUIET_SECONDS,
      queueAwaySeconds: e.QUEUE_AWAY_SECONDS,
      queueIdleAwaySeconds: e.QUEUE_IDLE_AWAY_SECONDS,
      agentReplyTimeoutSeconds: e.AGENT_REPLY_TIMEOUT_SECONDS,
      channelSendTimeoutMs: e.CHANNEL_SEND_TIMEOUT_MS,
      offerRoles: list(e.OFFER_ROLES),
      externalChannels: list(e.EXTERNAL_HANDOFF_CHANNELS),
      businessHours: e.BUSINESS_HOURS ? parseBusinessHours(e.BUSINESS_HOURS, e.BUSINESS_TIMEZONE) : undefined,
      alwaysHumanIntents: list(e.ALWAYS_HUMAN_INTENTS),
      vipSegments: list(e.VIP_SEGMENTS),
      sweepSeconds: e.QUEUE_SWEEP_SECONDS,
      askEmailChannels: list(e.ASK_EMAIL_CHANNELS),
    },
    knowledgeFile: e.KNOWLEDGE_FILE,
    verification: {
      codeLength: e.VERIFY_CODE_LENGTH,
      codeSeconds: e.VERIFY_CODE_SECONDS,
      maxAttempts: e.VERIFY_CODE_ATTEMPTS,
      codesPerHour: e.VERIFY_CODES_PER_HOUR,
      addressCodesPerHour: e.VERIFY_ADDRESS_CODES_PER_HOUR ?? Math.max(20, 4 * e.VERIFY_CODES_PER_HOUR),
      outboxFile: e.VERIFY_OUTBOX_FILE,
    },
    siteTokenSecret: e.SITE_TOKEN_SECRET,
    mentionsApiKey: e.MENTIONS_API_KEY,
    retentionDays: e.RETENTION_DAYS,
    redisUrl: e.REDIS_URL,
    webhook:
      e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? {
            url: e.WEBHOOK_URL,
            secret: e.WEBHOOK_SECRET,
            maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
            retrySeconds: e.WEBHOOK_RETRY_SECONDS,
            retryMaxSeconds: e.WEBHOOK_RETRY_MAX_SECONDS,
          }
        : undefined,
    jobs: { leaseTtlSeconds: e.LEASE_TTL_SECONDS, retentionSweepSeconds: e.RETENTION_SWEEP_SECONDS },
    siteToken: { audience: e.SITE_TOKEN_AUDIENCE, issuer: e.SITE_TOKEN_ISSUER, maxSeconds: e.SITE_TOKEN_MAX_SECONDS },
    webChat: {
      tokenSeconds: e.WEBCHAT_TOKEN_SECONDS,
      sessionMaxSeconds: e.WEBCHAT_SESSION_MAX_SECONDS,
      refreshGraceSeconds: e.WEBCHAT_REFRESH_GRACE_SECONDS,
    },
    teams: e.TEAMS_APP_ID
      ? {
          appId: e.TEAMS_APP_ID,
          jwksUrl: e.TEAMS_JWKS_URL,
          issuers: list(e.TEAMS_ISSUERS),
          audiences: [e.TEAMS_APP_ID, ...list(e.TEAMS_APP_URI)],
          allowedTenants: list(e.TEAMS_ALLOWED_TENANTS).map((t) => t.toLowerCase()),
        }
      : undefined,
    console: { allowedOrigins: list(e.CONSOLE_ALLOWED_ORIGINS), sessionCheckSeconds: e.CONSOLE_SESSION_CHECK_SECONDS },
    demoAccounts: e.DEMO_ACCOUNTS ?? e.NODE_ENV === 'development',
    streams: {
      webChat: e.WEBCHAT_STREAM,
      webChatKeepAliveSeconds: e.WEBCHAT_STREAM_KEEPALIVE_SECONDS,
      webChatMaxBufferedBytes: e.WEBCHAT_STREAM_MAX_BUFFER_BYTES,
      webChatMaxConnections: e.WEBCHAT_STREAM_MAX_CONNECTIONS,
      consoleMaxBufferedBytes: e.CONSOLE_SOCKET_MAX_BUFFER_BYTES,
    },
    trustedServiceUrls: trustedList(e.TRUSTED_SERVICE_URLS, !e.MicrosoftAppId),
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    consentAskHours: e.CONSENT_ASK_HOURS,
    companyName: e.COMPANY_NAME || undefined,
    defaultPhoneRegion: e.DEFAULT_PHONE_REGION,
    attachments: { maxBytes: e.ATTACHMENT_MAX_BYTES, urlSeconds: e.ATTACHMENT_URL_SECONDS, hosts: list(e.ATTACHMENT_HOSTS) },
    trustProxy: e.TRUST_PROXY,
    shutdown: { delaySeconds: e.SHUTDOWN_DELAY_SECONDS, graceSeconds: e.SHUTDOWN_GRACE_SECONDS },
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    passwordHashCost: e.PASSWORD_HASH_COST,
    rateLimits: {
      conversationMessages: e.RATE_LIMIT_CONVERSATION_MESSAGES,
      ipMessages: e.RATE_LIMIT_IP_MESSAGES,
      conversationTyping: e.RATE_LIMIT_CONVERSATION_TYPING,
      ipTyping: e.RATE_LIMIT_IP_TYPING,
      ipWebChatSessions: e.RATE_LIMIT_IP_WEBCHAT_SESSIONS,
      ipHandshakes: e.RATE_LIMIT_IP_HANDSHAKES,
      socket: {
        presence: e.RATE_LIMIT_SOCKET_PRESENCE,
        typing: e.RATE_LIMIT_SOCKET_TYPING,
        messages: e.RATE_LIMIT_SOCKET_MESSAGES,
        other: e.RATE_LIMIT_SOCKET_OTHER,
      },
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

/**
 * TRUSTED_SERVICE_URLS replaces the list; the word `default` in it stands for the Bot Framework channel services,
 * plus this machine's loopback addresses when the bot has no credentials (the Emulator; no token exists to leak).
 */
function trustedList(v: string | undefined, anonymous: boolean): string[] {
  const defaults = [...BOT_FRAMEWORK_SERVICE_URLS, ...(anonymous ? LOCAL_SERVICE_URLS : [])];
  const given = list(v);
  if (given.length === 0) return defaults;
  return [...new Set(given.flatMap((t) => (t === 'default' ? defaults : [t])))];
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
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
