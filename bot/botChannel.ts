import { ActivityTypes, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { CustomerChannel } from '../handoff/handoffService';
import type { Conversation } from '../models/records';

/** Reaches a customer outside a turn: a proactive message through the Bot Framework connector (serviceUrl). */
export class BotChannel implements CustomerChannel {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string | undefined,
  ) {}

  async send(conversation: Conversation, message: { kind: 'message' | 'typing'; text?: string }): Promise<void> {
    const reference = conversation.reference as unknown as Partial<ConversationReference>;
    await this.adapter.continueConversationAsync(this.appId ?? '', reference, async (ctx) => {
      await ctx.sendActivity(message.kind === 'typing' ? { type: ActivityTypes.Typing } : { type: ActivityTypes.Message, text: message.text });
    });
  }
}
