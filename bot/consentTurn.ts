import type { TurnContext } from 'botbuilder';
import { withdrawsConsent } from '../dialogs/consentWish';
import { readExplicitYes } from '../dialogs/explicitYes';
import { AppError } from '../core/errors';
import type { HandoffService } from '../handoff/handoffService';
import { channelName } from '../locale/intentLabels';
import type { Actor } from '../review/accessPolicy';
import type { Store } from '../store/store';
import { t } from '../locale/replies';
import type { ConsentPurpose, Conversation, Customer } from '../models/records';
import type { Recognition } from '../nlu/recognizer';
import { ProfileService } from '../profile/profileService';
import type { SupportBotDeps } from './turnIntake';

/**
 * Staff's "Grant" in the console: the customer is asked in their chat, in their language, naming purpose and channel;
 * consent changes only on their explicit yes (answerConsentAsk below). Asked in the open chat on that channel (else
 * their latest open chat); with none open there is nobody to ask: CONSENT_CUSTOMER_ONLY.
 */
export async function askCustomerConsent(
  d: { profiles: ProfileService; handoff: HandoffService; store: Store },
  actor: Actor,
  customerId: string,
  purpose: ConsentPurpose,
  channel: string,
): Promise<Customer> {
  const open = (await d.store.listConversations({ customerId, limit: 100 })).filter((c) => c.state !== 'closed');
  const chat = open.find((c) => c.channelId === channel) ?? open[0];
  if (!chat) throw new AppError('CONSENT_CUSTOMER_ONLY', 'the customer has no open chat to be asked in');
  const customer = await d.profiles.askConsentByStaff(customerId, actor, purpose, channel);
  const language = chat.language ?? customer.language ?? 'en';
  await d.handoff.tell(chat, t(language, 'staffAsksConsent', { purpose: t(language, `purpose_${purpose}`), channel: channelName(channel, language) }), {
    notice: 'consentAsk',
  });
  return customer;
}

/**
 * The customer's answer to staff's consent question: an explicit yes grants, a no (or a withdrawal) ends the question
 * and changes nothing; anything else leaves it pending and the turn goes on as usual. True when the message answered.
 */
export async function answerConsentAsk(
  d: SupportBotDeps,
  context: TurnContext,
  conversation: Conversation,
  profile: Customer,
  r: Recognition,
  language: string,
): Promise<boolean> {
  const ask = ProfileService.consentAsk(profile);
  if (!ask) return false;
  const answer = readExplicitYes(r.text);
  if (!answer) return false;
  // "ok", "I guess", "yes, but…": an answer, yet not the explicit yes a grant needs; asked again, nothing recorded.
  if (answer === 'unclear') {
    await context.sendActivity(
      t(language, 'staffAsksConsent', { purpose: t(language, `purpose_${ask.purpose}`), channel: channelName(ask.channel, language) }),
    );
    return true;
  }
  await d.profiles.answerConsentAsk(
    profile.id,
    ask,
    answer === 'yes',
    conversation.channelId,
    typeof context.activity.id === 'string' ? context.activity.id : undefined,
  );
  const purpose = t(language, `purpose_${ask.purpose}`);
  await context.sendActivity(
    answer === 'yes' ? t(language, 'staffConsentGranted', { purpose, channel: channelName(ask.channel, language) }) : t(language, 'consentUnchanged'),
  );
  return true;
}

/** Whether this message withdraws marketing consent, read by the explicit opt-out rules only (dialogs/consentWish.ts). */
export function optsOut(r: Recognition): boolean {
  return withdrawsConsent(r.text, [r.intent]);
}

/**
 * Withdrawing consent is honoured at once whoever holds the chat: a person (the message still reaches them, and they
 * see this confirmation in the transcript), a contact centre, or the queue. Applies to every channel ('*'); a
 * customer never on the list gets their refusal recorded all the same.
 */
export async function honourOptOut(d: SupportBotDeps, context: TurnContext, conversation: Conversation, profile: Customer, language: string): Promise<void> {
  const receiving = ProfileService.consentFor(profile, 'marketing', conversation.channelId);
  await d.profiles.setConsent(profile.id, 'marketing', false, { channel: conversation.channelId, method: 'chat', scope: '*' });
  const held = conversation.state === 'agent' || conversation.state === 'external';
  await context.sendActivity(t(language, held ? 'marketingWithdrawnHeld' : receiving ? 'marketingWithdrawn' : 'marketingAlreadyOff'));
}
