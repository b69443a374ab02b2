import { io, type Socket } from 'socket.io-client';
import type { AgentView, ConversationView } from '../server/protocol';
import type { Customer, Message } from '../../models/records';
import { startTeams } from './teams';
import { tr, setLocale, locale, type Key } from './i18n';
import { h } from './dom';
import { ReviewPane, type ReviewTab } from './review';

/**
 * The agent console. All customer-supplied text reaches the page through textContent only (see h()),
 * never as HTML: safe by construction. Messages are kept per conversation by sequence number, so live
 * pushes and replays after a reconnect merge without duplicates or gaps.
 */
interface Me { id: string; name: string; role: string; email: string }
/** What GET /api/merge-suggestions returns (profile/identityResolution.ts). */
interface Suggestion { id: string; customerId: string; candidateId: string; score: number; evidence: string[] }
interface Ack<T> { ok: boolean; data?: T; error?: { code: string; message: string } }

const CANNED = [
  { id: 'greet', en: 'Hi {firstName}, I am {agentName}. I am looking at your case now.', es: 'Hola {firstName}, soy {agentName}. Estoy revisando tu caso ahora.' },
  { id: 'wait', en: 'Thanks for your patience, {firstName}. One moment please.', es: 'Gracias por tu paciencia, {firstName}. Un momento, por favor.' },
  { id: 'refund', en: 'I have started your refund; you will get an email confirmation within 24 hours.', es: 'He iniciado tu reembolso; recibirás un correo de confirmación en 24 horas.' },
  { id: 'bye', en: 'Is there anything else I can help you with, {firstName}?', es: '¿Te puedo ayudar en algo más, {firstName}?' },
];

const state = {
  token: sessionStorage.getItem('console-token') ?? '',
  me: undefined as Me | undefined,
  socket: undefined as Socket | undefined,
  queue: [] as ConversationView[],
  mine: [] as ConversationView[],
  current: undefined as string | undefined,
  messages: new Map<string, Map<number, Message>>(),
  unread: new Map<string, number>(),
  customers: new Map<string, Customer>(),
  history: new Map<string, { conversation: ConversationView; messages: Message[] }[]>(),
  conversations: new Map<string, ConversationView>(),
  agents: [] as AgentView[],
  typing: new Map<string, number>(),
  presence: 'online',
  error: '',
  suggestions: [] as Suggestion[],
  view: 'chats' as 'chats' | ReviewTab,
  review: undefined as ReviewPane | undefined,
};

const app = document.getElementById('app')!;

function request<T>(event: string, payload: unknown): Promise<Ack<T>> {
  return state.socket!.timeout(10_000).emitWithAck(event, payload).catch(() => ({ ok: false, error: { code: 'TIMEOUT', message: 'no answer' } }));
}

function merge(conversationId: string, msgs: Message[]): void {
  let m = state.messages.get(conversationId);
  if (!m) state.messages.set(conversationId, (m = new Map()));
  for (const x of msgs) m.set(x.seq, x);
}

function cursors(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, m] of state.messages) out[id] = Math.max(0, ...m.keys());
  return out;
}

function beep(): void {
  try {
    const ctx = new AudioContext();
    const o = ctx.createOscillator();
    o.connect(ctx.destination);
    o.frequency.value = 880;
    o.start();
    o.stop(ctx.currentTime + 0.15);
  } catch {
    /* sound is best effort */
  }
}

function notifyNewChat(c: ConversationView): void {
  beep();
  if ('Notification' in window && Notification.permission === 'granted') new Notification(tr('newChat'), { body: `${c.customerName ?? tr('customer')} · ${c.handoffReason ?? ''}` });
}

async function signIn(email: string, password: string): Promise<void> {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = await res.json();
  if (!res.ok) {
    state.error = body.error?.message ?? tr('signInFailed');
    render();
    return;
  }
  useToken(body.token);
}

function useToken(token: string): void {
  state.token = token;
  sessionStorage.setItem('console-token', token);
  state.error = '';
  connect();
}

async function loadMe(): Promise<void> {
  const res = await fetch('/api/auth/me', { headers: { authorization: `Bearer ${state.token}` } });
  if (!res.ok) throw new Error('session');
  state.me = (await res.json()).user;
}

function connect(): void {
  loadMe().then(
    () => {
      const socket = io({ auth: { token: state.token }, transports: ['websocket'], reconnectionDelayMax: 5000 });
      state.socket = socket;
      socket.on('connect', () => void onConnected());
      socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
        if (err.data?.code?.startsWith('AUTH_')) signOutLocal(tr('sessionEnded'));
      });
      socket.on('session:ended', () => signOutLocal(tr('sessionEnded')));
      // A server that is shutting down disconnects on purpose; Socket.IO does not retry that by itself, so we do (another instance answers).
      socket.on('server:shutdown', () => socket.once('disconnect', () => setTimeout(() => socket.connect(), 500 + Math.random() * 1500)));
      socket.on('queue:updated', ({ queue }: { queue: ConversationView[] }) => {
        const known = new Set(state.queue.map((q) => q.id));
        for (const q of queue) if (!known.has(q.id)) notifyNewChat(q);
        state.queue = queue;
        queue.forEach((q) => state.conversations.set(q.id, q));
        render();
      });
      socket.on('conversation:assigned', ({ conversation }: { conversation: ConversationView }) => {
        state.mine = [...state.mine.filter((c) => c.id !== conversation.id), conversation];
        state.conversations.set(conversation.id, conversation);
        notifyNewChat(conversation);
        render();
      });
      socket.on('conversation:released', ({ conversationId }: { conversationId: string }) => {
        state.mine = state.mine.filter((c) => c.id !== conversationId);
        const c = state.conversations.get(conversationId);
        if (c) state.conversations.set(conversationId, { ...c, agentId: null, state: 'closed' });
        render();
      });
      socket.on('message:new', ({ conversationId, message }: { conversationId: string; message: Message }) => {
        merge(conversationId, [message]);
        if (conversationId !== state.current && message.role === 'customer') state.unread.set(conversationId, (state.unread.get(conversationId) ?? 0) + 1);
        state.typing.delete(conversationId);
        render();
      });
      socket.on('typing', ({ conversationId, from }: { conversationId: string; from: string }) => {
        if (from !== 'customer') return;
        state.typing.set(conversationId, Date.now());
        render();
        setTimeout(render, 4000);
      });
      socket.on('agents:updated', ({ agents }: { agents: AgentView[] }) => {
        state.agents = agents;
        render();
      });
    },
    () => signOutLocal(''),
  );
}

/** On every (re)connect: presence, the queue, and everything missed since the last sequence numbers we hold. */
async function onConnected(): Promise<void> {
  await request('presence:set', { presence: state.presence });
  const q = await request<{ queue: ConversationView[]; mine: ConversationView[] }>('queue:list', {});
  if (q.ok && q.data) {
    state.queue = q.data.queue;
    state.mine = q.data.mine;
    [...q.data.queue, ...q.data.mine].forEach((c) => state.conversations.set(c.id, c));
    for (const c of q.data.mine) if (!state.messages.has(c.id)) state.messages.set(c.id, new Map());
  }
  const s = await request<{ messages: Message[] }>('sync', { cursors: cursors() });
  if (s.ok && s.data) for (const m of s.data.messages) merge(m.conversationId, [m]);
  const a = await request<{ agents: AgentView[] }>('agents:list', {});
  if (a.ok && a.data) state.agents = a.data.agents;
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
  render();
}

function signOutLocal(message: string): void {
  state.socket?.disconnect();
  state.socket = undefined;
  state.token = '';
  state.me = undefined;
  state.review = undefined;
  state.view = 'chats';
  sessionStorage.removeItem('console-token');
  state.error = message;
  render();
}

async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${state.token}` } }).catch(() => undefined);
  signOutLocal('');
}

async function loadSuggestions(): Promise<void> {
  const res = await fetch('/api/merge-suggestions', { headers: { authorization: `Bearer ${state.token}` } });
  if (res.ok) state.suggestions = ((await res.json()) as { suggestions: Suggestion[] }).suggestions;
}

async function decideSuggestion(id: string, confirm: boolean): Promise<void> {
  const res = await fetch(`/api/merge-suggestions/${encodeURIComponent(id)}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` }, body: JSON.stringify({ confirm }) });
  if (!res.ok) state.error = ((await res.json()) as { error?: { message?: string } }).error?.message ?? tr('signInFailed');
  await loadSuggestions();
  if (state.current) await open(state.current);
  else render();
}

async function open(conversationId: string): Promise<void> {
  state.current = conversationId;
  state.unread.delete(conversationId);
  const r = await request<{ conversation: ConversationView; messages: Message[]; customer: Customer; history: { conversation: ConversationView; messages: Message[] }[] }>('conversation:join', { conversationId });
  if (r.ok && r.data) {
    state.conversations.set(conversationId, r.data.conversation);
    merge(conversationId, r.data.messages);
    state.customers.set(r.data.conversation.customerId, r.data.customer);
    state.history.set(conversationId, r.data.history);
    await loadSuggestions();
  } else state.error = r.error?.message ?? '';
  render();
}

async function act(event: string, payload: Record<string, unknown>): Promise<boolean> {
  const r = await request<{ conversation?: ConversationView }>(event, payload);
  if (!r.ok) {
    state.error = `${r.error?.code}: ${r.error?.message}`;
    render();
    return false;
  }
  state.error = '';
  if (r.data?.conversation) {
    state.conversations.set(r.data.conversation.id, r.data.conversation);
    if (event === 'conversation:claim' || event === 'conversation:takeover') state.mine = [...state.mine.filter((c) => c.id !== r.data!.conversation!.id), r.data.conversation];
  }
  render();
  return true;
}

function fill(template: string, c: ConversationView | undefined): string {
  const customer = c ? state.customers.get(c.customerId) : undefined;
  const firstName = (customer?.displayName ?? c?.customerName ?? '').split(' ')[0] || (locale() === 'es' ? 'cliente' : 'there');
  return template.replace(/\{firstName\}/g, firstName).replace(/\{agentName\}/g, state.me?.name.split(' ')[0] ?? '');
}

// ---- rendering

function render(): void {
  const focused = document.activeElement as HTMLElement | null;
  const draft = (document.getElementById('composer-text') as HTMLTextAreaElement | null)?.value ?? '';
  const focusId = focused?.id;
  app.replaceChildren(state.me && state.socket ? mainView() : loginView());
  const box = document.getElementById('composer-text') as HTMLTextAreaElement | null;
  if (box) box.value = draft;
  if (focusId) document.getElementById(focusId)?.focus();
  const list = document.getElementById('messages');
  if (list) list.scrollTop = list.scrollHeight;
}

function loginView(): HTMLElement {
  const email = h('input', { id: 'email', type: 'email', placeholder: tr('email'), autocomplete: 'username', 'aria-label': tr('email') });
  const password = h('input', { id: 'password', type: 'password', placeholder: tr('password'), autocomplete: 'current-password', 'aria-label': tr('password') });
  return h(
    'form',
    { class: 'login', onsubmit: (e: Event) => (e.preventDefault(), void signIn(email.value, password.value)) },
    h('h1', {}, tr('consoleTitle')),
    email,
    password,
    h('button', { class: 'primary', type: 'submit', id: 'sign-in' }, tr('signIn')),
    state.error ? h('div', { class: 'error', role: 'alert' }, state.error) : null,
    languagePicker(),
  );
}

function languagePicker(): HTMLElement {
  const sel = h('select', { 'aria-label': 'Language', onchange: (e: Event) => (setLocale((e.target as HTMLSelectElement).value), render()) }, h('option', { value: 'en' }, 'English'), h('option', { value: 'es' }, 'Español'));
  sel.value = locale();
  return sel;
}

function conversationItem(c: ConversationView, kind: 'queue' | 'mine'): HTMLElement {
  const unread = state.unread.get(c.id);
  return h(
    'div',
    { class: `item${state.current === c.id ? ' active' : ''}`, 'data-conversation': c.id, 'data-kind': kind, onclick: () => void open(c.id) },
    h('div', {}, h('strong', {}, c.customerName ?? tr('customer')), ' ', unread ? h('span', { class: 'badge' }, unread) : null),
    h('div', { class: 'meta' }, [tr(('reason_' + (c.handoffReason ?? 'none')) as Key), `${tr('priority')} ${c.priority}`, c.language ?? '', c.channelId, kind === 'queue' && c.waitingSeconds !== undefined ? `${Math.round(c.waitingSeconds / 60)} min` : ''].filter(Boolean).join(' · ')),
  );
}

function ago(iso: string | undefined): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return `${tr('lastReply')} ${s < 120 ? `${s} s` : `${Math.round(s / 60)} min`}`;
}

function topbar(): HTMLElement {
  const lead = state.me!.role !== 'agent';
  const tabs: ['chats' | ReviewTab, Key][] = [['chats', 'tabChats'], ['transcripts', 'tabTranscripts'], ['dashboard', 'tabDashboard'], ...(state.me!.role === 'admin' ? [['audit', 'tabAudit'] as ['audit', Key]] : [])];
  const presence = h('select', { id: 'presence', 'aria-label': tr('presence'), onchange: (e: Event) => ((state.presence = (e.target as HTMLSelectElement).value), void request('presence:set', { presence: state.presence })) },
    h('option', { value: 'online' }, tr('online')), h('option', { value: 'away' }, tr('away')), h('option', { value: 'offline' }, tr('offline')));
  presence.value = state.presence;
  return h('div', { class: 'topbar' }, h('strong', {}, tr('consoleTitle')),
    lead ? h('nav', { class: 'tabs' }, ...tabs.map(([v, k]) => h('button', { id: `tab-${v}`, class: state.view === v ? 'active' : '', 'aria-pressed': state.view === v ? 'true' : 'false', onclick: () => ((state.view = v), render()) }, tr(k)))) : null,
    presence, h('span', { class: 'spacer' }), state.error ? h('span', { role: 'alert', id: 'error' }, state.error) : null, h('span', {}, `${state.me!.name} (${state.me!.role})`), languagePicker(), h('button', { onclick: () => void signOut() }, tr('signOut')));
}

function mainView(): HTMLElement {
  if (state.view !== 'chats' && state.me!.role !== 'agent') {
    state.review ??= new ReviewPane(() => state.token, state.me!.role);
    state.review.show(state.view);
    return h('div', { class: 'page' }, topbar(), state.review.el);
  }
  return h(
    'div',
    { class: 'layout' },
    topbar(),
    h('aside', { class: 'side' },
      h('h2', {}, `${tr('queue')} (${state.queue.length})`),
      h('div', { id: 'queue' }, ...(state.queue.length ? state.queue.map((c) => conversationItem(c, 'queue')) : [h('div', { class: 'empty' }, tr('queueEmpty'))])),
      h('h2', {}, tr('myChats')),
      h('div', { id: 'mine' }, ...state.mine.map((c) => conversationItem(c, 'mine'))),
      state.me!.role !== 'agent' ? h('h2', {}, tr('agents')) : null,
      state.me!.role !== 'agent' ? h('div', { id: 'agents' }, ...state.agents.filter((a) => a.role !== 'admin').map((a) => h('div', { class: 'item' }, h('strong', {}, a.name), h('div', { class: 'meta' }, [`${tr(a.presence)} · ${a.activeChats}/${a.capacity}`, ago(a.lastReplyAt)].filter(Boolean).join(' · '))))) : null,
    ),
    chatView(),
    profileView(),
  );
}

function messageView(m: Message): HTMLElement {
  if (m.kind === 'event') {
    const d = m.data ?? {};
    const text = d.type === 'state' ? `${String(d.from)} → ${String(d.to)}${d.reason ? ` (${tr(('reason_' + String(d.reason)) as Key)})` : ''}` : d.type === 'satisfaction' ? `${tr('rating')}: ${String(d.score)}/5 ${d.comment ? `“${String(d.comment)}”` : ''}` : String(m.text);
    return h('div', { class: 'msg event' }, text);
  }
  const who = m.role === 'customer' ? tr('customer') : m.role === 'agent' ? (m.kind === 'message' ? tr('agent') : tr(m.kind === 'whisper' ? 'whisper' : 'note')) : m.role === 'bot' ? 'Bot' : tr('system');
  const detail = m.role === 'customer' && m.intent ? ` · ${m.intent} · ${tr('sentiment')} ${m.sentiment ?? 0}` : '';
  return h('div', { class: `msg ${m.kind === 'message' ? m.role : m.kind}`, 'data-seq': String(m.seq) },
    h('div', { class: 'who' }, `${who}${detail}`),
    m.text,
    ...(m.attachments ?? []).map((a) => h('div', { class: 'who' }, `📎 ${a.name ?? a.contentType}`)),
  );
}

function chatView(): HTMLElement {
  const c = state.current ? state.conversations.get(state.current) : undefined;
  if (!c) return h('main', { class: 'chat' }, h('div', { class: 'empty' }, tr('pickChat')));
  const mineNow = c.state === 'agent' && c.agentId === state.me!.id;
  const msgs = [...(state.messages.get(c.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  const history = state.history.get(c.id) ?? [];
  const target = h('select', { id: 'transfer-target', 'aria-label': tr('transferTo') },
    h('option', { value: '' }, tr('transferTo')),
    ...state.agents.filter((a) => a.id !== state.me!.id && a.role !== 'admin').map((a) => h('option', { value: `agent:${a.id}` }, `${a.name} (${tr(a.presence)})`)),
    ...['orders', 'billing'].map((s) => h('option', { value: `skill:${s}` }, `${tr('skill')}: ${s}`)));
  const note = h('input', { id: 'transfer-note', placeholder: tr('transferNote'), 'aria-label': tr('transferNote') });
  const canned = h('select', { id: 'canned', 'aria-label': tr('canned'), onchange: (e: Event) => {
    const pick = CANNED.find((x) => x.id === (e.target as HTMLSelectElement).value);
    const box = document.getElementById('composer-text') as HTMLTextAreaElement;
    if (pick && box) box.value = fill(locale() === 'es' ? pick.es : pick.en, c);
  } }, h('option', { value: '' }, tr('canned')), ...CANNED.map((x) => h('option', { value: x.id }, fill(locale() === 'es' ? x.es : x.en, c).slice(0, 60))));
  const cannedSearch = h('input', { id: 'canned-search', placeholder: tr('searchCanned'), 'aria-label': tr('searchCanned'), oninput: (e: Event) => {
    const q = (e.target as HTMLInputElement).value.toLowerCase();
    for (const opt of Array.from(canned.options)) opt.hidden = !!opt.value && !opt.text.toLowerCase().includes(q);
  } });
  const asNote = h('input', { id: 'as-note', type: 'checkbox' });
  const send = async () => {
    const box = document.getElementById('composer-text') as HTMLTextAreaElement;
    const text = box.value.trim();
    if (!text) return;
    // A supervisor writing into someone else's chat whispers to its agent; the customer never sees it.
    const ok = !mineNow ? await act('note:add', { conversationId: c.id, text, whisper: true })
      : asNote.checked
      ? await act('note:add', { conversationId: c.id, text })
      : await act('message:send', { conversationId: c.id, text, clientMessageId: crypto.randomUUID() });
    if (ok) (document.getElementById('composer-text') as HTMLTextAreaElement).value = '';
  };
  const typingAt = state.typing.get(c.id);
  return h(
    'main',
    { class: 'chat' },
    h('header', {},
      h('strong', {}, c.customerName ?? tr('customer')), h('span', { class: 'meta' }, ` ${c.state} · ${tr(('reason_' + (c.handoffReason ?? 'none')) as Key)}`),
      c.state === 'queued' ? h('button', { class: 'primary', id: 'accept', onclick: () => void act('conversation:claim', { conversationId: c.id }) }, tr('accept')) : null,
      !mineNow && state.me!.role !== 'agent' && (c.state === 'agent' || c.state === 'queued') ? h('button', { id: 'takeover', onclick: () => void act('conversation:takeover', { conversationId: c.id }) }, tr('takeover')) : null,
      mineNow ? target : null,
      mineNow ? note : null,
      mineNow ? h('button', { id: 'transfer', onclick: () => {
        const [kind, id] = target.value.split(':');
        if (!id) return;
        void act('conversation:transfer', { conversationId: c.id, ...(kind === 'agent' ? { toAgentId: id } : { skill: id }), ...(note.value ? { note: note.value } : {}) });
      } }, tr('transfer')) : null,
      mineNow ? h('button', { id: 'return', onclick: () => void act('conversation:return', { conversationId: c.id }) }, tr('returnToBot')) : null,
      mineNow ? h('button', { id: 'close', onclick: () => void act('conversation:close', { conversationId: c.id }) }, tr('close')) : null,
    ),
    h('div', { class: 'messages', id: 'messages' },
      ...history.map((p) => h('div', { class: 'history' }, h('div', { class: 'msg event' }, `${tr('pastConversation')} · ${p.conversation.channelId} · ${p.conversation.createdAt.slice(0, 10)}`), ...p.messages.map(messageView))),
      ...msgs.map(messageView)),
    h('div', { class: 'typing', id: 'typing' }, typingAt && Date.now() - typingAt < 4000 ? tr('customerTyping') : ''),
    mineNow || state.me!.role !== 'agent'
      ? h('div', { class: 'composer' },
          h('textarea', { id: 'composer-text', 'aria-label': tr('message'), placeholder: mineNow ? tr('typeMessage') : tr('whisperOnly'), oninput: () => void (mineNow && request('typing:start', { conversationId: c.id })), onkeydown: (e: Event) => {
            const k = e as KeyboardEvent;
            if (k.key === 'Enter' && !k.shiftKey) (k.preventDefault(), void send());
          } }),
          h('button', { class: 'primary', id: 'send', onclick: () => void send() }, tr('send')),
          h('div', { class: 'tools' }, cannedSearch, canned, h('label', {}, asNote, ` ${tr('internalNote')}`)))
      : null,
  );
}

/** The consent in force for a purpose on a channel: the latest event for that channel or for every channel. */
const ProfileConsent = {
  current(p: Customer, purpose: string, channel: string): boolean {
    const last = [...p.consent].reverse().find((e) => e.purpose === purpose && (e.channel === channel || e.channel === '*'));
    return last ? last.granted : purpose === 'service';
  },
};

async function saveCustomer(payload: { customerId: string; tags?: string[]; addNote?: string }): Promise<void> {
  const r = await request<{ customer: Customer }>('customer:update', payload);
  if (r.ok && r.data) state.customers.set(r.data.customer.id, r.data.customer);
  else state.error = `${r.error?.code}: ${r.error?.message}`;
  render();
}

function sparkline(points: number[]): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '160');
  svg.setAttribute('height', '40');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', tr('sentimentTrend'));
  const poly = document.createElementNS(ns, 'polyline');
  const step = points.length > 1 ? 160 / (points.length - 1) : 0;
  poly.setAttribute('points', points.map((p, i) => `${(i * step).toFixed(1)},${(20 - p * 18).toFixed(1)}`).join(' '));
  poly.setAttribute('fill', 'none');
  poly.setAttribute('stroke', '#1f3a5f');
  svg.append(poly);
  return svg;
}

function profileView(): HTMLElement {
  const c = state.current ? state.conversations.get(state.current) : undefined;
  const p = c ? state.customers.get(c.customerId) : undefined;
  if (!p) return h('aside', { class: 'profile' }, h('div', { class: 'empty' }, tr('noProfile')));
  const consent = ['service', 'proactive', 'marketing'].map((purpose) => `${purpose}: ${ProfileConsent.current(p, purpose, c!.channelId) ? '✓' : '✗'}`);
  const past = state.history.get(c!.id) ?? [];
  return h(
    'aside',
    { class: 'profile', id: 'profile' },
    h('h2', {}, tr('profile')),
    h('dl', {},
      h('dt', {}, tr('name')), h('dd', { id: 'profile-name' }, p.displayName ?? '—'),
      h('dt', {}, tr('language')), h('dd', {}, p.language ?? '—'),
      h('dt', {}, tr('identities')), h('dd', {}, ...p.identities.map((i) => h('div', {}, `${i.channelId}: ${i.userId}${i.verified ? ' ✓' : ''}`))),
      h('dt', {}, tr('contacts')), h('dd', {}, ...(p.contacts.length ? p.contacts.map((x) => h('div', {}, `${x.type}: ${x.value}${x.verified ? ' ✓' : ` (${tr('unverified')})`}`)) : ['—'])),
      h('dt', {}, tr('consent')), h('dd', {}, consent.join(' · '), ...(['proactive', 'marketing'] as const).map((purpose) => {
        const granted = ProfileConsent.current(p, purpose, c!.channelId);
        return h('button', { id: `consent-${purpose}`, onclick: () => void request<{ customer: Customer }>('customer:consent', { customerId: p.id, purpose, channel: c!.channelId, granted: !granted }).then((r) => (r.ok && r.data ? state.customers.set(p.id, r.data.customer) : (state.error = r.error?.message ?? ''), render())) }, `${granted ? tr('withdraw') : tr('grant')} ${purpose} (${c!.channelId})`);
      })),
      h('dt', {}, tr('segments')), h('dd', {}, p.segments.join(', ') || '—'),
      h('dt', {}, tr('tags')), h('dd', {}, p.tags.join(', ') || '—'),
      h('dt', {}, tr('engagement')), h('dd', {}, `${p.engagement.conversations} ${tr('conversations')} · ${p.engagement.messages} ${tr('messages')}`),
      h('dt', {}, tr('reach')), h('dd', {}, `${p.reach.followers} ${tr('followers')}`),
    ),
    ...(() => {
      const mine = state.suggestions.filter((x) => x.customerId === p.id || x.candidateId === p.id);
      if (!mine.length) return [];
      return [
        h('h2', {}, tr('samePerson')),
        h('div', { id: 'suggestions' }, ...mine.map((x) => h('div', { class: 'item' },
          h('div', {}, `${Math.round(x.score * 100)} % · `, x.evidence.join('; ')),
          h('button', { class: 'primary', 'data-confirm': x.id, onclick: () => void decideSuggestion(x.id, true) }, tr('merge')), ' ',
          h('button', { 'data-reject': x.id, onclick: () => void decideSuggestion(x.id, false) }, tr('notSame'))))),
      ];
    })(),
    h('h2', {}, tr('tags')),
    (() => {
      const input = h('input', { id: 'tags-input', 'aria-label': tr('tags'), value: p.tags.join(', ') });
      return h('div', {}, input, ' ', h('button', { id: 'tags-save', onclick: () => void saveCustomer({ customerId: p.id, tags: input.value.split(',').map((x) => x.trim()).filter(Boolean) }) }, tr('save')));
    })(),
    h('h2', {}, tr('notes')),
    h('div', { id: 'notes' }, ...(((p.attributes.notes as { by: string; at: string; text: string }[] | undefined) ?? []).map((n) => h('div', { class: 'item' }, h('div', { class: 'meta' }, `${n.by} · ${n.at.slice(0, 16).replace('T', ' ')}`), n.text)))),
    (() => {
      const box = h('textarea', { id: 'note-input', 'aria-label': tr('notes') });
      return h('div', {}, box, h('button', { id: 'note-save', onclick: () => void saveCustomer({ customerId: p.id, addNote: box.value }) }, tr('addNote')));
    })(),
    h('h2', {}, tr('sentimentTrend')),
    sparkline(p.sentiment.slice(-20).map((s) => s.score)),
    h('h2', {}, tr('pastConversations')),
    ...(past.length ? past.map((x) => h('div', { class: 'item' }, `${x.conversation.createdAt.slice(0, 10)} · ${x.conversation.channelId} · ${x.conversation.satisfaction ? `${x.conversation.satisfaction.score}/5` : '—'}`)) : [h('div', { class: 'meta' }, '—')]),
  );
}

// ---- start

render();
void startTeams((token) => useToken(token), (msg) => ((state.error = msg), render())).then((inTeams) => {
  if (!inTeams && state.token) connect();
});
