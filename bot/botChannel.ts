import { ActivityTypes, type CloudAdapter, type ConversationReference } from 'botbuilder';
import { AppError, isAppError } from '../core/errors';
import type { CustomerChannel } from '../handoff/handoffService';
import type { Conversation } from '../models/records';
import { SocialChannel } from './socialChannel';
import { SupportAdapter } from './supportAdapter';

/**
 * Reaches a customer outside a turn: a proactive message through the Bot Framework connector (serviceUrl). The
 * adapter checks the service URL first (SupportAdapter). Every failure is HANDOFF_DELIVERY_FAILED, with the
 * reason as its cause: the message is stored, the channel did not take it.
 */
export class BotChannel implements CustomerChannel {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string | undefined,
  ) {}

  async send(conversation: Conversation, message: { kind: 'message' | 'typing'; text?: string }): Promise<void> {
    const reference = conversation.reference as unknown as Partial<ConversationReference>;
    // Our own web chat's connector is the store: the message is there, its streams only need the news.
    if (this.adapter instanceof SupportAdapter && this.adapter.toOwnWebChat(reference, message.kind)) return;
    try {
      await this.adapter.continueConversationAsync(this.appId ?? '', reference, async (ctx) => {
        await ctx.sendActivity(message.kind === 'typing' ? { type: ActivityTypes.Typing } : { type: ActivityTypes.Message, text: message.text });
      });
    } catch (err) {
      if (isAppError(err, 'HANDOFF_DELIVERY_FAILED')) throw err;
      const reason = isAppError(err) ? err.code : undefined;
      throw new AppError('HANDOFF_DELIVERY_FAILED', undefined, { cause: err, details: reason ? { reason } : undefined });
    }
  }
}

/** One CustomerChannel for the handoff and outbound services: mentions through the social port, the rest through Bot Framework. */
export class CustomerChannels implements CustomerChannel {
  constructor(
    private readonly bot: CustomerChannel,
    private readonly social: CustomerChannel,
  ) {}

  send(conversation: Conversation, message: { kind: 'message' | 'typing'; text?: string }): Promise<void> {
    return (SocialChannel.handles(conversation) ? this.social : this.bot).send(conversation, message);
  }
}
