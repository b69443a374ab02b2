import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

/** A change the bot explained and offered to start: the intent that starts it, and the order it named, if any. */
export interface OfferedChange {
  intent: string;
  order?: string;
}

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
  /**
   * The bot's last message explained a change and offered to start it ("To go ahead, tap Cancel my order"): the
   * intent that starts it, and the order it named. An order number typed next is the go-ahead for that order, and so
   * is the e-mail on the order named (unaskedChange.ts).
   */
  offeredChange?: OfferedChange;
  /**
   * Requests kept for when the one under way is done, oldest first (dialogs/laterRequests.ts): the second request of
   * a message that made two, or one typed at a free-text prompt. Their words, routed as a message of their own.
   */
  later?: string[];
  /** The stay in the queue (its queuedAt) whose customer was already apologised to for being upset (bot/queuedTurn.ts). */
  apologisedStay?: string;
}

const ASKED = Symbol('crm.lastQuestion');
const OFFERED = Symbol('crm.offeredChange');

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
  // The offer of a change is the previous message's too: taken out with it.
  context.turnState.set(OFFERED, kept.offeredChange);
  delete kept.offeredChange;
  return asked;
}

/** The change the bot's previous message offered to start (read after lastQuestion, which takes it out). */
export function offeredChange(context: TurnContext): OfferedChange | undefined {
  return context.turnState.get<OfferedChange | undefined>(OFFERED);
}

/** This turn's reply offers to start a change (the intent that starts it), for the next message only. */
export async function offerChange(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext, offered: OfferedChange): Promise<void> {
  await lastQuestion(memory, context);
  (await memory.get(context, {})).offeredChange = offered;
}

/** The bot's last message asked "Anything else?" (read after this turn's own question, so it is not taken back). */
export async function askedAnythingElse(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext): Promise<void> {
  await lastQuestion(memory, context);
  (await memory.get(context, {})).lastQuestion = 'anythingElse';
}

/** Words that say nothing about which request it is. */
const COMMON = new Set([
  'what',
  'about',
  'also',
  'please',
  'with',
  'that',
  'this',
  'your',
  'have',
  'want',
  'need',
  'could',
  'would',
  'change',
  'order',
  'qué',
  'pasa',
  'también',
  'quiero',
  'pedido',
  'cambiar',
]);
const keyWords = (text: string) => new Set((text.toLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((w) => !COMMON.has(w)));

/**
 * Keeps a request for when the one under way is done. False when one kept already is about the same thing ("what
 * about my email change?" after "…also change my email to …"): a reminder, not a second request.
 */
export async function keepForLater(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext, text: string, first = false): Promise<boolean> {
  const kept = await memory.get(context, {});
  const words = keyWords(text);
  if ((kept.later ?? []).some((k) => [...keyWords(k)].some((w) => words.has(w)))) return false;
  kept.later = first ? [text, ...(kept.later ?? [])] : [...(kept.later ?? []), text];
  return true;
}

/** The oldest request kept for later, taken out of the memory. */
export async function takeLater(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext): Promise<string | undefined> {
  const kept = await memory.get(context, {});
  const next = kept.later?.shift();
  if (kept.later?.length === 0) delete kept.later;
  return next;
}

/** Requests kept for later are dropped (a person takes the conversation: they read all of it). */
export async function dropLater(memory: StatePropertyAccessor<RouterMemory>, context: TurnContext): Promise<void> {
  delete (await memory.get(context, {})).later;
}
