import { signal } from '@preact/signals';
import type { CustomerMergesResponse, ErrorResponse, MergeDecisionRequest, MergeSuggestionsResponse, MergeView } from '../../../api/wire';
import type { ConversationLabel } from '../../server/inboxProtocol';
import type { EmitPayload } from '../wire';
import { token, error, current, settings, conversations, customers, suggestions, isLead, setIn, call, act, loadChat } from './core';

/**
 * The customer's profile and its changes, merge suggestions and merges, and supervisors' settings.
 */
// ---- customer

export async function saveCustomer(payload: EmitPayload<'customer:update'>): Promise<boolean> {
  const data = await act('customer:update', payload);
  if (data) setIn(customers, data.customer.id, data.customer);
  return data !== undefined;
}

/** True when a grant became a question to the customer (consent is theirs to give; it changes on their yes). */
export async function setConsent(payload: EmitPayload<'customer:consent'>): Promise<boolean> {
  const data = await act('customer:consent', payload);
  if (data) setIn(customers, data.customer.id, data.customer);
  return data?.asked === true;
}

export async function loadSuggestions(): Promise<void> {
  const res = await fetch('/api/merge-suggestions', { headers: { authorization: `Bearer ${token.value}` } }).catch(() => undefined);
  if (res?.ok) suggestions.value = ((await res.json()) as MergeSuggestionsResponse).suggestions;
}

export async function decideSuggestion(id: string, confirm: boolean): Promise<void> {
  const res = await fetch(`/api/merge-suggestions/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.value}` },
    body: JSON.stringify({ confirm } satisfies MergeDecisionRequest),
  });
  if (!res.ok) error.value = ((await res.json().catch(() => ({}))) as Partial<ErrorResponse>).error?.code ?? 'INTERNAL';
  await loadSuggestions();
  if (current.value) await loadChat(current.value);
  const c = current.value ? conversations.value.get(current.value) : undefined;
  if (c) await loadMerges(c.customerId);
}

export const merges = signal<ReadonlyMap<string, readonly MergeView[]>>(new Map());

/** Supervisors: the merges into this customer (agents may not undo one, so they are not asked). */
export async function loadMerges(customerId: string): Promise<void> {
  if (!isLead.value) return;
  const res = await fetch(`/api/customers/${encodeURIComponent(customerId)}/merges`, { headers: { authorization: `Bearer ${token.value}` } }).catch(
    () => undefined,
  );
  if (res?.ok) setIn(merges, customerId, ((await res.json()) as CustomerMergesResponse).merges);
}

/** Undoes a merge; a refusal (a side erased, already undone) reads as a sentence in the error line. */
export async function undoMerge(mergeId: string, customerId: string): Promise<boolean> {
  const res = await fetch(`/api/merges/${encodeURIComponent(mergeId)}/undo`, { method: 'POST', headers: { authorization: `Bearer ${token.value}` } }).catch(
    () => undefined,
  );
  const ok = !!res?.ok;
  if (!ok) error.value = ((await res?.json().catch(() => ({}))) as { error?: { code?: string } } | undefined)?.error?.code ?? 'INTERNAL';
  else error.value = '';
  await loadMerges(customerId);
  if (current.value) await loadChat(current.value);
  return ok;
}

/** Supervisors and admins: who these chats were with (the audit log names them); none when the request fails. */
export async function conversationLabels(ids: string[]): Promise<ConversationLabel[]> {
  const r = await call('conversations:label', { ids });
  return r.ok ? r.data.labels : [];
}

export async function saveServiceLevels(firstResponseSeconds: number, nextResponseSeconds: number): Promise<boolean> {
  const data = await act('settings:set', { serviceLevels: { firstResponseSeconds, nextResponseSeconds } });
  if (data) settings.value = data;
  return data !== undefined;
}
