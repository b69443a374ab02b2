import { useComputed } from '@preact/signals';
import { memo } from 'preact/compat';
import type { ConversationView } from '../../server/protocol';
import { channelName, clock, duration, secondsSince, slaState, timeOfDay } from '../format';
import { tr, type Key } from '../i18n';
import { InboxList } from './InboxList';
import {
  agentName,
  agents,
  chatStaffNamesake,
  claim,
  current,
  decline,
  displayName,
  inboxView,
  isLead,
  lastCustomerAt,
  me,
  queueNotices,
  now,
  offerSecondsLeft,
  offeredIds,
  open,
  search,
  settings,
  transferOf,
  cameFromLine,
  replyState,
  unansweredSince,
  unread,
  views,
  visible,
  type InboxView,
} from '../state';

const VIEWS: [InboxView, Key][] = [
  ['mine', 'viewMine'],
  ['offered', 'viewOffered'],
  ['unassigned', 'viewUnassigned'],
  ['gone', 'viewGone'],
  ['all', 'viewAll'],
];

export function Inbox() {
  const shown = VIEWS.filter(([v]) => v !== 'all' || isLead.value);
  const counts = views.value;
  return (
    <aside class="side" id="inbox" aria-label={tr('inbox')}>
      <div class="views" role="tablist" aria-label={tr('inboxViews')}>
        {shown.map(([v, k]) => (
          <button
            key={v}
            role="tab"
            id={`view-${v}`}
            aria-selected={inboxView.value === v}
            aria-controls="inbox-panel"
            class={inboxView.value === v ? 'active' : ''}
            onClick={() => (inboxView.value = v)}
          >
            {tr(k)} <span class={`count${v === 'offered' && counts.offered.length ? ' hot' : ''}`}>{counts[v].length}</span>
          </button>
        ))}
      </div>
      <input
        id="inbox-search"
        type="search"
        placeholder={tr('inboxSearch')}
        aria-label={tr('inboxSearch')}
        value={search.value}
        onInput={(e) => (search.value = e.currentTarget.value)}
      />
      {/* Chats that left the queue with a reason (an erasure, a withdrawal, a colleague): said, not just gone. */}
      <ul id="queue-notices" class="queue-notices" aria-live="polite">
        {queueNotices.value.map((n) => (
          <li key={n.id} class="meta" data-conversation={n.conversationId} data-reason={n.released ?? n.reason}>
            {n.released
              ? tr(`releasedNotice_${n.released}`, {
                  name: n.label,
                  by: agentName(n.by),
                  to: n.toAgentId ? agentName(n.toAgentId) : n.toSkill ? tr('skillGroupNamed', { skill: n.toSkill }) : tr('someoneElse'),
                })
              : tr('leftQueueNotice', { name: n.label, why: tr(`queueLeft_${n.reason}`) })}
          </li>
        ))}
      </ul>
      <div id="inbox-panel" role="tabpanel" aria-labelledby={`view-${inboxView.value}`}>
        <InboxList
          list={visible.value}
          view={inboxView.value}
          row={(c, pos, size) => <InboxItem key={c.id} c={c} pos={pos} size={size} />}
          empty={<li class="empty">{inboxView.value === 'unassigned' && !search.value ? tr('queueEmpty') : tr('nothingHere')}</li>}
        />
      </div>
      {isLead.value ? <AgentBoard /> : null}
    </aside>
  );
}

/**
 * Memoized on its chat: a queue delta gives a new list, but the entries of unchanged chats keep their objects and
 * are not re-rendered (a thousand queued chats per push otherwise). The signals an entry reads still update it.
 */
const InboxItem = memo(function InboxItem({ c, pos, size }: { c: ConversationView; pos?: number; size?: number }) {
  // Each entry follows its own part of the shared signals: a message to one chat re-renders that chat's entry only.
  const offer = useComputed(() => offeredIds.value.has(c.id)).value;
  const active = useComputed(() => current.value === c.id).value;
  const count = useComputed(() => unread.value.get(c.id)).value;
  const kind = offer ? 'offered' : c.state === 'queued' ? (c.queueInfo?.awaySince ? 'gone' : 'queue') : c.agentId === me.value?.id ? 'mine' : 'held';
  const transfer = kind === 'mine' ? transferOf(c.id) : undefined;
  const name = displayName(c);
  return (
    <li class={`item${active ? ' active' : ''}${offer ? ' offer' : ''}`} data-conversation={c.id} data-kind={kind} aria-posinset={pos} aria-setsize={size}>
      <button class="item-open" aria-current={active ? 'true' : undefined} onClick={() => void open(c.id)}>
        <span class="item-title">
          <strong>
            <bdi>{name}</bdi>
          </strong>
          {chatStaffNamesake(c) ? <span class="tag namesake">{tr('staffNamesake')}</span> : null}
          {count ? (
            <span class="badge" aria-label={`${count} ${tr('unreadMessages')}`}>
              {count}
            </span>
          ) : null}
          {transfer ? <span class="tag">{cameFromLine(transfer, (id) => agents.value.find((a) => a.id === id)?.name ?? tr('someone'))}</span> : null}
        </span>
        <span class="meta">
          {[
            kind === 'held' ? tr('heldBy', { name: agentName(c.agentId) }) : '',
            kind === 'gone' ? tr('customerGone', { t: timeOfDay(c.queueInfo!.awaySince!) }) : '',
            tr(('reason_' + (c.handoffReason ?? 'none')) as Key),
            channelName(c.channelId),
            c.language ?? '',
            c.priority ? `${tr('priority')} ${c.priority}` : '',
            ...c.tags.filter((t) => t !== 'survey_pending'),
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
        <Clocks c={c} />
      </button>
      {offer ? (
        <div class="offer-actions">
          <Countdown c={c} />
          <button class="primary" data-accept={c.id} onClick={() => void claim(c.id)}>
            {tr('accept')}
          </button>
          <button data-decline={c.id} onClick={() => void decline(c.id)}>
            {tr('decline')}
          </button>
        </div>
      ) : null}
    </li>
  );
});

/** The only part of an offer that changes every second. */
export function Countdown({ c }: { c: ConversationView }) {
  return (
    <span class="countdown" role="timer">
      {tr('offerEndsIn', { t: clock(offerSecondsLeft(c, now.value)) })}
    </span>
  );
}

/** Waiting time for a queued chat (first response), time since the customer's unanswered message for a held one. */
export function Clocks({ c }: { c: ConversationView }) {
  // Service levels apply while a person owes an answer: never to a closed chat or one back with the bot.
  if (c.state !== 'queued' && c.state !== 'agent') return null;
  const t = now.value;
  const levels = settings.value.serviceLevels;
  if (c.state === 'queued') {
    const waited = secondsSince(c.queuedAt, t);
    if (waited === null) return null;
    const s = slaState(waited, levels.firstResponseSeconds);
    return (
      <span class={`clock sla-${s}`} data-sla={s}>
        {tr('waitingFor', { t: duration(waited) })} · {tr(`sla_${s}`)}
      </span>
    );
  }
  const since = unansweredSince(c.id);
  const waited = secondsSince(since, t);
  if (waited === null) {
    const last = secondsSince(lastCustomerAt(c.id), t);
    return last === null ? null : (
      <span class="clock" data-sla="none" data-reply="answered">
        {tr('lastCustomer', { t: duration(last) })} · {tr('answered')}
      </span>
    );
  }
  const replies = replyState(c.id);
  const limit = c.firstAgentReplyAt && replies.answered ? levels.nextResponseSeconds : levels.firstResponseSeconds;
  const s = slaState(waited, limit);
  return (
    <span class={`clock sla-${s}`} data-sla={s} data-reply={replies.lastFailed ? 'failed' : 'awaited'}>
      {tr('lastCustomer', { t: duration(waited) })} · {replies.lastFailed ? `⚠ ${tr('replyNotDelivered')} · ` : ''}
      {tr(`sla_${s}`)}
    </span>
  );
}

function AgentBoard() {
  return (
    <section class="board" aria-labelledby="agents-title">
      <h2 id="agents-title">{tr('agents')}</h2>
      <ul id="agents">
        {agents.value
          .filter((a) => a.role !== 'admin')
          .map((a) => (
            <li key={a.id} class="item" data-agent={a.id}>
              <strong>{a.name}</strong> <span class={`presence presence-${a.presence}`}>{tr(a.presence)}</span>
              <div class="meta">
                <meter
                  min={0}
                  max={a.capacity}
                  value={a.activeChats}
                  aria-label={tr('presenceOf', { name: a.name, presence: tr(a.presence), active: a.activeChats, capacity: a.capacity })}
                />{' '}
                {a.activeChats}/{a.capacity}
                {a.lastReplyAt ? ` · ${tr('lastReplyAgo', { t: duration(secondsSince(a.lastReplyAt, now.value)) })}` : ''}
              </div>
            </li>
          ))}
      </ul>
    </section>
  );
}
