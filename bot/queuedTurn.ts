import { ActivityTypes, MessageFactory, type CardAction, type TurnContext } from 'botbuilder';
import { givenName } from '../dialogs/givenName';
import { takeName } from '../dialogs/takeName';
import { findHumanRequest, isWithdrawRequest } from '../dialogs/humanRequest';
import { turnInfo } from '../dialogs/turnInfo';
import { asksAboutWait } from '../dialogs/waitQuestion';
import { refusesContact } from '../dialogs/contactRefusal';
import { formatWaitRange } from '../handoff/handoffService';
import { t } from '../locale/replies';
import type { Conversation, Customer } from '../models/records';
import { honourOptOut, optsOut } from './consentTurn';
import { endTurn } from './replySending';
import type { SupportBotDeps } from './turnIntake';

const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;

/**
 * Queued, or waiting for a team that is away: the bot keeps answering what it can, reminds the customer that their
 * request stands and where they are, lets them withdraw it, and takes their message (with an e-mail to answer to
 * where the channel cannot reach them later).
 */
export async function whileQueued(d: SupportBotDeps, context: TurnContext, queued: Conversation, profile: Customer): Promise<void> {
  // The customer wrote: here (a chat marked gone resumes its place: handoff/customerAway.ts).
  const conversation = (await d.handoff.customerSeen(queued.id)) ?? queued;
  const { recognition, language } = turnInfo(context);
  const text = recognition.text;
  if (isWithdrawRequest(text)) {
    // The one place this bot changes a queued conversation's state (through the handoff service): back to the bot.
    const back = await d.handoff.withdraw(conversation.id);
    if (back) {
      await d.mainDialog.cancelAll(context);
      await d.failures.set(context, 0);
      await context.sendActivity(t(language, 'withdrawn'));
      return endTurn(d, context, back);
    }
  }
  if (optsOut(recognition)) {
    // "Unsubscribe me" while waiting: honoured at once, whatever question was pending.
    await honourOptOut(d, context, conversation, profile, language);
    return remindQueued(d, context, conversation, profile, false);
  }
  // Web Chat shows only the latest message's buttons: a question the dialogs ask this turn keeps its buttons on the
  // reminder that follows it.
  let asked: CardAction[] = [];
  context.onSendActivities(async (_ctx, activities, next) => {
    for (const a of activities) if (a.type === ActivityTypes.Message) asked = a.suggestedActions?.actions ?? [];
    return next();
  });
  const memory = await d.mainDialog.memory.get(context, {});
  const email = text.match(EMAIL_RE)?.[0]?.toLowerCase();
  const replyEmail = memory.replyEmailAsked && email && !profile.contacts.some((c) => c.type === 'email' && c.value === email);
  // A dialog's own question (the e-mail on an order) was asked after ours: the e-mail answers it first.
  const dialogAsks = await d.mainDialog.hasActiveDialog(context);
  if (replyEmail && !dialogAsks) {
    await d.identity.applyUnverifiedContact(profile.id, { type: 'email', value: email }, 'chat');
    await context.sendActivity(t(language, 'emailForReplySaved', { email }));
    return remindQueued(d, context, conversation, profile, true);
  }
  // "I'd rather not give my email" right after we asked for one to answer to: respected, never asked again.
  if ((await d.mainDialog.lastQuestion(context)) === 'replyEmail' && !email && refusesContact(text)) {
    await context.sendActivity(t(language, 'replyEmailRefused'));
    return remindQueued(d, context, conversation, profile, true);
  }
  // "what's my place in the queue?", "still waiting, how long?": the reminder is the answer (a question pending stays).
  if (!replyEmail && asksAboutWait(text)) return remindQueued(d, context, conversation, profile, false);
  const decision = d.mainDialog.decision(recognition);
  // "call me Alex Agente", "I'm Alex Agente": a name (refused by the router), not a request for a person again.
  const named = givenName(text);
  const askedAgain = !!findHumanRequest(named ? named.rest : text) || (decision.kind === 'answer' && decision.intent === 'human.request' && !named);
  // "hello? still there?" while waiting wants to know the request stands (the reminder below), not a fresh welcome;
  // "hi, I'm Ana" gives a name to take.
  const greets = decision.kind === 'answer' && decision.intent === 'greeting' && !dialogAsks && !named;
  // "soy Ana, quiero hablar con una persona" while queued: the name is taken, the request already stands.
  if (askedAgain && named) await takeName(context, d.profiles, named);
  if (!askedAgain && !greets) {
    const outcome = await d.mainDialog.run(context);
    // Already queued: a dialog's own handoff (a confirmed account deletion) keeps that place in the queue.
    if (outcome.kind === 'not_understood') await context.sendActivity(t(turnInfo(context).language, 'waitingNotUnderstood'));
  }
  if (replyEmail && dialogAsks) {
    // It was also the address we asked to answer to.
    await d.identity.applyUnverifiedContact(profile.id, { type: 'email', value: email }, 'chat');
    await context.sendActivity(t(language, 'emailForReplySaved', { email }));
    return remindQueued(d, context, conversation, profile, true);
  }
  return remindQueued(d, context, conversation, profile, false, asked);
}

/** "Your request for a person stands: number 2 in the queue…", with a button to withdraw it. */
async function remindQueued(
  d: SupportBotDeps,
  context: TurnContext,
  conversation: Conversation,
  profile: Customer,
  emailJustGiven: boolean,
  asked: CardAction[] = [],
): Promise<void> {
  const language = turnInfo(context).language;
  const ticket = await d.handoff.tellTicket(conversation);
  const text =
    ticket.agentsOnline > 0
      ? t(language, 'queuedReminder', { position: ticket.position, wait: formatWaitRange(ticket, language) })
      : t(language, d.handoff.isOpen() ? 'offlineReminder' : 'outsideHoursReminder');
  const askEmail = !emailJustGiven && ticket.agentsOnline === 0;
  // With a question pending, the e-mail request goes first, so the last message carries the question's buttons.
  if (askEmail && asked.length > 0) await askReplyEmail(d, context, conversation, profile);
  const withdraw = t(language, 'withdrawButton');
  const buttons: CardAction[] = [...asked, { type: 'imBack', title: withdraw, value: withdraw }];
  await context.sendActivity(MessageFactory.suggestedActions(buttons, text));
  if (askEmail && asked.length === 0) await askReplyEmail(d, context, conversation, profile);
  return endTurn(d, context, conversation);
}

/** Where the channel cannot reach the customer later and we have no e-mail of theirs, ask for one (once). */
export async function askReplyEmail(d: SupportBotDeps, context: TurnContext, conversation: Conversation, profile: Customer): Promise<void> {
  if (!d.askEmailChannels.includes(conversation.channelId)) return;
  if (profile.contacts.some((c) => c.type === 'email')) return;
  const memory = await d.mainDialog.memory.get(context, {});
  if (memory.replyEmailAsked) return;
  memory.replyEmailAsked = true;
  memory.lastQuestion = 'replyEmail';
  await context.sendActivity(t(turnInfo(context).language, 'askEmailForReply'));
}
