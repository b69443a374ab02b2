import { AppError } from '../core/errors';
import type { Customer, Message } from '../models/records';
import type { Store } from '../store/store';
import type { ProfileService } from './profileService';

/** Export everything known about a customer; erase it, keeping only an audit record without personal data. */
export class PrivacyService {
  constructor(
    private readonly store: Store,
    private readonly profiles: ProfileService,
    private readonly notify: (type: 'customer.erased', data: Record<string, unknown>) => void = () => undefined,
  ) {}

  async export(customerId: string, actorId?: string): Promise<{ profile: Customer; conversations: { id: string; channelId: string; createdAt: string; messages: Message[] }[] }> {
    const profile = await this.profiles.get(customerId);
    const conversations = await this.store.listConversations({ customerId: profile.id, limit: 1000 });
    const out = [];
    for (const c of conversations) out.push({ id: c.id, channelId: c.channelId, createdAt: c.createdAt, messages: await this.store.listMessages(c.id) });
    await this.store.appendAudit({ actorId, action: 'privacy.export', targetType: 'customer', targetId: profile.id });
    return { profile, conversations: out };
  }

  /** Removes identities, contact points, profile fields, message texts and derived data (intent, sentiment). */
  async erase(customerId: string, actorId?: string): Promise<{ conversations: number; messages: number }> {
    const c = await this.store.getCustomer(customerId);
    if (!c) throw new AppError('NOT_FOUND', 'customer not found');
    const conversations = await this.store.listConversations({ customerId: c.id, limit: 1000 });
    let messages = 0;
    for (const conv of conversations) {
      messages += await this.store.eraseMessages(conv.id);
      // The reference holds the channel's user id and name: keep only what the transcript's shape needs.
      await this.store.updateConversation(conv.id, { reference: { channelId: conv.channelId, serviceUrl: conv.reference.serviceUrl, conversation: { id: conv.reference.conversation.id } }, tags: [], satisfaction: undefined });
    }
    const erasedAt = new Date().toISOString();
    await this.store.updateCustomer(c.id, {
      displayName: '',
      identities: [],
      contacts: [],
      language: undefined,
      timeZone: '',
      preferences: {},
      consent: [],
      sentiment: [],
      engagement: { conversations: 0, messages: 0, score: 0 },
      reach: { followers: 0, score: 0 },
      lifetimeValue: 0,
      segments: [],
      tags: [],
      attributes: {},
      erasedAt,
    });
    await this.store.forgetCustomer(c.id);
    await this.store.appendAudit({ actorId, action: 'privacy.erase', targetType: 'customer', targetId: c.id, data: { conversations: conversations.length, messages } });
    this.notify('customer.erased', { customerId: c.id });
    return { conversations: conversations.length, messages };
  }
}
