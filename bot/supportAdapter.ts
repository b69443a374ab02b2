import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConversationReference,
  type InvokeResponse,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult } from 'botframework-connector';
import type { Config } from '../core/config';
import { AppError, isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { TrustedServiceUrls } from '../core/serviceUrls';
import { CachingBotFrameworkAuthentication } from './cachingAuthentication';

/** Where our own web chat's connector lives: what the bot "sends" there is already in the store. */
export const WEBCHAT_CHANNEL = 'webchat';
export const WEBCHAT_CONNECTOR_PATH = '/webchat/connector';

/** Distinct service URLs whose answer is kept; channels use a handful, and a flood of made-up ones only clears it. */
const MAX_TRUSTED_ANSWERS = 1000;
/** Activities that never leave the process (CloudAdapterBase handles them without the connector). */
const LOCAL_TYPES = new Set<string>(['delay', ActivityTypes.InvokeResponse]);

/**
 * CloudAdapter with our error policy and our outbound policy.
 *
 * Inbound: without MicrosoftAppId it accepts unauthenticated activities (local use; config refuses that in
 * production); with it every incoming token is validated before any logic runs.
 *
 * Outbound: botbuilder attaches the bot's token to whatever serviceUrl a conversation carries. Every send, reply
 * or proactive, passes here first: our own web chat is answered in-process (its page reads the store), a service
 * URL on the trusted list goes to the connector, and anything else is refused with OUTBOUND_URL_UNTRUSTED and a
 * log line, and nothing is sent.
 */
export class SupportAdapter extends CloudAdapter {
  private readonly appId: string;
  private readonly auth: CachingBotFrameworkAuthentication;
  private readonly trusted: TrustedServiceUrls;
  /** isTrustedServiceUrl's answers by URL. */
  private readonly trustedAnswers = new Map<string, boolean>();

  constructor(
    bot: Config['bot'],
    private readonly log: Logger,
    trustedServiceUrls: readonly string[],
  ) {
    const auth = new CachingBotFrameworkAuthentication(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: bot.appId ?? '',
        MicrosoftAppPassword: bot.appPassword ?? '',
        MicrosoftAppType: bot.appType,
        MicrosoftAppTenantId: bot.tenantId ?? '',
        // botbuilder takes its public-cloud defaults only when none of these is given: give them all, with our keys' URL.
        ...(bot.openIdMetadataUrl
          ? {
              ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl,
              ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
              ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
              ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
              OAuthUrl: AuthenticationConstants.OAuthUrl,
              ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
              CallerId: CallerIdConstants.PublicAzureChannel,
            }
          : {}),
      }),
    );
    super(auth);
    this.auth = auth;
    this.appId = bot.appId ?? '';
    this.trusted = new TrustedServiceUrls(trustedServiceUrls);
    // The one onTurnError: log and rethrow, so a failed write becomes a 5xx and the channel retries.
    // (The sample handler that swallows errors would turn it into a 200.)
    this.onTurnError = (context: TurnContext, error: Error) => {
      const line = { err: error, activityId: context.activity?.id, channelId: context.activity?.channelId };
      if (isAppError(error) && error.status < 500) log.info({ ...line, err: undefined, code: error.code }, 'bot turn refused');
      else log.error(line, 'bot turn failed');
      return Promise.reject(error);
    };
  }

  /**
   * A message (already stored) or typing for our own web chat, outside a turn: the news its streams wait for, told
   * directly. A proactive turn would build a connector client and a turn context only to reach sendActivities below.
   * False for any other channel (the caller sends through the connector).
   */
  toOwnWebChat(reference: Partial<ConversationReference>, kind: 'message' | 'typing'): boolean {
    const id = reference.conversation?.id;
    if (!id || !SupportAdapter.isOwnWebChat(reference)) return false;
    if (kind === 'typing') this.ownWebChatTyping?.(id);
    else this.ownWebChatSent?.(id);
    return true;
  }

  /** Told the channel conversation id whenever a message is "sent" to our own web chat (its streams push it). */
  ownWebChatSent?: (channelConversationId: string) => void;
  /** Told when an agent's typing activity goes to our own web chat: nothing is stored, its streams show it at once. */
  ownWebChatTyping?: (channelConversationId: string) => void;

  /** May the bot send to this service URL? (Our own web chat needs no URL: it never goes over the network.) */
  isTrustedServiceUrl(url: unknown): boolean {
    if (typeof url !== 'string') return this.trusted.isTrusted(url);
    // The answer for a URL never changes (the list is fixed): a turn asks about the same few URLs, and parsing one
    // is most of the check's cost.
    let trusted = this.trustedAnswers.get(url);
    if (trusted === undefined) {
      trusted = this.trusted.isTrusted(url);
      if (this.trustedAnswers.size >= MAX_TRUSTED_ANSWERS) this.trustedAnswers.clear();
      this.trustedAnswers.set(url, trusted);
    }
    return trusted;
  }

  /** Our own web chat: its "connector" is the store, read back by the page. */
  static isOwnWebChat(reference: Partial<Pick<ConversationReference, 'channelId' | 'serviceUrl'>>): boolean {
    if (reference.channelId !== WEBCHAT_CHANNEL || typeof reference.serviceUrl !== 'string') return false;
    try {
      return new URL(reference.serviceUrl).pathname === WEBCHAT_CONNECTOR_PATH;
    } catch {
      return false;
    }
  }

  /** Runs one activity through authentication, middleware and the bot; returns the invoke/expectReplies response. */
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }

  /**
   * Runs an activity that our own built-in channel (the web chat) produced in-process: there is no channel
   * token to validate, so the turn gets the bot's own identity, as a proactive turn does.
   */
  handleTrusted(activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    const claimsIdentity = this.createClaimsIdentity(this.appId);
    const result: AuthenticateRequestResult = {
      claimsIdentity,
      audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
      callerId: undefined,
      connectorFactory: this.auth.createConnectorFactory(claimsIdentity),
    };
    return this.processActivity(result, activity, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    if (activities.every((a) => LOCAL_TYPES.has(String(a.type)))) return super.sendActivities(context, activities);
    if (SupportAdapter.isOwnWebChat(context.activity)) {
      // Already stored (every bot and agent message is, before it is sent): streams read it from the store.
      const id = context.activity.conversation?.id;
      if (id && activities.some((a) => a.type === ActivityTypes.Typing)) this.ownWebChatTyping?.(id);
      if (id && activities.some((a) => a.type !== ActivityTypes.Typing)) this.ownWebChatSent?.(id);
      return activities.map((a) => ({ id: a.type === ActivityTypes.Message ? randomUUID() : '' }));
    }
    this.checkTarget(context);
    return super.sendActivities(context, activities);
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    if (SupportAdapter.isOwnWebChat(context.activity)) return undefined;
    this.checkTarget(context);
    return super.updateActivity(context, activity);
  }

  override async deleteActivity(context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    if (SupportAdapter.isOwnWebChat(context.activity)) return;
    this.checkTarget(context);
    return super.deleteActivity(context, reference);
  }

  /** The URL the turn's connector client was built for (it is what receives the token), and the activity's own. */
  private checkTarget(context: TurnContext): void {
    const client = context.turnState.get<{ baseUri?: unknown } | undefined>(this.ConnectorClientKey);
    const targets = [context.activity?.serviceUrl, client?.baseUri].filter((t) => t !== undefined);
    const bad = targets.length === 0 ? '(none)' : targets.find((t) => !this.trusted.isTrusted(t));
    if (bad === undefined) return;
    this.log.warn(
      {
        code: 'OUTBOUND_URL_UNTRUSTED',
        target: TrustedServiceUrls.describe(bad),
        channelId: context.activity?.channelId,
        conversationId: context.activity?.conversation?.id,
      },
      'outbound refused: the service URL is not on the trusted list; nothing was sent',
    );
    throw new AppError('OUTBOUND_URL_UNTRUSTED', undefined, { details: { target: TrustedServiceUrls.describe(bad) } });
  }
}
