import { channelName } from '../locale/intentLabels';
import { t, type ReplyKey } from '../locale/replies';
import { contactTypeOf, grantReach } from '../profile/consentAddress';
import type { ContactType, Customer } from '../models/records';
import { listChannels } from './consentScope';

/**
 * "sign me up for offers by email" from a customer with no e-mail on file: nothing is recorded (a grant there would
 * pass to whatever address is added later, and promise mail that cannot arrive); the customer hears that there is no
 * address for that channel yet and how to give one. With only an unconfirmed one (typed in chat, perhaps someone
 * else's), nothing is recorded either: the customer hears it is not confirmed and how to confirm it (a code sent to
 * it). Undefined when the grant can be recorded (profile/consentAddress.ts grantReach decides).
 */
export function noAddressReply(customer: Customer, channel: string, chatChannelId: string, language: string): string | undefined {
  return noAddressReplies(customer, [channel], chatChannelId, language)[0];
}

/**
 * The same for several channels, one reply per kind of missing address ("no phone number for you yet … on SMS and
 * WhatsApp", once, not once per channel). Empty when every one can be granted.
 */
export function noAddressReplies(customer: Customer, channels: readonly string[], chatChannelId: string, language: string): string[] {
  const groups = new Map<ReplyKey, string[]>();
  for (const channel of channels) {
    const reach = grantReach(customer, channel, chatChannelId);
    if (reach.ok) continue;
    const key = replyFor(reach.missing, contactTypeOf(channel));
    groups.set(key, [...(groups.get(key) ?? []), channel]);
  }
  return [...groups].map(([key, ids]) =>
    t(language, key, {
      channel: listChannels(
        ids.map((id) => channelName(id, language)),
        language,
      ),
    }),
  );
}

function replyFor(missing: 'contact' | 'verified', type: ContactType | undefined): ReplyKey {
  if (missing === 'verified' && type) return type === 'email' ? 'consentUnconfirmedEmail' : 'consentUnconfirmedPhone';
  if (type === 'email') return 'consentNoEmail';
  return type === 'phone' ? 'consentNoPhone' : 'consentNoChannel';
}
