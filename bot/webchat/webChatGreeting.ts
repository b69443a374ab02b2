import { REPLY_LANGUAGES, t } from '../../locale/replies';
import type { Conversation } from '../../models/records';
import type { Store, WriteOptions } from '../../store/store';
import { suggestions } from '../replySending';

/** The web chat page's greeting: its text and buttons (each sends its title as the customer's message). */
export interface WebChatGreeting {
  text: string;
  choices: string[];
}

/**
 * What the page greets a visitor with, per language: the page draws it at once, before any conversation exists, and
 * the conversation stores the same message as its first when the visitor first writes (storeWebChatGreeting), so
 * transcripts show the greeting and its buttons, and a button pressed is marked as picked.
 */
export function webChatGreetings(): Record<string, WebChatGreeting> {
  return Object.fromEntries(REPLY_LANGUAGES.map((l) => [l, { text: t(l, 'webChatGreeting'), choices: suggestions(l).actions.map((a) => a.title) }] as const));
}

/**
 * Stores the greeting the page showed as the new conversation's first bot message, with its buttons
 * (`data.suggestedActions`, as every bot message keeps them) and `data.greeting`: the page drew it itself, so the
 * Direct Line feed passes over it (bot/webChatChannel.ts, bot/webChatStream.ts) instead of showing it twice.
 */
export async function storeWebChatGreeting(store: Store, conversation: Conversation, language: string, options?: WriteOptions): Promise<void> {
  const greeting = webChatGreetings()[language] ?? webChatGreetings().en;
  await store.appendMessage(
    {
      conversationId: conversation.id,
      role: 'bot',
      kind: 'message',
      text: greeting.text,
      data: { greeting: true, suggestedActions: greeting.choices.map((title) => ({ title, value: title })) },
    },
    options,
  );
}

/** A stored message the page drew itself: not sent to it again. */
export function isPageGreeting(m: { data?: Record<string, unknown> }): boolean {
  return m.data?.greeting === true;
}
