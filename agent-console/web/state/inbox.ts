import { batch, computed } from '@preact/signals';
import type { ConversationView, QueueDelta, QueueLeaveReason, QueueSnapshot } from '../../server/protocol';
import { stepQueue, type QueuePosition } from './queueReplica';
import {
  type InboxView,
  me,
  inboxView,
  search,
  current,
  pane,
  settings,
  now,
  conversations,
  queueIds,
  mineIds,
  allIds,
  unread,
  declined,
  takenElsewhere,
  leftQueue,
  addNotices,
  isLead,
  alertName,
  displayName,
  upsert,
  setIn,
  addTo,
  call,
  act,
  loadChat,
  heldMessages,
} from './core';
import { channelName } from '../format';
import { tr } from '../i18n';
import { loadSuggestions } from './customer';

/**
 * The inbox: its views (mine, offered, unassigned, all), the queue kept by numbered deltas, and the actions on
 * a chat in the list (open, claim, decline, reassign).
 */
export function offeredToMe(c: ConversationView | undefined, at = now.value): boolean {
  const info = c?.queueInfo;
  if (!c || c.state !== 'queued' || !info?.offeredAt || info.offeredTo.at(-1) !== me.value?.id || declined.value.has(offerKey(c))) return false;
  return offerSecondsLeft(c, at) > 0;
}

/** An offer is its chat and its time: one declined stays hidden, the same chat offered again after the cool-down shows. */
function offerKey(c: ConversationView): string {
  return `${c.id} ${c.queueInfo?.offeredAt ?? ''}`;
}

export function offerSecondsLeft(c: ConversationView, at = now.value): number {
  const offeredAt = Date.parse(c.queueInfo?.offeredAt ?? '');
  return Number.isFinite(offeredAt) ? Math.ceil(settings.value.offerTimeoutSeconds - (at - offeredAt) / 1000) : 0;
}

function pick(ids: readonly string[]): ConversationView[] {
  const map = conversations.value;
  return ids.map((id) => map.get(id)).filter((c): c is ConversationView => c !== undefined);
}

/** Queued chats whose customer is there (the queue, in serving order); those whose customer has gone are apart. */
export const queued = computed(() => pick(queueIds.value).filter((c) => c.state === 'queued' && !c.queueInfo?.awaySince));
export const goneList = computed(() => pick(queueIds.value).filter((c) => c.state === 'queued' && !!c.queueInfo?.awaySince));
export const offered = computed(() => queued.value.filter((c) => offeredToMe(c)));
/** The offers as a set that changes only when an offer comes or goes (offered itself is recomputed every second). */
const offeredKey = computed(() => offered.value.map((c) => c.id).join('\n'));
export const offeredIds = computed<ReadonlySet<string>>(() => new Set(offeredKey.value ? offeredKey.value.split('\n') : []));
export const views = computed<Record<InboxView, ConversationView[]>>(() => {
  const offers = offeredIds.value;
  const mine = pick(mineIds.value).filter((c) => c.state === 'agent' && c.agentId === me.value?.id);
  return {
    mine,
    offered: queued.value.filter((c) => offers.has(c.id)),
    unassigned: queued.value.filter((c) => !offers.has(c.id)),
    gone: goneList.value,
    all: isLead.value ? pick(allIds.value) : [],
  };
});

/** The chats of the current view that match the inbox search (customer, reason, channel, tags, last message). */
export const visible = computed(() => {
  const q = search.value.trim().toLowerCase();
  const list = views.value[inboxView.value];
  if (!q) return list;
  return list.filter((c) => {
    const last = heldMessages(c.id)?.at(-1)?.text ?? '';
    return [displayName(c), c.channelId, channelName(c.channelId), c.handoffReason ?? '', c.tags.join(' '), c.skill ?? '', last]
      .join(' ')
      .toLowerCase()
      .includes(q);
  });
});

export const unreadTotal = computed(() => [...unread.value.values()].reduce((n, x) => n + x, 0) + offeredIds.value.size);

export const claiming = new Set<string>();

// ---- the queue, kept by numbered deltas (queueFeed.ts on the server)

/** The feed and number of the queue we hold; undefined until the first queue:list answers. */
let queueAt: QueuePosition | undefined;
/** Set while the whole queue is fetched again: the deltas that arrive meanwhile are already in its answer (same socket, sent before it). */
let queueFetching = false;

export function onQueueDelta(d: QueueDelta): void {
  if (queueFetching) return;
  const map = conversations.value;
  const step = stepQueue(queueAt, queueIds.value, (id) => map.get(id), d);
  if (step.kind === 'apply') {
    queueAt = step.at;
    replaceQueue(step.entries, step.ids, step.removed, step.reasons);
  } else if (step.kind === 'resync') {
    // A gap (a delta lost: Socket.IO delivers at most once), another feed (a restarted server) or a patch on a
    // version we do not hold: fetch it whole.
    void resyncQueue();
  }
}

async function resyncQueue(): Promise<void> {
  queueFetching = true;
  const r = await call('queue:list', {});
  queueFetching = false;
  if (r.ok) setQueue(r.data);
  else queueAt = undefined; // the next delta asks again
}

/** The whole queue, as queue:list answers it. */
export function setQueue(snapshot: QueueSnapshot): void {
  // Two fetches crossing (a reconnect's and a resync's): the older answer does not undo the newer.
  if (queueAt?.epoch === snapshot.epoch && snapshot.seq < queueAt.seq) return;
  queueAt = { epoch: snapshot.epoch, seq: snapshot.seq };
  const ids = snapshot.queue.map((q) => q.id);
  const kept = new Set(ids);
  replaceQueue(
    snapshot.queue,
    ids,
    queueIds.value.filter((id) => !kept.has(id)),
  );
}

function replaceQueue(
  entries: readonly ConversationView[],
  ids: readonly string[],
  removed: readonly string[],
  reasons: Readonly<Record<string, QueueLeaveReason>> = {},
): void {
  // Chats that left the queue and did not come to me went to a colleague (or back to the bot), or were closed or
  // erased: said, when the server knows why.
  const left = removed.filter((id) => !mineIds.value.includes(id) && !claiming.has(id));
  const said = left
    .filter((id) => reasons[id])
    .map((id) => ({ id: `${id}:${Date.now()}`, conversationId: id, reason: reasons[id], label: leaverLabel(id, reasons[id]) }));
  batch(() => {
    for (const id of left) if (reasons[id]) setIn(leftQueue, id, reasons[id]);
    upsert(entries);
    queueIds.value = ids;
    for (const id of left) addTo(takenElsewhere, id);
    addNotices(said);
  });
  if (isLead.value) {
    refreshAll();
    if (current.value && left.includes(current.value)) void loadChat(current.value);
  }
}

/** Who left, as the notice names them: never the name of someone whose data was just erased. */
function leaverLabel(id: string, reason: QueueLeaveReason): string {
  const c = conversations.value.get(id);
  return reason === 'erased' || !c ? tr('aQueuedChat') : alertName(c);
}

let allTimer: ReturnType<typeof setTimeout> | undefined;
/** Supervisors' "All" view: one fresh list at most every half second, after board or queue changes. */
export function refreshAll(): void {
  if (allTimer) return;
  allTimer = setTimeout(async () => {
    allTimer = undefined;
    const r = await call('inbox:all', {});
    if (r.ok) {
      batch(() => {
        upsert(r.data.conversations);
        allIds.value = r.data.conversations.map((c) => c.id);
      });
    }
  }, 500);
}

export async function open(conversationId: string): Promise<void> {
  batch(() => {
    current.value = conversationId;
    pane.value = 'chat';
    setIn(unread, conversationId, undefined);
  });
  if (await loadChat(conversationId)) void loadSuggestions();
}

/** Supervisors: any open chat to another agent or a skill group (target 'agent:<id>' or 'skill:<name>'). */
export async function reassign(conversationId: string, target: string): Promise<boolean> {
  const [kind, id] = target.split(':');
  if (!id) return false;
  const data = await act('conversation:reassign', { conversationId, ...(kind === 'agent' ? { toAgentId: id } : { skill: id }) });
  if (!data) return false;
  upsert([data.conversation]);
  refreshAll();
  return true;
}

export async function claim(conversationId: string): Promise<void> {
  claiming.add(conversationId);
  const data = await act('conversation:claim', { conversationId });
  claiming.delete(conversationId);
  if (!data) return;
  batch(() => {
    upsert([data.conversation]);
    if (!mineIds.value.includes(conversationId)) mineIds.value = [...mineIds.value, conversationId];
    queueIds.value = queueIds.value.filter((id) => id !== conversationId);
    inboxView.value = 'mine';
  });
  if (current.value !== conversationId) await open(conversationId);
  else await loadChat(conversationId);
}

export async function decline(conversationId: string): Promise<void> {
  const c = conversations.value.get(conversationId);
  addTo(declined, c ? offerKey(c) : conversationId, 'console-declined');
  await act('offer:decline', { conversationId });
}
