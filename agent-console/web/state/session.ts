import { batch, effect } from '@preact/signals';
import type { ErrorResponse, MeResponse, SignInResponse } from '../../../api/wire';
import type { Message } from '../../../models/records';
import { tr } from '../i18n';
import { alertOffer, askNotificationPermission, notify } from '../notify';
import { openSocket } from '../wire';
import {
  token,
  me,
  connected,
  error,
  presence,
  page,
  current,
  settings,
  now,
  conversations,
  queueIds,
  mineIds,
  customers,
  agents,
  unread,
  customerTypingAt,
  releasedTo,
  released,
  reassignedBy,
  viewers,
  colleagueTyping,
  messagesOf,
  isLead,
  alertName,
  agentName,
  upsert,
  guess,
  addNotices,
  setIn,
  merge,
  cursors,
  call,
  act,
  loadChat,
  refreshAgents,
  setSocket,
  restoreDrafts,
  forgetDraft,
  dropDrafts,
} from './core';
import { unreadTotal, claiming, onQueueDelta, setQueue, refreshAll } from './inbox';
import { resetViewing } from './chat';
import { cameFromLine, transferOf } from './transcript';

/**
 * Signing in and out, the connection (every push the console listens to), and what each (re)connect catches up on.
 */
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
  setSocket(s);
  s.on('connect', () => void onConnected());
  s.on('disconnect', () => (connected.value = false));
  s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code?.startsWith('AUTH_')) signOutLocal(err.data.code);
  });
  // Revoked (signed out elsewhere, a new password, the account disabled): as a sign-out, the kept drafts go too.
  s.on('session:ended', ({ code }) => signOutLocal(code, true));
  // A server that is shutting down disconnects on purpose; Socket.IO does not retry that by itself, so we do (another instance answers).
  s.on('server:shutdown', () => void s.once('disconnect', () => setTimeout(() => s.connect(), 500 + Math.random() * 1500)));
  s.on('queue:changed', (delta) => onQueueDelta(delta));
  s.on('conversation:offered', ({ conversation }) => {
    batch(() => {
      upsert([conversation]);
      if (!queueIds.value.includes(conversation.id)) queueIds.value = [...queueIds.value, conversation.id];
    });
    alertOffer(alertName(conversation), tr(('reason_' + (conversation.handoffReason ?? 'none')) as never));
  });
  s.on('conversation:assigned', ({ conversation }) => {
    const claimedHere = claiming.has(conversation.id);
    batch(() => {
      upsert([conversation]);
      mineIds.value = [...mineIds.value.filter((id) => id !== conversation.id), conversation.id];
      queueIds.value = queueIds.value.filter((id) => id !== conversation.id);
      // Ours again: who took it from us before is history, not the banner of the chat as it is now.
      setIn(released, conversation.id, undefined);
      setIn(releasedTo, conversation.id, undefined);
      setIn(reassignedBy, conversation.id, undefined);
    });
    // Claimed from this console: the agent is already looking at it. Otherwise it was transferred or reassigned here.
    if (!claimedHere)
      void loadChat(conversation.id).then(async () => {
        const from = transferOf(conversation.id) ?? {};
        // The notification is worded once: someone this console has not heard of yet (a supervisor) is looked up first.
        const who = from.reassignedBy ?? from.fromAgentId;
        if (who && !agents.value.some((a) => a.id === who)) await refreshAgents();
        notify(cameFromLine(from, agentName), alertName(conversation));
      });
  });
  s.on('conversation:released', ({ conversationId, reason, takenOverBy: by, reassignedBy: lead, reassignedTo, reassignedToSkill }) => {
    const known = conversations.value.get(conversationId);
    batch(() => {
      // Not of this agent's doing: said in the notice line, so a chat that was not open does not just vanish (M7).
      if (known && (reason === 'reassigned' || reason === 'taken_over' || reason === 'requeued'))
        addNotices([
          {
            id: `${conversationId}:${Date.now()}`,
            conversationId,
            label: alertName(known),
            released: reason,
            by: by ?? lead,
            toAgentId: reassignedTo,
            toSkill: reassignedToSkill,
          },
        ]);
      // Who took it this time (a close or return names nobody: an earlier takeover is not this release's story).
      setIn(releasedTo, conversationId, by);
      setIn(reassignedBy, conversationId, lead);
      // Who views or types in a chat that is no longer ours is no longer our concern: those signals stop here.
      setIn(viewers, conversationId, undefined);
      setIn(colleagueTyping, conversationId, undefined);
      mineIds.value = mineIds.value.filter((id) => id !== conversationId);
      forgetDraft(conversationId);
      setIn(released, conversationId, reason);
      // Who holds it now is not ours to know (unless we may read it): the chat is simply no longer mine.
      const c = conversations.value.get(conversationId);
      if (c)
        guess({
          ...c,
          agentId: null,
          ...(reason === 'closed' || reason === 'erased' ? { state: 'closed' as const } : reason === 'returned' ? { state: 'bot' as const } : {}),
          version: c.version + 1,
        });
    });
  });
  s.on('message:new', ({ conversationId, message }) => {
    merge(conversationId, [message]);
    if (message.role === 'customer') {
      setIn(customerTypingAt, conversationId, undefined);
      const mine = mineIds.value.includes(conversationId);
      if (conversationId !== current.value || document.hidden) setIn(unread, conversationId, (unread.value.get(conversationId) ?? 0) + 1);
      if (mine && document.hidden) notify(alertName(conversations.value.get(conversationId) ?? { customerId: conversationId, channelId: '' }), message.text);
    } else if ((message.role === 'bot' || message.role === 'system') && conversationId === current.value) {
      // The bot acted on the customer's words (a consent answered or withdrawn, an e-mail saved): the open profile
      // is read again, so the panel never shows a state the customer has just changed.
      void loadChat(conversationId);
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
      restoreDrafts(me.value!.id, mineIds.value);
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
  resetViewing();
  // Customers of my chats, for names and the profile.
  for (const id of mineIds.value) if (!customers.value.has(conversations.value.get(id)?.customerId ?? '')) void loadChat(id);
  askNotificationPermission();
}

/**
 * Leaves the console. Drafts leave the tab always (the next person signing in here must not see them); `forget`
 * (a sign-out, a revoked session) removes them from the browser too; an expired session keeps them for the same
 * user's next sign-in (they are kept under that user, so nobody else reads them), until they age out.
 */
export function signOutLocal(code: string, forget = false): void {
  setSocket(undefined)?.disconnect();
  dropDrafts(forget);
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
  signOutLocal('', true);
}

export function setPresence(p: 'online' | 'away' | 'offline'): void {
  presence.value = p;
  void act('presence:set', { presence: p });
}

// ---- clock, title

setInterval(() => (now.value = Date.now()), 1000);

effect(() => {
  const n = unreadTotal.value;
  const title = tr('consoleTitle');
  document.title = n > 0 ? `(${n}) ${title}` : title;
});
