// Rounding and percentiles, apart from benchKit.ts so that using them loads no app (bench/relayTimeline.ts, its unit test).
export function round(n: number, d = 2): number {
  return Math.round(n * 10 ** d) / 10 ** d;
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(lat: number[]) {
  const s = [...lat].sort((a, b) => a - b);
  return { p50: round(pct(s, 50)), p95: round(pct(s, 95)), p99: round(pct(s, 99)), n: s.length };
}
