import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuditEntry } from '../../../models/records';
import type { ConversationLabel } from '../../server/inboxProtocol';
import { channelName, customerLabel, dateTime } from '../format';
import { ApiError, download } from '../http';
import { tr, trMaybe, type Key } from '../i18n';
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
  // The filters the shown lines answer (on the table), and only the latest search may fill it (see Review.tsx).
  const [shown, setShown] = useState('');
  const latest = useRef(0);
  const names = useCustomerNames(entries);
  const chats = useConversationLabels(entries);
  const chatLabel = (id: string) => {
    const l = chats.get(id);
    return l
      ? `${tr('chatWith')} ${customerLabel(l.customerName, l.customerId)} · ${channelName(l.channelId)} · ${dateTime(l.createdAt)}`
      : tr('aConversation');
  };
  // A customer named in a line's details (a merge, a suggestion, an order refusal's actor): by name or visitor label.
  const customer = (id: string) => {
    const n = names.get(id);
    return typeof n === 'string' ? n : customerLabel(undefined, id);
  };
  const actorName = (id?: string) => (id?.startsWith(CUSTOMER_ACTOR) ? customer(id.slice(CUSTOMER_ACTOR.length)) : staff(id));
  const load = async (more: boolean) => {
    const mine = ++latest.current;
    try {
      const asked = new URLSearchParams({ ...(action ? { action } : {}), ...(actor ? { actor } : {}) });
      const p = new URLSearchParams({ limit: '100', ...Object.fromEntries(asked) });
      if (more && cursor) p.set('cursor', cursor);
      const r = await call<{ entries: AuditEntry[]; nextCursor: string | null }>(`/api/audit?${p}`);
      if (mine !== latest.current) return;
      setEntries(more ? [...entries, ...r.entries] : r.entries);
      setShown(asked.toString());
      setCursor(r.nextCursor);
    } catch (err) {
      if (mine === latest.current) fail(err);
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
    // Named by its customer, channel and start; a chat no longer stored (erased) by what it is, never by its id.
    if (e.targetType === 'conversation') return chatLabel(e.targetId);
    // An order refusal names the order the customer asked about: its number is what a supervisor looks for.
    if (e.targetType === 'order') return tr('orderNumber', { n: e.targetId });
    return e.targetType ?? '';
  };
  /** Each recorded field by what it is, people and chats by name; internal ids (a merge's, a message's) left out. */
  const detail = (k: string, v: unknown): string | undefined => {
    if (v === undefined || v === null || HIDDEN_KEYS.has(k)) return undefined;
    const value =
      typeof v !== 'string'
        ? JSON.stringify(v)
        : STAFF_KEY.test(k)
          ? (staff(v) ?? tr('someone'))
          : CUSTOMER_KEYS.has(k)
            ? customer(v)
            : k === 'conversationId'
              ? chatLabel(v)
              : k === 'channelId'
                ? channelName(v)
                : v;
    return `${trMaybe(`auditKey_${k}`) ?? k}: ${value}`;
  };
  const details = (e: AuditEntry) =>
    Object.entries(e.data ?? {})
      .map(([k, v]) => detail(k, v))
      .filter((x) => x !== undefined)
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
        <table class="grid" id="audit" data-query={shown}>
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
                <td class="actor">{actorName(e.actorId) ?? '—'}</td>
                <td>{e.action}</td>
                <td class="target">{target(e)}</td>
                {/* The raw record stays one hover away (and in the CSV export) for whoever must trace an id. */}
                <td class="details" title={e.data ? JSON.stringify(e.data) : undefined}>
                  {details(e)}
                </td>
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

/** Fields that hold a staff member's id (reassignedBy, toAgentId, askedBy, …). */
const STAFF_KEY = /(agentid|actorid|userid|by)$/i;
/** Fields that hold a customer's id. */
const CUSTOMER_KEYS = new Set(['absorbedId', 'candidateId', 'customerId']);
/** Internal ids that name nothing a reader knows; the row's tooltip and the export keep them. */
const HIDDEN_KEYS = new Set(['mergeId', 'messageId']);
/** An order refusal's actor is the customer who asked: `customer:<id>`. */
const CUSTOMER_ACTOR = 'customer:';

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
    const mentioned = entries.flatMap((e) => [
      ...(e.targetType === 'customer' && e.targetId ? [e.targetId] : []),
      ...(e.actorId?.startsWith(CUSTOMER_ACTOR) ? [e.actorId.slice(CUSTOMER_ACTOR.length)] : []),
      ...Object.entries(e.data ?? {})
        .filter(([k, v]) => CUSTOMER_KEYS.has(k) && typeof v === 'string')
        .map(([, v]) => v as string),
    ]);
    const ids = [...new Set(mentioned)].filter((id) => !asked.current.has(id));
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
    const mentioned = entries.flatMap((e) => [
      ...(e.targetType === 'conversation' && e.targetId ? [e.targetId] : []),
      ...(typeof e.data?.conversationId === 'string' ? [e.data.conversationId] : []),
    ]);
    const ids = [...new Set(mentioned)].filter((id) => !asked.current.has(id));
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
