import { channelName } from '../locale/intentLabels';
import { t } from '../locale/replies';
import { contactTypeOf, grantReach } from '../profile/consentAddress';
import type { Customer } from '../models/records';

/**
 * "sign me up for offers by email" from a customer with no e-mail on file: nothing is recorded (a grant there would
 * pass to whatever address is added later, and promise mail that cannot arrive); the customer hears that there is no
 * address for that channel yet and how to give one. With only an unconfirmed one (typed in chat, perhaps someone
 * else's), nothing is recorded either: the customer hears it is not confirmed and how to confirm it (a code sent to
 * it). Undefined when the grant can be recorded (profile/consentAddress.ts grantReach decides).
 */
export function noAddressReply(customer: Customer, channel: string, chatChannelId: string, language: string): string | undefined {
  const reach = grantReach(customer, channel, chatChannelId);
  if (reach.ok) return undefined;
  const type = contactTypeOf(channel);
  const vars = { channel: channelName(channel, language) };
  if (reach.missing === 'verified' && type) return t(language, type === 'email' ? 'consentUnconfirmedEmail' : 'consentUnconfirmedPhone', vars);
  const key = type === 'email' ? 'consentNoEmail' : type === 'phone' ? 'consentNoPhone' : 'consentNoChannel';
  return t(language, key, vars);
}
