import type { Server as HttpServer } from 'node:http';
import { ConversationState as BotConversationState } from 'botbuilder';
import restify from 'restify';
import { Server as IoServer } from 'socket.io';
import type { Config } from '../core/config';
import { AppError } from '../core/errors';
import { apiHeaders, bodyParser, route, sendError, withTimeout } from '../core/http';
import { HttpDrain } from '../core/httpDrain';
import { RateLimits, type LimiterFactory } from '../core/rateLimits';
import type { Logger } from '../core/logger';
import { registerAuditRoutes } from '../api/auditRoutes';
import { AGENT_UPLOAD_PATH, registerAttachmentRoutes } from '../api/attachmentRoutes';
import { registerAuthRoutes } from '../api/authRoutes';
import { registerCustomerRoutes } from '../api/customerRoutes';
import { registerMentionRoutes } from '../api/mentionRoutes';
import { registerMergeRoutes } from '../api/mergeRoutes';
import { registerNluRoutes } from '../api/nluRoutes';
import { registerSegmentRoutes } from '../api/segmentRoutes';
import { registerTranscriptRoutes } from '../api/transcriptRoutes';
import { ConsoleGateway } from '../agent-console/server/consoleGateway';
import { registerInboxGateway } from '../agent-console/server/inboxGateway';
import { registerLiveGateway } from '../agent-console/server/liveGateway';
import type { LiveClientToServerEvents, LiveServerToClientEvents } from '../agent-console/server/liveProtocol';
import type { InboxClientToServerEvents, InboxServerToClientEvents } from '../agent-console/server/inboxProtocol';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../agent-console/server/protocol';
import { installSocketGuards } from '../agent-console/server/socketGuards';
import { registerConsoleRoutes } from '../api/consoleRoutes';
import { TeamsSsoValidator } from '../auth/teamsSso';
import { AuthService } from '../auth/authService';
import { TeamsLinks } from '../auth/teamsLinks';
import { ensureDemoAccounts } from '../auth/demoAccounts';
import { BotChannel, CustomerChannels } from '../bot/botChannel';
import { RecordingSocialAdapter, SocialChannel, type SocialNetworkAdapter } from '../bot/socialChannel';
import { registerBotEndpoint } from '../bot/botEndpoint';
import { DemoCommerceBackend } from '../commerce/demoCommerceBackend';
import type { CommerceBackend } from '../commerce/commerceBackend';
import { OrderService } from '../commerce/orderService';
import { SupportAdapter } from '../bot/supportAdapter';
import { SupportBot } from '../bot/supportBot';
import { registerWebChatChannel, WEBCHAT_UPLOAD_PATH, WebChatTokens } from '../bot/webChatChannel';
import { AttachmentSources } from '../core/serviceUrls';
import { AttachmentLinks } from '../models/attachmentContent';
import { MicrosoftAppCredentials } from 'botframework-connector';
import { WebChatStream } from '../bot/webChatStream';
import { applySocketBackpressure } from '../agent-console/server/socketBackpressure';
import { loadKnowledge } from '../dialogs/knowledge';
import { MainDialog } from '../dialogs/mainDialog';
import { DEFAULT_ESCALATION_POLICY } from '../handoff/escalationPolicy';
import { HandoffEvents } from '../handoff/handoffEvents';
import { HandoffService, type CustomerChannel } from '../handoff/handoffService';
import { loadShippedCorpus, type LanguageCorpus } from '../nlu/corpus';
import { CorpusAdditions, LiveRecognizer } from '../nlu/corpusAdditions';
import { AuditLog } from '../review/auditLog';
import { ReviewService } from '../review/reviewService';
import { NlpRecognizer } from '../nlu/nlpRecognizer';
import type { Recognizer } from '../nlu/recognizer';
import { IdentityResolution } from '../profile/identityResolution';
import { MentionService } from '../profile/mentionService';
import { WebhookNotifier } from '../profile/webhookNotifier';
import { RetentionService } from '../profile/retentionService';
import { OutboundService } from '../profile/outboundService';
import { PrivacyService } from '../profile/privacyService';
import { ProfileService } from '../profile/profileService';
import { BotStateStorage } from '../store/botStateStorage';
import { createStore } from '../store/createStore';
import { LeasedJobs } from '../store/leasedJobs';
import { createShared, type SharedState } from '../cluster/sharedState';
import type { Store } from '../store/store';

export interface AppDeps {
  /** Overrides the store built from config (tests inject a failing or shared one). */
  store?: Store;
  /** A trained recognizer (tests share one per process instead of training per app). */
  recognizer?: Recognizer;
  /** The company's order/account connector; the demo backend otherwise. */
  backend?: CommerceBackend;
  /** How customers are reached outside a turn; the Bot Framework connector otherwise (mentions: the social port). */
  customerChannel?: CustomerChannel;
  /** Answers public mentions on their network; by default replies are recorded for a person to post. */
  social?: SocialNetworkAdapter;
  /** Builds the rate limiters; in memory by default (one instance), a shared store's when several run. */
  limiters?: LimiterFactory;
  /** The clock of sessions and sign-in delays (tests move it instead of waiting). */
  clock?: () => number;
  /** What instances share (cluster/sharedState.ts); built from REDIS_URL otherwise (absent: this process's memory). */
  shared?: SharedState;
}

export interface AppServices {
  readonly profiles: ProfileService;
  readonly handoff: HandoffService;
  readonly events: HandoffEvents;
  readonly recognizer: Recognizer;
  readonly backend: CommerceBackend;
  readonly adapter: SupportAdapter;
  readonly auth: AuthService;
  readonly identity: IdentityResolution;
  readonly outbound: OutboundService;
  readonly privacy: PrivacyService;
  readonly webhook?: WebhookNotifier;
}

/** The console's Socket.IO server: the gateway's and the inbox's events (protocol.ts, inboxProtocol.ts). */
export type ConsoleIoServer = IoServer<
  ClientToServerEvents & InboxClientToServerEvents & LiveClientToServerEvents,
  ServerToClientEvents & InboxServerToClientEvents & LiveServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface App {
  readonly config: Config;
  readonly server: restify.Server;
  readonly httpServer: HttpServer;
  readonly io: ConsoleIoServer;
  readonly store: Store;
  readonly shared: SharedState;
  readonly services: AppServices;
  /** True once shutdown began: /readyz answers 503 while requests are still served. */
  readonly draining: boolean;
  /**
   * Graceful stop (SIGTERM): /readyz answers 503 at once; requests are still served for
   * SHUTDOWN_DELAY_SECONDS (load balancers stop sending); then the server stops accepting, every request already
   * received finishes (up to SHUTDOWN_GRACE_SECONDS), console sockets are told why and disconnected, and the store
   * is closed. Resolves with how many connections had to be cut at the end of the grace period. Idempotent.
   */
  shutdown(): Promise<{ forcedConnections: number }>;
  /** Stops at once (tests): stops accepting, finishes in-flight requests, closes sockets and the store. Idempotent. */
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 256 * 1024; // an activity with a 100,000-character text fits; bigger bodies get 413
/** One console request: room for the longest message in UTF-8 (4 bytes a character at most) and its envelope, bytes. */
const socketMaxBytes = (maxMessageChars: number) => Math.max(64 * 1024, maxMessageChars * 4 + 4096);
/** Pages that set their own content type, CSP and caching; every other answer gets the API headers. */
const PAGES = new Set(['/', '/chat', '/chat/chat.js', '/chat/webchat.js', '/console', '/console/app.js', '/console/app.css']);

const HOME_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Social CRM support bot</title>
<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:40px auto;line-height:1.5}a{display:block;margin:8px 0}</style></head>
<body><h1>Social CRM support bot</h1>
<a href="/chat">Web chat: talk to the bot as a customer</a>
<a href="/console">Agent console: take over chats (agents and supervisors)</a>
<a href="/healthz">Health</a></body></html>`;

export async function trainRecognizer(config: Config, corpora: LanguageCorpus[] = loadShippedCorpus()): Promise<NlpRecognizer> {
  const r = new NlpRecognizer(corpora, { maxChars: config.nlu.maxChars, cacheFile: config.nlu.modelCache });
  await r.train();
  return r;
}

/**
 * The composition root: builds every part with explicit arguments and wires them, without listening.
 * app/main.ts listens and handles signals; tests call buildApp and listen on port 0.
 */
export async function buildApp(config: Config, log: Logger, deps: AppDeps = {}): Promise<App> {
  const store = deps.store ?? createStore(config.store);
  await store.init();
  // The shipped corpus plus what supervisors added from the not-understood list; retrained on request.
  const shipped = loadShippedCorpus();
  const corpus = new CorpusAdditions(store, shipped);
  const added = await corpus.list();
  const recognizer = new LiveRecognizer(
    deps.recognizer ?? (await trainRecognizer(config, CorpusAdditions.apply(shipped, added))),
    async () => {
      const items = await corpus.list();
      return { recognizer: await trainRecognizer(config, CorpusAdditions.apply(shipped, items)), additions: items.length };
    },
    deps.recognizer ? 0 : added.length,
  );

  const backend = deps.backend ?? new DemoCommerceBackend(store);
  // The demo shop's customers (owners of its orders) exist wherever the demo accounts do.
  if (backend instanceof DemoCommerceBackend) await backend.seed({ customers: config.demoAccounts });
  const orders = new OrderService(backend, store);
  const profiles = new ProfileService(store);
  const events = new HandoffEvents();
  const adapter = new SupportAdapter(config.bot, log, config.trustedServiceUrls);
  const customerChannel =
    deps.customerChannel ??
    new CustomerChannels(new BotChannel(adapter, config.bot.appId), new SocialChannel(deps.social ?? new RecordingSocialAdapter(store)));
  // REDIS_URL: Socket.IO, counters, presence, last replies and web chat news across instances.
  const shared = deps.shared ?? createShared(config.redisUrl, log);
  await shared.connected(config.store.timeoutMs);
  const limits = new RateLimits(config.rateLimits, deps.limiters ?? shared.limiters);
  const handoff = new HandoffService(store, events, customerChannel, {
    lastReplies: shared.lastReplies,
    defaultHandleSeconds: 300,
    offerTimeoutSeconds: config.handoff.offerTimeoutSeconds,
    businessHours: config.handoff.businessHours,
    agentReplyTimeoutSeconds: config.handoff.agentReplyTimeoutSeconds,
    offerRoles: config.handoff.offerRoles,
  });
  // Timers and sweeps run once across instances, by whichever holds the job's lease in the store (docs/adr/0006).
  const jobs = new LeasedJobs(store, { ttlMs: config.jobs.leaseTtlSeconds * 1000, log });
  const retention = config.retentionDays ? new RetentionService(store, config.retentionDays) : undefined;
  if (retention) jobs.every('retention', config.jobs.retentionSweepSeconds * 1000, () => retention.sweep());
  jobs.every('queue-sweep', config.handoff.sweepSeconds * 1000, () => handoff.sweep());
  if (store.kind === 'mongo') jobs.every('store-repair', 60_000, () => store.repair());
  const webhook = config.webhook
    ? new WebhookNotifier(config.webhook.url, config.webhook.secret, store, log, {
        maxAttempts: config.webhook.maxAttempts,
        retryBaseMs: config.webhook.retrySeconds * 1000,
        retryMaxMs: config.webhook.retryMaxSeconds * 1000,
      })
    : undefined;
  if (webhook) {
    jobs.every('webhooks', 1000, () => webhook.deliverDue());
    webhook.onQueued = () => jobs.kick('webhooks');
  }
  webhook?.subscribe(events);
  const notify = (type: Parameters<WebhookNotifier['notify']>[0], data: Record<string, unknown>) => webhook?.notify(type, data);
  const identity = new IdentityResolution(store, profiles, notify);
  const outbound = new OutboundService(store, profiles, customerChannel);
  const privacy = new PrivacyService(store, profiles, identity, {
    notify,
    corpus,
    // The model was trained with what the erased person wrote: train it again without.
    onCorpusChanged: () => void recognizer.retrainNow((err) => log.error({ err }, 'retraining the recognizer after an erasure failed')),
  });
  const policy = {
    ...DEFAULT_ESCALATION_POLICY,
    failuresBeforeHandoff: config.handoff.escalateAfterFailures,
    alwaysHumanIntents: config.handoff.alwaysHumanIntents,
    importantSegments: config.handoff.vipSegments,
  };
  const mentions = new MentionService(store, profiles, handoff, policy);
  const recordSatisfaction = async (conversationId: string, score: number, comment?: string) => {
    await handoff.recordSatisfaction(conversationId, score, comment);
    const c = await store.getConversation(conversationId);
    if (c) await profiles.recordRating(c.customerId, score);
  };
  const auth = new AuthService(store, config.session.secret, config.session.ttlSeconds, deps.clock ?? Date.now, {
    passwordMinLength: config.passwordMinLength,
  });
  const teamsLinks = new TeamsLinks(store);
  // Config refuses DEMO_ACCOUNTS in production; checked again here because their password is public.
  if (config.demoAccounts && config.env !== 'production') await ensureDemoAccounts(store, auth, log);

  // Saved only inside bot turns, and SupportBot awaits store.sync() before a turn answers.
  const stateStorage = new BotStateStorage(store, { deferSync: true });
  const conversationState = new BotConversationState(stateStorage);
  const mainDialog = new MainDialog({
    state: conversationState,
    services: {
      orders,
      profiles: {
        // A contact typed in chat is unverified: stored, and a merge suggestion where another profile has it.
        addContact: async (id, contact, source) => void (await identity.applyUnverifiedContact(id, contact, source)),
        setLanguage: (id, language) => profiles.setLanguage(id, language),
        setName: (id, name) => profiles.setName(id, name),
        setConsent: (id, purpose, granted, where) => profiles.setConsent(id, purpose, granted, where),
      },
      satisfaction: { record: recordSatisfaction },
    },
    knowledge: loadKnowledge(config.knowledgeFile),
    recognizer,
  });
  const bot = new SupportBot({
    store,
    recognizer,
    profiles,
    identity,
    handoff,
    mainDialog,
    recordSatisfaction,
    conversationState,
    failures: conversationState.createProperty<number>('consecutiveFailures'),
    policy,
    nluMaxChars: config.nlu.maxChars,
    log,
    externalHandoffChannels: config.handoff.externalChannels,
    askEmailChannels: config.handoff.askEmailChannels,
    stateStorage,
  });

  const server = restify.createServer({ name: 'social-crm-bot', handleUncaughtExceptions: false });
  const httpsOnly = !!config.publicUrl?.startsWith('https://');
  server.pre((req, res, next) => {
    res.setHeader('x-request-id', req.id());
    // Every answer but the pages' own (which set their CSP and caching) is data: never sniffed, never cached.
    if (!PAGES.has(req.path())) apiHeaders(res, httpsOnly);
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Multipart only on the two authenticated upload routes, which read it with their own limit.
  server.use(bodyParser(log, MAX_BODY_BYTES, { multipartRoutes: new Set([WEBCHAT_UPLOAD_PATH, AGENT_UPLOAD_PATH]) }));
  server.on('after', (req: restify.Request, res: restify.Response) => {
    log.debug({ reqId: req.id(), method: req.method, path: req.path(), status: res.statusCode }, 'request');
  });
  // Errors raised by restify itself (unknown route, body too large, bad JSON) get the same coded shape.
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: unknown; toJSON?: () => unknown }, cb: () => void) => {
    const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
    const code = status === 404 || status === 405 ? 'ROUTE_NOT_FOUND' : status === 413 ? 'BODY_TOO_LARGE' : 'VALIDATION_FAILED';
    const appErr = status >= 500 ? new AppError('INTERNAL', undefined, { cause: err }) : new AppError(code, err?.message || undefined);
    err.toJSON = () => ({ error: appErr.toJSON() });
    err.toString = () => JSON.stringify({ error: appErr.toJSON() });
    if (status >= 500) sendError(log, req, res, appErr);
    cb();
  });

  server.get(
    '/healthz',
    route(log, (_req, res) => {
      // Liveness fails only when the store cannot recover by itself (a failed fsync): a restart is what helps.
      const health = store.health();
      if (health.status === 'failed') log.error({ reason: health.reason }, 'liveness: the store needs a restart');
      res.status(health.status === 'failed' ? 503 : 200);
      res.json(health.status === 'failed' ? { status: 'failed', store: store.kind, error: { code: 'STORE_UNAVAILABLE' } } : { status: 'ok' });
    }),
  );
  server.get(
    '/readyz',
    route(log, async (_req, res) => {
      if (drain?.draining) {
        res.status(503);
        res.json({ status: 'draining', store: store.kind, error: { code: 'SERVER_SHUTTING_DOWN' } });
        return;
      }
      try {
        await withTimeout(store.ping(), config.store.timeoutMs);
        // Redis away does not make an instance unready: every instance would be at once, and each still serves its
        // own sockets and requests (news across instances catches up when it is back). Reported for the operator.
        res.json({ status: 'ready', store: store.kind, ...(shared.kind === 'redis' ? { redis: shared.healthy() ? 'ready' : 'unavailable' } : {}) });
      } catch (err) {
        log.warn({ err }, 'readiness: store not answering');
        res.status(503);
        res.json({ status: 'unavailable', store: store.kind, error: { code: 'STORE_UNAVAILABLE' } });
      }
    }),
  );
  registerBotEndpoint(server, { adapter, bot, log, limits, maxMessageChars: config.maxMessageChars, anonymous: config.bot.anonymous });
  const stream = WebChatStream.fromConfig(config, store, log, shared.usedTokens);
  // News of a stored message goes through the shared notifier: the instance holding the customer's stream may be
  // another one. The stream reads the store after its watermark, so the news itself carries nothing to lose.
  const unsubscribeNews = stream ? shared.webChatNews.subscribe((id) => stream.notify(id)) : undefined;
  const unsubscribeRecovered = stream ? shared.onRecovered(() => stream.notifyAll()) : undefined;
  if (stream) {
    adapter.ownWebChatSent = (id) => shared.webChatNews.publish(id);
    // Typing is not stored: it reaches streams held by this instance only.
    adapter.ownWebChatTyping = (id) => stream.typing(id);
  }
  const attachmentLinks = new AttachmentLinks(config.session.secret, config.attachments.urlSeconds);
  if (stream) stream.attachmentUrl = (id) => attachmentLinks.url(ownBaseUrl(config, server.server), id);
  registerWebChatChannel(server, {
    store,
    adapter,
    bot,
    tokens: new WebChatTokens(config.session.secret, config.webChat),
    log,
    ownBaseUrl: () => ownBaseUrl(config, server.server),
    siteTokenSecret: config.siteTokenSecret,
    siteToken: config.siteToken,
    maxMessageChars: config.maxMessageChars,
    limits,
    trustProxy: config.trustProxy,
    stream: stream && { streamUrl: (base, t, w) => stream.streamUrl(base, t, w), notify: (id) => shared.webChatNews.publish(id) },
    attachments: { links: attachmentLinks, maxBytes: config.attachments.maxBytes },
  });
  const appCredentials =
    config.bot.appId && config.bot.appPassword ? new MicrosoftAppCredentials(config.bot.appId, config.bot.appPassword, config.bot.tenantId) : undefined;
  registerAttachmentRoutes(server, {
    store,
    auth,
    events,
    adapter,
    appId: config.bot.appId,
    log,
    links: attachmentLinks,
    ownBaseUrl: () => ownBaseUrl(config, server.server),
    maxBytes: config.attachments.maxBytes,
    maxMessageChars: config.maxMessageChars,
    sources: new AttachmentSources(config.trustedServiceUrls, config.attachments.hosts),
    channelToken: appCredentials ? () => appCredentials.getToken() : undefined,
  });
  const review = new ReviewService(store);
  // The REST API, one file per resource (api/): each takes what it needs from these.
  const apiDeps = {
    auth,
    log,
    store,
    trustProxy: config.trustProxy,
    teams: config.teams ? new TeamsSsoValidator(config.teams) : undefined,
    teamsLinks,
    profiles,
    identity,
    outbound,
    privacy,
    mentions,
    mentionsApiKey: config.mentionsApiKey,
    maxMessageChars: config.maxMessageChars,
    review,
    auditLog: new AuditLog(store),
    corpus,
    recognizer,
  };
  registerConsoleRoutes(server, apiDeps);
  registerAuthRoutes(server, apiDeps);
  registerCustomerRoutes(server, apiDeps);
  registerMergeRoutes(server, apiDeps);
  registerSegmentRoutes(server, apiDeps);
  registerMentionRoutes(server, apiDeps);
  registerTranscriptRoutes(server, apiDeps);
  registerAuditRoutes(server, apiDeps);
  registerNluRoutes(server, apiDeps);
  server.get(
    '/',
    route(log, (_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      res.writeHead(200);
      res.end(HOME_PAGE);
    }),
  );

  const httpServer = server.server as HttpServer;
  const io: ConsoleIoServer = new IoServer(httpServer, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: socketMaxBytes(config.maxMessageChars),
    // Several instances: WebSocket only (the console's own transport), so one connection stays on one instance for
    // its life and no load balancer needs sticky sessions; a long-polling client would be spread over instances.
    ...(shared.ioAdapter ? { adapter: shared.ioAdapter, transports: ['websocket' as const] } : {}),
  });
  // Before the gateway's own middleware and handlers: origin, handshake and per-socket limits come first.
  installSocketGuards(io, {
    limits,
    log,
    trustProxy: config.trustProxy,
    maxMessageChars: config.maxMessageChars,
    publicOrigin: config.publicUrl ? new URL(config.publicUrl).origin : undefined,
    allowedOrigins: config.console.allowedOrigins,
  });
  // The guards above already compared the Origin with scheme; the gateway's own check must also accept PUBLIC_URL's.
  const consoleOrigins = [...config.console.allowedOrigins, ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])];
  applySocketBackpressure(io, { maxBufferedBytes: config.streams.consoleMaxBufferedBytes, log });
  stream?.attach(httpServer); // upgrades on /v3/directline/conversations/:id/stream; Socket.IO keeps /socket.io
  const gateway = new ConsoleGateway(io, { store, auth, handoff, events, profiles, review, log, allowedOrigins: consoleOrigins, shared });
  gateway.start();
  registerInboxGateway(io, { store, handoff, log, offerTimeoutSeconds: config.handoff.offerTimeoutSeconds });
  const live = registerLiveGateway(io, { store, handoff, events, review, log });
  // After Socket.IO attached itself, so its requests count too.
  const drain = new HttpDrain(httpServer);

  let stopping: Promise<void> = Promise.resolve();
  const stopTimers = () => {
    // Leases are released once runs under way end (close and shutdown await it before closing the store).
    stopping = jobs.stop();
    webhook?.stop();
    gateway.stop();
    live.stop();
    stream?.close();
    unsubscribeNews?.();
    unsubscribeRecovered?.();
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopTimers();
      await stopping;
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      if (!deps.shared) await shared.close();
      if (httpServer.listening) {
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections?.();
        });
      }
      await store.close();
    })());

  let shuttingDown: Promise<{ forcedConnections: number }> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      drain.begin();
      log.info({ delaySeconds: config.shutdown.delaySeconds, graceSeconds: config.shutdown.graceSeconds }, 'shutdown: not ready; still serving');
      await new Promise((r) => setTimeout(r, config.shutdown.delaySeconds * 1000));
      stopTimers();
      // Console sockets: told why, then a server disconnect (their clients reconnect to another instance).
      io.emit('server:shutdown', { code: 'SERVER_SHUTTING_DOWN' });
      io.disconnectSockets(true);
      await drain.stopAccepting();
      log.info({ inFlight: drain.inFlight }, 'shutdown: no longer accepting; finishing requests');
      const forcedConnections = await drain.finish(config.shutdown.graceSeconds * 1000);
      if (forcedConnections > 0) log.warn({ forcedConnections }, 'shutdown: grace period over; connections cut');
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await stopping;
      if (!deps.shared) await shared.close();
      await store.close();
      log.info('shutdown: done');
      return { forcedConnections };
    })());

  return {
    config,
    server,
    httpServer,
    io,
    store,
    shared,
    services: { profiles, handoff, events, recognizer, backend, adapter, auth, identity, outbound, privacy, webhook },
    get draining() {
      return drain.draining;
    },
    shutdown,
    close,
  };
}

/** This service's own base URL: PUBLIC_URL, or the address it listens on. Never a request's Host header. */
function ownBaseUrl(config: Config, httpServer: HttpServer): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const a = httpServer.address();
  if (a && typeof a === 'object') {
    const host = a.address === '0.0.0.0' || a.address === '::' ? 'localhost' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }
  return `http://localhost:${config.port}`;
}
