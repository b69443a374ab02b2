import { batch, effect } from '@preact/signals';
import type { Message } from '../../../models/records';
import type { ChatViewer } from '../../server/liveProtocol';
import {
  showTooLong,
  tooLong,
  me,
  connected,
  error,
  current,
  mineIds,
  viewers,
  colleagueTyping,
  undelivered,
  resent,
  sending,
  draftOf,
  forgetDraft,
  agentName,
  upsert,
  setIn,
  addTo,
  showError,
  call,
  act,
} from './core';

/**
 * The open chat: what this console tells the server it shows (collision signals), the owner's actions (take over,
 * return, close, transfer), sending replies and notes, typing.
 */
let viewingSent: string | null | undefined;
/** Tells the server which chat this console shows (collision signals): on every change and every (re)connect. */
function tellViewing(): void {
  const id = connected.value ? (current.value ?? null) : undefined;
  if (id === undefined || id === viewingSent) return;
  viewingSent = id;
  void call('chat:viewing', { conversationId: id }).then((r) => {
    if (r.ok && id) setIn(viewers, id, r.data.viewers);
  });
}
/** After a (re)connect: the new socket is told again. */
export function resetViewing(): void {
  viewingSent = undefined;
  tellViewing();
}
effect(() => {
  void current.value;
  void connected.value;
  tellViewing();
});

/** Colleagues with this chat open, and who of them types now (within 4 s), this user left out. */
export function collisionOf(conversationId: string, at: number): { viewing: ChatViewer[]; typing: { name: string; internal: boolean }[] } {
  const mine = me.value?.id;
  const viewing = (viewers.value.get(conversationId) ?? []).filter((v) => v.userId !== mine);
  const typing: { name: string; internal: boolean }[] = [];
  for (const [userId, t] of colleagueTyping.value.get(conversationId) ?? [])
    if (at - t.at < 4000) typing.push({ name: viewing.find((v) => v.userId === userId)?.name ?? agentName(userId), internal: t.internal });
  return { viewing, typing };
}

export async function takeover(conversationId: string): Promise<void> {
  const data = await act('conversation:takeover', { conversationId });
  if (!data) return;
  batch(() => {
    upsert([data.conversation]);
    mineIds.value = [...mineIds.value.filter((id) => id !== conversationId), conversationId];
  });
}

async function lifecycle(event: 'conversation:return' | 'conversation:close', conversationId: string): Promise<void> {
  const data = await act(event, { conversationId });
  if (data)
    batch(() => {
      upsert([data.conversation]);
      mineIds.value = mineIds.value.filter((id) => id !== conversationId);
      forgetDraft(conversationId);
    });
}
export const returnToBot = (id: string) => lifecycle('conversation:return', id);
export const closeChat = (id: string) => lifecycle('conversation:close', id);

export async function transfer(conversationId: string, target: string): Promise<boolean> {
  const [kind, id] = target.split(':');
  if (!id) return false;
  const note = draftOf(conversationId).transferNote.value.trim();
  const data = await act('conversation:transfer', { conversationId, ...(kind === 'agent' ? { toAgentId: id } : { skill: id }), ...(note ? { note } : {}) });
  if (!data) return false;
  batch(() => {
    upsert([data.conversation]);
    mineIds.value = mineIds.value.filter((x) => x !== conversationId);
    draftOf(conversationId).transferNote.value = '';
    forgetDraft(conversationId);
  });
  return true;
}

/** The id an agent message of this console carries in the store (handoff service: agent:<agent>:<client id>). */
const activityIdOf = (clientMessageId: string) => `agent:${me.value?.id}:${clientMessageId}`;
/** A send that got no answer keeps its client id: sending the same text again is stored and delivered once. */
const unanswered = new Map<string, { text: string; clientMessageId: string }>();

export async function sendReply(conversationId: string, text: string): Promise<boolean> {
  const body = text.trim();
  if (!body || tooLong(body)) return false;
  const again = unanswered.get(conversationId);
  const clientMessageId = again?.text === body ? again.clientMessageId : crypto.randomUUID();
  addTo(sending, activityIdOf(clientMessageId));
  const r = await call('message:send', { conversationId, text: body, clientMessageId });
  sending.value = new Set([...sending.value].filter((x) => x !== activityIdOf(clientMessageId)));
  if (r.ok) {
    unanswered.delete(conversationId);
    error.value = '';
    return true;
  }
  if (r.error.code === 'HANDOFF_DELIVERY_FAILED') {
    // Stored, not delivered: the message itself says so and offers a retry; the draft has done its work.
    unanswered.delete(conversationId);
    addTo(undelivered, activityIdOf(clientMessageId), 'console-undelivered');
    return true;
  }
  if (r.error.code === 'TIMEOUT') unanswered.set(conversationId, { text: body, clientMessageId });
  // The server's limit may be lower than the one this console last heard of: still said with the numbers.
  if (r.error.code === 'MESSAGE_TOO_LONG') return (showTooLong(body.length), false);
  showError(r.error);
  return false;
}

/** Sends an undelivered message's text again, as a new message; the first stays in the transcript, marked. */
export async function retry(message: Message): Promise<void> {
  if (await sendReply(message.conversationId, message.text)) addTo(resent, message.activityId ?? message.id, 'console-resent');
}

export async function addNote(conversationId: string, text: string, whisper = false): Promise<boolean> {
  const body = text.trim();
  if (!body || tooLong(body)) return false;
  return (await act('note:add', { conversationId, text: body, ...(whisper ? { whisper: true } : {}) })) !== undefined;
}

let lastTyping = 0;
let lastNoteTyping = 0;
/** At most one typing signal every 2 s: the channel shows it for a few seconds (the server throttles what it sends on). */
export function typing(conversationId: string): void {
  if (Date.now() - lastTyping < 2000) return;
  lastTyping = Date.now();
  void call('typing:start', { conversationId });
}
/** Writing a note or whisper: colleagues with the chat open see it; never the customer. */
export function noteTyping(conversationId: string): void {
  if (Date.now() - lastNoteTyping < 2000) return;
  lastNoteTyping = Date.now();
  void call('note:typing', { conversationId });
}
