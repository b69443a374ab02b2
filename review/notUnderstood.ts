import type { Message } from '../models/records';
import { REPLY_LANGUAGES, promptTemplates, t, understoodTemplates, yesNoQuestionTemplates } from '../locale/replies';

/** One line of the not-understood list: a customer's own request the bot did not understand, with its language. */
export interface NotUnderstood {
  text: string;
  count: number;
  conversationId: string;
  /** The language detected for the message ('' when none was). */
  language: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A prompt as sent starts with its template, placeholders filled in. */
const asSent = (tpl: string) =>
  new RegExp(
    '^' +
      tpl
        .split(/\{\w+\}/)
        .map(escape)
        .join('.*?'),
    's',
  );
const PROMPTS = promptTemplates().map(asSent);
const YES_NO_QUESTIONS = yesNoQuestionTemplates().map(asSent);
const UNDERSTOOD = understoodTemplates().map(asSent);
/** A reply to a yes/no question that reads as one: short ("👍", "fine", "not really"), or led by a yes or a no ("yes I mean no"). */
const YES_NO_LEAD = /^(y|n|yes|no|yep|yeah|nope|nah|ok|okay|sure|fine|s[ií]|vale|claro|nada|bueno)(?=$|[\s,.!?])/iu;
const SHORT_ANSWER_WORDS = 3;
const EMAIL = /^\S+@\S+\.\S+$/;
const ORDER_NUMBER = /^#?\s*\d{5,10}$/;
const RATING = /^[1-5](\s*(\/\s*5|stars?|estrellas?))?$/i;
const YES_NO = /^(y|n|yes|no|yep|yeah|nope|nah|ok|okay|sure|s[ií]|vale|claro|nada|no gracias|no thanks)[.!]?$/i;
/** The question after a knowledge-base article (dialogs/faqOfferDialog.ts), and a reply to it that says it did not help. */
const FAQ_QUESTIONS = REPLY_LANGUAGES.map((l) => t(l, 'faqDidItAnswer'));
const SAYS_NO = /^(n|no|nope|nah|not really|not at all|para nada|en absoluto)(?=$|[\s,.!?])/iu;

/** Whether the text is itself an answer-shaped reply (an e-mail, an order number, a yes/no, a rating), whatever came before. */
export function looksLikeAnswer(text: string): boolean {
  const t = text.trim();
  return EMAIL.test(t) || ORDER_NUMBER.test(t) || RATING.test(t) || YES_NO.test(t);
}

export function isPrompt(text: string): boolean {
  return PROMPTS.some((re) => re.test(text.trim()));
}

/** Whether the text reads as an answer to the bot's yes/no question it follows. */
function answersYesNo(text: string, question: string): boolean {
  if (!YES_NO_QUESTIONS.some((re) => re.test(question.trim()))) return false;
  const t = text.trim();
  return t.split(/\s+/).length <= SHORT_ANSWER_WORDS || YES_NO_LEAD.test(t);
}

/** The buttons a bot message offered (its suggested actions' titles and values), lower case. */
function offered(m: Message): Set<string> {
  const actions = Array.isArray(m.data?.suggestedActions) ? (m.data.suggestedActions as { title?: unknown; value?: unknown }[]) : [];
  return new Set(actions.flatMap((a) => [a.title, a.value]).flatMap((v) => (typeof v === 'string' ? [v.trim().toLowerCase()] : [])));
}

/**
 * Whether a not-understood customer message was a request of their own, judged by its transcript: not an answer to
 * the bot's own question (the last bot message before it asked for an e-mail, a number, a rating, a comment), not a
 * survey comment (a rating follows it), not answer-shaped (an e-mail, an order number, a yes or no, a rating).
 */
export function isRealRequest(message: Message, transcript: readonly Message[]): boolean {
  if (looksLikeAnswer(message.text)) return false;
  const i = transcript.findIndex((m) => m.seq === message.seq);
  // The message right before it: a second message after an unanswered one is the customer's own again.
  const asked = transcript
    .slice(0, i)
    .filter((m) => m.kind === 'message')
    .at(-1);
  if (asked && (asked.role === 'bot' || asked.role === 'system') && isPrompt(asked.text)) return false;
  if (asked && asked.role === 'bot' && answersYesNo(message.text, asked.text)) return false;
  // A button the bot offered, pressed or typed ("None of these", "Withdraw my request"): the bot's words, not a request.
  if (asked && asked.role === 'bot' && offered(asked).has(message.text.trim().toLowerCase())) return false;
  // Written while a person (or a contact centre) held the chat: the bot never tried to understand it.
  const state = transcript
    .slice(0, i)
    .filter((m) => m.kind === 'event' && m.text === 'state')
    .at(-1);
  if (state && (state.data?.to === 'agent' || state.data?.to === 'external')) return false;
  const next = transcript.slice(i + 1).find((m) => m.kind === 'event' || (m.kind === 'message' && m.role !== 'customer'));
  if (next?.kind === 'event' && next.data?.type === 'satisfaction') return false;
  // Answered by the bot's own readers (a name, a language, an opt-out, a file): understood, whatever the model said.
  const reply = transcript.slice(i + 1).find((m) => m.kind === 'message' && m.role !== 'customer');
  if (reply?.role === 'bot' && UNDERSTOOD.some((re) => re.test(reply.text.trim()))) return false;
  // Answered by an article of the knowledge search ("what are your opening hours": no intent, the article on opening
  // hours): understood unless the customer then said it did not help, which is what the bot itself counts as not.
  if (answeredByArticle(transcript.slice(i + 1))) return false;
  return true;
}

/** Whether the bot's replies before the customer's next message offered an article, and that message did not say no. */
function answeredByArticle(after: readonly Message[]): boolean {
  const next = after.findIndex((m) => m.kind === 'message' && m.role === 'customer');
  const replies = (next < 0 ? after : after.slice(0, next)).filter((m) => m.kind === 'message' && m.role === 'bot');
  if (!replies.some((m) => FAQ_QUESTIONS.some((q) => m.text.trim().startsWith(q)))) return false;
  return next < 0 || !SAYS_NO.test(after[next].text.trim());
}

/**
 * The store's not-understood lines, kept only where the message (its latest occurrence in the line's conversation)
 * was a real request; each with its detected language.
 */
export function realRequests(rows: readonly { text: string; count: number; conversationId: string }[], messages: readonly Message[]): NotUnderstood[] {
  const byConversation = new Map<string, Message[]>();
  for (const m of messages) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m]);
  const out: NotUnderstood[] = [];
  for (const row of rows) {
    const transcript = (byConversation.get(row.conversationId) ?? []).sort((a, b) => a.seq - b.seq);
    const key = row.text.trim().toLowerCase();
    const message = [...transcript].reverse().find((m) => m.role === 'customer' && m.kind === 'message' && m.text.trim().toLowerCase() === key);
    if (!message) {
      // Not found in its transcript (erased meanwhile): judged by its words alone.
      if (!looksLikeAnswer(row.text)) out.push({ ...row, language: '' });
      continue;
    }
    if (isRealRequest(message, transcript)) out.push({ ...row, language: message.language ?? '' });
  }
  return out;
}
