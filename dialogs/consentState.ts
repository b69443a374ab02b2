import { channelName } from '../locale/intentLabels';
import { t } from '../locale/replies';
import type { Customer } from '../models/records';
import { ProfileService } from '../profile/profileService';
import { listChannels } from './consentScope';

/**
 * Where a customer receives news and offers, channel by channel, read from the profile's consent history (outside
 * tester 32: "what offers am I signed up for?" was answered for this chat only, and "No estabas en nuestra lista" was
 * said to a customer who had a grant on another channel). Pure reads of the profile.
 */

/** The channels reached at a contact point, always listed: a customer may ask about any of them. */
const CONTACT_CHANNELS = ['email', 'sms', 'whatsapp'];

/** The channels worth naming for this customer: e-mail, SMS, WhatsApp, this chat, and any other their history names. */
export function marketingChannels(c: Pick<Customer, 'consent'>, chatChannelId: string): string[] {
  const named = c.consent.filter((e) => e.purpose === 'marketing' && e.channel !== '*').map((e) => e.channel);
  return [...new Set([...CONTACT_CHANNELS, chatChannelId, ...named])];
}

/** Whether news and offers reach the customer on at least one channel (a grant on '*' counts everywhere). */
export function receivesMarketingAnywhere(c: Customer, chatChannelId: string): boolean {
  return marketingChannels(c, chatChannelId).some((ch) => ProfileService.consentFor(c, 'marketing', ch));
}

/** "You receive our news and offers on e-mail. You do not receive them on SMS, WhatsApp and this web chat." */
export function marketingStateText(c: Customer, chatChannelId: string, language: string): string {
  const channels = marketingChannels(c, chatChannelId);
  const names = (ids: string[]) =>
    listChannels(
      ids.map((id) => channelName(id, language)),
      language,
    );
  const on = channels.filter((ch) => ProfileService.consentFor(c, 'marketing', ch));
  const off = channels.filter((ch) => !on.includes(ch));
  if (on.length === 0) return t(language, 'marketingStateNone', { off: names(off) });
  if (off.length === 0) return t(language, 'marketingStateAll', { on: names(on) });
  return t(language, 'marketingStateSome', { on: names(on), off: names(off) });
}
