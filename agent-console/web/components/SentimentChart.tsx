import type { SentimentPoint } from '../../../models/records';
import { decimal } from '../format';
import { tr } from '../i18n';

const W = 260;
const H = 90;
const PAD = { left: 26, right: 8, top: 8, bottom: 8 };

/** The customer's sentiment per message, −1 to 1, oldest left; the zero line and each point drawn. */
export function SentimentChart({ points }: { points: readonly SentimentPoint[] }) {
  if (!points.length)
    return (
      <p class="meta" id="sentiment-chart">
        {tr('sentimentNone')}
      </p>
    );
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => PAD.top + ((1 - Math.max(-1, Math.min(1, v))) / 2) * innerH;
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const latest = points[points.length - 1].score;
  const summary = tr('sentimentLatest', { v: decimal(latest, 2), n: points.length });
  return (
    <figure class="sentiment" id="sentiment-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label={`${tr('sentimentTrend')}: ${summary}`} data-points={points.length}>
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(1)} y2={y(1)} />
        <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(-1)} y2={y(-1)} />
        <text class="tick" x={PAD.left - 4} y={y(1) + 4}>
          +1
        </text>
        <text class="tick" x={PAD.left - 4} y={y(0) + 4}>
          0
        </text>
        <text class="tick" x={PAD.left - 4} y={y(-1)}>
          −1
        </text>
        <path class="trend" d={path} />
        {points.map((p, i) => (
          <circle key={i} class={p.score > 0.1 ? 'pos' : p.score < -0.1 ? 'neg' : 'neu'} cx={x(i)} cy={y(p.score)} r={3} />
        ))}
      </svg>
      <figcaption class="meta">{summary}</figcaption>
    </figure>
  );
}
