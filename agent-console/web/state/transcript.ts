import type { Message } from '../../../models/records';
import type { ConversationView } from '../../server/protocol';
import { locale, tr } from '../i18n';
import { me, customers, releasedTo, undelivered, messagesOf } from './core';

/**
 * What a chat's transcript says: how it came to this agent, who took it over, whether the customer waits for an answer.
 */
// ---- what the transcript says

/**
 * How this chat came to me from someone, if that is how it came: a colleague's transfer (who sent it, and their note),
 * or a supervisor's reassignment (`reassignedBy`: the supervisor, never the agent who held it before).
 */
export function transferOf(conversationId: string): { fromAgentId?: string; note?: string; reassignedBy?: string } | undefined {
  const msgs = messagesOf(conversationId).value;
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m.kind !== 'event' || m.data?.type !== 'state') continue;
    // A state event's agent ids are strings (the server writes them).
    const data: Record<string, unknown> & { fromAgentId?: string } = m.data;
    if (data.to !== 'agent' || data.toAgentId !== me.value?.id) return undefined;
    // A reassignment names the supervisor who made it (the chat may have come from the queue: no previous agent).
    if (data.cause === 'reassigned' && typeof data.reassignedBy === 'string') return { reassignedBy: data.reassignedBy };
    if (!data.fromAgentId) return undefined;
    const note = msgs.slice(i + 1).find((n) => n.kind === 'note' && n.authorId === data.fromAgentId);
    return { fromAgentId: String(data.fromAgentId), note: note?.text };
  }
  return undefined;
}

/** The line that says how the chat came to me ("Transferred to you by Ann", "Reassigned to you by Sam"). */
export function cameFromLine(t: { fromAgentId?: string; reassignedBy?: string }, name: (id: string | undefined) => string): string {
  return t.reassignedBy ? tr('reassignedToYouBy', { name: name(t.reassignedBy) }) : tr('transferredBy', { name: name(t.fromAgentId) });
}

/** Who took the chat over, when a supervisor did after this agent held it. */
export function takenOverBy(conversationId: string): string | undefined {
  const told = releasedTo.value.get(conversationId);
  if (told) return told;
  const last = [...messagesOf(conversationId).value].reverse().find((m) => m.kind === 'event' && m.data?.type === 'state');
  return last?.data?.takeover && last.data.agentId !== me.value?.id ? String(last.data.agentId) : undefined;
}

/** The messages of this chat whose delivery failed, by seq: the server records each as a `delivery_failed` event. */
export function undeliveredSeqs(conversationId: string): ReadonlySet<number> {
  const seqs = new Set<number>();
  for (const m of messagesOf(conversationId).value) if (m.kind === 'event' && m.data?.type === 'delivery_failed') seqs.add(Number(m.data.forSeq));
  return seqs;
}

/**
 * Whether the customer's channel did not take this message: a stored fact (every console and a reload see it), or a
 * refusal this console saw before that fact arrived.
 */
export function isUndelivered(m: Message, stored: ReadonlySet<number> = undeliveredSeqs(m.conversationId)): boolean {
  return stored.has(m.seq) || undelivered.value.has(m.activityId ?? m.id);
}

/** An agent's message the customer got. */
const isAnswer = (m: Message, stored: ReadonlySet<number>) => m.kind === 'message' && m.role === 'agent' && !isUndelivered(m, stored);

/**
 * When the customer's latest message still waits for an agent's answer (next-response service level). A reply the
 * channel refused is no answer: the customer never read it.
 */
export function unansweredSince(conversationId: string): string | undefined {
  const msgs = messagesOf(conversationId).value;
  const stored = undeliveredSeqs(conversationId);
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (isAnswer(m, stored)) return undefined;
    if (m.kind === 'message' && m.role === 'customer') {
      let first = m;
      for (let j = i - 1; j >= 0 && !isAnswer(msgs[j], stored); j--) if (msgs[j].kind === 'message' && msgs[j].role === 'customer') first = msgs[j];
      return first.createdAt;
    }
  }
  return undefined;
}

/** Whether the customer got any agent answer in this chat (the next-response level applies), and whether the latest reply failed. */
export function replyState(conversationId: string): { answered: boolean; lastFailed: boolean } {
  const replies = messagesOf(conversationId).value.filter((m) => m.kind === 'message' && m.role === 'agent');
  const last = replies.at(-1);
  const stored = undeliveredSeqs(conversationId);
  return { answered: replies.some((m) => isAnswer(m, stored)), lastFailed: !!last && !isAnswer(last, stored) };
}

export function lastCustomerAt(conversationId: string): string | undefined {
  return [...messagesOf(conversationId).value].reverse().find((m) => m.role === 'customer' && m.kind === 'message')?.createdAt;
}

/** The language of fill-ins in canned replies. */
export function fillTemplate(template: string, c: ConversationView | undefined): string {
  const customer = c ? customers.value.get(c.customerId) : undefined;
  const firstName = (customer?.displayName ?? c?.customerName ?? '').split(' ')[0] || (locale() === 'es' ? 'cliente' : 'there');
  return template.replace(/\{firstName\}/g, firstName).replace(/\{agentName\}/g, me.value?.name.split(' ')[0] ?? '');
}
