import { hash } from 'node:crypto';
import { ActivityTypes, DeliveryModes, type Activity, type TurnContext } from 'botbuilder';
import { turnInfo } from '../dialogs/turnInfo';
import { NUMBERED_CHOICES } from '../models/offeredChoices';
import type { Conversation, Message } from '../models/records';
import { DEFERRED, type SupportBotDeps } from './turnIntake';

/** Turn state key: bot replies of a queued chat (or one a person holds), shown to agents once the turn's writes are durable. */
const SHOW_AGENTS = Symbol('crm.showAgents');

type Shown = { conversation: Conversation; message: Message }[];

/**
 * Every bot message of this turn is stored before it is sent: the reply hook appends it (deferred) and makes the
 * turn's writes durable before anything leaves the process.
 */
export function storeOutgoing(d: SupportBotDeps, context: TurnContext, conversation: () => Conversation): void {
  // With expectReplies, replies are only buffered until the turn's answer, which waits for sync() anyway.
  const buffered = context.activity.deliveryMode === DeliveryModes.ExpectReplies;
  context.onSendActivities(async (_ctx, activities, next) => {
    for (const act of activities) {
      if (act.type !== ActivityTypes.Message) continue;
      const c = conversation();
      const text = typeof act.text === 'string' ? act.text : '';
      const reply = { conversationId: c.id, role: 'bot' as const, kind: 'message' as const, text, data: outgoingData(act) };
      let { message } = await d.store.appendMessage({ ...reply, activityId: replyId(context, text) }, DEFERRED);
      // The id was taken by something else than this reply (a customer's activity named like it): stored without.
      if (message.role !== 'bot') ({ message } = await d.store.appendMessage(reply, DEFERRED));
      if (c.state === 'queued' || c.state === 'agent') context.turnState.set(SHOW_AGENTS, [...shownToAgents(context), { conversation: c, message }]);
    }
    if (!buffered) await d.store.sync();
    return next();
  });
}

/** Turn state key: how many replies this turn has stored. */
const REPLIES = Symbol('crm.replies');

/**
 * The stored id of this turn's n-th reply: the incoming activity's id, n, and the text's digest. A channel's retry of
 * an activity whose reply was not delivered runs the turn again (turnRetry.ts): the same replies are stored once,
 * not once per attempt (a reply that differs this time is a reply of its own).
 */
function replyId(context: TurnContext, text: string): string | undefined {
  const n = (context.turnState.get<number | undefined>(REPLIES) ?? 0) + 1;
  context.turnState.set(REPLIES, n);
  const id = context.activity.id;
  // crypto.hash: the same SHA-256 as createHash().update().digest() without building a Hash object (a third of the cost).
  return id ? `bot:${id}:${n}:${hash('sha256', text, 'base64url').slice(0, 12)}` : undefined;
}

/** The bot's replies in a queued chat this turn, for the agents' screens once the turn's writes are durable. */
export function shownToAgents(context: TurnContext): Shown {
  return context.turnState.get<Shown | undefined>(SHOW_AGENTS) ?? [];
}

/** Saves the dialog state, and the conversation's language when the customer changed it in this turn. */
export async function endTurn(d: SupportBotDeps, context: TurnContext, conversation: Conversation): Promise<void> {
  const language = turnInfo(context).language;
  if (language !== conversation.language) await d.store.updateConversation(conversation.id, { language });
  await d.conversationState.saveChanges(context);
}

/**
 * What a stored bot message keeps besides its text: what it replied to, its buttons (web chat shows them again), and
 * how many of them a number picks (models/offeredChoices.ts), which is taken off the activity: it is ours, not the channel's.
 */
function outgoingData(act: Partial<Activity>): Record<string, unknown> | undefined {
  const buttons = (act.suggestedActions?.actions ?? [])
    .filter((x) => typeof x.title === 'string' && (typeof x.value === 'string' || x.value === undefined))
    .map((x) => ({ title: String(x.title).slice(0, 200), value: String(x.value ?? x.title).slice(0, 200) }));
  const channelData = act.channelData as Record<string, unknown> | undefined;
  const numbered = channelData?.[NUMBERED_CHOICES];
  if (channelData && NUMBERED_CHOICES in channelData) {
    const { [NUMBERED_CHOICES]: _ours, ...rest } = channelData;
    act.channelData = Object.keys(rest).length ? rest : undefined;
  }
  if (!act.replyToId && buttons.length === 0) return undefined;
  return {
    ...(act.replyToId ? { replyToId: act.replyToId } : {}),
    ...(buttons.length ? { suggestedActions: buttons } : {}),
    ...(buttons.length && typeof numbered === 'number' ? { numberedChoices: numbered } : {}),
  };
}

/** The buttons under "I did not understand": the three commonest goals. */
export function suggestions(language: string) {
  const es = language === 'es';
  const titles = es ? ['Seguir mi pedido', 'Quiero un reembolso', 'Hablar con una persona'] : ['Track my order', 'I want a refund', 'Talk to a person'];
  return { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) };
}
