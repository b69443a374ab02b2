import type { EscalationPolicyConfig } from '../handoff/escalationPolicy';
import type { HandoffService } from '../handoff/handoffService';
import type { Customer } from '../models/records';
import { scoreSentiment } from '../nlu/sentiment';
import type { Store } from '../store/store';
import type { Mention, MentionResult } from './mentionTypes';
import type { ProfileService } from './profileService';

export type { Mention, MentionResult };

/** Below this sentiment a mention counts as negative. */
const NEGATIVE = -0.4;

/**
 * Public mentions of the brand posted by a listening tool. Each attaches to the profile behind the author's
 * handle on that network (created when new), raises the profile's reach, and is kept as a message; a negative
 * mention from a high-reach author opens a conversation in the agents' queue (reason social_mention).
 */
export class MentionService {
  constructor(
    private readonly store: Store,
    private readonly profiles: ProfileService,
    private readonly handoff: HandoffService,
    private readonly policy: EscalationPolicyConfig,
  ) {}

  async ingest(m: Mention): Promise<MentionResult> {
    const channelId = `mention:${m.network.toLowerCase()}`;
    const handle = m.handle.replace(/^@/, '').toLowerCase();
    let customer: Customer = await this.profiles.resolve({ channelId, userId: handle, name: `@${handle}` });
    if (m.reach !== undefined) customer = await this.profiles.setReach(customer.id, m.reach, m.network);
    const language = m.language ?? customer.language ?? 'en';
    const sentiment = scoreSentiment(m.text, language);
    // One conversation per author, keyed by their profile's opaque id: a handle in a conversation id or reference
    // would outlive an erasure of the profile (the erasure replaces the key; nothing else would).
    const { conversation, created } = await this.store.getOrCreateConversation({
      channelId,
      channelConversationId: customer.id,
      customerId: customer.id,
      // Public posts are answered through the social network port (bot/socialChannel.ts), never a Bot Framework
      // connector: the post's URL is a web page anyone can name, so it is never a service URL.
      reference: { channelId, serviceUrl: '', conversation: { id: customer.id } },
      language,
    });
    const { message } = await this.store.appendMessage({
      conversationId: conversation.id,
      role: 'customer',
      kind: 'message',
      authorId: customer.id,
      text: m.text,
      sentiment,
      language,
      data: { url: m.url, network: m.network, reach: m.reach, postedAt: m.postedAt },
    });
    await this.profiles.recordMessage(customer.id, { sentiment, language, conversationId: conversation.id, at: message.createdAt, newConversation: created });
    const reach = Math.max(customer.reach.followers, m.reach ?? 0);
    if (sentiment <= NEGATIVE && reach >= this.policy.reachThreshold && (conversation.state === 'bot' || conversation.state === 'closed')) {
      if (conversation.state === 'closed') await this.handoff.reopen(conversation.id);
      await this.handoff.escalate(conversation.id, {
        reason: 'social_mention',
        detail: `negative mention (${sentiment.toFixed(2)}) by @${handle} with ${reach} followers on ${m.network}`,
        priorityBoost: 5,
      });
      return { customerId: customer.id, sentiment, conversationId: conversation.id };
    }
    return { customerId: customer.id, sentiment };
  }
}
