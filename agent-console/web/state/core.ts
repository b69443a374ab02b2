import { textLength } from '../../../models/textLength';
import { batch, computed, effect, signal, untracked, type Signal } from '@preact/signals';
import type { MergeSuggestionsResponse, PublicUser } from '../../../api/wire';
import type { Conversation, Customer, Message, SentimentPoint } from '../../../models/records';
import type { InboxSettings } from '../../server/inboxProtocol';
import type { ChatViewer } from '../../server/liveProtocol';
import type { AgentView, ConversationView, QueueLeaveReason } from '../../server/protocol';
import { errorText, formatNumber, tr } from '../i18n';
import { customerLabel, nameKey } from '../format';
import { forgetAllDrafts, forgetDrafts, loadDrafts, saveDraft } from '../draftStore';
import { request, type ConsoleSocket, type Data, type EmitName, type EmitPayload, type Result, type WireError } from '../wire';

/**
 * The console's state, as signals: components read what they show and re-render alone when it changes, so a
 * push never rebuilds the page (typed text, focus, selection, scroll and open menus stay). Messages are kept
 * per conversation by sequence number: live pushes and replays after a reconnect merge without duplicates.
 * This module holds the signals and the helpers every area uses (the socket's requests, merging, naming).
 */
/** The signed-in account as the server shows it (GET /api/auth/me). */
export type Me = PublicUser;
export type ReviewTab = 'transcripts' | 'dashboard' | 'audit';
export type InboxView = 'mine' | 'offered' | 'unassigned' | 'gone' | 'all';
export type Pane = 'list' | 'chat' | 'profile';
/** One of what GET /api/merge-suggestions returns. */
export type Suggestion = MergeSuggestionsResponse['suggestions'][number];
export interface PastConversation {
  conversation: Conversation;
  messages: Message[];
}

export const token = signal(sessionStorage.getItem('console-token') ?? '');
export const me = signal<Me | undefined>(undefined);
export const connected = signal(false);
/** The error code behind the one error line ('' for none); shown as errorText(code), so in the current language. */
export const error = signal('');
/** What the error's sentence names (the limit, how far over), for the code in `error` only; worded when shown, so in the current language. */
export const errorVars = signal<{ code: string; vars: () => Record<string, string | number> } | undefined>(undefined);
export const errorMessage = computed(() => {
  const code = error.value;
  const v = errorVars.value;
  return code ? errorText(code, v?.code === code ? v.vars() : undefined) : '';
});
export const presence = signal<'online' | 'away' | 'offline'>('online');
export const page = signal<'chats' | ReviewTab>('chats');
export const inboxView = signal<InboxView>('mine');
export const search = signal('');
export const current = signal<string | undefined>(undefined);
export const pane = signal<Pane>('list');
export const helpOpen = signal(false);
/** The server's answer to settings:get replaces these on every connect. */
export const settings = signal<InboxSettings>({
  offerTimeoutSeconds: 60,
  serviceLevels: { firstResponseSeconds: 120, nextResponseSeconds: 300 },
  maxMessageChars: 10_000,
});
/** Ticks once a second; only what shows a clock (waits, countdowns) reads it. */
export const now = signal(Date.now());

export const conversations = signal<ReadonlyMap<string, ConversationView>>(new Map());
export const queueIds = signal<readonly string[]>([]);
export const mineIds = signal<readonly string[]>([]);
/** Supervisors: every open chat (inbox:all), refreshed when the board changes. */
export const allIds = signal<readonly string[]>([]);
export const customers = signal<ReadonlyMap<string, Customer>>(new Map());
/** Each customer's newest sentiment points, as the chat's join read them (the history is not part of the record). */
export const sentimentHistory = signal<ReadonlyMap<string, readonly SentimentPoint[]>>(new Map());
export const history = signal<ReadonlyMap<string, PastConversation[]>>(new Map());
export const agents = signal<readonly AgentView[]>([]);
export const unread = signal<ReadonlyMap<string, number>>(new Map());
export const customerTypingAt = signal<ReadonlyMap<string, number>>(new Map());
export const declined = signal<ReadonlySet<string>>(new Set(JSON.parse(sessionStorage.getItem('console-declined') ?? '[]') as string[]));
/** Why a chat left this agent, for the banner in its view. */
/** Who took over a chat this agent held (from the release itself: the agent no longer receives its events). */
export const releasedTo = signal<ReadonlyMap<string, string>>(new Map());
export const released = signal<ReadonlyMap<string, 'transferred' | 'returned' | 'closed' | 'taken_over' | 'reassigned' | 'erased' | 'requeued' | 'offline'>>(
  new Map(),
);
/** The supervisor who reassigned a chat this agent held. */
export const reassignedBy = signal<ReadonlyMap<string, string>>(new Map());
/** Who has each chat open now (chat:viewers), this user included. */
export const viewers = signal<ReadonlyMap<string, readonly ChatViewer[]>>(new Map());
/** Colleagues typing in each chat: user id → when, and whether into a note or whisper. */
export const colleagueTyping = signal<ReadonlyMap<string, ReadonlyMap<string, { at: number; internal: boolean }>>>(new Map());
/** Agent messages the channel refused (activity ids), and those already sent again. */
export const undelivered = signal<ReadonlySet<string>>(new Set(JSON.parse(sessionStorage.getItem('console-undelivered') ?? '[]') as string[]));
export const resent = signal<ReadonlySet<string>>(new Set(JSON.parse(sessionStorage.getItem('console-resent') ?? '[]') as string[]));
export const sending = signal<ReadonlySet<string>>(new Set());
export const suggestions = signal<readonly Suggestion[]>([]);
/** Queued chats this console saw leave the queue to someone else: no longer acceptable here. */
export const takenElsewhere = signal<ReadonlySet<string>>(new Set());
/** Why those chats left, when the server said (queue:changed `reasons`): the chat's banner names it. */
export const leftQueue = signal<ReadonlyMap<string, QueueLeaveReason>>(new Map());
/**
 * The notice line above the inbox, newest first (each kept a minute): queued chats that left with a reason, and chats
 * of mine a supervisor moved (`released`: reassigned, taken over) or that went back to the queue while I was away,
 * which would otherwise just vanish from Mine when not open. Staff are ids, named and worded when shown (current language).
 */
export type InboxNotice = { id: string; conversationId: string; label: string } & (
  { reason: QueueLeaveReason; released?: undefined } | { released: 'reassigned' | 'taken_over' | 'requeued'; by?: string; toAgentId?: string; toSkill?: string }
);
export const queueNotices = signal<readonly InboxNotice[]>([]);
const NOTICE_MS = 60_000;
const NOTICES_KEPT = 3;
/** Shows these notices (newest first) for a minute. */
export function addNotices(list: readonly InboxNotice[]): void {
  if (!list.length) return;
  queueNotices.value = [...[...list].reverse(), ...queueNotices.value].slice(0, NOTICES_KEPT);
  for (const n of list) setTimeout(() => (queueNotices.value = queueNotices.value.filter((m) => m.id !== n.id)), NOTICE_MS);
}

const messageSignals = new Map<string, Signal<readonly Message[]>>();
let socket: ConsoleSocket | undefined;

/** The session's socket (session.ts opens it); answers the one it replaces. */
export function setSocket(s: ConsoleSocket | undefined): ConsoleSocket | undefined {
  const before = socket;
  socket = s;
  return before;
}

/** The messages held of a chat, if any (a read that follows them: search re-runs when they change). */
export function heldMessages(conversationId: string): readonly Message[] | undefined {
  return messageSignals.get(conversationId)?.value;
}

export function messagesOf(conversationId: string): Signal<readonly Message[]> {
  let s = messageSignals.get(conversationId);
  if (!s) messageSignals.set(conversationId, (s = signal<readonly Message[]>([])));
  return s;
}

/** What the agent is writing, per chat: survives pushes, chat switches and view changes. */
export interface Draft {
  reply: Signal<string>;
  note: Signal<string>;
  mode: Signal<'reply' | 'note'>;
  transferNote: Signal<string>;
  profileNote: Signal<string>;
}
const drafts = new Map<string, Draft>();
/** Each draft's subscription that keeps it in the browser (draftStore.ts). */
const keeping = new Map<string, () => void>();
export function draftOf(conversationId: string): Draft {
  let d = drafts.get(conversationId);
  if (!d) {
    const made: Draft = { reply: signal(''), note: signal(''), mode: signal('reply'), transferNote: signal(''), profileNote: signal('') };
    drafts.set(conversationId, (d = made));
    keeping.set(
      conversationId,
      effect(() => {
        void made.reply.value;
        void made.note.value;
        scheduleKeep(conversationId);
      }),
    );
  }
  return d;
}

/**
 * Reply and note drafts survive a reload or a crashed tab: kept in this browser under the signed-in user
 * (draftStore.ts), written 300 ms after the last keystroke and when the page goes away; forgotten when sent, when
 * the chat is closed or no longer this user's, and on sign-out.
 */
let keptFor: string | undefined;
const toKeep = new Set<string>();
let keepTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleKeep(conversationId: string): void {
  if (!keptFor) return;
  toKeep.add(conversationId);
  keepTimer ??= setTimeout(keepDrafts, 300);
}
/** Writes what changed since the last write. */
export function keepDrafts(): void {
  clearTimeout(keepTimer);
  keepTimer = undefined;
  const user = keptFor;
  if (user) {
    const mine = new Set(mineIds.peek());
    for (const id of toKeep) {
      const d = drafts.get(id);
      if (!d) continue;
      const own = mine.has(id);
      // An agent writes only in their own chats: the read-only text of one they lost is not kept for later.
      if (!own && !isLead.peek()) forgetDrafts(localStorage, user, [id]);
      else saveDraft(localStorage, user, id, { reply: d.reply.peek(), note: d.note.peek(), own });
    }
  }
  toKeep.clear();
}
addEventListener('pagehide', keepDrafts);

/**
 * After each (re)connect, with this user's chats: their kept drafts come back (into empty boxes only), and those of
 * chats that stopped being theirs meanwhile are forgotten.
 */
export function restoreDrafts(userId: string, mine: readonly string[]): void {
  // Another user's drafts never stay in this tab (signing out drops them already; this is the second lock).
  if (keptFor && keptFor !== userId) dropDrafts(false);
  const stored = loadDrafts(localStorage, userId);
  const held = new Set(mine);
  const gone = [...stored].filter(([id, d]) => d.own && !held.has(id)).map(([id]) => id);
  forgetDrafts(localStorage, userId, gone);
  keptFor = userId;
  batch(() => {
    for (const [id, kept] of stored) {
      if (gone.includes(id)) continue;
      const d = draftOf(id);
      if (!d.reply.peek()) d.reply.value = kept.reply;
      if (!d.note.peek()) d.note.value = kept.note;
      if (!kept.reply.trim() && kept.note.trim()) d.mode.value = 'note';
    }
  });
}

/**
 * A draft belongs to one holding of a chat. When the chat stops being this user's, what they had typed stays on screen
 * read-only to copy (ChatPane's KeptDraft); when it is theirs again later (re-offered and accepted, transferred back),
 * the composer starts empty: the old text left in the reply box was sent glued to the next reply (outside test, M6).
 * Follows mineIds, which every path of a chat coming or going updates (pushes, accepts, reconnects).
 */
const heldOnce = new Set<string>();
let heldBefore: ReadonlySet<string> = new Set();
effect(() => {
  const held = new Set(mineIds.value);
  untracked(() =>
    batch(() => {
      for (const id of heldBefore) if (!held.has(id)) heldOnce.add(id);
      for (const id of held) {
        if (!heldOnce.delete(id)) continue;
        const d = drafts.get(id);
        if (!d) continue;
        d.reply.value = '';
        d.note.value = '';
        d.mode.value = 'reply';
      }
    }),
  );
  heldBefore = held;
});

/** A chat closed, transferred or taken from this user: its kept draft goes (the read-only box still shows it). */
export function forgetDraft(conversationId: string): void {
  toKeep.delete(conversationId);
  if (keptFor) forgetDrafts(localStorage, keptFor, [conversationId]);
}

/** Signing out: every draft leaves this tab, and (`forget`) this browser's storage. */
export function dropDrafts(forget: boolean): void {
  clearTimeout(keepTimer);
  keepTimer = undefined;
  toKeep.clear();
  if (forget && keptFor) forgetAllDrafts(localStorage, keptFor);
  keptFor = undefined;
  keeping.forEach((stop) => stop());
  keeping.clear();
  drafts.clear();
  heldOnce.clear();
}

export const isLead = computed(() => me.value !== undefined && me.value.role !== 'agent');

/** The customer of a chat as the inbox, the chat's header and its messages name them; the channel is shown beside it. */
export function displayName(c: Pick<ConversationView, 'customerName' | 'customerId'>): string {
  return customerLabel(customers.value.get(c.customerId)?.displayName ?? c.customerName, c.customerId);
}

const staffNameKeys = computed(() => new Set(agents.value.map((a) => nameKey(a.name)).filter(Boolean)));
/**
 * True for a customer who goes by a staff member's name. A name is refused when given if staff has it
 * (profile/reservedNames.ts), but one taken before the account existed is kept: the console marks it, so an agent
 * never reads that customer as a colleague.
 */
export function staffNamesake(name: string | undefined): boolean {
  return !!name?.trim() && staffNameKeys.value.has(nameKey(name));
}

/** staffNamesake for a chat's customer. */
export function chatStaffNamesake(c: Pick<ConversationView, 'customerName' | 'customerId'>): boolean {
  return staffNamesake(customers.value.get(c.customerId)?.displayName ?? c.customerName);
}

/**
 * The same where nothing beside it names the channel (a desktop notification, the notice of one who left the queue):
 * a nameless visitor's channel comes with the label, "Visitor 4821 · web chat".
 */
export function alertName(c: Pick<ConversationView, 'customerName' | 'customerId' | 'channelId'>): string {
  return customerLabel(customers.value.get(c.customerId)?.displayName ?? c.customerName, c.customerId, c.channelId);
}

const askedFor = new Set<string>();
export function agentName(id: string | null | undefined): string {
  if (!id) return tr('someone');
  if (id === me.value?.id) return me.value.name;
  const known = agents.value.find((a) => a.id === id)?.name;
  // Agents get the staff list once at connect: someone added since is looked up once, then named.
  if (!known && !askedFor.has(id) && connected.value) {
    askedFor.add(id);
    queueMicrotask(() => void refreshAgents());
  }
  return known ?? tr('someone');
}

// ---- updates

/**
 * Entries this console wrote itself from an event, before the server's view of the chat arrives (a released chat:
 * its holder is no longer ours to know). The server's view of the same version replaces them: a guess kept at that
 * version would hide a chat the queue holds from the list and its count.
 */
const guesses = new WeakSet<ConversationView>();

/** Holds `c` as this console's guess of a chat's state, until the server says. */
export function guess(c: ConversationView): void {
  guesses.add(c);
  upsert([c]);
}

export function upsert(list: readonly ConversationView[]): void {
  if (!list.length) return;
  const next = new Map(conversations.value);
  for (const c of list) {
    const known = next.get(c.id);
    if (known && guesses.has(known) && !guesses.has(c) && c.version >= known.version) {
      next.set(c.id, c);
      continue;
    }
    // Snapshots computed at different moments may arrive out of order: the higher version wins. The same version
    // keeps the object already held, so the inbox entries of unchanged chats keep equal props and do not re-render
    // (a queue snapshot carries every queued chat; one render per entry per push does not scale to a thousand).
    if (known && c.version === known.version && c.customerName === known.customerName) continue;
    if (!known || c.version >= known.version) next.set(c.id, c);
  }
  conversations.value = next;
}

export function setIn<K, V>(s: Signal<ReadonlyMap<K, V>>, key: K, value: V | undefined): void {
  // Nothing to change (a typing mark cleared that was never set, on every customer message): no copy, nobody told.
  if (s.value.get(key) === value && (value !== undefined || !s.value.has(key))) return;
  const next = new Map(s.value);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  s.value = next;
}

export function addTo(s: Signal<ReadonlySet<string>>, value: string, persistAs?: string): void {
  if (s.value.has(value)) return;
  const next = new Set(s.value).add(value);
  s.value = next;
  if (persistAs) sessionStorage.setItem(persistAs, JSON.stringify([...next].slice(-500)));
}

export function merge(conversationId: string, msgs: readonly Message[]): void {
  if (!msgs.length) return;
  const s = messagesOf(conversationId);
  const bySeq = new Map(s.value.map((m) => [m.seq, m]));
  for (const m of msgs) bySeq.set(m.seq, m);
  s.value = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** What we hold of each chat we follow (the server takes up to 500): my chats first, then the most recently active. */
export function cursors(): Record<string, number> {
  const mine = new Set(mineIds.value);
  const held = [...messageSignals].filter(([id, s]) => mine.has(id) || s.value.length > 0);
  held.sort(([a, x], [b, y]) => Number(mine.has(b)) - Number(mine.has(a)) || (y.value.at(-1)?.createdAt ?? '').localeCompare(x.value.at(-1)?.createdAt ?? ''));
  return Object.fromEntries(held.slice(0, 500).map(([id, s]) => [id, s.value.at(-1)?.seq ?? 0]));
}

export function showError(e: WireError | undefined, vars?: () => Record<string, string | number>): void {
  batch(() => {
    error.value = e?.code ?? 'INTERNAL';
    errorVars.value = vars && e ? { code: e.code, vars } : undefined;
  });
}

/**
 * A reply or note longer than the server takes: said with the limit and how far over, and refused here before it is
 * sent (the draft stays to shorten). True when the text is too long.
 */
export function tooLong(text: string): boolean {
  const max = settings.value.maxMessageChars;
  if (textLength(text) <= max) return false;
  showTooLong(textLength(text));
  return true;
}
export function showTooLong(length: number): void {
  const max = settings.value.maxMessageChars;
  const over = Math.max(1, length - max);
  showError({ code: 'MESSAGE_TOO_LONG', message: '' }, () => ({
    max: formatNumber(max),
    over: over === 1 ? tr('oneChar') : tr('nChars', { n: formatNumber(over) }),
  }));
}

export async function call<K extends EmitName>(event: K, payload: EmitPayload<K>): Promise<Result<K>> {
  if (!socket) return { ok: false, error: { code: 'TIMEOUT', message: 'not connected' } };
  return request(socket, event, payload);
}

/** A request whose failure the agent should read about; returns the data, or undefined after showing why. */
export async function act<K extends EmitName>(event: K, payload: EmitPayload<K>): Promise<Data<K> | undefined> {
  const r = await call(event, payload);
  if (!r.ok) {
    showError(r.error);
    return undefined;
  }
  error.value = '';
  return r.data;
}

/** Agents only get the board at connect; the transfer list asks again when it opens, so presence is current. */
export async function refreshAgents(): Promise<void> {
  const r = await call('agents:list', {});
  if (r.ok) agents.value = r.data.agents;
}

export async function loadChat(conversationId: string): Promise<boolean> {
  const r = await call('conversation:join', { conversationId });
  if (!r.ok) {
    showError(r.error);
    return false;
  }
  batch(() => {
    upsert([r.data.conversation]);
    merge(conversationId, r.data.messages);
    setIn(customers, r.data.conversation.customerId, r.data.customer);
    setIn(sentimentHistory, r.data.customer.id, r.data.sentiment);
    setIn(history, conversationId, r.data.history);
  });
  return true;
}
