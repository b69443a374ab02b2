import type { CustomerChannel } from '../handoff/handoffService';
import type { Conversation } from '../models/records';
import type { Store } from '../store/store';

/** The author of a public post we answer: their network and handle, and our conversation with them. */
export interface SocialReplyTarget {
  network: string;
  handle: string;
  conversationId: string;
}

/**
 * A social network's own API, for answering public mentions (a reply under the post, or a direct message).
 * Never the Bot Framework connector: a mention's URL is a web page, not a channel service, and must never
 * receive the bot's token.
 */
export interface SocialNetworkAdapter {
  reply(target: SocialReplyTarget, text: string): Promise<void>;
}

/**
 * The default adapter posts nothing itself: it records that a reply waits for a person to post it on the
 * network (audit action `social.reply_pending`, found with GET /api/audit?action=social.reply_pending). The text
 * is in the conversation's transcript already; the record carries no personal data, so erasure leaves none.
 */
export class RecordingSocialAdapter implements SocialNetworkAdapter {
  constructor(private readonly store: Store) {}

  async reply(target: SocialReplyTarget, text: string): Promise<void> {
    await this.store.appendAudit({
      action: 'social.reply_pending',
      targetType: 'conversation',
      targetId: target.conversationId,
      data: { network: target.network, length: text.length },
    });
  }
}

export const MENTION_CHANNEL_PREFIX = 'mention:';

/** Customers met through a public mention, reached through a SocialNetworkAdapter. */
export class SocialChannel implements CustomerChannel {
  constructor(private readonly adapter: SocialNetworkAdapter) {}

  static handles(conversation: Pick<Conversation, 'channelId'>): boolean {
    return conversation.channelId.startsWith(MENTION_CHANNEL_PREFIX);
  }

  async send(conversation: Conversation, message: { kind: 'message' | 'typing'; text?: string }): Promise<void> {
    // Public posts have no typing indicator.
    if (message.kind !== 'message' || !message.text) return;
    const network = conversation.channelId.slice(MENTION_CHANNEL_PREFIX.length);
    await this.adapter.reply({ network, handle: conversation.channelConversationId, conversationId: conversation.id }, message.text);
  }
}
