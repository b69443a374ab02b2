import { t } from '../locale/replies';
import type { Config } from '../core/config';
import { RateLimits, type LimiterFactory } from '../core/rateLimits';
import type { Logger } from '../core/logger';
import { AuthService } from '../auth/authService';
import { TeamsLinks } from '../auth/teamsLinks';
import { ensureDemoAccounts } from '../auth/demoAccounts';
import { BotChannel, CustomerChannels } from '../bot/botChannel';
import { RecordingSocialAdapter, SocialChannel, type SocialNetworkAdapter } from '../bot/socialChannel';
import { DemoCommerceBackend } from '../commerce/demoCommerceBackend';
import type { CommerceBackend } from '../commerce/commerceBackend';
import { OrderService } from '../commerce/orderService';
import { SupportAdapter } from '../bot/supportAdapter';
import { SupportBot } from '../bot/supportBot';
import { TurnConversationState } from '../bot/turnConversationState';
import { loadKnowledge } from '../dialogs/knowledge';
import { ContactVerification, type CodeNotifier } from '../commerce/contactVerification';
import { DevCodeNotifier } from '../commerce/devCodeNotifier';
import { MainDialog } from '../dialogs/mainDialog';
import { DEFAULT_ESCALATION_POLICY } from '../handoff/escalationPolicy';
import { closeForErasure } from '../handoff/erasure';
import { HandoffEvents } from '../handoff/handoffEvents';
import { HandoffService, type CustomerChannel } from '../handoff/handoffService';
import { loadShippedCorpus, type LanguageCorpus } from '../nlu/corpus';
import { CorpusAdditions, LiveRecognizer } from '../nlu/corpusAdditions';
import { ReviewService } from '../review/reviewService';
import { NlpRecognizer } from '../nlu/nlpRecognizer';
import type { Recognizer } from '../nlu/recognizer';
import { IdentityResolution } from '../profile/identityResolution';
import { MentionService } from '../profile/mentionService';
import { WebhookNotifier } from '../profile/webhookNotifier';
import { RetentionService } from '../profile/retentionService';
import { OutboundService } from '../profile/outboundService';
import { PrivacyService } from '../profile/privacyService';
import { ReservedNames, StaffNames } from '../profile/reservedNames';
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
  /** The clock of sessions, sign-in delays and web chat tokens (tests move it instead of waiting). */
  clock?: () => number;
  /** Where one-time verification codes are sent (the company's mail service); the development stand-in otherwise. */
  codeNotifier?: CodeNotifier;
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

export async function trainRecognizer(config: Config, corpora: LanguageCorpus[] = loadShippedCorpus()): Promise<NlpRecognizer> {
  const r = new NlpRecognizer(corpora, { maxChars: config.nlu.maxChars, cacheFile: config.nlu.modelCache });
  await r.train();
  return r;
}

/** Every service and port the transports are built from; app.ts hands these to the HTTP and Socket.IO wiring. */
export type AppParts = Awaited<ReturnType<typeof buildServices>>;

/**
 * The services, built with explicit arguments (no transport yet): the store and what instances share, the
 * recognizer, handoff, profiles, identity, privacy, auth, the bot and its dialogs, and the leased background jobs.
 */
export async function buildServices(config: Config, log: Logger, deps: AppDeps) {
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
  // Customers may not go by the bot's, the company's or a staff account's name (profile/reservedNames.ts).
  const staffNames = new StaffNames(store);
  await staffNames.load();
  const reservedNames = new ReservedNames({
    companyName: config.companyName,
    staffNames: () => staffNames.current(),
    freshStaffNames: () => staffNames.fresh(),
  });
  const profiles = new ProfileService(store, { consentAskHours: config.consentAskHours, now: deps.clock, reservedNames });
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
    offerCooldownSeconds: config.handoff.offerCooldownSeconds,
    queueNoticeQuietSeconds: config.handoff.queueNoticeQuietSeconds,
    awayAfterSeconds: config.handoff.queueAwaySeconds,
    idleAwaySeconds: config.handoff.queueIdleAwaySeconds,
    businessHours: config.handoff.businessHours,
    agentReplyTimeoutSeconds: config.handoff.agentReplyTimeoutSeconds,
    channelSendTimeoutMs: config.handoff.channelSendTimeoutMs,
    offerRoles: config.handoff.offerRoles,
  });
  // Timers and sweeps run once across instances, by whichever holds the job's lease in the store (docs/adr/0006).
  const jobs = new LeasedJobs(store, { ttlMs: config.jobs.leaseTtlSeconds * 1000, log });
  const retention = config.retentionDays ? new RetentionService(store, config.retentionDays) : undefined;
  if (retention) jobs.every('retention', config.jobs.retentionSweepSeconds * 1000, () => retention.sweep());
  jobs.every('queue-sweep', config.handoff.sweepSeconds * 1000, () => handoff.sweep());
  if (store.kind === 'mongo') jobs.every('store-repair', 60_000, () => store.repair(), { atStart: true });
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
    // Told on their channel, sent only (never stored: nothing of theirs is written again), in their language.
    endConversation: (c, actorId, language) =>
      closeForErasure(store, events, c, actorId, (closed) =>
        customerChannel
          .send(closed, { kind: 'message', text: t(language ?? closed.language, 'erasureDone') })
          .catch((err: unknown) => log.warn({ err, conversationId: closed.id }, 'telling the customer of their erasure failed')),
      ),
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
  const auth = new AuthService(
    store,
    config.session.secret,
    config.session.ttlSeconds,
    deps.clock ?? Date.now,
    { passwordMinLength: config.passwordMinLength, passwordHashCost: config.passwordHashCost },
    shared.usedTokens,
  );
  auth.events.on('userCreated', (name: string) => staffNames.added(name));
  const teamsLinks = new TeamsLinks(store);
  // Config refuses DEMO_ACCOUNTS in production; checked again here because their password is public.
  if (config.demoAccounts && config.env !== 'production') await ensureDemoAccounts(store, auth, log);

  // Saved only inside bot turns, and SupportBot awaits store.sync() before a turn answers.
  const stateStorage = new BotStateStorage(store, { deferSync: true });
  const conversationState = new TurnConversationState(stateStorage);
  const verification = new ContactVerification(
    deps.codeNotifier ?? new DevCodeNotifier(log, { production: config.env === 'production', outboxFile: config.verification.outboxFile }),
    config.verification,
    config.session.secret,
    store,
    deps.clock ?? Date.now,
  );
  const mainDialog = new MainDialog({
    state: conversationState,
    services: {
      orders,
      verification,
      profiles: {
        // A contact typed in chat is unverified: stored, and a merge suggestion where another profile has it.
        addContact: async (id, contact, source) => void (await identity.applyUnverifiedContact(id, contact, source)),
        // Proven by a one-time code sent to it: the visitor holds the mailbox, so the profiles may be one person.
        linkVerifiedContact: async (id, contact, source) => void (await identity.applyVerifiedContact(id, contact, source)),
        // Held verified by another profile: nothing marked here, staff asked to look at the two.
        confirmContact: async (id, contact, o) => {
          const result = await profiles.confirmContact(id, contact, o);
          if (result === 'held') await identity.provenElsewhere(id, contact);
          return result;
        },
        setLanguage: (id, language) => profiles.setLanguage(id, language),
        setName: (id, name) => profiles.setName(id, name),
        nameAllowed: (name) => profiles.nameAllowed(name),
        setConsent: (id, purpose, granted, where) => profiles.setConsent(id, purpose, granted, where),
      },
      satisfaction: { record: recordSatisfaction },
    },
    knowledge: loadKnowledge(config.knowledgeFile, config.handoff.businessHours),
    recognizer,
    defaultPhoneRegion: config.defaultPhoneRegion,
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
    canReachLater: (c) => adapter.isTrustedServiceUrl(c.reference.serviceUrl) || SupportAdapter.isOwnWebChat(c.reference),
  });
  const review = new ReviewService(store);
  return {
    store,
    shared,
    /** The clock of sessions and web chat tokens (AppDeps.clock). */
    clock: deps.clock ?? Date.now,
    limits,
    recognizer,
    corpus,
    backend,
    events,
    adapter,
    handoff,
    jobs,
    webhook,
    profiles,
    identity,
    outbound,
    privacy,
    mentions,
    auth,
    teamsLinks,
    bot,
    review,
  };
}
