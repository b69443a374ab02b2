import { channelName } from '../locale/intentLabels';
import { t } from '../locale/replies';
import { contactTypeOf, grantAddress } from '../profile/consentAddress';
import type { Customer } from '../models/records';

/**
 * "sign me up for offers by email" from a customer with no e-mail on file: nothing is recorded (a grant there would
 * pass to whatever address is added later, and promise mail that cannot arrive); the customer hears that there is no
 * address for that channel yet and how to give one. Undefined when the grant can be recorded.
 */
export function noAddressReply(customer: Customer, channel: string, chatChannelId: string, language: string): string | undefined {
  if (grantAddress(customer, channel, chatChannelId)) return undefined;
  const type = contactTypeOf(channel);
  const key = type === 'email' ? 'consentNoEmail' : type === 'phone' ? 'consentNoPhone' : 'consentNoChannel';
  return t(language, key, { channel: channelName(channel, language) });
}
