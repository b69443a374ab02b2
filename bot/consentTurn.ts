import type { TurnContext } from 'botbuilder';
import { withdrawsConsent } from '../dialogs/consentWish';
import { t } from '../locale/replies';
import type { Conversation, Customer } from '../models/records';
import type { Recognition } from '../nlu/recognizer';
import { ProfileService } from '../profile/profileService';
import type { SupportBotDeps } from './turnIntake';

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
