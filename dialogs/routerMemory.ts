import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

/** What the router remembers between turns besides the dialog stack. */
export interface RouterMemory {
  /**
   * The bot's last message asked "Anything else?" (a bare no then closes politely), or for an e-mail to answer to (a
   * refusal then is respected).
   */
  lastQuestion?: 'anythingElse' | 'replyEmail';
  /** An important customer was offered a person in this conversation already. */
  personOffered?: boolean;
  /** The last request the bot acted on (an intent), for the offer of a person once it is answered. */
  topic?: string;
  /** The order that request named, if any (a file sent for it is kept with it: MainDialog.fileForRequest). */
  topicOrder?: string;
  /** Nobody could answer and the channel cannot reach the customer later: we asked for an e-mail to answer to. */
  replyEmailAsked?: boolean;
}

const ASKED = Symbol('crm.lastQuestion');

/**
 * What the bot's previous message asked, read once per turn (a question is answered by the next message only):
 * taken out of the router's memory on the turn's first call.
 */
export async function lastQuestion(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext): Promise<RouterMemory['lastQuestion']> {
  if (context.turnState.has(ASKED)) return context.turnState.get(ASKED);
  const kept = await memory.get(context, {});
  const asked = kept.lastQuestion;
  delete kept.lastQuestion;
  context.turnState.set(ASKED, asked);
  return asked;
}

/** The bot's last message asked "Anything else?" (read after this turn's own question, so it is not taken back). */
export async function askedAnythingElse(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext): Promise<void> {
  await lastQuestion(memory, context);
  (await memory.get(context, {})).lastQuestion = 'anythingElse';
}
