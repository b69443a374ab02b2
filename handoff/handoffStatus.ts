import type { ConversationState } from '../models/records';

/**
 * The conversation state machine: the closed set of states (models/records.ts) and the one table of
 * allowed transitions. Exactly one owner at a time: the bot, an agent, an external contact centre, or nobody.
 */
export const CONVERSATION_STATES: readonly ConversationState[] = ['bot', 'queued', 'agent', 'external', 'closed'];

export const TRANSITIONS: Readonly<Record<ConversationState, readonly ConversationState[]>> = {
  bot: ['queued', 'external', 'closed'],
  queued: ['agent', 'bot', 'closed'],
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
