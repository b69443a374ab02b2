import { AppError } from '../core/errors';
import type { Conversation, ConversationPatch, ConversationState, Message } from '../models/records';
import type { ClaimResult, Store } from '../store/store';
import type { HandoffEvents, TransitionCause } from './handoffEvents';

/**
 * The conversation state machine: the closed set of states (models/records.ts), the one table of allowed
 * transitions, and transition(), the only code that changes a conversation's state or owner. Exactly one owner at
 * a time: the bot, an agent, an external contact centre, or nobody.
 */
export const CONVERSATION_STATES: readonly ConversationState[] = ['bot', 'queued', 'agent', 'external', 'closed'];

export const TRANSITIONS: Readonly<Record<ConversationState, readonly ConversationState[]>> = {
  bot: ['queued', 'external', 'closed'],
  // queued → queued: its customer left, or came back (customerAway.ts); the chat keeps its place.
  queued: ['queued', 'agent', 'bot', 'closed'],
  // agent → agent is a transfer; agent → queued a transfer to a skill group.
  agent: ['agent', 'queued', 'bot', 'closed'],
  external: ['bot', 'closed'],
  // A customer writing after closing reopens the conversation with the bot.
  closed: ['bot'],
};

export function canTransition(from: ConversationState, to: ConversationState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States a transition to `to` may start from. */
export function sourcesOf(to: ConversationState): ConversationState[] {
  return CONVERSATION_STATES.filter((s) => canTransition(s, to));
}

export type Owner = 'bot' | 'agent' | 'external' | 'nobody';

export function ownerOf(state: ConversationState): Owner {
  switch (state) {
    case 'bot':
      return 'bot';
    case 'agent':
      return 'agent';
    case 'external':
      return 'external';
    case 'queued':
    case 'closed':
      return 'nobody';
  }
}

/** The bot answers only in these states; otherwise it stays silent except for system notices. */
export function botMayAnswer(state: ConversationState): boolean {
  return state === 'bot' || state === 'closed';
}

export interface TransitionRequest {
  conversationId: string;
  to: ConversationState;
  cause: TransitionCause;
  /** The new owner when `to` is 'agent', and how many chats they may hold (checked in the same atomic step). */
  agent?: { id: string; maxActive: number };
  /** Narrows the table for this caller: the states it may move the conversation from. */
  from?: readonly ConversationState[];
  /** The owner the conversation must have (an agent acting on their own chat; null: nobody). */
  expectedAgentId?: string | null;
  /** The version the caller read, when its patch depends on what it read. */
  expectedVersion?: number;
  /** Other fields written in the same compare-and-set. */
  patch?: ConversationPatch;
  /** Who made the change (recorded as the state event's author). */
  actorId?: string;
  /** More facts for the state event (reason, skill…). */
  detail?: Record<string, unknown>;
}

export type TransitionResult =
  | { ok: true; conversation: Conversation; previous: Conversation; event: Message }
  /** `current` is the conversation after the refusal (null when it does not exist): judge the refusal by it. */
  | { ok: false; reason: 'not_found' | 'state' | 'owner' | 'capacity'; current: Conversation | null };

/**
 * The one way a conversation changes state or owner: checks the transition table (and the caller's narrower
 * expectations), writes compare-and-set on the state and owner it read (so a concurrent change makes it fail, never
 * overwrite), records the change in the transcript in sequence with the messages, and emits `conversation.changed`
 * and the state event's `message.created`. A refusal writes and emits nothing.
 */
export async function transition(store: Store, events: HandoffEvents, req: TransitionRequest): Promise<TransitionResult> {
  const current = await store.getConversation(req.conversationId);
  if (!current) return { ok: false, reason: 'not_found', current: null };
  if ((req.from && !req.from.includes(current.state)) || !canTransition(current.state, req.to)) return { ok: false, reason: 'state', current };
  if (req.expectedAgentId !== undefined && current.agentId !== req.expectedAgentId) return { ok: false, reason: 'owner', current };
  if (req.expectedVersion !== undefined && current.version !== req.expectedVersion) return { ok: false, reason: 'state', current };
  // Compare-and-set on exactly what was checked above: the table was checked for this state and this owner.
  const expected = { fromStates: [current.state], expectedAgentId: current.agentId };
  let r: ClaimResult;
  if (req.to === 'agent') {
    if (!req.agent) throw new AppError('INTERNAL', 'a transition to agent names the agent');
    r = await store.claimConversation({ conversationId: current.id, agentId: req.agent.id, maxActive: req.agent.maxActive, patch: req.patch, ...expected });
  } else {
    r = await store.setConversationState({ conversationId: current.id, to: req.to, expectedVersion: req.expectedVersion, patch: req.patch, ...expected });
  }
  if (!r.ok) return { ok: false, reason: r.reason === 'capacity' ? 'capacity' : 'state', current: await store.getConversation(current.id) };
  const conversation = r.conversation;
  const data: Record<string, unknown> = { type: 'state', from: current.state, to: conversation.state, cause: req.cause };
  if (conversation.agentId) data.agentId = conversation.agentId;
  if (current.agentId && current.agentId !== conversation.agentId) data.previousAgentId = current.agentId;
  const { message: event } = await store.appendMessage({
    conversationId: conversation.id,
    role: 'system',
    kind: 'event',
    text: 'state',
    data: { ...req.detail, ...data },
    authorId: req.actorId,
  });
  events.emit('conversation.changed', { conversation, previous: current, cause: req.cause, actorId: req.actorId });
  events.emit('message.created', { conversation, message: event });
  return { ok: true, conversation, previous: current, event };
}
