import { batch, computed, effect, signal, type Signal } from '@preact/signals';
import type {
  CustomerMergesResponse,
  ErrorResponse,
  MeResponse,
  MergeDecisionRequest,
  MergeSuggestionsResponse,
  MergeView,
  PublicUser,
  SignInResponse,
} from '../../api/wire';
import type { Conversation, Customer, Message } from '../../models/records';
import type { ConversationLabel, InboxSettings } from '../server/inboxProtocol';
import type { ChatViewer } from '../server/liveProtocol';
import type { AgentView, ConversationView, QueueDelta, QueueSnapshot } from '../server/protocol';
import { errorText, locale, tr } from './i18n';
import { customerLabel } from './format';
import { alertOffer, askNotificationPermission, notify } from './notify';
import { openSocket, request, type ConsoleSocket, type Data, type EmitName, type EmitPayload, type Result, type WireError } from './wire';

/**
 * The console's state, as signals: components read what they show and re-render alone when it changes, so a
 * push never rebuilds the page (typed text, focus, selection, scroll and open menus stay). Messages are kept
 * per conversation by sequence number: live pushes and replays after a reconnect merge without duplicates.
 */
/** The signed-in account as the server shows it (GET /api/auth/me). */
export type Me = PublicUser;
export type ReviewTab = 'transcripts' | 'dashboard' | 'audit';
export type InboxView = 'mine' | 'offered' | 'unassigned' | 'all';
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
export const errorMessage = computed(() => (error.value ? errorText(error.value) : ''));
export const presence = signal<'online' | 'away' | 'offline'>('online');
export const page = signal<'chats' | ReviewTab>('chats');
export const inboxView = signal<InboxView>('mine');
export const search = signal('');
export const current = signal<string | undefined>(undefined);
export const pane = signal<Pane>('list');
export const helpOpen = signal(false);
/** The server's answer to settings:get replaces these on every connect. */
export const settings = signal<InboxSettings>({ offerTimeoutSeconds: 60, serviceLevels: { firstResponseSeconds: 120, nextResponseSeconds: 300 } });
/** Ticks once a second; only what shows a clock (waits, countdowns) reads it. */
export const now = signal(Date.now());

export const conversations = signal<ReadonlyMap<string, ConversationView>>(new Map());
export const queueIds = signal<readonly string[]>([]);
export const mineIds = signal<readonly string[]>([]);
/** Supervisors: every open chat (inbox:all), refreshed when the board changes. */
export const allIds = signal<readonly string[]>([]);
export const customers = signal<ReadonlyMap<string, Customer>>(new Map());
export const history = signal<ReadonlyMap<string, PastConversation[]>>(new Map());
export const agents = signal<readonly AgentView[]>([]);
export const unread = signal<ReadonlyMap<string, number>>(new Map());
export const customerTypingAt = signal<ReadonlyMap<string, number>>(new Map());
export const declined = signal<ReadonlySet<string>>(new Set(JSON.parse(sessionStorage.getItem('console-declined') ?? '[]') as string[]));
/** Why a chat left this agent, for the banner in its view. */
/** Who took over a chat this agent held (from the release itself: the agent no longer receives its events). */
export const releasedTo = signal<ReadonlyMap<string, string>>(new Map());
export const released = signal<ReadonlyMap<string, 'transferred' | 'returned' | 'closed' | 'taken_over' | 'reassigned'>>(new Map());
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

const messageSignals = new Map<string, Signal<readonly Message[]>>();
let socket: ConsoleSocket | undefined;

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
export function draftOf(conversationId: string): Draft {
  let d = drafts.get(conversationId);
  if (!d) drafts.set(conversationId, (d = { reply: signal(''), note: signal(''), mode: signal('reply'), transferNote: signal(''), profileNote: signal('') }));
  return d;
}

// ---- derived

export const isLead = computed(() => me.value !== undefined && me.value.role !== 'agent');

export function offeredToMe(c: ConversationView | undefined, at = now.value): boolean {
  const info = c?.queueInfo;
  if (!c || c.state !== 'queued' || !info?.offeredAt || info.offeredTo.at(-1) !== me.value?.id || declined.value.has(c.id)) return false;
  return offerSecondsLeft(c, at) > 0;
}

export function offerSecondsLeft(c: ConversationView, at = now.value): number {
  const offeredAt = Date.parse(c.queueInfo?.offeredAt ?? '');
  return Number.isFinite(offeredAt) ? Math.ceil(settings.value.offerTimeoutSeconds - (at - offeredAt) / 1000) : 0;
}

function pick(ids: readonly string[]): ConversationView[] {
  const map = conversations.value;
  return ids.map((id) => map.get(id)).filter((c): c is ConversationView => c !== undefined);
}

export const queued = computed(() => pick(queueIds.value).filter((c) => c.state === 'queued'));
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
    all: isLead.value ? pick(allIds.value) : [],
  };
});

/** The chats of the current view that match the inbox search (customer, reason, channel, tags, last message). */
export const visible = computed(() => {
  const q = search.value.trim().toLowerCase();
  const list = views.value[inboxView.value];
  if (!q) return list;
  return list.filter((c) => {
    const last = messageSignals.get(c.id)?.value.at(-1)?.text ?? '';
    return [displayName(c), c.channelId, c.handoffReason ?? '', c.tags.join(' '), c.skill ?? '', last].join(' ').toLowerCase().includes(q);
  });
});

export const unreadTotal = computed(() => [...unread.value.values()].reduce((n, x) => n + x, 0) + offeredIds.value.size);

export function displayName(c: Pick<ConversationView, 'customerName' | 'customerId' | 'channelId'>): string {
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

function upsert(list: readonly ConversationView[]): void {
  if (!list.length) return;
  const next = new Map(conversations.value);
  for (const c of list) {
    const known = next.get(c.id);
    // Snapshots computed at different moments may arrive out of order: the higher version wins. The same version
    // keeps the object already held, so the inbox entries of unchanged chats keep equal props and do not re-render
    // (a queue snapshot carries every queued chat; one render per entry per push does not scale to a thousand).
    if (known && c.version === known.version && c.customerName === known.customerName) continue;
    if (!known || c.version >= known.version) next.set(c.id, c);
  }
  conversations.value = next;
}

function setIn<K, V>(s: Signal<ReadonlyMap<K, V>>, key: K, value: V | undefined): void {
  const next = new Map(s.value);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  s.value = next;
}

function addTo(s: Signal<ReadonlySet<string>>, value: string, persistAs?: string): void {
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
function cursors(): Record<string, number> {
  const mine = new Set(mineIds.value);
  const held = [...messageSignals].filter(([id, s]) => mine.has(id) || s.value.length > 0);
  held.sort(([a, x], [b, y]) => Number(mine.has(b)) - Number(mine.has(a)) || (y.value.at(-1)?.createdAt ?? '').localeCompare(x.value.at(-1)?.createdAt ?? ''));
  return Object.fromEntries(held.slice(0, 500).map(([id, s]) => [id, s.value.at(-1)?.seq ?? 0]));
}

function showError(e: WireError | undefined): void {
  error.value = e?.code ?? 'INTERNAL';
}

async function call<K extends EmitName>(event: K, payload: EmitPayload<K>): Promise<Result<K>> {
  if (!socket) return { ok: false, error: { code: 'TIMEOUT', message: 'not connected' } };
  return request(socket, event, payload);
}

/** A request whose failure the agent should read about; returns the data, or undefined after showing why. */
async function act<K extends EmitName>(event: K, payload: EmitPayload<K>): Promise<Data<K> | undefined> {
  const r = await call(event, payload);
  if (!r.ok) {
    showError(r.error);
    return undefined;
  }
  error.value = '';
  return r.data;
}

// ---- session

export async function signIn(email: string, password: string): Promise<void> {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json().catch(() => ({}))) as Partial<SignInResponse & ErrorResponse>;
  if (!res.ok || !body.token) {
    error.value = body.error?.code ?? 'AUTH_INVALID';
    return;
  }
  useToken(body.token);
}

export function useToken(t: string): void {
  token.value = t;
  sessionStorage.setItem('console-token', t);
  error.value = '';
  void connect();
}

async function connect(): Promise<void> {
  const res = await fetch('/api/auth/me', { headers: { authorization: `Bearer ${token.value}` } }).catch(() => undefined);
  if (!res?.ok) return signOutLocal('');
  const s = openSocket(token.value);
  socket = s;
  s.on('connect', () => void onConnected());
  s.on('disconnect', () => (connected.value = false));
  s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code?.startsWith('AUTH_')) signOutLocal(err.data.code);
  });
  s.on('session:ended', ({ code }) => signOutLocal(code));
  // A server that is shutting down disconnects on purpose; Socket.IO does not retry that by itself, so we do (another instance answers).
  s.on('server:shutdown', () => void s.once('disconnect', () => setTimeout(() => s.connect(), 500 + Math.random() * 1500)));
  s.on('queue:changed', (delta) => onQueueDelta(delta));
  s.on('conversation:offered', ({ conversation }) => {
    batch(() => {
      upsert([conversation]);
      if (!queueIds.value.includes(conversation.id)) queueIds.value = [...queueIds.value, conversation.id];
    });
    alertOffer(displayName(conversation), tr(('reason_' + (conversation.handoffReason ?? 'none')) as never));
  });
  s.on('conversation:assigned', ({ conversation }) => {
    const claimedHere = claiming.has(conversation.id);
    batch(() => {
      upsert([conversation]);
      mineIds.value = [...mineIds.value.filter((id) => id !== conversation.id), conversation.id];
      queueIds.value = queueIds.value.filter((id) => id !== conversation.id);
      setIn(released, conversation.id, undefined);
    });
    // Claimed from this console: the agent is already looking at it. Otherwise it was transferred here.
    if (!claimedHere)
      void loadChat(conversation.id).then(() =>
        notify(tr('transferredBy', { name: agentName(transferOf(conversation.id)?.fromAgentId) }), displayName(conversation)),
      );
  });
  s.on('conversation:released', ({ conversationId, reason, takenOverBy: by, reassignedBy: lead }) => {
    batch(() => {
      if (by) setIn(releasedTo, conversationId, by);
      if (lead) setIn(reassignedBy, conversationId, lead);
      mineIds.value = mineIds.value.filter((id) => id !== conversationId);
      setIn(released, conversationId, reason);
      // Who holds it now is not ours to know (unless we may read it): the chat is simply no longer mine.
      const c = conversations.value.get(conversationId);
      if (c)
        upsert([
          {
            ...c,
            agentId: null,
            ...(reason === 'closed' ? { state: 'closed' as const } : reason === 'returned' ? { state: 'bot' as const } : {}),
            version: c.version + 1,
          },
        ]);
    });
  });
  s.on('message:new', ({ conversationId, message }) => {
    merge(conversationId, [message]);
    if (message.role === 'customer') {
      setIn(customerTypingAt, conversationId, undefined);
      const mine = mineIds.value.includes(conversationId);
      if (conversationId !== current.value || document.hidden) setIn(unread, conversationId, (unread.value.get(conversationId) ?? 0) + 1);
      if (mine && document.hidden) notify(displayName(conversations.value.get(conversationId) ?? { customerId: conversationId, channelId: '' }), message.text);
    }
  });
  s.on('typing', ({ conversationId, from, userId, internal }) => {
    if (from === 'customer') setIn(customerTypingAt, conversationId, Date.now());
    else if (userId && userId !== me.value?.id) {
      const next = new Map(colleagueTyping.value.get(conversationId) ?? []);
      next.set(userId, { at: Date.now(), internal: !!internal });
      setIn(colleagueTyping, conversationId, next);
    }
  });
  s.on('chat:viewers', ({ conversationId, viewers: list }) => setIn(viewers, conversationId, list));
  s.on('agents:updated', ({ agents: list }) => {
    agents.value = list;
    if (isLead.value) refreshAll();
  });
  s.on('settings:updated', (next) => (settings.value = next));
}

const claiming = new Set<string>();

// ---- the queue, kept by numbered deltas (queueFeed.ts on the server)

/** The feed and number of the queue we hold; undefined until the first queue:list answers. */
let queueAt: { epoch: string; seq: number } | undefined;
/** Set while the whole queue is fetched again: the deltas that arrive meanwhile are already in its answer (same socket, sent before it). */
let queueFetching = false;

function onQueueDelta(d: QueueDelta): void {
  if (queueFetching) return;
  if (queueAt?.epoch === d.epoch && d.seq <= queueAt.seq) return; // already in what we hold
  if (queueAt?.epoch === d.epoch && d.seq === queueAt.seq + 1) return applyQueueDelta(d);
  // A gap (a delta lost: Socket.IO delivers at most once) or another feed (a restarted server): fetch it whole.
  void resyncQueue();
}

async function resyncQueue(): Promise<void> {
  queueFetching = true;
  const r = await call('queue:list', {});
  queueFetching = false;
  if (r.ok) setQueue(r.data);
  else queueAt = undefined; // the next delta asks again
}

/** The whole queue, as queue:list answers it. */
function setQueue(snapshot: QueueSnapshot): void {
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

function applyQueueDelta(d: QueueDelta): void {
  queueAt = { epoch: d.epoch, seq: d.seq };
  const gone = new Set(d.removed);
  const held = queueIds.value.filter((id) => !gone.has(id));
  const known = new Set(held);
  replaceQueue([...d.added, ...d.changed], d.order ?? [...held, ...d.added.map((c) => c.id).filter((id) => !known.has(id))], d.removed);
}

function replaceQueue(entries: readonly ConversationView[], ids: readonly string[], removed: readonly string[]): void {
  // Chats that left the queue and did not come to me went to a colleague (or back to the bot).
  const left = removed.filter((id) => !mineIds.value.includes(id) && !claiming.has(id));
  batch(() => {
    upsert(entries);
    queueIds.value = ids;
    for (const id of left) addTo(takenElsewhere, id);
  });
  if (isLead.value) {
    refreshAll();
    if (current.value && left.includes(current.value)) void loadChat(current.value);
  }
}

/** On every (re)connect: presence, the queue, settings, and everything missed since the sequence numbers we hold. */
async function onConnected(): Promise<void> {
  const who = await fetch('/api/auth/me', { headers: { authorization: `Bearer ${token.value}` } }).catch(() => undefined);
  if (!who?.ok) return signOutLocal('AUTH_EXPIRED');
  me.value = ((await who.json()) as MeResponse).user;
  await call('presence:set', { presence: presence.value });
  const [q, st, a] = await Promise.all([call('queue:list', {}), call('settings:get', {}), call('agents:list', {})]);
  if (st.ok) settings.value = st.data;
  if (a.ok) agents.value = a.data.agents;
  if (q.ok) {
    batch(() => {
      upsert(q.data.mine);
      mineIds.value = q.data.mine.map((c) => c.id);
      setQueue(q.data);
    });
    for (const c of q.data.mine) messagesOf(c.id);
  }
  const s = await call('sync', { cursors: cursors() });
  if (s.ok) {
    const by = new Map<string, Message[]>();
    for (const m of s.data.messages) by.set(m.conversationId, [...(by.get(m.conversationId) ?? []), m]);
    batch(() => by.forEach((msgs, id) => merge(id, msgs)));
  }
  if (isLead.value) refreshAll();
  connected.value = true;
  viewingSent = undefined;
  tellViewing();
  // Customers of my chats, for names and the profile.
  for (const id of mineIds.value) if (!customers.value.has(conversations.value.get(id)?.customerId ?? '')) void loadChat(id);
  askNotificationPermission();
}

let allTimer: ReturnType<typeof setTimeout> | undefined;
/** Supervisors' "All" view: one fresh list at most every half second, after board or queue changes. */
function refreshAll(): void {
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

export function signOutLocal(code: string): void {
  socket?.disconnect();
  socket = undefined;
  batch(() => {
    token.value = '';
    me.value = undefined;
    connected.value = false;
    page.value = 'chats';
    current.value = undefined;
    error.value = code;
  });
  sessionStorage.removeItem('console-token');
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token.value}` } }).catch(() => undefined);
  signOutLocal('');
}

export function setPresence(p: 'online' | 'away' | 'offline'): void {
  presence.value = p;
  void act('presence:set', { presence: p });
}

/** Agents only get the board at connect; the transfer list asks again when it opens, so presence is current. */
export async function refreshAgents(): Promise<void> {
  const r = await call('agents:list', {});
  if (r.ok) agents.value = r.data.agents;
}

// ---- chats

async function loadChat(conversationId: string): Promise<boolean> {
  const r = await call('conversation:join', { conversationId });
  if (!r.ok) {
    showError(r.error);
    return false;
  }
  batch(() => {
    upsert([r.data.conversation]);
    merge(conversationId, r.data.messages);
    setIn(customers, r.data.conversation.customerId, r.data.customer);
    setIn(history, conversationId, r.data.history);
  });
  return true;
}

export async function open(conversationId: string): Promise<void> {
  batch(() => {
    current.value = conversationId;
    pane.value = 'chat';
    setIn(unread, conversationId, undefined);
  });
  if (await loadChat(conversationId)) void loadSuggestions();
}

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
  addTo(declined, conversationId, 'console-declined');
  await act('offer:decline', { conversationId });
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
  });
  return true;
}

/** The id an agent message of this console carries in the store (handoff service: agent:<agent>:<client id>). */
const activityIdOf = (clientMessageId: string) => `agent:${me.value?.id}:${clientMessageId}`;
/** A send that got no answer keeps its client id: sending the same text again is stored and delivered once. */
const unanswered = new Map<string, { text: string; clientMessageId: string }>();

export async function sendReply(conversationId: string, text: string): Promise<boolean> {
  const body = text.trim();
  if (!body) return false;
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
  showError(r.error);
  return false;
}

/** Sends an undelivered message's text again, as a new message; the first stays in the transcript, marked. */
export async function retry(message: Message): Promise<void> {
  if (await sendReply(message.conversationId, message.text)) addTo(resent, message.activityId ?? message.id, 'console-resent');
}

export async function addNote(conversationId: string, text: string, whisper = false): Promise<boolean> {
  const body = text.trim();
  if (!body) return false;
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

// ---- customer

export async function saveCustomer(payload: EmitPayload<'customer:update'>): Promise<boolean> {
  const data = await act('customer:update', payload);
  if (data) setIn(customers, data.customer.id, data.customer);
  return data !== undefined;
}

export async function setConsent(payload: EmitPayload<'customer:consent'>): Promise<void> {
  const data = await act('customer:consent', payload);
  if (data) setIn(customers, data.customer.id, data.customer);
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

// ---- what the transcript says

/** The transfer that brought this chat to me, if that is how it came: who sent it, and their note. */
export function transferOf(conversationId: string): { fromAgentId?: string; note?: string } | undefined {
  const msgs = messagesOf(conversationId).value;
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m.kind !== 'event' || m.data?.type !== 'state') continue;
    // A state event's agent ids are strings (the server writes them).
    const data: Record<string, unknown> & { fromAgentId?: string } = m.data;
    if (data.to !== 'agent') return undefined;
    if (!data.fromAgentId || data.toAgentId !== me.value?.id) return undefined;
    const note = msgs.slice(i + 1).find((n) => n.kind === 'note' && n.authorId === data.fromAgentId);
    return { fromAgentId: String(data.fromAgentId), note: note?.text };
  }
  return undefined;
}

/** Who took the chat over, when a supervisor did after this agent held it. */
export function takenOverBy(conversationId: string): string | undefined {
  const told = releasedTo.value.get(conversationId);
  if (told) return told;
  const last = [...messagesOf(conversationId).value].reverse().find((m) => m.kind === 'event' && m.data?.type === 'state');
  return last?.data?.takeover && last.data.agentId !== me.value?.id ? String(last.data.agentId) : undefined;
}

/** An agent's message the customer got (or may have: only a refusal this console saw marks one undelivered). */
const isAnswer = (m: Message) => m.kind === 'message' && m.role === 'agent' && !undelivered.value.has(m.activityId ?? m.id);

/**
 * When the customer's latest message still waits for an agent's answer (next-response service level). A reply the
 * channel refused is no answer: the customer never read it.
 */
export function unansweredSince(conversationId: string): string | undefined {
  const msgs = messagesOf(conversationId).value;
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (isAnswer(m)) return undefined;
    if (m.kind === 'message' && m.role === 'customer') {
      let first = m;
      for (let j = i - 1; j >= 0 && !isAnswer(msgs[j]); j--) if (msgs[j].kind === 'message' && msgs[j].role === 'customer') first = msgs[j];
      return first.createdAt;
    }
  }
  return undefined;
}

/** Whether the customer got any agent answer in this chat (the next-response level applies), and whether the latest reply failed. */
export function replyState(conversationId: string): { answered: boolean; lastFailed: boolean } {
  const replies = messagesOf(conversationId).value.filter((m) => m.kind === 'message' && m.role === 'agent');
  const last = replies.at(-1);
  return { answered: replies.some(isAnswer), lastFailed: !!last && !isAnswer(last) };
}

export function lastCustomerAt(conversationId: string): string | undefined {
  return [...messagesOf(conversationId).value].reverse().find((m) => m.role === 'customer' && m.kind === 'message')?.createdAt;
}

// ---- clock, title

setInterval(() => (now.value = Date.now()), 1000);

effect(() => {
  const n = unreadTotal.value;
  const title = tr('consoleTitle');
  document.title = n > 0 ? `(${n}) ${title}` : title;
});

/** The language of fill-ins in canned replies. */
export function fillTemplate(template: string, c: ConversationView | undefined): string {
  const customer = c ? customers.value.get(c.customerId) : undefined;
  const firstName = (customer?.displayName ?? c?.customerName ?? '').split(' ')[0] || (locale() === 'es' ? 'cliente' : 'there');
  return template.replace(/\{firstName\}/g, firstName).replace(/\{agentName\}/g, me.value?.name.split(' ')[0] ?? '');
}
