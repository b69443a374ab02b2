import { AppError } from '../core/errors';
import type { Message } from '../models/records';
import type { SupportBotDeps } from './turnIntake';

/**
 * A channel retries an activity its bot answered with a 5xx. The customer's message is stored once (the store's
 * exactly-once append) and answered once — except when the attempt that stored it failed (a reply the channel
 * refused, a store error mid-turn): that attempt leaves a mark in the transcript, and the retry answers again.
 * Without it, a customer whose first reply could not be delivered never heard from the bot (found from outside).
 * The marks are written only on the failure path: a turn that goes well costs nothing more.
 */
export const TURN_FAILED = 'turn_failed';
export const TURN_ANSWERED = 'turn_answered';

/** Whether the last attempt at answering the customer's message `m` failed (and none answered it since). */
export async function failedBefore(d: Pick<SupportBotDeps, 'store'>, m: Message): Promise<boolean> {
  const after = await d.store.listMessages(m.conversationId, { afterSeq: m.seq, limit: 200 });
  const marks = after.filter((x) => x.kind === 'event' && x.data?.forSeq === m.seq && (x.data.type === TURN_FAILED || x.data.type === TURN_ANSWERED));
  return marks.at(-1)?.data?.type === TURN_FAILED;
}

/** Records, durably, that answering `m` failed: the channel's retry of the same activity answers it again. */
export async function markTurn(d: Pick<SupportBotDeps, 'store'>, m: Message, outcome: typeof TURN_FAILED | typeof TURN_ANSWERED): Promise<void> {
  const text =
    outcome === TURN_FAILED
      ? 'The bot could not answer this message (its reply was not delivered); it answers when the channel retries.'
      : 'The bot answered this message when the channel retried.';
  await d.store.appendMessage({ conversationId: m.conversationId, role: 'system', kind: 'event', text, data: { type: outcome, forSeq: m.seq } });
  await d.store.sync();
}

/** Network failures of a send: the channel's service did not take the reply (down, unreachable, cut off). */
const NETWORK = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|UND_ERR_\w+)$/;

/**
 * Whether a turn failed because the customer's channel did not take a reply: a network failure, an HTTP error from
 * the channel's connector (`statusCode`), or a send given up on (HANDOFF_DELIVERY_FAILED). Looks through the wrappers
 * (botbuilder-dialogs' DialogContextError keeps the original as `error`, others as `cause`).
 */
export function isReplyUndelivered(err: unknown): boolean {
  for (let e = err as Record<string, unknown> | undefined, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (typeof e.code === 'string' && (NETWORK.test(e.code) || e.code === 'HANDOFF_DELIVERY_FAILED')) return true;
    if (typeof e.statusCode === 'number' && e.statusCode >= 400) return true;
    e = (e.error ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}

/**
 * What the channel is answered when a turn failed after the customer's message was stored: its reply could not be
 * delivered (502 BOT_REPLY_UNDELIVERED, the message stored: the same activity again gets the reply, stored once), or
 * the failure as it is (a store error stays 503; anything else the endpoint's own code).
 */
export function turnFailure(err: unknown): unknown {
  if (err instanceof AppError && err.code !== 'HANDOFF_DELIVERY_FAILED') return err;
  return isReplyUndelivered(err) ? new AppError('BOT_REPLY_UNDELIVERED', undefined, { cause: err, details: { stored: true } }) : err;
}
