import { ActivityTypes, MessageFactory, type CardAction, type TurnContext } from 'botbuilder';
import { givenName } from '../dialogs/givenName';
import { takeName } from '../dialogs/takeName';
import { findHumanRequest, isWithdrawRequest, refusesPerson } from '../dialogs/humanRequest';
import { besideOptOut } from '../dialogs/marketingQuestion';
import { besideWithdrawal } from '../dialogs/queuedParts';
import { reportedProblem, type ReportedProblem } from '../dialogs/reportedProblems';
import { orderNumberAnswer } from '../dialogs/orderNumberAnswer';
import { asksForEmail } from '../dialogs/pendingAnswer';
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
/** Beside an opt-out, nothing to answer: small talk, or news and offers again. */
const NOTHING_BESIDE = new Set(['greeting', 'goodbye', 'thanks', 'help', 'consent.change', 'newsletter.subscribe']);

/**
 * Queued, or waiting for a team that is away: the bot keeps answering what it can, reminds the customer that their
 * request stands and where they are, lets them withdraw it, and takes their message (with an e-mail to answer to
 * where the channel cannot reach them later).
 */
export async function whileQueued(d: SupportBotDeps, context: TurnContext, queued: Conversation, profile: Customer): Promise<void> {
  // The customer wrote: here (a chat marked gone resumes its place: handoff/customerAway.ts).
  const conversation = (await d.handoff.customerSeen(queued.id)) ?? queued;
  const info = turnInfo(context);
  const { language } = info;
  let recognition = info.recognition;
  let text = recognition.text;
  // Web Chat shows only the latest message's buttons: a question the dialogs ask this turn keeps its buttons on the
  // reminder that follows it.
  let asked: CardAction[] = [];
  context.onSendActivities(async (_ctx, activities, next) => {
    for (const a of activities) if (a.type === ActivityTypes.Message) asked = a.suggestedActions?.actions ?? [];
    return next();
  });
  /** The rest of a two-part message, read from here on as a message of its own. */
  const readRest = async (rest: string) => {
    recognition = await d.recognizer.recognize(rest, { language });
    info.recognition = recognition;
    text = rest;
  };
  if (isWithdrawRequest(text)) {
    // The one place this bot changes a queued conversation's state (through the handoff service): back to the bot.
    const back = await d.handoff.withdraw(conversation.id);
    if (back) {
      await d.mainDialog.cancelAll(context);
      await d.failures.set(context, 0);
      // "actually I don't need a person, just tell me your opening hours": withdrawn, as said in so many words (and
      // the customer told so), and what else it asks is answered instead of dropped.
      const rest = besideWithdrawal(text);
      await context.sendActivity(t(language, rest ? 'withdrawnAndMore' : 'withdrawn'));
      if (rest) {
        await readRest(rest);
        const outcome = await d.mainDialog.run(context);
        if (outcome.kind === 'not_understood') await context.sendActivity(t(language, 'notUnderstood'));
      }
      return endTurn(d, context, back);
    }
  }
  if (optsOut(recognition)) {
    // "Unsubscribe me" while waiting: honoured at once, whatever question was pending, as alone; what else the message
    // asks ("…, and where is order 67890?") is then read on its own below (it was once dropped).
    await honourOptOut(d, context, conversation, profile, language);
    const rest = besideOptOut(text);
    if (!rest) return remindQueued(d, context, conversation, profile, false);
    await readRest(rest);
    // "unsubscribe me, thank you so much": nothing else to act on (as in mainDialog's withdrawAndMore).
    const other = d.mainDialog.decision(recognition);
    if (other.kind === 'answer' && NOTHING_BESIDE.has(other.intent)) return remindQueued(d, context, conversation, profile, false);
  }
  // "I don't want an agent, just tell me your opening hours" names a person only to refuse one: never a request again.
  // Withdrawing is said in so many words (above); here the place is kept, what else it asks is answered, and the
  // customer is told the place was kept and how to give it up.
  const refusal = refusesPerson(text);
  if (refusal?.rest) await readRest(refusal.rest);
  // "someone used my account", "it says delivered but I never got it" while waiting: answered as out of the queue (an
  // apology, what to do), and the waiting chat made urgent, whatever else the message says ("…, I need a human").
  const problem = reportedProblem(text);
  if (problem) return reportedWhileQueued(d, context, conversation, problem);
  const memory = await d.mainDialog.memory.get(context, {});
  const email = text.match(EMAIL_RE)?.[0]?.toLowerCase();
  const replyEmail = memory.replyEmailAsked && email && !profile.contacts.some((c) => c.type === 'email' && c.value === email);
  // A dialog's own question for an e-mail (the one on an order) was asked after ours: the e-mail answers it first. Any
  // other pending question ("Did you mean…?") is not asked of it: the address is ours, thanked, and nothing else.
  const dialogAsks = await d.mainDialog.hasActiveDialog(context);
  if (replyEmail && !asksForEmail(await d.mainDialog.pending(context))) {
    await d.identity.applyUnverifiedContact(profile.id, { type: 'email', value: email }, 'chat');
    await context.sendActivity(t(language, 'emailForReplySaved', { email }));
    return remindQueued(d, context, conversation, profile, true);
  }
  const replyEmailAsked = (await d.mainDialog.lastQuestion(context)) === 'replyEmail';
  // An order number alone where we asked for an e-mail: noted for the team (the message reaches them), and the
  // question stands; never a clarifying question about what to do with the order.
  const order = replyEmailAsked && !email && !dialogAsks ? orderNumberAnswer(text) : undefined;
  if (order) {
    memory.lastQuestion = 'replyEmail';
    memory.topicOrder = order;
    await context.sendActivity(t(language, 'askEmailAfterOrderNoted', { order }));
    return remindQueued(d, context, conversation, profile, true);
  }
  // "I'd rather not give my email" right after we asked for one to answer to: respected, never asked again.
  if (replyEmailAsked && !email && refusesContact(text)) {
    await context.sendActivity(t(language, 'replyEmailRefused'));
    return remindQueued(d, context, conversation, profile, true);
  }
  // "what's my place in the queue?", "still waiting, how long?": the reminder is the answer (a question pending stays).
  if (!replyEmail && asksAboutWait(text)) return remindQueued(d, context, conversation, profile, false);
  const decision = d.mainDialog.decision(recognition);
  // "call me Alex Agente", "I'm Alex Agente": a name (refused by the router), not a request for a person again.
  const named = givenName(text);
  const askedAgain =
    !refusal && (!!findHumanRequest(named ? named.rest : text) || (decision.kind === 'answer' && decision.intent === 'human.request' && !named));
  // "hello? still there?" while waiting wants to know the request stands (the reminder below), not a fresh welcome;
  // "hi, I'm Ana" gives a name to take.
  const greets = decision.kind === 'answer' && decision.intent === 'greeting' && !dialogAsks && !named;
  // "soy Ana, quiero hablar con una persona" while queued: the name is taken, the request already stands.
  if (askedAgain && named) await takeName(context, d.profiles, named);
  if (refusal && !refusal.rest) await context.sendActivity(t(language, 'refusedPersonKept'));
  else if (!askedAgain && !greets) {
    const outcome = await d.mainDialog.run(context);
    // Already queued: a dialog's own handoff (a confirmed account deletion) keeps that place in the queue.
    if (outcome.kind === 'not_understood') await context.sendActivity(t(turnInfo(context).language, 'waitingNotUnderstood'));
    if (refusal) await context.sendActivity(t(language, 'refusedPersonKept'));
  }
  if (replyEmail && dialogAsks) {
    // It was also the address we asked to answer to.
    await d.identity.applyUnverifiedContact(profile.id, { type: 'email', value: email }, 'chat');
    await context.sendActivity(t(language, 'emailForReplySaved', { email }));
    return remindQueued(d, context, conversation, profile, true);
  }
  return remindQueued(d, context, conversation, profile, false, asked);
}

/**
 * A problem reported while queued: the dialogs' answer to it (an apology, what to do), then the chat's priority raised
 * through the handoff service (a note for the agent, the queue's views told) and the customer told it is urgent. No
 * place number with it: a number told now is a word the queue must keep, and the raise may be worth no place yet (places
 * told to others hold); the sweep tells the place once it improves.
 */
async function reportedWhileQueued(d: SupportBotDeps, context: TurnContext, conversation: Conversation, problem: ReportedProblem): Promise<void> {
  const outcome = await d.mainDialog.run(context);
  const language = turnInfo(context).language;
  if (outcome.kind !== 'escalate') return endTurn(d, context, conversation);
  // The same priority the report gives a chat it sends to the queue (bot/supportBot.ts), added to what this one has.
  const boost = (outcome.reason === 'policy_intent' ? 2 : 0) + (outcome.priorityBoost ?? 0);
  const marked = await d.handoff.markUrgent(conversation.id, { reason: outcome.reason, detail: outcome.detail, priorityBoost: boost }, problem);
  // Taken by an agent (or withdrawn) meanwhile: the agent reads the report in the chat.
  if (!marked) return endTurn(d, context, conversation);
  const withdraw = t(language, 'withdrawButton');
  await context.sendActivity(MessageFactory.suggestedActions([withdraw], t(language, 'markedUrgent')));
  return endTurn(d, context, marked.conversation);
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
  const { language, recognition } = turnInfo(context);
  const ticket = await d.handoff.tellTicket(conversation);
  const reminder =
    ticket.agentsOnline > 0
      ? t(language, 'queuedReminder', { position: ticket.position, wait: formatWaitRange(ticket, language) })
      : t(language, d.handoff.isOpen() ? 'offlineReminder' : 'outsideHoursReminder');
  // An angry message while waiting (the escalation policy's threshold) is acknowledged once per stay in the queue:
  // an apology, then the same honest place and wait; never on every message.
  const memory = await d.mainDialog.memory.get(context, {});
  const stay = conversation.queuedAt ?? conversation.id;
  const upset = recognition.sentiment <= d.policy.negativeSentiment && memory.apologisedStay !== stay;
  if (upset) memory.apologisedStay = stay;
  const text = upset ? `${t(language, 'queuedApology')} ${reminder}` : reminder;
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
