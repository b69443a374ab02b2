import type { TurnContext } from 'botbuilder';
import type { MainDialog } from '../dialogs/mainDialog';
import { findHumanRequest } from '../dialogs/humanRequest';
import { parseRatingWithComment } from '../dialogs/ratingParser';
import { turnInfo } from '../dialogs/turnInfo';
import { readYesNo } from '../dialogs/yesNo';
import { t } from '../locale/replies';
import type { Conversation } from '../models/records';
import type { Recognition } from '../nlu/recognizer';
import { endTurn } from './replySending';
import type { SupportBotDeps } from './turnIntake';

/** What a message to a closed conversation is: its survey answer, a polite close, or the start of something new. */
export type ClosedReply =
  /** `person`: the answer also asks for a person ("1 - awful, I want to speak to a manager"): rated, then queued anew. */
  { kind: 'rating'; score: number; comment?: string; person?: boolean } | { kind: 'decline' } | { kind: 'smalltalk' } | { kind: 'new' };

/**
 * A message to a closed conversation. Its survey answer (a rating in digits, stars or words, in either language)
 * and polite closings ("no", "thanks", "bye") stay in it, so it stays closed and counts in handling times; anything
 * else is new business and starts a new conversation (startFollowUpConversation).
 */
export function readClosedReply(mainDialog: MainDialog, conversation: Conversation, text: string, r: Recognition): ClosedReply {
  const decision = mainDialog.decision(r);
  const closing = readYesNo(text) !== undefined || (decision.kind === 'answer' && ['thanks', 'goodbye'].includes(decision.intent));
  if (conversation.tags.includes('survey_pending')) {
    const rating = parseRatingWithComment(text);
    if (rating) return { kind: 'rating', score: rating.score, comment: rating.comment, ...(findHumanRequest(text) ? { person: true } : {}) };
    if (closing) return { kind: 'decline' };
    return { kind: 'new' };
  }
  return closing ? { kind: 'smalltalk' } : { kind: 'new' };
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
