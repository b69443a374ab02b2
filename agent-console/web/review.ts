import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import type { AuditEntry, Conversation, Message } from '../../models/records';
import type { ConversationStats, Percentiles, TranscriptSummary } from '../../store/store';
import { api, h } from './dom';
import { tr, type Key } from './i18n';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

export type ReviewTab = 'transcripts' | 'dashboard' | 'audit';

interface Transcript {
  conversation: Conversation;
  customer: { id: string; displayName?: string; language?: string; segments: string[] } | null;
  messages: Message[];
  staff: Record<string, string>;
}
interface Catalogue { language: string; intents: string[] }
interface ModelStatus { training: boolean; trainedWithAdditions: number }

const FILTERS = ['q', 'from', 'to', 'channel', 'state', 'reason', 'intent', 'sentimentMin', 'sentimentMax', 'ratingMin', 'ratingMax', 'tag', 'segment', 'agent', 'customer'] as const;
const REASONS = ['customer_asked', 'not_understood', 'negative_sentiment', 'important_customer', 'policy_intent', 'social_mention', 'dialog_decided'];
const PALETTE = ['#1f3a5f', '#d9822b', '#2f9e44', '#c92a2a', '#7048e8', '#1098ad', '#e64980', '#5c940d', '#495057', '#f59f00'];

const day = (d: Date) => d.toISOString().slice(0, 10);
const reason = (r?: string) => (r ? tr(('reason_' + r) as Key) : '—');

/** "95 s", "4 min", "2.5 h" */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Supervisor pages: transcript review (search, filters, one transcript with tags and annotations, exports),
 * the analytics dashboard (Chart.js), and the audit log for admins. Owns its element, so the chat views'
 * re-renders move it around the page without rebuilding it (charts keep their canvases).
 */
export class ReviewPane {
  readonly el = h('div', { class: 'review', id: 'review' });
  private tab: ReviewTab | undefined;
  private filters: Record<string, string> = {};
  private results: TranscriptSummary[] = [];
  private nextCursor: string | null = null;
  private open: Transcript | undefined;
  private stats: ConversationStats | undefined;
  private range = { from: day(new Date(Date.now() - 29 * 86_400_000)), to: day(new Date()), channel: '' };
  private catalogue: Catalogue[] = [];
  private model: ModelStatus = { training: false, trainedWithAdditions: 0 };
  private added = new Set<string>();
  private charts: Chart[] = [];
  private audit: AuditEntry[] = [];
  private auditCursor: string | null = null;
  private auditAction = '';
  private message = '';

  constructor(
    private readonly token: () => string,
    readonly role: string,
  ) {}

  show(tab: ReviewTab): void {
    if (tab === this.tab) return;
    this.tab = tab;
    this.message = '';
    this.render();
    if (tab === 'transcripts' && !this.results.length) void this.search(false);
    if (tab === 'dashboard') void this.loadDashboard();
    if (tab === 'audit') void this.loadAudit(false);
  }

  private call<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
    return api<T>(this.token(), path, init);
  }

  private fail(err: unknown): void {
    this.message = err instanceof Error ? err.message : String(err);
    this.render();
  }

  private render(): void {
    this.charts.forEach((c) => c.destroy());
    this.charts = [];
    const body = this.tab === 'dashboard' ? this.dashboardView() : this.tab === 'audit' ? this.auditView() : this.transcriptsView();
    this.el.replaceChildren(this.message ? h('div', { class: 'error', role: 'alert', id: 'review-error' }, this.message) : '', body);
    if (this.tab === 'dashboard') this.drawCharts();
  }

  // ---- transcripts

  private query(extra: Record<string, string> = {}): URLSearchParams {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...this.filters, ...extra })) if (v.trim()) p.set(k, v.trim());
    return p;
  }

  private async search(more: boolean): Promise<void> {
    try {
      const p = this.query({ limit: '50', ...(more && this.nextCursor ? { cursor: this.nextCursor } : {}) });
      const r = await this.call<{ items: TranscriptSummary[]; nextCursor: string | null }>(`/api/transcripts?${p}`);
      this.results = more ? [...this.results, ...r.items] : r.items;
      this.nextCursor = r.nextCursor;
      this.message = '';
      this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  private async openTranscript(id: string): Promise<void> {
    try {
      this.open = await this.call<Transcript>(`/api/transcripts/${encodeURIComponent(id)}`);
      this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  private async exportAs(format: 'csv' | 'json'): Promise<void> {
    try {
      const body = Object.fromEntries([...this.query().entries(), ['format', format]]);
      const { url } = await this.call<{ url: string }>('/api/transcripts/export-link', { method: 'POST', body });
      // A plain navigation to an attachment: the browser streams it to disk, the page stays.
      h('a', { href: url, download: `transcripts.${format}` }).click();
    } catch (err) {
      this.fail(err);
    }
  }

  private transcriptsView(): HTMLElement {
    const input = (name: (typeof FILTERS)[number], attrs: Record<string, string> = {}) =>
      h('label', {}, tr(('f_' + name) as Key), h('input', { id: `f-${name}`, name, value: this.filters[name] ?? '', oninput: (e: Event) => (this.filters[name] = (e.target as HTMLInputElement).value), ...attrs }));
    const select = (name: (typeof FILTERS)[number], options: [string, string][]) => {
      const el = h('select', { id: `f-${name}`, onchange: (e: Event) => (this.filters[name] = (e.target as HTMLSelectElement).value) }, h('option', { value: '' }, tr('any')), ...options.map(([v, label]) => h('option', { value: v }, label)));
      el.value = this.filters[name] ?? '';
      return h('label', {}, tr(('f_' + name) as Key), el);
    };
    const form = h(
      'form',
      { class: 'filters', id: 'filters', onsubmit: (e: Event) => (e.preventDefault(), void this.search(false)) },
      input('q', { type: 'search', placeholder: tr('searchWords'), class: 'wide' }),
      input('from', { type: 'date' }),
      input('to', { type: 'date' }),
      input('channel', { placeholder: 'webchat, msteams…' }),
      select('state', ['bot', 'queued', 'agent', 'external', 'closed'].map((s) => [s, s])),
      select('reason', REASONS.map((r) => [r, reason(r)])),
      input('intent', { placeholder: 'order.track' }),
      input('sentimentMin', { type: 'number', min: '-1', max: '1', step: '0.1' }),
      input('sentimentMax', { type: 'number', min: '-1', max: '1', step: '0.1' }),
      input('ratingMin', { type: 'number', min: '1', max: '5', step: '1' }),
      input('ratingMax', { type: 'number', min: '1', max: '5', step: '1' }),
      input('tag'),
      input('segment', { placeholder: 'vip' }),
      input('agent', { placeholder: tr('agentId') }),
      input('customer', { placeholder: tr('customerId') }),
      h('div', { class: 'actions' },
        h('button', { class: 'primary', type: 'submit', id: 'search' }, tr('search')),
        h('button', { type: 'button', id: 'export-csv', onclick: () => void this.exportAs('csv') }, tr('exportCsv')),
        h('button', { type: 'button', id: 'export-json', onclick: () => void this.exportAs('json') }, tr('exportJson'))),
    );
    const rows = this.results.map((i) =>
      h('tr', { 'data-conversation': i.conversation.id, class: this.open?.conversation.id === i.conversation.id ? 'active' : '', onclick: () => void this.openTranscript(i.conversation.id) },
        h('td', {}, i.conversation.createdAt.slice(0, 16).replace('T', ' ')),
        h('td', {}, i.conversation.channelId),
        h('td', {}, i.customerName ?? '—'),
        h('td', {}, i.conversation.state),
        h('td', {}, reason(i.conversation.handoffReason)),
        h('td', {}, i.conversation.satisfaction ? `${i.conversation.satisfaction.score}/5` : '—'),
        h('td', {}, i.sentiment === null ? '—' : i.sentiment.toFixed(2)),
        h('td', {}, i.customerMessages),
        h('td', {}, i.conversation.tags.join(', '))));
    const table = h('table', { class: 'grid', id: 'results' },
      h('thead', {}, h('tr', {}, ...(['started', 'channel', 'customer', 'state', 'reason', 'rating', 'sentiment', 'messagesCol', 'tags'] as Key[]).map((k) => h('th', {}, tr(k))))),
      h('tbody', {}, ...rows));
    return h('div', { class: 'review-split' },
      h('section', { class: 'review-list' }, form,
        this.results.length ? table : h('div', { class: 'empty', id: 'no-results' }, tr('noResults')),
        this.nextCursor ? h('button', { id: 'more', onclick: () => void this.search(true) }, tr('more')) : null),
      h('section', { class: 'review-detail', id: 'transcript' }, this.open ? this.transcriptView(this.open) : h('div', { class: 'empty' }, tr('pickTranscript'))));
  }

  private transcriptView(t: Transcript): HTMLElement {
    const c = t.conversation;
    const tags = h('input', { id: 't-tags', value: c.tags.join(', '), 'aria-label': tr('tags') });
    const note = h('textarea', { id: 't-note', 'aria-label': tr('annotate'), placeholder: tr('annotateHint') });
    const who = (m: Message) => {
      if (m.role === 'customer') return t.customer?.displayName ?? tr('customer');
      if (m.role === 'bot') return 'Bot';
      if (m.role === 'agent') return `${t.staff[m.authorId ?? ''] ?? tr('agent')}${m.kind === 'note' ? ` · ${tr(m.data?.annotation ? 'annotation' : 'note')}` : m.kind === 'whisper' ? ` · ${tr('whisper')}` : ''}`;
      return tr('system');
    };
    const line = (m: Message) => {
      if (m.kind === 'event') {
        const d = m.data ?? {};
        const text = d.type === 'state' ? `${String(d.from)} → ${String(d.to)}${d.reason ? ` (${reason(String(d.reason))})` : ''}` : d.type === 'satisfaction' ? `${tr('rating')}: ${String(d.score)}/5${d.comment ? ` “${String(d.comment)}”` : ''}` : m.text;
        return h('div', { class: 'msg event', 'data-seq': String(m.seq) }, `${m.createdAt.slice(11, 19)} · ${text}`);
      }
      const detail = m.role === 'customer' && m.intent ? ` · ${m.intent}${typeof m.sentiment === 'number' ? ` · ${tr('sentiment')} ${m.sentiment.toFixed(2)}` : ''}` : '';
      return h('div', { class: `msg ${m.kind === 'message' ? m.role : m.kind}`, 'data-seq': String(m.seq) }, h('div', { class: 'who' }, `${m.createdAt.slice(11, 19)} · ${who(m)}${detail}`), m.text);
    };
    return h('div', {},
      h('h2', {}, t.customer?.displayName ?? tr('customer'), ' · ', c.channelId, ' · ', c.createdAt.slice(0, 16).replace('T', ' ')),
      h('dl', { class: 'facts' },
        h('dt', {}, tr('f_reason')), h('dd', { id: 't-reason' }, reason(c.handoffReason)),
        h('dt', {}, tr('rating')), h('dd', { id: 't-rating' }, c.satisfaction ? `${c.satisfaction.score}/5${c.satisfaction.comment ? ` “${c.satisfaction.comment}”` : ''}` : '—'),
        h('dt', {}, tr('f_state')), h('dd', {}, c.state),
        h('dt', {}, tr('agents')), h('dd', {}, (c.handledBy ?? []).map((a) => t.staff[a] ?? a).join(', ') || '—'),
        h('dt', {}, tr('segments')), h('dd', {}, t.customer?.segments.join(', ') || '—')),
      h('div', { class: 'row' }, tags, h('button', { id: 't-tags-save', onclick: () => void this.call<{ conversation: Conversation }>(`/api/transcripts/${encodeURIComponent(c.id)}/tags`, { method: 'PUT', body: { tags: tags.value.split(',').map((x) => x.trim()).filter(Boolean) } }).then((r) => {
        t.conversation = r.conversation;
        this.results = this.results.map((i) => (i.conversation.id === c.id ? { ...i, conversation: r.conversation } : i));
        this.render();
      }, (e) => this.fail(e)) }, tr('saveTags'))),
      h('div', { class: 'messages', id: 't-messages' }, ...t.messages.map(line)),
      h('div', { class: 'row' }, note, h('button', { id: 't-note-add', onclick: () => {
        if (!note.value.trim()) return;
        void this.call<{ message: Message }>(`/api/transcripts/${encodeURIComponent(c.id)}/annotations`, { method: 'POST', body: { text: note.value } }).then((r) => {
          t.messages.push(r.message);
          this.render();
        }, (e) => this.fail(e));
      } }, tr('annotate'))));
  }

  // ---- dashboard

  private async loadDashboard(): Promise<void> {
    try {
      const p = new URLSearchParams({ from: this.range.from, to: this.range.to });
      if (this.range.channel) p.set('channel', this.range.channel);
      const [stats, corpus] = await Promise.all([
        this.call<ConversationStats>(`/api/stats?${p}`),
        this.call<{ catalogue: Catalogue[]; model: { training: boolean; trainedWithAdditions: number } }>('/api/nlu/corpus'),
      ]);
      this.stats = stats;
      this.catalogue = corpus.catalogue;
      this.model = corpus.model;
      this.message = '';
      this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  private dashboardView(): HTMLElement {
    const dateInput = (key: 'from' | 'to') => h('input', { id: `d-${key}`, type: 'date', value: this.range[key], onchange: (e: Event) => (this.range[key] = (e.target as HTMLInputElement).value) });
    const controls = h('form', { class: 'filters', onsubmit: (e: Event) => (e.preventDefault(), void this.loadDashboard()) },
      h('label', {}, tr('f_from'), dateInput('from')),
      h('label', {}, tr('f_to'), dateInput('to')),
      h('label', {}, tr('f_channel'), h('input', { id: 'd-channel', value: this.range.channel, placeholder: tr('any'), oninput: (e: Event) => (this.range.channel = (e.target as HTMLInputElement).value) })),
      h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit', id: 'd-apply' }, tr('apply'))));
    const s = this.stats;
    if (!s) return h('div', {}, controls, h('div', { class: 'empty' }, '…'));
    const rated = s.satisfaction.reduce((n, r) => n + r.count, 0);
    const avgRating = rated ? (s.satisfaction.reduce((n, r) => n + r.score * r.count, 0) / rated).toFixed(2) : '—';
    const pct = (n: number) => (s.total ? `${Math.round((n / s.total) * 1000) / 10} %` : '—');
    const tile = (id: string, label: Key, value: string, sub = '') => h('div', { class: 'tile', id }, h('div', { class: 'label' }, tr(label)), h('div', { class: 'value' }, value), sub ? h('div', { class: 'meta' }, sub) : null);
    const times = (p: Percentiles) => `${duration(p.p50)} / ${duration(p.p90)}`;
    const chart = (id: string, title: Key) => h('figure', { class: 'chart-box' }, h('figcaption', {}, tr(title)), h('div', { class: 'chart' }, h('canvas', { id, role: 'img', 'aria-label': tr(title) })));
    return h('div', { class: 'dashboard' },
      controls,
      h('div', { class: 'tiles' },
        tile('k-total', 'conversationsTotal', String(s.total)),
        tile('k-containment', 'containment', pct(s.botOnly), tr('containmentHint')),
        tile('k-handoff', 'handoffRate', pct(s.total - s.botOnly)),
        tile('k-rating', 'avgRating', avgRating, `${rated} ${tr('ratings')}`),
        tile('k-wait', 'waitTime', times(s.times.waiting), 'p50 / p90'),
        tile('k-first', 'firstResponse', times(s.times.firstResponse), 'p50 / p90'),
        tile('k-handling', 'handlingTime', times(s.times.handling), 'p50 / p90')),
      h('div', { class: 'charts' },
        chart('chart-per-day', 'perDayChannel'),
        chart('chart-reasons', 'handoffReasons'),
        chart('chart-ratings', 'ratingsChart'),
        chart('chart-intents', 'intentsChart'),
        chart('chart-sentiment', 'sentimentChart')),
      this.unrecognizedView(s));
  }

  private drawCharts(): void {
    const s = this.stats;
    if (!s) return;
    const canvas = (id: string) => this.el.querySelector<HTMLCanvasElement>(`#${id}`)!;
    const base = { animation: false as const, responsive: true, maintainAspectRatio: false };
    const days = [...new Set(s.perDay.map((r) => r.day))];
    const channels = [...new Set(s.perDay.map((r) => r.channelId))];
    const configs: [string, ChartConfiguration][] = [
      ['chart-per-day', { type: 'bar', data: { labels: days, datasets: channels.map((ch, i) => ({ label: ch, backgroundColor: PALETTE[i % PALETTE.length], data: days.map((d) => s.perDay.find((r) => r.day === d && r.channelId === ch)?.count ?? 0) })) }, options: { ...base, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } }],
      ['chart-reasons', { type: 'doughnut', data: { labels: [tr('botOnly'), ...s.handoffReasons.map((r) => reason(r.reason))], datasets: [{ data: [s.botOnly, ...s.handoffReasons.map((r) => r.count)], backgroundColor: PALETTE }] }, options: base }],
      ['chart-ratings', { type: 'bar', data: { labels: ['1', '2', '3', '4', '5'], datasets: [{ label: tr('ratings'), backgroundColor: PALETTE[0], data: [1, 2, 3, 4, 5].map((n) => s.satisfaction.find((r) => r.score === n)?.count ?? 0) }] }, options: { ...base, scales: { y: { beginAtZero: true } } } }],
      ['chart-intents', { type: 'bar', data: { labels: s.intents.slice(0, 15).map((i) => i.intent), datasets: [{ label: tr('messagesCol'), backgroundColor: PALETTE[1], data: s.intents.slice(0, 15).map((i) => i.count) }] }, options: { ...base, indexAxis: 'y' } }],
      ['chart-sentiment', { type: 'line', data: { labels: [...new Set(s.sentiment.map((r) => r.day))], datasets: [...new Set(s.sentiment.map((r) => r.segment))].map((seg, i) => ({ label: seg === '*' ? tr('everyone') : seg, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], spanGaps: true, data: [...new Set(s.sentiment.map((r) => r.day))].map((d) => s.sentiment.find((r) => r.day === d && r.segment === seg)?.average ?? null) })) }, options: { ...base, scales: { y: { min: -1, max: 1 } } } }],
    ];
    for (const [id, config] of configs) this.charts.push(new Chart(canvas(id), config));
    this.el.setAttribute('data-charts', String(this.charts.length));
  }

  private unrecognizedView(s: ConversationStats): HTMLElement {
    const rows = s.unrecognized.map((u, i) => {
      const language = h('select', { 'aria-label': tr('language') }, ...this.catalogue.map((c) => h('option', { value: c.language }, c.language)));
      const intent = h('select', { 'aria-label': tr('f_intent'), 'data-intent-for': String(i) });
      const fill = () => intent.replaceChildren(h('option', { value: '' }, tr('chooseIntent')), ...(this.catalogue.find((c) => c.language === language.value)?.intents ?? []).map((x) => h('option', { value: x }, x === 'none' ? tr('outOfScope') : x)));
      language.addEventListener('change', fill);
      fill();
      const done = this.added.has(u.text);
      return h('tr', { 'data-unrecognized': String(i) },
        h('td', {}, u.text), h('td', {}, u.count),
        h('td', {}, language, ' ', intent, ' ', done ? h('span', { class: 'meta' }, tr('added')) : h('button', { 'data-add': String(i), onclick: () => intent.value && void this.call(`/api/nlu/utterances`, { method: 'POST', body: { text: u.text, intent: intent.value, language: language.value } }).then(() => {
          this.added.add(u.text);
          this.render();
        }, (e) => this.fail(e)) }, tr('addToIntent'))));
    });
    return h('section', { class: 'unrecognized' },
      h('h2', {}, tr('notUnderstoodTitle')),
      rows.length ? h('table', { class: 'grid', id: 'unrecognized' }, h('thead', {}, h('tr', {}, h('th', {}, tr('message')), h('th', {}, '#'), h('th', {}, tr('addToIntent')))), h('tbody', {}, ...rows)) : h('div', { class: 'empty' }, tr('noResults')),
      h('div', { class: 'row' },
        h('button', { id: 'retrain', disabled: this.model.training, onclick: () => void this.call<{ model: ModelStatus }>('/api/nlu/retrain', { method: 'POST', body: {} }).then((r) => ((this.model = r.model), this.render()), (e) => this.fail(e)) }, tr('retrain')),
        h('span', { class: 'meta', id: 'model-status' }, this.model.training ? tr('training') : `${tr('trainedWith')} ${this.model.trainedWithAdditions}`)));
  }

  // ---- audit (admins)

  private async loadAudit(more: boolean): Promise<void> {
    try {
      const p = new URLSearchParams({ limit: '100' });
      if (this.auditAction) p.set('action', this.auditAction);
      if (more && this.auditCursor) p.set('cursor', this.auditCursor);
      const r = await this.call<{ entries: AuditEntry[]; nextCursor: string | null }>(`/api/audit?${p}`);
      this.audit = more ? [...this.audit, ...r.entries] : r.entries;
      this.auditCursor = r.nextCursor;
      this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  private auditView(): HTMLElement {
    const exportCsv = async () => {
      try {
        const { url } = await this.call<{ url: string }>('/api/audit/export-link', { method: 'POST', body: { format: 'csv', ...(this.auditAction ? { action: this.auditAction } : {}) } });
        h('a', { href: url, download: 'audit.csv' }).click();
      } catch (err) {
        this.fail(err);
      }
    };
    return h('div', {},
      h('form', { class: 'filters', onsubmit: (e: Event) => (e.preventDefault(), void this.loadAudit(false)) },
        h('label', {}, tr('action'), h('input', { id: 'a-action', value: this.auditAction, placeholder: 'transcript.view', oninput: (e: Event) => (this.auditAction = (e.target as HTMLInputElement).value) })),
        h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, tr('search')), h('button', { type: 'button', id: 'audit-export', onclick: () => void exportCsv() }, tr('exportCsv')))),
      h('table', { class: 'grid', id: 'audit' },
        h('thead', {}, h('tr', {}, ...(['at', 'actor', 'action', 'target', 'details'] as Key[]).map((k) => h('th', {}, tr(k))))),
        h('tbody', {}, ...this.audit.map((e) => h('tr', {}, h('td', {}, e.at.replace('T', ' ').slice(0, 19)), h('td', {}, e.actorId ?? '—'), h('td', {}, e.action), h('td', {}, e.targetId ?? ''), h('td', {}, e.data ? JSON.stringify(e.data) : ''))))),
      this.auditCursor ? h('button', { id: 'audit-more', onclick: () => void this.loadAudit(true) }, tr('more')) : null);
  }
}

export function reviewView(pane: ReviewPane, tab: ReviewTab): HTMLElement {
  pane.show(tab);
  return pane.el;
}
