import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult } from 'botframework-connector';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { CachingBotFrameworkAuthentication } from './cachingAuthentication';

/**
 * CloudAdapter with our error policy. Without MicrosoftAppId it accepts unauthenticated activities (local use;
 * config refuses that in production); with it every incoming token is validated before any logic runs.
 */
export class SupportAdapter extends CloudAdapter {
  private readonly appId: string;
  private readonly auth: CachingBotFrameworkAuthentication;

  constructor(bot: Config['bot'], log: Logger) {
    const auth = new CachingBotFrameworkAuthentication(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: bot.appId ?? '',
        MicrosoftAppPassword: bot.appPassword ?? '',
        MicrosoftAppType: bot.appType,
        MicrosoftAppTenantId: bot.tenantId ?? '',
      }),
    );
    super(auth);
    this.auth = auth;
    this.appId = bot.appId ?? '';
    // The one onTurnError: log and rethrow, so a failed write becomes a 5xx and the channel retries.
    // (The sample handler that swallows errors would turn it into a 200.)
    this.onTurnError = async (context: TurnContext, error: Error) => {
      log.error({ err: error, activityId: context.activity?.id, channelId: context.activity?.channelId }, 'bot turn failed');
      throw error;
    };
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
      callerId: undefined as unknown as string,
      connectorFactory: this.auth.createConnectorFactory(claimsIdentity),
    };
    return this.processActivity(result, activity, logic);
  }
}
