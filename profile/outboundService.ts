import type { CustomerChannel } from '../handoff/handoffService';
import type { ConsentPurpose, Conversation, Customer } from '../models/records';
import type { AuditStore, ConversationStore, MessageStore } from '../store/store';
import { contactTypeOf } from './consentAddress';
import { ProfileService } from './profileService';

export type OutboundRefusal = 'consent_withdrawn' | 'quiet_hours' | 'channel_window_closed' | 'no_channel' | 'erased';

export interface OutboundResult {
  sent: boolean;
  reason?: OutboundRefusal;
  detail?: string;
  conversationId?: string;
}

/** Channels that only allow business-initiated messages within 24 h of the customer's last message. */
const SESSION_WINDOW_CHANNELS: Record<string, number> = { whatsapp: 24, facebook: 24, instagram: 24 };
const DEFAULT_QUIET = { start: '21:00', end: '09:00' };

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + (m || 0);
}

/** Local time of day in minutes in the customer's time zone (UTC when unknown or invalid). */
export function localMinutes(at: Date, timeZone: string | undefined): number {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timeZone || 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
    return Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
  } catch {
    return at.getUTCHours() * 60 + at.getUTCMinutes();
  }
}

/** Where a conversation on a contact-reached channel (e-mail, SMS, WhatsApp) writes to: its user's address. */
function addressOf(target: Conversation): string | undefined {
  return contactTypeOf(target.channelId) ? target.reference.user?.id : undefined;
}

export function inQuietHours(c: Customer, at: Date): boolean {
  const q = (c.preferences.quietHours as { start: string; end: string } | undefined) ?? DEFAULT_QUIET;
  const now = localMinutes(at, c.timeZone);
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/**
 * Every message that is not a reply to the customer goes through here: consent for the purpose on that channel,
 * quiet hours in the customer's time zone, and the channel's own rules. A refusal says why and sends nothing.
 */
export class OutboundService {
  constructor(
    private readonly store: ConversationStore & MessageStore & AuditStore,
    private readonly profiles: ProfileService,
    private readonly channel: CustomerChannel,
  ) {}

  async send(
    input: { customerId: string; text: string; purpose: ConsentPurpose; channelId?: string; actorId?: string },
    now = new Date(),
  ): Promise<OutboundResult> {
    const c = await this.profiles.get(input.customerId);
    const refuse = async (reason: OutboundRefusal, detail: string, conversationId?: string): Promise<OutboundResult> => {
      await this.store.appendAudit({
        actorId: input.actorId,
        action: 'outbound.refused',
        targetType: 'customer',
        targetId: c.id,
        data: { reason, purpose: input.purpose },
      });
      return { sent: false, reason, detail, conversationId };
    };
    if (c.erasedAt) return refuse('erased', 'the customer was erased');
    const conversations = (await this.store.listConversations({ customerId: c.id, limit: 1000 })).filter(
      (x) => !input.channelId || x.channelId === input.channelId,
    );
    const target: Conversation | undefined = conversations.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    if (!target) return refuse('no_channel', 'no conversation to write to');
    // A grant given for one address (an e-mail, a phone) counts for messages to that address only.
    if (!ProfileService.consentFor(c, input.purpose, target.channelId, addressOf(target)))
      return refuse('consent_withdrawn', `no ${input.purpose} consent on ${target.channelId}`, target.id);
    if (input.purpose !== 'service' && inQuietHours(c, now)) return refuse('quiet_hours', `quiet hours in ${c.timeZone ?? 'UTC'}`, target.id);
    const window = SESSION_WINDOW_CHANNELS[target.channelId];
    const last = c.engagement.lastContactAt ? Date.parse(c.engagement.lastContactAt) : 0;
    if (window && now.getTime() - last > window * 3600_000)
      return refuse(
        'channel_window_closed',
        `${target.channelId} allows business-initiated messages only within ${window} h of the customer's last message`,
        target.id,
      );
    await this.store.appendMessage({
      conversationId: target.id,
      role: 'system',
      kind: 'message',
      text: input.text,
      data: { outbound: input.purpose },
      authorId: input.actorId,
    });
    await this.channel.send(target, { kind: 'message', text: input.text });
    await this.store.appendAudit({
      actorId: input.actorId,
      action: 'outbound.sent',
      targetType: 'customer',
      targetId: c.id,
      data: { purpose: input.purpose, conversationId: target.id },
    });
    return { sent: true, conversationId: target.id };
  }
}
