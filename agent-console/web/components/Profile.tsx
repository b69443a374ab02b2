import { useEffect, useState } from 'preact/hooks';
import type { Customer } from '../../../models/records';
import { channelName, customerLabel, dateTime, identityLabel } from '../format';
import { formatNumber, tr } from '../i18n';
import {
  conversations,
  current,
  customers,
  decideSuggestion,
  draftOf,
  history,
  isLead,
  loadMerges,
  merges,
  pane,
  saveCustomer,
  sentimentHistory,
  setConsent,
  staffNamesake,
  suggestions,
  undoMerge,
} from '../state';
import { SentimentChart } from './SentimentChart';

/** The consent in force for a purpose on a channel: the latest event for that channel or for every channel. */
function consentNow(p: Customer, purpose: string, channel: string): boolean {
  const last = [...p.consent].reverse().find((e) => e.purpose === purpose && (e.channel === channel || e.channel === '*'));
  return last ? last.granted : purpose === 'service';
}

export function Profile() {
  const c = current.value ? conversations.value.get(current.value) : undefined;
  const p = c ? customers.value.get(c.customerId) : undefined;
  return (
    <aside class="profile" id="profile" aria-labelledby="profile-title">
      <div class="pane-head">
        <button class="back" id="back-to-chat" aria-label={tr('navChat')} onClick={() => (pane.value = 'chat')}>
          ←
        </button>
        <h2 id="profile-title">{tr('profile')}</h2>
      </div>
      {c && p ? <ProfileBody key={p.id} p={p} channelId={c.channelId} conversationId={c.id} /> : <div class="empty">{tr('noProfile')}</div>}
    </aside>
  );
}

function Score({ id, label, score, counts }: { id: string; label: string; score: number; counts: string }) {
  const n = Math.round(score);
  return (
    <div class="score" id={id}>
      <div class="score-line">
        <span class="score-label">{label}</span>
        <strong class="score-value">{tr('outOf100', { n })}</strong>
      </div>
      <meter min={0} max={100} low={34} high={67} optimum={100} value={n} aria-label={`${label}: ${tr('outOf100', { n })}`} />
      <div class="meta">{counts}</div>
    </div>
  );
}

function ProfileBody({ p, channelId, conversationId }: { p: Customer; channelId: string; conversationId: string }) {
  const [tags, setTags] = useState(p.tags.join(', '));
  const [asked, setAsked] = useState<string[]>([]);
  const draft = draftOf(conversationId);
  const notes = (p.attributes.notes as { by: string; at: string; text: string }[] | undefined) ?? [];
  const past = history.value.get(conversationId) ?? [];
  const mine = suggestions.value.filter((x) => x.customerId === p.id || x.candidateId === p.id);
  return (
    <div class="profile-body">
      <dl>
        <dt>{tr('name')}</dt>
        <dd>
          <span id="profile-name">{customerLabel(p.displayName, p.id)}</span>
          {staffNamesake(p.displayName) ? (
            <span class="tag namesake" id="profile-namesake">
              {tr('staffNamesake')}
            </span>
          ) : null}
        </dd>
        <dt>{tr('language')}</dt>
        <dd>{p.language ?? '—'}</dd>
        <dt>{tr('identities')}</dt>
        <dd>
          {p.identities.map((i, k) => (
            // The raw id stays one hover (or a copy) away for supervisors tracing a channel's record.
            <div key={k} class="identity" title={i.userId} data-user-id={i.userId}>
              {`${identityLabel(i, p.id)}${i.verified ? ' ✓' : ''}`}
            </div>
          ))}
        </dd>
        <dt>{tr('contacts')}</dt>
        <dd>
          {p.contacts.length ? p.contacts.map((x, k) => <div key={k}>{`${x.type}: ${x.value}${x.verified ? ' ✓' : ` (${tr('unverified')})`}`}</div>) : '—'}
        </dd>
        <dt>{tr('consent')}</dt>
        <dd>
          <div>
            {(['service', 'proactive', 'marketing'] as const).map((purpose) => `${purpose}: ${consentNow(p, purpose, channelId) ? '✓' : '✗'}`).join(' · ')}
          </div>
          {(['proactive', 'marketing'] as const).map((purpose) => {
            const granted = consentNow(p, purpose, channelId);
            return (
              <span key={purpose}>
                <button
                  id={`consent-${purpose}`}
                  onClick={() =>
                    void setConsent({ customerId: p.id, purpose, channel: channelId, granted: !granted }).then((q) => q && setAsked([...asked, purpose]))
                  }
                >
                  {`${granted ? tr('withdraw') : tr('grant')} ${purpose} (${channelName(channelId)})`}
                </button>
                {!granted && asked.includes(purpose) ? <span id={`consent-${purpose}-asked`}>{tr('consentAsked')}</span> : null}
              </span>
            );
          })}
        </dd>
        <dt>{tr('segments')}</dt>
        <dd>{p.segments.join(', ') || '—'}</dd>
      </dl>
      <Score
        id="engagement"
        label={tr('engagement')}
        score={p.engagement.score}
        counts={tr('engagementCounts', { c: formatNumber(p.engagement.conversations), m: formatNumber(p.engagement.messages) })}
      />
      <Score id="reach" label={tr('reach')} score={p.reach.score} counts={tr('reachCounts', { f: formatNumber(p.reach.followers) })} />
      {mine.length ? (
        <section aria-labelledby="same-person">
          <h3 id="same-person">{tr('samePerson')}</h3>
          <div id="suggestions">
            {mine.map((x) => (
              <div class="item" key={x.id}>
                <div>{`${Math.round(x.score * 100)} %`}</div>
                <ul class="evidence">
                  {x.evidence.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
                <button class="primary" data-confirm={x.id} onClick={() => void decideSuggestion(x.id, true)}>
                  {tr('merge')}
                </button>{' '}
                <button data-reject={x.id} onClick={() => void decideSuggestion(x.id, false)}>
                  {tr('notSame')}
                </button>
              </div>
            ))}
          </div>
        </section>
      ) : null}
      {isLead.value ? <Merges customerId={p.id} /> : null}
      <h3>{tr('tags')}</h3>
      <form
        class="row"
        onSubmit={(e) => (
          e.preventDefault(),
          void saveCustomer({
            customerId: p.id,
            tags: tags
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
          })
        )}
      >
        <input id="tags-input" aria-label={tr('tags')} value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <button id="tags-save" type="submit">
          {tr('save')}
        </button>
      </form>
      <h3>{tr('notes')}</h3>
      <div id="notes">
        {notes.map((n, k) => (
          <div class="item" key={k}>
            <div class="meta">{`${n.by} · ${dateTime(n.at)}`}</div>
            {n.text}
          </div>
        ))}
      </div>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const text = draft.profileNote.value;
          if (!text.trim()) return;
          void saveCustomer({ customerId: p.id, addNote: text }).then((ok) => ok && draft.profileNote.value === text && (draft.profileNote.value = ''));
        }}
      >
        <textarea
          id="note-input"
          aria-label={tr('addNote')}
          value={draft.profileNote.value}
          onInput={(e) => (draft.profileNote.value = e.currentTarget.value)}
        />
        <button id="note-save" type="submit" disabled={!draft.profileNote.value.trim()}>
          {tr('addNote')}
        </button>
      </form>
      <h3 id="sentiment-title">{tr('sentimentTrend')}</h3>
      <SentimentChart points={sentimentHistory.value.get(p.id) ?? []} />
      <h3>{tr('pastConversations')}</h3>
      {past.length ? (
        <ul class="plain">
          {past.map((x) => (
            <li
              key={x.conversation.id}
            >{`${dateTime(x.conversation.createdAt)} · ${channelName(x.conversation.channelId)} · ${x.conversation.satisfaction ? `${x.conversation.satisfaction.score}/5` : '—'}`}</li>
          ))}
        </ul>
      ) : (
        <div class="meta">—</div>
      )}
    </div>
  );
}

/** Supervisors: merges into this customer, each with an undo (refused with a sentence when a side was erased). */
function Merges({ customerId }: { customerId: string }) {
  useEffect(() => void loadMerges(customerId), [customerId]);
  const list = merges.value.get(customerId) ?? [];
  if (!list.length) return null;
  return (
    <section aria-labelledby="merges-title">
      <h3 id="merges-title">{tr('merges')}</h3>
      <div id="merges">
        {list.map((m) => (
          <div class="item" key={m.mergeId} data-merge={m.mergeId}>
            <div>{tr('mergedFrom', { name: m.erased ? '—' : customerLabel(m.absorbedName, m.absorbedId), date: dateTime(m.at) })}</div>
            {m.undone ? (
              <span class="meta">{tr('mergeUndone')}</span>
            ) : (
              <button data-undo-merge={m.mergeId} onClick={() => void undoMerge(m.mergeId, customerId)}>
                {tr('undoMerge')}
              </button>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
