import { channelName } from '../locale/intentLabels';
import { t } from '../locale/replies';
import type { Customer } from '../models/records';
import { ProfileService } from '../profile/profileService';
import type { ProfileActions } from './dialogServices';
import { receivesMarketingAnywhere } from './consentState';
import { listChannels, withdrawnChannels } from './consentScope';

/**
 * Records a withdrawal of news and offers and returns what to tell the customer: the channels the message names and
 * only those, else every channel ('*'). The confirmation says what was true before (outside tester 32, H3: "me quiero
 * dar de baja del whats" withdrew everything and answered "No estabas en nuestra lista"): a channel that had no grant
 * is named as one they were not receiving offers on. One place for the bot's dialogs and for held chats.
 */
export async function recordWithdrawal(
  profiles: Pick<ProfileActions, 'setConsent'>,
  customer: Customer,
  o: { text: string; chatChannelId: string; language: string; held: boolean },
): Promise<string> {
  const { chatChannelId, language, held } = o;
  const where = { channel: chatChannelId, method: 'chat' };
  const only = withdrawnChannels(o.text, chatChannelId);
  if (only) {
    for (const id of only) await profiles.setConsent(customer.id, 'marketing', false, { ...where, scope: id });
    const names = (ids: string[]) =>
      listChannels(
        ids.map((id) => channelName(id, language)),
        language,
      );
    if (held) return t(language, 'marketingWithdrawnHeldOn', { channels: names(only) });
    const were = only.filter((id) => ProfileService.consentFor(customer, 'marketing', id));
    const not = only.filter((id) => !were.includes(id));
    if (were.length === 0) return t(language, 'marketingAlreadyOffOn', { channels: names(not) });
    const done = t(language, 'marketingWithdrawnOn', { channels: names(were) });
    return not.length === 0 ? done : `${done} ${t(language, 'marketingAlsoOffOn', { channels: names(not) })}`;
  }
  // Unqualified, a withdrawal applies everywhere ('*'): "stop sending me offers" means all of them. Nothing to withdraw
  // is still a refusal worth keeping: "take me off your list" from someone never on it.
  const receiving = receivesMarketingAnywhere(customer, chatChannelId);
  await profiles.setConsent(customer.id, 'marketing', false, { ...where, scope: '*' });
  return t(language, held ? 'marketingWithdrawnHeld' : receiving ? 'marketingWithdrawn' : 'marketingAlreadyOff');
}
