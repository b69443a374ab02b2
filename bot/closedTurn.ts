import type { TurnContext } from 'botbuilder';
import type { MainDialog } from '../dialogs/mainDialog';
import { findHumanRequest } from '../dialogs/humanRequest';
import { parseBareRating, parseRatingCorrection, parseRatingWithComment, SAYS_RATING } from '../dialogs/ratingParser';
import { turnInfo } from '../dialogs/turnInfo';
import { readYesNo } from '../dialogs/yesNo';
import { t } from '../locale/replies';
import type { Conversation } from '../models/records';
import type { Recognition } from '../nlu/recognizer';
import { endTurn } from './replySending';
import type { SupportBotDeps } from './turnIntake';

/** What a message to a closed conversation is: its survey answer, a polite close, or the start of something new. */
/** A survey answer on a closed chat (a rating, more comment on it, a no thanks): the chat's rating, no request. */
export function answersSurvey(reply: ClosedReply | undefined): boolean {
  return reply?.kind === 'rating' || reply?.kind === 'remark' || reply?.kind === 'decline' || reply?.kind === 'retryRating';
}

export type ClosedReply =
  /**
   * `followUp`: the answer also asks for something new, rated on the closed chat, then handled in a new one: a person
   * ("1 - awful, I want to speak to a manager", queued) or a request the recognizer is sure of ("3 - but I still need a
   * refund for order 12345", answered by the bot).
   */
  | { kind: 'rating'; score: number; comment?: string; followUp?: 'person' | 'request' }
  /** A bare word of feeling moments after the rating ("terrible"): more comment on it, not a new complaint. */
  | { kind: 'remark'; comment: string }
  | { kind: 'decline' }
  /** A number outside the scale ("0", "6", "4.5"): meant as a rating, so the scale is said again. */
  | { kind: 'retryRating' }
  | { kind: 'smalltalk' }
  /**
   * Words of feeling at the survey question with no score ("I love it", "me encantó"): thanked, and the scale asked
   * for again; the survey stays open (once a new conversation that answered "Sorry, I did not understand").
   */
  | { kind: 'surveyComment' }
  /** `rated`: the message also rated the closed chat (a rating with a follow-up). */
  | { kind: 'new'; rated?: boolean };

/**
 * How long after a survey was answered (or turned down) a bare rating or word of feeling still belongs to it. Such an
 * afterthought ("terrible", or the "4" a customer sends after "thanks") comes within a minute or two; ten minutes
 * leaves room for a slow reply, while a bare word much later more likely starts something new, and a new
 * conversation is where the bot and the agents will read it.
 */
export const SURVEY_AFTERTHOUGHT_MS = 10 * 60_000;

/** A bare number of one or two digits, maybe signed or with decimals, that is no rating on the 1–5 scale. */
const OUT_OF_SCALE = /^\s*[-−+]?\d{1,2}(?:[.,]\d+)?\s*$/;

/**
 * Something new announced, or an order, address or number named: "wait, I have another question about order 12345",
 * "otra pregunta". Never more comment on a rating, however unsure the recognizer is of what follows (such a question
 * was once thanked for as feedback and never handled).
 */
const NEW_REQUEST =
  /(?<![\p{L}])(?:(?:another|one more|a|quick|other|new|different) (?:question|thing|issue|problem|request|query)|i (?:also )?(?:need|have|want) (?:to ask|help|something)|(?:otra|una) (?:pregunta|duda|cosa|consulta)|otro (?:tema|problema|asunto)|tengo (?:una|otra) (?:pregunta|duda|consulta)|necesito (?:ayuda|otra))(?![\p{L}])/iu;
function announcesRequest(text: string, r: Recognition): boolean {
  return NEW_REQUEST.test(text) || r.entities.some((e) => e.type === 'orderNumber' || e.type === 'email' || e.type === 'phone');
}
/** Words of feeling about the chat, for a survey answer that gives no score. */
const FEELING =
  /(?<![\p{L}])(?:lov(?:e|ed|ely)|lik(?:e|ed)|hat(?:e|ed)|enjoy(?:ed)?|thank\w*|appreciat\w*|help(?:ed|ful)|quick|fast|slow|friendly|rude|kind|patient|encant\p{L}*|gust\p{L}*|od(?:io|i[eé])|gracias|r[aá]pid\p{L}*|lent\p{L}*|amable|majo|maja|simp[aá]tic\p{L}*|borde|ayud\p{L}*)(?![\p{L}])/iu;
const SURVEY_COMMENT_WORDS = 6;

/** Intents about the chat just had rather than new business: in a survey answer they are part of the comment. */
const ABOUT_THE_CHAT = new Set(['thanks', 'goodbye', 'greeting', 'complaint', 'feedback.review', 'human.request', 'help', 'language.change']);

/**
 * A message to a closed conversation. Its survey answer (a rating in digits, stars or words, in either language)
 * and polite closings ("no", "thanks", "bye") stay in it, so it stays closed and counts in handling times; anything
 * else is new business and starts a new conversation (startFollowUpConversation).
 */
export function readClosedReply(mainDialog: MainDialog, conversation: Conversation, text: string, r: Recognition, now: number = Date.now()): ClosedReply {
  const decision = mainDialog.decision(r);
  const closing = readYesNo(text) !== undefined || (decision.kind === 'answer' && ['thanks', 'goodbye'].includes(decision.intent));
  // The recognizer read the whole message: a sure business intent, or a choice between business intents, is a request.
  const options = decision.kind === 'answer' ? [decision.intent] : decision.kind === 'clarify' ? decision.options : [];
  const business = options.length > 0 && options.every((i) => !ABOUT_THE_CHAT.has(i));
  const person = !!findHumanRequest(text);
  if (conversation.tags.includes('survey_pending')) {
    const rating = parseRatingWithComment(text);
    if (rating) {
      // Beside a rating, the words "3, thanks" or "2, the agent was slow" are no request; "3 - but I need a refund" is.
      const followUp = person ? 'person' : rating.comment !== undefined && business ? 'request' : undefined;
      return { kind: 'rating', score: rating.score, comment: rating.comment, ...(followUp ? { followUp } : {}) };
    }
    if (closing) return { kind: 'decline' };
    if (OUT_OF_SCALE.test(text)) return { kind: 'retryRating' };
    const short = text.trim().split(/\s+/).length <= SURVEY_COMMENT_WORDS;
    if (short && !person && !business && !announcesRequest(text, r) && FEELING.test(text)) return { kind: 'surveyComment' };
    return { kind: 'new' };
  }
  if (closing) return { kind: 'smalltalk' };
  // A customer correcting their own score on the chat just closed ("wait actually, 3. and I still want a refund"): the
  // score is theirs to change while it is fresh; the words beside it are a request when read as business, as above.
  const correction = parseRatingCorrection(text);
  if (correction && now - Date.parse(conversation.updatedAt) <= SURVEY_AFTERTHOUGHT_MS) {
    const followUp = person ? 'person' : correction.comment !== undefined && business ? 'request' : undefined;
    // The earlier comment stays: the correction's words are a change of score or a request, not more feedback.
    const comment = conversation.satisfaction?.comment;
    return { kind: 'rating', score: correction.score, ...(comment ? { comment } : {}), ...(followUp ? { followUp } : {}) };
  }
  // "oh and I'd rate it a 2, nobody solved my refund" after a "thanks" to the survey: a rating said in so many words,
  // taken while fresh like a bare one (readAfterthought), with the words beside it a request when read as business.
  const late = !conversation.satisfaction && SAYS_RATING.test(text) ? parseRatingWithComment(text) : undefined;
  if (late && now - Date.parse(conversation.updatedAt) <= SURVEY_AFTERTHOUGHT_MS) {
    const followUp = person ? 'person' : late.comment !== undefined && business ? 'request' : undefined;
    return { kind: 'rating', score: late.score, comment: late.comment, ...(followUp ? { followUp } : {}) };
  }
  // New business: a person asked for, a request the recognizer is sure of, or a choice between two business readings
  // ("and I still want a refund for my order": refund status or request). One unsure reading is no request: comments
  // such as "pero tardaron demasiado en contestar" get one.
  const asks = person || (business && (decision.kind === 'answer' || options.length > 1)) || announcesRequest(text, r);
  return readAfterthought(conversation, text, now, asks) ?? { kind: 'new' };
}

/**
 * A message shortly after the survey ended (SURVEY_AFTERTHOUGHT_MS from the closed chat's last activity): the bare
 * rating a customer who first said "thanks" sends after all ("4"), or, after a rating, more comment on it ("terrible",
 * "but it took too long to get an answer": a comment sent as its own message). `asks`: the message asks for something
 * new (a person, a request the recognizer is sure of), which is new business; so is a number after a rating.
 */
export function readAfterthought(conversation: Conversation, text: string, now: number, asks: boolean): ClosedReply | undefined {
  if (now - Date.parse(conversation.updatedAt) > SURVEY_AFTERTHOUGHT_MS) return undefined;
  const bare = parseBareRating(text);
  if (!conversation.satisfaction) return bare ? { kind: 'rating', score: bare.score, comment: bare.comment } : undefined;
  if (bare) return bare.verdict ? { kind: 'remark', comment: text.trim().slice(0, 1000) } : undefined;
  if (asks || !/\p{L}/u.test(text)) return undefined;
  return { kind: 'remark', comment: text.trim().slice(0, 1000) };
}

export async function answerClosed(
  d: SupportBotDeps,
  context: TurnContext,
  conversation: Conversation,
  reply: Exclude<ClosedReply, { kind: 'new' }>,
): Promise<void> {
  const { language, recognition } = turnInfo(context);
  if (reply.kind === 'rating') {
    await d.recordSatisfaction(conversation.id, reply.score, reply.comment);
    await context.sendActivity(t(language, 'thanksFeedback'));
  } else if (reply.kind === 'remark' && conversation.satisfaction) {
    // Added to the comment; the score and when it was given stay as the customer gave them.
    const { score, comment, at } = conversation.satisfaction;
    const more = comment ? `${comment} · ${reply.comment}` : reply.comment;
    await d.store.updateConversation(conversation.id, { satisfaction: { score, comment: more.slice(0, 1000), at } }, { states: ['closed'] });
    await context.sendActivity(t(language, 'thanksFeedback'));
  } else if (reply.kind === 'surveyComment') {
    await context.sendActivity(t(language, 'surveyCommentAskScore'));
  } else if (reply.kind === 'retryRating') {
    await context.sendActivity(t(language, 'retryRating'));
  } else if (reply.kind === 'decline') {
    await d.store.updateConversation(conversation.id, { tags: conversation.tags.filter((x) => x !== 'survey_pending') }, { states: ['closed'] });
    await context.sendActivity(t(language, 'surveyDeclined'));
  } else {
    const yesNo = readYesNo(recognition.text);
    await context.sendActivity(
      t(language, yesNo === 'no' ? 'anythingElseNo' : yesNo === 'yes' ? 'anythingElseYes' : recognition.intent === 'goodbye' ? 'goodbye' : 'surveyDeclined'),
    );
  }
  return endTurn(d, context, conversation);
}
