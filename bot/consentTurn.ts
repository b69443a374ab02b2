import type { TurnContext } from 'botbuilder';
import { isBareStop, withdrawsConsent } from '../dialogs/consentWish';
import { recordWithdrawal } from '../dialogs/consentWithdrawal';
import { readExplicitYes } from '../dialogs/explicitYes';
import { noAddressReply } from '../dialogs/consentNoAddress';
import { AppError } from '../core/errors';
import type { HandoffService } from '../handoff/handoffService';
import { channelName } from '../locale/intentLabels';
import type { Actor } from '../review/accessPolicy';
import type { Store } from '../store/store';
import { REPLY_LANGUAGES, t } from '../locale/replies';
import type { ConsentPurpose, Conversation, Customer, Message } from '../models/records';
import type { Recognition } from '../nlu/recognizer';
import { ProfileService } from '../profile/profileService';
import type { SupportBotDeps } from './turnIntake';

/**
 * Staff's "Grant" in the console: the customer is asked in their chat, in their language, naming purpose and channel;
 * consent changes only on their explicit yes to that question (answerConsentAsk below), within CONSENT_ASK_HOURS.
 * Asked in the open chat on that channel (else their latest open chat); with none open there is nobody to ask:
 * CONSENT_CUSTOMER_ONLY. Who may ask is checked before the question goes out; the question records its message.
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
  await d.profiles.mayAskConsent(actor, customerId);
  const customer = await d.profiles.get(customerId);
  // No confirmed e-mail on file, no consent question about e-mail: checked before the customer is asked anything.
  ProfileService.refuseUnreachableGrant(customer, channel, chat.channelId);
  const language = chat.language ?? customer.language ?? 'en';
  const question = await d.handoff.tell(
    chat,
    t(language, 'staffAsksConsent', { purpose: t(language, `purpose_${purpose}`), channel: channelName(channel, language) }),
    { notice: 'consentAsk' },
  );
  return d.profiles.askConsentByStaff(customerId, actor, purpose, channel, { conversationId: chat.id, seq: question.seq, channelId: chat.channelId });
}

/**
 * The customer's answer to staff's consent question: an explicit yes grants, a no (or a withdrawal) ends the question
 * and changes nothing; anything else leaves it pending and the turn goes on as usual. True when the message answered.
 * Only a reply to that question counts: in the chat it was asked in, before it expired, and with nothing said to
 * the customer since (a bot's or agent's later question is what a "yes" then answers). `message`: the customer's,
 * stored this turn.
 */
export async function answerConsentAsk(
  d: SupportBotDeps,
  context: TurnContext,
  conversation: Conversation,
  profile: Customer,
  r: Recognition,
  language: string,
  message: Message,
): Promise<boolean> {
  const ask = ProfileService.consentAsk(profile, d.profiles.now());
  if (!ask || ask.conversationId !== message.conversationId || message.seq <= ask.seq) return false;
  const answer = readExplicitYes(r.text);
  if (!answer) return false;
  const vars = { purpose: t(language, `purpose_${ask.purpose}`), channel: channelName(ask.channel, language) };
  const question = t(language, 'staffAsksConsent', vars);
  const again = t(language, 'staffAsksConsentAgain', vars);
  const since = message.seq - ask.seq > 1 ? await d.store.listMessages(message.conversationId, { afterSeq: ask.seq, limit: message.seq - ask.seq - 1 }) : [];
  // The question as last asked (staff's, or the bot's asking again) is what a "yes" answers: only what was said to
  // the customer after it can have asked something else. A holding notice asks nothing: it sat between the bot
  // asking again and the "yes" and once made that yes count for nothing (outside tester).
  const reasked = since.filter((m) => m.seq < message.seq && m.role === 'bot' && (m.text === question || m.text === again)).at(-1);
  const after = since.filter((m) => m.seq > (reasked?.seq ?? ask.seq) && m.seq < message.seq);
  if (after.some((m) => m.kind === 'message' && m.role !== 'customer' && !asksNothing(m))) return false;
  // "ok", "I guess", "yes, but…": an answer, yet not the explicit yes a grant needs; asked again once, in words that
  // say a plain yes or no is needed, nothing recorded. Unclear again after that: the question ends and nothing
  // changes (never a question repeated for ever).
  if (answer === 'unclear' && !reasked) {
    await context.sendActivity(again);
    return true;
  }
  // The address asked about went from the profile, or is no longer verified, since (a merge undone, a contact
  // removed): the question ends, nothing granted.
  const noAddress = answer === 'yes' ? noAddressReply(profile, ask.channel, conversation.channelId, language) : undefined;
  await d.profiles.answerConsentAsk(
    profile.id,
    ask,
    answer === 'yes' && !noAddress,
    conversation.channelId,
    typeof context.activity.id === 'string' ? context.activity.id : undefined,
  );
  if (noAddress) {
    await context.sendActivity(noAddress);
    return true;
  }
  const purpose = t(language, `purpose_${ask.purpose}`);
  await context.sendActivity(
    answer === 'yes' ? t(language, 'staffConsentGranted', { purpose, channel: channelName(ask.channel, language) }) : t(language, 'consentUnchanged'),
  );
  return true;
}

/** Notices that tell the customer something and ask nothing (a "yes" after one still answers the question before). */
function asksNothing(m: Message): boolean {
  return m.role === 'system' && m.data?.notice === 'agentStillThere';
}

/**
 * A bare "stop" ("para") right after the bot told the customer what it does ('Say "stop" at any time.' under a grant
 * they gave to staff's question; 'Say "stop sending me offers" at any time.' under one they gave the bot): that
 * purpose is withdrawn, on every channel, and said so. It was once answered "What would you like me to stop?". Only
 * the bot's message just before counts: with anything said since, the stop is asked about as usual. True when done.
 */
export async function stopAsTold(
  d: SupportBotDeps,
  context: TurnContext,
  conversation: Conversation,
  profile: Customer,
  message: Message,
  language: string,
): Promise<boolean> {
  if (!isBareStop(message.text) || message.seq < 2) return false;
  const before = await d.store.listMessages(message.conversationId, { afterSeq: Math.max(0, message.seq - 4), limit: 3 });
  const last = before.filter((m) => m.seq < message.seq && m.kind === 'message').at(-1);
  const purpose = last?.role === 'bot' ? toldStop(last.text, profile, conversation.channelId) : undefined;
  if (!purpose) return false;
  await d.profiles.setConsent(profile.id, purpose, false, { channel: conversation.channelId, method: 'chat', scope: '*' });
  await context.sendActivity(t(language, 'consentStopped', { purpose: t(language, `purpose_${purpose}`) }));
  return true;
}

/** The purpose a bot message told the customer that "stop" (or the opt-out it quoted) ends, if it was one. */
function toldStop(text: string, profile: Customer, channelId: string): ConsentPurpose | undefined {
  const granted = [...profile.consent].reverse().find((e) => e.granted && e.method === 'chat');
  for (const l of REPLY_LANGUAGES) {
    const channel = channelName(channelId, l);
    if (text === t(l, 'marketingGranted', { channel }) || text === t(l, 'marketingKept', { channel })) return 'marketing';
    const purpose = granted && t(l, `purpose_${granted.purpose}`);
    if (granted && text === t(l, 'staffConsentGranted', { purpose, channel: channelName(granted.channel, l) })) return granted.purpose;
  }
  return undefined;
}

/** Whether this message withdraws marketing consent, read by the explicit opt-out rules only (dialogs/consentWish.ts). */
export function optsOut(r: Recognition): boolean {
  return withdrawsConsent(r.text, [r.intent]);
}

/**
 * Withdrawing consent is honoured at once whoever holds the chat: a person (the message still reaches them, and they
 * see this confirmation in the transcript), a contact centre, or the queue. Applies to every channel ('*') unless it
 * names channels (then those only); a
 * customer never on the list gets their refusal recorded all the same.
 */
export async function honourOptOut(d: SupportBotDeps, context: TurnContext, conversation: Conversation, profile: Customer, language: string): Promise<void> {
  const held = conversation.state === 'agent' || conversation.state === 'external';
  // "unsubscribe me from sms": the channels named, and only those (dialogs/consentScope.ts).
  await context.sendActivity(
    await recordWithdrawal(d.profiles, profile, { text: context.activity.text ?? '', chatChannelId: conversation.channelId, language, held }),
  );
}
