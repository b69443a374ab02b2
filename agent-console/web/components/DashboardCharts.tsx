import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { ConversationStats } from '../../../store/store';
import { channelName, decimal } from '../format';
import { locale, tr, type Key } from '../i18n';
import { reasonText } from './reviewShared';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

const PALETTE = ['#1f3a5f', '#d9822b', '#2f9e44', '#c92a2a', '#7048e8', '#1098ad', '#e64980', '#5c940d', '#495057', '#f59f00'];

/** "30 Nov" for a store day (YYYY-MM-DD, UTC), in the console's language. */
const shortDay = (d: string) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));

/** An axis with its title (what and in which unit); counts tick in whole numbers only. */
const axis = (title: Key, extra: Record<string, unknown> = {}) => ({ title: { display: true, text: tr(title) }, ...extra });
const counts = (title: Key, extra: Record<string, unknown> = {}) => axis(title, { beginAtZero: true, ticks: { precision: 0 }, ...extra });

/** Sentiment's scale read in words at its ends and middle. */
function sentimentTick(v: number | string): string {
  // A tick a hair off zero (floating steps) is the zero line, never "−0.0".
  const n = Number(Number(v).toFixed(1)) || 0;
  if (n === 1) return `+1 ${tr('sentimentPositive')}`;
  if (n === -1) return `−1 ${tr('sentimentNegative')}`;
  if (n === 0) return `0 ${tr('sentimentNeutral')}`;
  return n > 0 ? `+${decimal(n, 1)}` : `−${decimal(-n, 1)}`;
}

/**
 * The dashboard's charts. Chart.js draws into canvases Preact leaves alone; charts are rebuilt when the figures
 * change. Each canvas carries the titles and tick labels its chart drew (data-x-title, data-x-ticks, ...), read
 * from the chart's own scales: what the browser tests check, and a text for assistive technology besides the label.
 */
export function Charts({ s }: { s: ConversationStats }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = box.current;
    if (!root) return;
    const canvas = (id: string) => root.querySelector<HTMLCanvasElement>(`#${id}`)!;
    const base = { animation: false as const, responsive: true, maintainAspectRatio: false };
    const days = [...new Set(s.perDay.map((r) => r.day))];
    // One series per channel as people name it: the web chat's two channel ids (webchat, directline) are one.
    const channels = [...new Set(s.perDay.map((r) => channelName(r.channelId)))];
    const sentimentDays = [...new Set(s.sentiment.map((r) => r.day))];
    const configs: [string, ChartConfiguration][] = [
      [
        'chart-per-day',
        {
          type: 'bar',
          data: {
            labels: days.map(shortDay),
            datasets: channels.map((ch, i) => ({
              label: ch,
              backgroundColor: PALETTE[i % PALETTE.length],
              data: days.map((d) => s.perDay.filter((r) => r.day === d && channelName(r.channelId) === ch).reduce((n, r) => n + r.count, 0)),
            })),
          },
          options: { ...base, scales: { x: axis('axisDay', { stacked: true }), y: counts('axisConversations', { stacked: true }) } },
        },
      ],
      [
        'chart-reasons',
        {
          type: 'doughnut',
          data: {
            labels: [tr('botOnly'), ...s.handoffReasons.map((r) => reasonText(r.reason))],
            datasets: [{ data: [s.botOnly, ...s.handoffReasons.map((r) => r.count)], backgroundColor: PALETTE }],
          },
          options: base,
        },
      ],
      [
        'chart-ratings',
        {
          type: 'bar',
          data: {
            labels: ['1 ★', '2 ★', '3 ★', '4 ★', '5 ★'],
            datasets: [
              { label: tr('ratings'), backgroundColor: PALETTE[0], data: [1, 2, 3, 4, 5].map((n) => s.satisfaction.find((r) => r.score === n)?.count ?? 0) },
            ],
          },
          options: { ...base, scales: { x: axis('axisRating'), y: counts('axisRatingsGiven') } },
        },
      ],
      [
        'chart-intents',
        {
          type: 'bar',
          data: {
            labels: s.intents.slice(0, 15).map((i) => i.intent),
            datasets: [{ label: tr('messagesCol'), backgroundColor: PALETTE[1], data: s.intents.slice(0, 15).map((i) => i.count) }],
          },
          // Every bar named: Chart.js skips labels that do not fit, so the box is tall enough for 15 and none is skipped.
          options: { ...base, indexAxis: 'y', scales: { x: counts('axisMessages'), y: axis('axisIntent', { ticks: { autoSkip: false } }) } },
        },
      ],
      [
        'chart-sentiment',
        {
          type: 'line',
          data: {
            labels: sentimentDays.map(shortDay),
            datasets: [...new Set(s.sentiment.map((r) => r.segment))].map((seg, i) => ({
              label: seg === '*' ? tr('everyone') : seg,
              borderColor: PALETTE[i % PALETTE.length],
              backgroundColor: PALETTE[i % PALETTE.length],
              spanGaps: true,
              data: sentimentDays.map((d) => s.sentiment.find((r) => r.day === d && r.segment === seg)?.average ?? null),
            })),
          },
          options: {
            ...base,
            scales: { x: axis('axisDay'), y: axis('axisSentiment', { min: -1, max: 1, ticks: { stepSize: 0.5, callback: sentimentTick } }) },
          },
        },
      ],
    ];
    const charts = configs.map(([id, config]) => new Chart(canvas(id), config));
    for (const c of charts) {
      c.canvas.dataset.series = c.data.datasets.map((d) => d.label ?? '').join('|');
      for (const key of ['x', 'y'] as const) {
        const scale = c.scales[key];
        if (!scale) continue;
        const title = (scale.options as { title?: { text?: string } }).title?.text;
        if (title) c.canvas.dataset[`${key}Title`] = title;
        c.canvas.dataset[`${key}Ticks`] = scale.ticks.map((t) => String(t.label)).join('|');
      }
    }
    document.getElementById('review')?.setAttribute('data-charts', String(charts.length));
    return () => {
      charts.forEach((c) => c.destroy());
      document.getElementById('review')?.removeAttribute('data-charts');
    };
  }, [s]);
  const chart = (id: string, title: Key, tall = false) => (
    <figure class="chart-box">
      <figcaption>{tr(title)}</figcaption>
      <div class={tall ? 'chart tall' : 'chart'}>
        <canvas id={id} role="img" aria-label={tr(title)} />
      </div>
    </figure>
  );
  return (
    <div class="charts" ref={box}>
      {chart('chart-per-day', 'perDayChannel')}
      {chart('chart-reasons', 'handoffReasons')}
      {chart('chart-ratings', 'ratingsChart')}
      {chart('chart-intents', 'intentsChart', true)}
      {chart('chart-sentiment', 'sentimentChart')}
    </div>
  );
}
