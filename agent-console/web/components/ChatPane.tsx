import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { offeredChoices, type OfferedChoice } from '../../../models/offeredChoices';
import type { Message } from '../../../models/records';
import type { ConversationView } from '../../server/protocol';
import { channelName, dateTime, decimal, isolate, timeOfDay } from '../format';
import { tr, trMaybe, type Key } from '../i18n';
import {
  agentName,
  agents,
  chatStaffNamesake,
  claim,
  closeChat,
  collisionOf,
  conversations,
  current,
  customerTypingAt,
  decline,
  displayName,
  draftOf,
  history,
  isLead,
  me,
  messagesOf,
  now,
  offeredIds,
  pane,
  queueIds,
  reassign,
  reassignedBy,
  refreshAgents,
  released,
  resent,
  retry,
  returnToBot,
  sending,
  takenElsewhere,
  leftQueue,
  takenOverBy,
  takeover,
  transfer,
  transferOf,
  cameFromLine,
  isUndelivered,
} from '../state';
import { Clocks, Countdown } from './Inbox';
import { Composer } from './Composer';
import { AttachmentList } from './Attachments';
import { Choices } from './Choices';

export function ChatPane() {
  const c = current.value ? conversations.value.get(current.value) : undefined;
  return (
    <main class="chat" id="main" tabIndex={-1} aria-label={c ? displayName(c) : tr('navChat')}>
      {c ? <ChatView key={c.id} c={c} /> : <div class="empty">{tr('pickChat')}</div>}
    </main>
  );
}

function ChatView({ c }: { c: ConversationView }) {
  const user = me.value!;
  const mineNow = c.state === 'agent' && c.agentId === user.id;
  const offer = offeredIds.value.has(c.id);
  const gone = c.state === 'queued' && takenElsewhere.value.has(c.id) && !queueIds.value.includes(c.id);
  // No longer this agent's (taken over, reassigned, transferred, closed): read-only, its clock and collision signals
  // stop, and a half-typed reply stays readable to copy instead of vanishing with the composer.
  const ended = !mineNow && (released.value.has(c.id) || c.state === 'closed');
  return (
    <>
      <header class="chat-header">
        <button class="back" id="back-to-list" aria-label={tr('backToList')} onClick={() => (pane.value = 'list')}>
          ←
        </button>
        <div class="chat-title">
          <h1 id="chat-title">{displayName(c)}</h1>
          {chatStaffNamesake(c) ? (
            <span class="tag namesake" id="chat-namesake">
              {tr('staffNamesake')}
            </span>
          ) : null}
          <span class="meta">
            {[
              tr(('reason_' + (c.handoffReason ?? 'none')) as Key),
              channelName(c.channelId),
              c.state === 'agent' && !mineNow ? agentName(c.agentId) : tr(('state_' + c.state) as Key),
            ].join(' · ')}
          </span>
          {ended ? null : <Clocks c={c} />}
        </div>
        <div class="actions" role="group" aria-label={tr('chatActions')}>
          {c.state === 'queued' && !gone ? (
            <button class="primary" id="accept" onClick={() => void claim(c.id)}>
              {tr('accept')}
            </button>
          ) : null}
          {offer ? (
            <button id="decline" onClick={() => void decline(c.id)}>
              {tr('decline')}
            </button>
          ) : null}
          {!mineNow && isLead.value && (c.state === 'agent' || c.state === 'queued') ? (
            <button id="takeover" onClick={() => void takeover(c.id)}>
              {tr('takeover')}
            </button>
          ) : null}
          {mineNow ? <TransferMenu c={c} /> : null}
          {!mineNow && isLead.value && (c.state === 'agent' || c.state === 'queued') ? <TransferMenu c={c} reassigning /> : null}
          {mineNow ? (
            <button id="return" onClick={() => void returnToBot(c.id)}>
              {tr('returnToBot')}
            </button>
          ) : null}
          {mineNow ? (
            <button id="close" onClick={() => void closeChat(c.id)}>
              {tr('close')}
            </button>
          ) : null}
          <button class="to-profile" id="show-profile" onClick={() => (pane.value = 'profile')}>
            {tr('showProfile')}
          </button>
        </div>
      </header>
      <Banners c={c} offer={offer} mineNow={mineNow} gone={gone} />
      {ended ? null : <Collision id={c.id} />}
      <MessageList c={c} />
      <TypingLine id={c.id} />
      {mineNow || (isLead.value && !ended) ? <Composer c={c} mineNow={mineNow} /> : <KeptDraft id={c.id} />}
    </>
  );
}

function Banners({ c, offer, mineNow, gone }: { c: ConversationView; offer: boolean; mineNow: boolean; gone: boolean }) {
  const why = released.value.get(c.id);
  const transfer = mineNow ? transferOf(c.id) : undefined;
  const by = !mineNow ? takenOverBy(c.id) : undefined;
  return (
    <div class="banners" aria-live="polite">
      {offer ? (
        <div class="banner offer" id="offer-banner">
          <strong>{tr('offeredToYou')}</strong> · <Countdown c={c} />
        </div>
      ) : null}
      {transfer ? (
        <div class="banner" id="transfer-banner">
          {cameFromLine(transfer, agentName)}
          {transfer.note ? <div class="meta">{tr('noteFromTransfer', { note: transfer.note })}</div> : null}
        </div>
      ) : null}
      {gone ? (
        <div class="banner muted" id="gone-banner">
          {leftQueue.value.get(c.id) ? tr('leftQueueBecause', { why: tr(`queueLeft_${leftQueue.value.get(c.id)!}`) }) : tr('takenElsewhere')}
        </div>
      ) : null}
      {why && !mineNow ? (
        <div class="banner muted" id="released-banner">
          {by
            ? tr('takenOverBy', { name: agentName(by) })
            : why === 'reassigned' && reassignedBy.value.get(c.id)
              ? tr('reassignedBy', { name: agentName(reassignedBy.value.get(c.id)) })
              : tr(`chatReleased_${why}`)}
        </div>
      ) : null}
      {!why && !mineNow && c.state === 'closed' ? (
        <div class="banner muted" id="released-banner">
          {tr('chatReleased_closed')}
        </div>
      ) : null}
    </div>
  );
}

/** What the agent had typed when the chat stopped being theirs: shown read-only, to copy, never silently dropped. */
function KeptDraft({ id }: { id: string }) {
  const draft = draftOf(id);
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const text = [draft.reply.value, draft.note.value].filter((t) => t.trim()).join('\n\n');
  if (!text) return null;
  const copy = async () => {
    box.current?.select();
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin): the text is selected for Ctrl+C.
    }
  };
  return (
    <section class="kept-draft" id="kept-draft" aria-labelledby="kept-draft-title">
      <p id="kept-draft-title">{tr('keptDraft')}</p>
      <textarea ref={box} id="kept-draft-text" readOnly value={text} aria-labelledby="kept-draft-title" />
      <button type="button" id="copy-draft" onClick={() => void copy()}>
        {copied ? tr('copied') : tr('copyDraft')}
      </button>
    </section>
  );
}

/** Collision signals: colleagues with this chat open, and who of them is writing (a reply, or a note or whisper). */
function Collision({ id }: { id: string }) {
  const { viewing, typing } = collisionOf(id, now.value);
  const line = [
    ...typing.map((t) => tr(t.internal ? 'isWritingNote' : 'isTyping', { name: t.name })),
    ...(viewing.length ? [tr('isViewing', { names: viewing.map((v) => v.name).join(', ') })] : []),
  ].join(' · ');
  return (
    <div class="collision" id="collision" aria-live="polite" data-viewers={viewing.map((v) => v.name).join(',')}>
      {line}
    </div>
  );
}

/** The owner's transfer, or (reassigning) a supervisor's reassignment of someone else's or a queued chat. */
function TransferMenu({ c, reassigning = false }: { c: ConversationView; reassigning?: boolean }) {
  const [openMenu, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const draft = draftOf(c.id);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!openMenu) return;
    void refreshAgents();
    panel.current?.querySelector('select')?.focus();
  }, [openMenu]);
  const colleagues = agents.value.filter((a) => a.id !== (reassigning ? c.agentId : me.value?.id) && a.role !== 'admin');
  const ids = reassigning
    ? { open: 'reassign-open', panel: 'reassign-panel', target: 'reassign-target', go: 'reassign' }
    : { open: 'transfer-open', panel: 'transfer-panel', target: 'transfer-target', go: 'transfer' };
  const label = reassigning ? tr('reassign') : tr('transfer');
  const go = () => void (reassigning ? reassign(c.id, target) : transfer(c.id, target)).then((ok) => ok && setOpen(false));
  const skills = [...new Set(['orders', 'billing', ...agents.value.flatMap((a) => a.skills)])];
  return (
    <div class="menu-wrap">
      <button id={ids.open} aria-expanded={openMenu} aria-controls={ids.panel} onClick={() => setOpen(!openMenu)}>
        {label}…
      </button>
      {openMenu ? (
        <div class="menu" id={ids.panel} ref={panel} role="group" aria-label={label} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <label>
            {reassigning ? tr('reassignTo') : tr('transferTo')}
            <select id={ids.target} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="">{reassigning ? tr('reassignTo') : tr('transferTo')}</option>
              {colleagues.map((a) => (
                // The server refuses an offline, away or full agent (HANDOFF_AGENT_OFFLINE, HANDOFF_AGENT_AWAY, HANDOFF_AT_CAPACITY): shown, not choosable.
                <option key={a.id} value={`agent:${a.id}`} data-presence={a.presence} disabled={a.presence !== 'online' || a.activeChats >= a.capacity}>
                  {`${a.name} · ${tr(a.presence)} · ${a.activeChats}/${a.capacity}${a.activeChats >= a.capacity ? ` (${tr('atCapacity')})` : ''}`}
                </option>
              ))}
              {skills.map((s) => (
                <option key={s} value={`skill:${s}`}>{`${tr('skill')}: ${s}`}</option>
              ))}
            </select>
          </label>
          {reassigning ? null : (
            <label>
              {tr('transferNote')}
              <input id="transfer-note" value={draft.transferNote.value} onInput={(e) => (draft.transferNote.value = e.currentTarget.value)} />
            </label>
          )}
          <button class="primary" id={ids.go} disabled={!target} onClick={go}>
            {label}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** Keeps the reader's place: follows new messages only when already at the bottom. */
function MessageList({ c }: { c: ConversationView }) {
  const list = useRef<HTMLDivElement>(null);
  /** The list's height as last laid out: with the scroll position read now, whether the reader was at the bottom. */
  const shownHeight = useRef<number | undefined>(undefined);
  const msgs = messagesOf(c.id).value;
  const past = history.value.get(c.id) ?? [];
  // The buttons bot messages offered and the customer's picks: one pass over each list, only when a list changes.
  const offered = useMemo(() => offeredChoices(msgs), [msgs]);
  const pastOffered = useMemo(() => past.map((p) => offeredChoices(p.messages)), [past]);
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    // Read from the geometry, not from the last scroll event: that event comes a frame later, and a message arriving
    // in between would pull a reader who had just scrolled up back to the bottom.
    const was = shownHeight.current;
    if (was === undefined || was - el.scrollTop - el.clientHeight < 40) el.scrollTop = el.scrollHeight;
    shownHeight.current = el.scrollHeight;
  }, [msgs.length, past.length]);
  return (
    <div class="messages" id="messages" ref={list} role="log" aria-label={tr('messages')} tabIndex={0}>
      {past.map((p, i) => (
        <section class="history" key={p.conversation.id} aria-label={tr('pastConversation')}>
          <div class="msg event">{`${tr('pastConversation')} · ${channelName(p.conversation.channelId)} · ${dateTime(p.conversation.createdAt)}`}</div>
          {p.messages.map((m) => (
            <MessageItem key={m.seq} m={m} c={p.conversation} choices={pastOffered[i].get(m.seq)} />
          ))}
        </section>
      ))}
      {msgs.map((m) => (
        <MessageItem key={m.seq} m={m} c={c} choices={offered.get(m.seq)} />
      ))}
    </div>
  );
}

function eventText(m: Message): string {
  // What the server writes in state and satisfaction events (ids, reasons and comments are strings).
  const d: Record<string, unknown> & { reason?: string; agentId?: string; toAgentId?: string; comment?: string } = m.data ?? {};
  if (d.type === 'state') {
    // A reason the console has no words for is left out: never a raw code in the timeline.
    const worded = d.reason ? trMaybe('reason_' + String(d.reason)) : undefined;
    const reason = worded ? ` (${worded})` : '';
    const who = d.takeover
      ? ` · ${tr('takenOverBy', { name: agentName(String(d.agentId)) })}`
      : d.toAgentId
        ? ` · ${agentName(String(d.toAgentId))}`
        : d.agentId
          ? ` · ${agentName(String(d.agentId))}`
          : '';
    return `${tr(('state_' + String(d.from)) as Key)} → ${tr(('state_' + String(d.to)) as Key)}${reason}${who}`;
  }
  if (d.type === 'delivery_failed') return `⚠ ${tr('notDelivered')} (#${String(d.forSeq)})`;
  if (d.type === 'satisfaction') return `${tr('rating')}: ${String(d.score)}/5${d.comment ? ` “${isolate(String(d.comment))}”` : ''}`;
  return m.text;
}

function MessageItem({
  m,
  c,
  choices,
}: {
  m: Message;
  c: Pick<ConversationView, 'customerId' | 'customerName' | 'channelId'>;
  /** The buttons this bot message offered, the customer's pick marked (models/offeredChoices.ts). */
  choices?: OfferedChoice[];
}) {
  if (m.kind === 'event') return <div class="msg event" data-seq={m.seq}>{`${timeOfDay(m.createdAt)} · ${eventText(m)}`}</div>;
  // A customer's message always says it is the customer's: whatever name they gave, it never reads as staff or the bot.
  const who =
    m.role === 'customer'
      ? ` · ${tr('customer')}`
      : m.role === 'agent'
        ? `${agentName(m.authorId)}${m.kind === 'note' ? ` · ${tr('note')}` : m.kind === 'whisper' ? ` · ${tr('whisper')}` : ''}`
        : m.role === 'bot'
          ? 'Bot'
          : tr('system');
  const detail = m.role === 'customer' && m.intent ? ` · ${m.intent} · ${tr('sentiment')} ${decimal(m.sentiment ?? 0, 2)}` : '';
  const key = m.activityId ?? m.id;
  const failed = m.role === 'agent' && m.kind === 'message' && isUndelivered(m);
  const pending = m.role === 'agent' && sending.value.has(key);
  return (
    <div class={`msg ${m.kind === 'message' ? m.role : m.kind}${failed ? ' failed' : ''}`} data-seq={m.seq}>
      <div class="who">
        {/* The customer's name in its own isolate: nothing in it moves the labels around it. */}
        {m.role === 'customer' ? <bdi>{displayName(c)}</bdi> : null}
        {`${who} · ${timeOfDay(m.createdAt)}${detail}`}
        {pending ? <span class="status"> · {tr('sending')}</span> : null}
        {failed ? (
          <span class="status failed" data-undelivered>
            {' · '}⚠ {tr('notDelivered')}
            {resent.value.has(key) ? (
              ` · ${tr('sentAgain')}`
            ) : (
              <button class="link" data-retry={m.seq} onClick={() => void retry(m)}>
                {tr('retry')}
              </button>
            )}
          </span>
        ) : null}
      </div>
      <AttachmentList m={m} />
      {/* Its own direction, isolated: a customer's text cannot reorder anything around it. */}
      <bdi dir="auto">{m.text}</bdi>
      {choices ? <Choices choices={choices} /> : null}
    </div>
  );
}

function TypingLine({ id }: { id: string }) {
  const at = customerTypingAt.value.get(id);
  const on = at !== undefined && now.value - at < 4000;
  return (
    <div class="typing" id="typing" aria-live="polite">
      {on ? tr('customerTyping') : ''}
    </div>
  );
}
