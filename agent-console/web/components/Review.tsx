import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { offeredChoices } from '../../../models/offeredChoices';
import type { Conversation, Message, Transcript } from '../../../models/records';
import type { TranscriptSummary } from '../../../store/store';
import { channelName, customerLabel, dateTime, decimal, isolate, timeOfDay } from '../format';
import { ApiError, download } from '../http';
import { errorText, tr, type Key } from '../i18n';
import { agents, staffNamesake, type ReviewTab } from '../state';
import { call, localDay, reasonText, timeZone } from './reviewShared';
import { AuditLog } from './AuditLog';
import { Dashboard } from './Dashboard';
import { AttachmentList } from './Attachments';
import { Choices } from './Choices';

/**
 * Supervisor pages: transcript review (search, filters, one transcript with tags and annotations, exports),
 * the dashboard (Dashboard.tsx), and the audit log for admins (AuditLog.tsx). People are named everywhere: staff by the board's names,
 * customers by name or their visitor label.
 */
export function Review({ tab }: { tab: ReviewTab }) {
  const [message, setMessage] = useState('');
  const fail = (err: unknown) => setMessage(err instanceof ApiError ? err.code : 'INTERNAL');
  return (
    <main class="review" id="review" tabIndex={-1}>
      {message ? (
        <div class="error" role="alert" id="review-error">
          {errorText(message)}
        </div>
      ) : null}
      {tab === 'transcripts' ? <Transcripts fail={fail} /> : tab === 'dashboard' ? <Dashboard fail={fail} /> : <AuditLog fail={fail} />}
    </main>
  );
}

const _FILTERS = [
  'q',
  'from',
  'to',
  'channel',
  'state',
  'reason',
  'intent',
  'sentimentMin',
  'sentimentMax',
  'ratingMin',
  'ratingMax',
  'tag',
  'segment',
  'agent',
  'customer',
] as const;
type Filter = (typeof _FILTERS)[number];
const REASONS = ['customer_asked', 'not_understood', 'negative_sentiment', 'important_customer', 'policy_intent', 'social_mention', 'dialog_decided'];
const STATES = ['bot', 'queued', 'agent', 'external', 'closed'];

/** Transcript search keeps its filters and results while the supervisor moves between pages. */
const remembered: { filters: Partial<Record<Filter, string>>; results: TranscriptSummary[]; shown: string; nextCursor: string | null; loaded: boolean } = {
  filters: {},
  results: [],
  shown: '',
  nextCursor: null,
  loaded: false,
};

function Transcripts({ fail }: { fail: (e: unknown) => void }) {
  const [filters, setFilters] = useState(remembered.filters);
  const [results, setResults] = useState(remembered.results);
  // The filters the shown results answer (the table carries them, so a reader knows what it is looking at).
  const [shown, setShown] = useState(remembered.shown);
  // Only the latest search may fill the table: the first load can answer after a filtered search sent later.
  const latest = useRef(0);
  const [nextCursor, setNext] = useState(remembered.nextCursor);
  const [openT, setOpen] = useState<Transcript | undefined>(undefined);
  const set = (k: Filter, v: string) => setFilters((f) => (remembered.filters = { ...f, [k]: v }));
  // Customers seen in results, offered as the customer filter's suggestions, sent as typed: the server finds names
  // and parts of them, and a visitor's label ("Visitor 4821", "4821") finds every nameless visitor with that number.
  // Labels that several customers in the table share (four digits collide) get their ids' first characters beside them.
  const { labels, shared } = useMemo(() => {
    const byLabel = new Map<string, Set<string>>();
    for (const r of results) {
      const label = customerLabel(r.customerName, r.conversation.customerId);
      byLabel.set(label, (byLabel.get(label) ?? new Set()).add(r.conversation.customerId));
    }
    return { labels: [...byLabel.keys()], shared: new Set([...byLabel].filter(([, ids]) => ids.size > 1).map(([label]) => label)) };
  }, [results]);

  const query = (extra: Record<string, string> = {}) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) {
      let value = v?.trim();
      if (value && (k === 'from' || k === 'to') && /^\d{4}-\d{2}-\d{2}$/.test(value)) value = localDay(value, k === 'to');
      if (value) p.set(k, value);
    }
    return p;
  };
  const search = async (more: boolean) => {
    const mine = ++latest.current;
    try {
      const asked = query().toString();
      const p = query({ limit: '50', ...(more && nextCursor ? { cursor: nextCursor } : {}) });
      const r = await call<{ items: TranscriptSummary[]; nextCursor: string | null }>(`/api/transcripts?${p}`);
      if (mine !== latest.current) return;
      const items = more ? [...results, ...r.items] : r.items;
      Object.assign(remembered, { results: items, shown: asked, nextCursor: r.nextCursor, loaded: true });
      setResults(items);
      setShown(asked);
      setNext(r.nextCursor);
    } catch (err) {
      if (mine === latest.current) fail(err);
    }
  };
  useEffect(() => {
    if (!remembered.loaded) void search(false);
  }, []);
  const openTranscript = (id: string) => call<Transcript>(`/api/transcripts/${encodeURIComponent(id)}`).then(setOpen, fail);
  const exportAs = async (format: 'csv' | 'json') => {
    try {
      const body = Object.fromEntries([...query().entries(), ['format', format]]);
      const { url } = await call<{ url: string }>('/api/transcripts/export-link', { method: 'POST', body });
      download(url, `transcripts.${format}`);
    } catch (err) {
      fail(err);
    }
  };
  const input = (name: Filter, attrs: Record<string, string> = {}) => (
    <label>
      {tr(('f_' + name) as Key)}
      <input id={`f-${name}`} name={name} value={filters[name] ?? ''} onInput={(e) => set(name, e.currentTarget.value)} {...attrs} />
    </label>
  );
  const select = (name: Filter, options: [string, string][]) => (
    <label>
      {tr(('f_' + name) as Key)}
      <select id={`f-${name}`} value={filters[name] ?? ''} onChange={(e) => set(name, e.currentTarget.value)}>
        <option value="">{tr('any')}</option>
        {options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
  const staff = agents.value.map((a) => [a.id, a.name] as [string, string]);
  return (
    <div class="review-split">
      <section class="review-list" aria-label={tr('tabTranscripts')}>
        <form class="filters" id="filters" onSubmit={(e) => (e.preventDefault(), void search(false))}>
          {input('q', { type: 'search', placeholder: tr('searchWords'), class: 'wide' })}
          {input('from', { type: 'date' })}
          {input('to', { type: 'date' })}
          <p class="meta" id="f-zone">
            {tr('daysInZone', { zone: timeZone() })}
          </p>
          {input('channel', { placeholder: 'webchat, msteams…' })}
          {select(
            'state',
            STATES.map((s) => [s, tr(('state_' + s) as Key)]),
          )}
          {select(
            'reason',
            REASONS.map((r) => [r, reasonText(r)]),
          )}
          {input('intent', { placeholder: 'order.track' })}
          {input('sentimentMin', { type: 'number', min: '-1', max: '1', step: '0.1' })}
          {input('sentimentMax', { type: 'number', min: '-1', max: '1', step: '0.1' })}
          {input('ratingMin', { type: 'number', min: '1', max: '5', step: '1' })}
          {input('ratingMax', { type: 'number', min: '1', max: '5', step: '1' })}
          {input('tag')}
          {input('segment', { placeholder: 'vip' })}
          {select('agent', staff)}
          {input('customer', { list: 'customer-names', placeholder: tr('customerHint') })}
          <datalist id="customer-names">
            {labels.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <div class="actions">
            <button class="primary" type="submit" id="search">
              {tr('search')}
            </button>
            <button type="button" id="export-csv" onClick={() => void exportAs('csv')}>
              {tr('exportCsv')}
            </button>
            <button type="button" id="export-json" onClick={() => void exportAs('json')}>
              {tr('exportJson')}
            </button>
          </div>
        </form>
        {results.length ? (
          <div class="table-scroll">
            <table class="grid" id="results" data-query={shown}>
              <thead>
                <tr>
                  {(['started', 'channel', 'customer', 'state', 'reason', 'rating', 'sentiment', 'messagesCol', 'tags'] as Key[]).map((k) => (
                    <th key={k} scope="col">
                      {tr(k)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {results.map((i) => (
                  <tr
                    key={i.conversation.id}
                    data-conversation={i.conversation.id}
                    class={openT?.conversation.id === i.conversation.id ? 'active' : ''}
                    onClick={() => void openTranscript(i.conversation.id)}
                  >
                    <td>
                      <button class="link" onClick={(e) => (e.stopPropagation(), void openTranscript(i.conversation.id))}>
                        {dateTime(i.conversation.createdAt)}
                      </button>
                    </td>
                    <td>{channelName(i.conversation.channelId)}</td>
                    <CustomerCell summary={i} shared={shared} />
                    <td>{tr(('state_' + i.conversation.state) as Key)}</td>
                    <td>{reasonText(i.conversation.handoffReason)}</td>
                    <td>{i.conversation.satisfaction ? `${i.conversation.satisfaction.score}/5` : '—'}</td>
                    <td>{i.sentiment === null ? '—' : decimal(i.sentiment, 2)}</td>
                    <td>{i.customerMessages}</td>
                    <td>{i.conversation.tags.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <div class="empty" id="no-results">
            {tr('noResults')}
          </div>
        )}
        {nextCursor ? (
          <button id="more" onClick={() => void search(true)}>
            {tr('more')}
          </button>
        ) : null}
      </section>
      <section class="review-detail" id="transcript" aria-label={tr('pickTranscript')}>
        {openT ? (
          <TranscriptView
            key={openT.conversation.id}
            t={openT}
            fail={fail}
            onChange={(t) => {
              setOpen(t);
              setResults((rs) => (remembered.results = rs.map((i) => (i.conversation.id === t.conversation.id ? { ...i, conversation: t.conversation } : i))));
            }}
          />
        ) : (
          <div class="empty">{tr('pickTranscript')}</div>
        )}
      </section>
    </div>
  );
}

/**
 * The customer's cell: the name, or the visitor's label with the profile id in its tooltip; a label another customer
 * in the table also bears gets the first eight characters of the id beside it, so two "Visitor 6290" read apart.
 */
function CustomerCell({ summary, shared }: { summary: TranscriptSummary; shared: ReadonlySet<string> }) {
  const id = summary.conversation.customerId;
  const label = customerLabel(summary.customerName, id);
  const nameless = !summary.customerName?.trim();
  return (
    <td class="customer" title={nameless ? id : undefined} data-customer={id}>
      {label}
      {shared.has(label) ? <span class="meta customer-id">{` · ${id.slice(0, 8)}`}</span> : null}
    </td>
  );
}

function TranscriptView({ t, fail, onChange }: { t: Transcript; fail: (e: unknown) => void; onChange: (t: Transcript) => void }) {
  const c = t.conversation;
  const [tags, setTags] = useState(c.tags.join(', '));
  const [note, setNote] = useState('');
  // The heading names the channel once, after the customer: the visitor label goes without it.
  const customer = customerLabel(t.customer?.displayName, c.customerId);
  const offered = useMemo(() => offeredChoices(t.messages), [t.messages]);
  const staffName = (id?: string) => (id ? (t.staff[id] ?? agents.value.find((a) => a.id === id)?.name ?? tr('someone')) : tr('someone'));
  const who = (m: Message) => {
    // Marked as the customer's whatever name they gave (it never reads as staff or the bot).
    if (m.role === 'customer') return ` · ${tr('customer')}`;
    if (m.role === 'bot') return 'Bot';
    if (m.role === 'agent')
      return `${staffName(m.authorId)}${m.kind === 'note' ? ` · ${tr(m.data?.annotation ? 'annotation' : 'note')}` : m.kind === 'whisper' ? ` · ${tr('whisper')}` : ''}`;
    return tr('system');
  };
  const line = (m: Message) => {
    if (m.kind === 'event') {
      // What the server writes in state and satisfaction events (ids, reasons and comments are strings).
      const d: Record<string, unknown> & { reason?: string; agentId?: string; toAgentId?: string; comment?: string } = m.data ?? {};
      const text =
        d.type === 'state'
          ? `${tr(('state_' + String(d.from)) as Key)} → ${tr(('state_' + String(d.to)) as Key)}${d.reason ? ` (${reasonText(String(d.reason))})` : ''}${d.agentId || d.toAgentId ? ` · ${staffName(String(d.toAgentId ?? d.agentId))}` : ''}`
          : d.type === 'satisfaction'
            ? `${tr('rating')}: ${String(d.score)}/5${d.comment ? ` “${isolate(String(d.comment))}”` : ''}`
            : m.text;
      return <div class="msg event" key={m.seq} data-seq={m.seq}>{`${timeOfDay(m.createdAt)} · ${text}`}</div>;
    }
    const detail =
      m.role === 'customer' && m.intent ? ` · ${m.intent}${typeof m.sentiment === 'number' ? ` · ${tr('sentiment')} ${decimal(m.sentiment, 2)}` : ''}` : '';
    return (
      <div class={`msg ${m.kind === 'message' ? m.role : m.kind}`} key={m.seq} data-seq={m.seq}>
        <div class="who">
          {`${timeOfDay(m.createdAt)} · `}
          {/* The customer's name in its own isolate: nothing in it moves the labels around it. */}
          {m.role === 'customer' ? <bdi>{customer}</bdi> : null}
          {`${who(m)}${detail}`}
        </div>
        <AttachmentList m={m} />
        <bdi dir="auto">{m.text}</bdi>
        {offered.has(m.seq) ? <Choices choices={offered.get(m.seq)!} /> : null}
      </div>
    );
  };
  const saveTags = () =>
    call<{ conversation: Conversation }>(`/api/transcripts/${encodeURIComponent(c.id)}/tags`, {
      method: 'PUT',
      body: {
        tags: tags
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      },
    }).then((r) => onChange({ ...t, conversation: r.conversation }), fail);
  const annotate = () => {
    if (!note.trim()) return;
    void call<{ message: Message }>(`/api/transcripts/${encodeURIComponent(c.id)}/annotations`, { method: 'POST', body: { text: note } }).then((r) => {
      setNote('');
      onChange({ ...t, messages: [...t.messages, r.message] });
    }, fail);
  };
  return (
    <div>
      <h2
        id="t-title"
        title={t.customer?.displayName?.trim() ? undefined : c.customerId}
      >{`${customer} · ${channelName(c.channelId)} · ${dateTime(c.createdAt)}`}</h2>
      {staffNamesake(t.customer?.displayName) ? (
        <p class="tag namesake" id="t-namesake">
          {tr('staffNamesake')}
        </p>
      ) : null}
      <dl class="facts">
        <dt>{tr('f_reason')}</dt>
        <dd id="t-reason">{reasonText(c.handoffReason)}</dd>
        <dt>{tr('rating')}</dt>
        <dd id="t-rating">{c.satisfaction ? `${c.satisfaction.score}/5${c.satisfaction.comment ? ` “${isolate(c.satisfaction.comment)}”` : ''}` : '—'}</dd>
        <dt>{tr('f_state')}</dt>
        <dd>{tr(('state_' + c.state) as Key)}</dd>
        <dt>{tr('agents')}</dt>
        <dd id="t-agents">{(c.handledBy ?? []).map((a) => staffName(a)).join(', ') || '—'}</dd>
        <dt>{tr('segments')}</dt>
        <dd>{t.customer?.segments.join(', ') || '—'}</dd>
      </dl>
      <form class="row" onSubmit={(e) => (e.preventDefault(), void saveTags())}>
        <input id="t-tags" aria-label={tr('tags')} value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <button id="t-tags-save" type="submit">
          {tr('saveTags')}
        </button>
      </form>
      <div class="messages" id="t-messages">
        {t.messages.map(line)}
      </div>
      <form class="row" onSubmit={(e) => (e.preventDefault(), annotate())}>
        <textarea id="t-note" aria-label={tr('annotate')} placeholder={tr('annotateHint')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        <button id="t-note-add" type="submit">
          {tr('annotate')}
        </button>
      </form>
    </div>
  );
}
