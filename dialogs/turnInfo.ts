import type { TurnContext } from 'botbuilder';
import type { Conversation, Customer } from '../models/records';
import type { Recognition } from '../nlu/recognizer';

/** What the bot knows about the current turn; set by the bot before dialogs run. */
export interface TurnInfo {
  recognition: Recognition;
  customer: Customer;
  conversation: Conversation;
  language: string;
}

const KEY = Symbol.for('crm.turnInfo');

export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(KEY, info);
}

export function turnInfo(context: TurnContext): TurnInfo {
  const info = context.turnState.get<TurnInfo | undefined>(KEY);
  if (!info) throw new Error('turn info missing: the bot sets it before running dialogs');
  return info;
}
