import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationStats, Percentiles } from '../../../store/store';
import { decimal, duration, isolate } from '../format';
import type { CorpusAddition as Addition } from '../../../models/records';
import type { CorpusCatalogue as Catalogue, CorpusResponse, ModelStatus } from '../wire';
import { formatNumber, tr, type Key } from '../i18n';
import { saveServiceLevels, settings } from '../state';
import { call } from './reviewShared';
import { Charts } from './DashboardCharts';

/** GET /api/stats: the store's figures; the not-understood lines carry their detected language (review/notUnderstood.ts). */
type Stats = Omit<ConversationStats, 'unrecognized'> & {
  unrecognized: (ConversationStats['unrecognized'][number] & { language: string })[];
  /** Chats still waiting for a person, measured to now (an older server: absent). */
  stillWaiting?: { p50: number | null; p90: number | null; n: number; longest: number | null };
};

const day = (d: Date) => d.toISOString().slice(0, 10);

/** How often an open dashboard reads its figures again while the page is visible: it is watched, not only opened. */
const REFRESH_MS = 30_000;

export function Dashboard({ fail }: { fail: (e: unknown) => void }) {
  const [range, setRange] = useState({ from: day(new Date(Date.now() - 29 * 86_400_000)), to: day(new Date()), channel: '' });
  const [stats, setStats] = useState<Stats | undefined>(undefined);
  const [additions, setAdditions] = useState<Addition[]>([]);
  const [catalogue, setCatalogue] = useState<Catalogue[]>([]);
  const [model, setModel] = useState<ModelStatus>({ training: false, trainedWithAdditions: 0 });
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  // The range last applied: a refresh reads that one, never dates typed but not yet applied.
  const applied = useRef(range);
  const loading = useRef(false);
  const load = async (next = applied.current) => {
    if (loading.current) return;
    loading.current = true;
    applied.current = next;
    try {
      const p = new URLSearchParams({ from: next.from, to: next.to });
      if (next.channel) p.set('channel', next.channel);
      const [s, corpus] = await Promise.all([call<Stats>(`/api/stats?${p}`), call<CorpusResponse>('/api/nlu/corpus')]);
      setStats(s);
      setCatalogue(corpus.catalogue);
      setAdditions(corpus.additions);
      setModel(corpus.model);
      setUpdatedAt(new Date());
    } catch (err) {
      fail(err);
    } finally {
      loading.current = false;
    }
  };
  useEffect(() => {
    void load();
    const refresh = () => document.visibilityState === 'visible' && void load();
    const timer = setInterval(refresh, REFRESH_MS);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, []);
  const dateInput = (key: 'from' | 'to') => (
    <input id={`d-${key}`} type="date" value={range[key]} onChange={(e) => setRange({ ...range, [key]: e.currentTarget.value })} />
  );
  return (
    <div class="dashboard">
      <form class="filters" onSubmit={(e) => (e.preventDefault(), void load(range))}>
        <label>
          {tr('f_from')}
          {dateInput('from')}
        </label>
        <label>
          {tr('f_to')}
          {dateInput('to')}
        </label>
        <label>
          {tr('f_channel')}
          <input id="d-channel" value={range.channel} placeholder={tr('any')} onInput={(e) => setRange({ ...range, channel: e.currentTarget.value })} />
        </label>
        <p class="meta" id="d-zone">
          {tr('daysInUtc')}
        </p>
        <p class="meta" id="d-updated" aria-live="polite">
          {updatedAt ? `${tr('updatedAt')} ${updatedAt.toLocaleTimeString()}` : ''}
        </p>
        <div class="actions">
          <button class="primary" type="submit" id="d-apply">
            {tr('apply')}
          </button>
        </div>
      </form>
      {stats ? <Figures s={stats} /> : <div class="empty">…</div>}
      {stats ? <Unrecognized s={stats} catalogue={catalogue} model={model} setModel={setModel} fail={fail} onChange={() => void load()} /> : null}
      {stats ? <Additions list={additions} fail={fail} onChange={() => void load()} /> : null}
      <ServiceLevelsForm />
    </div>
  );
}

function Figures({ s }: { s: Stats }) {
  const rated = s.satisfaction.reduce((n, r) => n + r.count, 0);
  const avgRating = rated ? decimal(s.satisfaction.reduce((n, r) => n + r.score * r.count, 0) / rated, 2) : '—';
  const pct = (n: number) => (s.total ? `${Math.round((n / s.total) * 1000) / 10} %` : '—');
  const times = (p: Percentiles) => `${duration(p.p50)} / ${duration(p.p90)}`;
  const tile = (id: string, label: Key, value: string, sub = '') => (
    <div class="tile" id={id}>
      <div class="label">{tr(label)}</div>
      <div class="value">{value}</div>
      {sub ? <div class="meta">{sub}</div> : null}
    </div>
  );
  return (
    <>
      <div class="tiles">
        {tile('k-total', 'conversationsTotal', String(s.total))}
        {tile('k-containment', 'containment', pct(s.botOnly), tr('containmentHint'))}
        {tile('k-handoff', 'handoffRate', pct(s.total - s.botOnly))}
        {tile('k-rating', 'avgRating', avgRating, rated === 1 ? tr('oneRating') : tr('nRatings', { n: formatNumber(rated) }))}
        {tile('k-wait', 'waitTime', times(s.times.waiting), 'p50 / p90')}
        {s.stillWaiting
          ? tile(
              'k-still-waiting',
              'stillWaiting',
              times(s.stillWaiting),
              tr('stillWaitingHint', { n: formatNumber(s.stillWaiting.n), longest: duration(s.stillWaiting.longest) }),
            )
          : null}
        {tile('k-first', 'firstResponse', times(s.times.firstResponse), 'p50 / p90')}
        {tile('k-handling', 'handlingTime', times(s.times.handling), 'p50 / p90')}
      </div>
      <Charts s={s} />
    </>
  );
}

function Unrecognized({
  s,
  catalogue,
  model,
  setModel,
  fail,
  onChange,
}: {
  s: Stats;
  catalogue: Catalogue[];
  model: ModelStatus;
  setModel: (m: ModelStatus) => void;
  fail: (e: unknown) => void;
  onChange: () => void;
}) {
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());
  return (
    <section class="unrecognized" aria-labelledby="unrecognized-title">
      <h2 id="unrecognized-title">{tr('notUnderstoodTitle')}</h2>
      {s.unrecognized.length ? (
        <div class="table-scroll">
          <table class="grid" id="unrecognized">
            <thead>
              <tr>
                <th scope="col">{tr('message')}</th>
                <th scope="col">
                  <abbr title={tr('language')}>{tr('languageShort')}</abbr>
                </th>
                <th scope="col">#</th>
                <th scope="col">{tr('addToIntent')}</th>
              </tr>
            </thead>
            <tbody>
              {s.unrecognized.map((u, i) => (
                <UnrecognizedRow
                  key={u.text}
                  i={i}
                  text={u.text}
                  count={u.count}
                  detected={u.language}
                  catalogue={catalogue}
                  done={added.has(u.text)}
                  fail={fail}
                  onAdded={() => (setAdded(new Set(added).add(u.text)), onChange())}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div class="empty">{tr('noResults')}</div>
      )}
      <div class="row">
        <button
          id="retrain"
          disabled={model.training}
          onClick={() => void call<{ model: ModelStatus }>('/api/nlu/retrain', { method: 'POST', body: {} }).then((r) => setModel(r.model), fail)}
        >
          {tr('retrain')}
        </button>
        <span class="meta" id="model-status">
          {model.training ? tr('training') : `${tr('trainedWith')} ${model.trainedWithAdditions}`}
        </span>
      </div>
    </section>
  );
}

function UnrecognizedRow({
  i,
  text,
  count,
  detected,
  catalogue,
  done,
  fail,
  onAdded,
}: {
  i: number;
  text: string;
  count: number;
  detected: string;
  catalogue: Catalogue[];
  done: boolean;
  fail: (e: unknown) => void;
  onAdded: () => void;
}) {
  // The detected language first: that is the corpus the message belongs in.
  const [language, setLanguage] = useState(catalogue.some((c) => c.language === detected) ? detected : (catalogue[0]?.language ?? 'en'));
  const [intent, setIntent] = useState('');
  const intents = catalogue.find((c) => c.language === language)?.intents ?? [];
  return (
    <tr data-unrecognized={i}>
      <td>{text}</td>
      <td data-language={detected}>{detected || '—'}</td>
      <td>{count}</td>
      <td>
        <select aria-label={tr('language')} value={language} onChange={(e) => (setLanguage(e.currentTarget.value), setIntent(''))}>
          {catalogue.map((c) => (
            <option key={c.language} value={c.language}>
              {c.language}
            </option>
          ))}
        </select>{' '}
        <select aria-label={tr('f_intent')} data-intent-for={i} value={intent} onChange={(e) => setIntent(e.currentTarget.value)}>
          <option value="">{tr('chooseIntent')}</option>
          {intents.map((x) => (
            <option key={x} value={x}>
              {x === 'none' ? tr('outOfScope') : x}
            </option>
          ))}
        </select>{' '}
        {done ? (
          <span class="meta">{tr('added')}</span>
        ) : (
          <button
            data-add={i}
            onClick={() => intent && void call('/api/nlu/utterances', { method: 'POST', body: { text, intent, language } }).then(onAdded, fail)}
          >
            {tr('addToIntent')}
          </button>
        )}
      </td>
    </tr>
  );
}

/** What was added from the not-understood list, each removable; the next retrain (or restart) trains without it. */
function Additions({ list, fail, onChange }: { list: Addition[]; fail: (e: unknown) => void; onChange: () => void }) {
  return (
    <section class="additions" aria-labelledby="additions-title">
      <h2 id="additions-title">{tr('additions')}</h2>
      {list.length ? (
        <ul id="additions">
          {list.map((a) => (
            <li key={`${a.language}:${a.text}`} data-addition={a.text}>
              {`${isolate(a.text)} · ${a.language} · ${a.intent === 'none' ? tr('outOfScope') : a.intent} `}
              <button
                data-remove={a.text}
                aria-label={`${tr('remove')}: ${a.text}`}
                onClick={() => void call('/api/nlu/utterances/remove', { method: 'POST', body: { text: a.text, language: a.language } }).then(onChange, fail)}
              >
                {tr('remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <div class="empty">{tr('additionsEmpty')}</div>
      )}
    </section>
  );
}

function ServiceLevelsForm() {
  const levels = settings.value.serviceLevels;
  const [first, setFirst] = useState(String(levels.firstResponseSeconds));
  const [next, setNext] = useState(String(levels.nextResponseSeconds));
  const [saved, setSaved] = useState(false);
  return (
    <section class="service-levels" aria-labelledby="sla-title">
      <h2 id="sla-title">{tr('serviceLevels')}</h2>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), void saveServiceLevels(Number(first), Number(next)).then(setSaved))}>
        <label>
          {tr('slaFirst')}
          <input id="sla-first" type="number" min={10} step={1} value={first} onInput={(e) => (setFirst(e.currentTarget.value), setSaved(false))} />
        </label>
        <label>
          {tr('slaNext')}
          <input id="sla-next" type="number" min={10} step={1} value={next} onInput={(e) => (setNext(e.currentTarget.value), setSaved(false))} />
        </label>
        <div class="actions">
          <button class="primary" type="submit" id="sla-save">
            {tr('save')}
          </button>
          {saved ? (
            <span class="meta" role="status">
              {tr('saved')}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}
