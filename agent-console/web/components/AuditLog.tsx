import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuditEntry } from '../../../models/records';
import type { ConversationLabel } from '../../server/inboxProtocol';
import { channelName, customerLabel, dateTime } from '../format';
import { ApiError, download } from '../http';
import { tr, type Key } from '../i18n';
import { agents, conversationLabels, me } from '../state';
import { call } from './reviewShared';

/**
 * The audit log, for admins: filters by action and actor, pages, CSV export. Every line names people and chats:
 * staff by the board's names, customers by name or visitor label, chats by their customer, channel and start.
 */
const AUDIT_ACTIONS = [
  'auth.sign_in',
  'transcript.view',
  'transcript.search',
  'transcript.export',
  'chat.takeover',
  'chat.whisper',
  'chat.note',
  'chat.reassign',
  'customer.view',
  'customer.update',
  'customer.consent',
  'profile.merge',
  'profile.unmerge',
  'privacy.export',
  'privacy.erase',
  'attachment.download',
  'attachment.denied',
  'console.settings',
];

export function AuditLog({ fail }: { fail: (e: unknown) => void }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const names = useCustomerNames(entries);
  const chats = useConversationLabels(entries);
  const load = async (more: boolean) => {
    try {
      const p = new URLSearchParams({ limit: '100' });
      if (action) p.set('action', action);
      if (actor) p.set('actor', actor);
      if (more && cursor) p.set('cursor', cursor);
      const r = await call<{ entries: AuditEntry[]; nextCursor: string | null }>(`/api/audit?${p}`);
      setEntries(more ? [...entries, ...r.entries] : r.entries);
      setCursor(r.nextCursor);
    } catch (err) {
      fail(err);
    }
  };
  useEffect(() => void load(false), []);
  const exportCsv = async () => {
    try {
      const { url } = await call<{ url: string }>('/api/audit/export-link', { method: 'POST', body: { format: 'csv', ...(action ? { action } : {}) } });
      download(url, 'audit.csv');
    } catch (err) {
      fail(err);
    }
  };
  const staff = (id?: string) => (id ? (agents.value.find((a) => a.id === id)?.name ?? (id === me.value?.id ? me.value.name : undefined)) : undefined);
  const target = (e: AuditEntry) => {
    if (!e.targetId) return '';
    if (e.targetType === 'user') return staff(e.targetId) ?? tr('someone');
    if (e.targetType === 'customer') {
      // An erased customer has no profile left to name or open (it answers 404): said as such, never as a visitor.
      const name = e.action === 'privacy.erase' ? ERASED : names.get(e.targetId);
      if (name === ERASED) return <span class="erased">{tr('erasedCustomer')}</span>;
      return name ?? customerLabel(undefined, e.targetId);
    }
    if (e.targetType === 'conversation') {
      // Named by its customer, channel and start; a chat no longer stored (erased) by what it is, never by its id.
      const l = chats.get(e.targetId);
      return l
        ? `${tr('chatWith')} ${customerLabel(l.customerName, l.customerId)} · ${channelName(l.channelId)} · ${dateTime(l.createdAt)}`
        : tr('aConversation');
    }
    return e.targetType ?? '';
  };
  const details = (e: AuditEntry) =>
    Object.entries(e.data ?? {})
      .map(
        ([k, v]) =>
          `${k}: ${/agentid$|actorid$|userid$/i.test(k) && typeof v === 'string' ? (staff(v) ?? tr('someone')) : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean | bigint | symbol | undefined)}`,
      )
      .join(' · ');
  return (
    <div>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), void load(false))}>
        <label>
          {tr('action')}
          <input id="a-action" list="audit-actions" value={action} placeholder="transcript.view" onInput={(e) => setAction(e.currentTarget.value)} />
          <datalist id="audit-actions">
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          {tr('actor')}
          <select id="a-actor" value={actor} onChange={(e) => setActor(e.currentTarget.value)}>
            <option value="">{tr('any')}</option>
            {agents.value.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button class="primary" type="submit" id="audit-search">
            {tr('search')}
          </button>
          <button type="button" id="audit-export" onClick={() => void exportCsv()}>
            {tr('exportCsv')}
          </button>
        </div>
      </form>
      <div class="table-scroll">
        <table class="grid" id="audit">
          <thead>
            <tr>
              {(['at', 'actor', 'action', 'target', 'details'] as Key[]).map((k) => (
                <th key={k} scope="col">
                  {tr(k)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-audit={e.id}>
                <td>{dateTime(e.at)}</td>
                <td class="actor">{staff(e.actorId) ?? '—'}</td>
                <td>{e.action}</td>
                <td class="target">{target(e)}</td>
                <td>{details(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor ? (
        <button id="audit-more" onClick={() => void load(true)}>
          {tr('more')}
        </button>
      ) : null}
    </div>
  );
}

/** NOT_FOUND: the customer is not stored any more (erased; the API says the same for one that never was). */
const isNotFound = (err: unknown) => err instanceof ApiError && err.code === 'NOT_FOUND';

/** A customer erased since (their profile answers 404, or the entry is the erasure itself). */
const ERASED: unique symbol = Symbol('erased');

/**
 * Names of the customers an audit page mentions, fetched once each (GET /api/customers/:id); ERASED for those no
 * longer stored. The erasure's own entries are known without asking.
 */
function useCustomerNames(entries: AuditEntry[]): ReadonlyMap<string, string | typeof ERASED> {
  const [names, setNames] = useState<ReadonlyMap<string, string | typeof ERASED>>(new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const erased = new Set(entries.filter((e) => e.targetType === 'customer' && e.action === 'privacy.erase' && e.targetId).map((e) => e.targetId!));
    const ids = [...new Set(entries.filter((e) => e.targetType === 'customer' && e.targetId).map((e) => e.targetId!))].filter((id) => !asked.current.has(id));
    ids.forEach((id) => asked.current.add(id));
    if (!ids.length) return;
    void Promise.all(
      ids.map((id) =>
        erased.has(id)
          ? Promise.resolve([id, ERASED] as const)
          : call<{ customer: { id: string; displayName?: string } }>(`/api/customers/${encodeURIComponent(id)}`).then(
              (r) => [id, customerLabel(r.customer.displayName, id)] as const,
              (err: unknown) => (isNotFound(err) ? ([id, ERASED] as const) : undefined),
            ),
      ),
    ).then((found) => {
      setNames((prev) => {
        const next = new Map(prev);
        for (const f of found) if (f) next.set(f[0], f[1]);
        return next;
      });
    });
  }, [entries]);
  return names;
}

/** Who the chats an audit page mentions were with (conversations:label), asked once each, a hundred at a time. */
function useConversationLabels(entries: AuditEntry[]): ReadonlyMap<string, ConversationLabel> {
  const [labels, setLabels] = useState<ReadonlyMap<string, ConversationLabel>>(new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const ids = [...new Set(entries.filter((e) => e.targetType === 'conversation' && e.targetId).map((e) => e.targetId!))].filter(
      (id) => !asked.current.has(id),
    );
    ids.forEach((id) => asked.current.add(id));
    for (let i = 0; i < ids.length; i += 100)
      void conversationLabels(ids.slice(i, i + 100)).then((found) =>
        setLabels((prev) => {
          const next = new Map(prev);
          for (const l of found) next.set(l.id, l);
          return next;
        }),
      );
  }, [entries]);
  return labels;
}
