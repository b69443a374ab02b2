import type { Decision } from './confidencePolicy';

/** One evaluated request: its gold intent, what the recognizer said, and what the confidence policy made of it. */
export interface JudgedRequest {
  /** An intent, or `outOfScope` (the label the caller uses for out-of-scope gold items). */
  gold: string;
  predicted: string;
  decision: Decision;
}

export interface IntentRow {
  intent: string;
  n: number;
  /** Share of this intent's requests recognized as it. */
  accuracy: number;
  /** The most frequent wrong prediction for this intent, if any. */
  confusedWith?: { intent: string; count: number };
}

export interface RequestMetrics {
  requests: number;
  inScope: number;
  outOfScope: number;
  /** In-scope requests recognized as their intent. */
  accuracy: number;
  /** Out-of-scope requests recognized as out of scope; null without any. */
  oosRecall: number | null;
  /** Share of all requests the policy answers with a wrong intent (out-of-scope requests answered count too). */
  confidentWrong: number;
  /** Share of in-scope requests the policy answers with the right intent. */
  answeredRight: number;
  /** Share of all requests the policy asks about instead of answering. */
  clarify: number;
  /** Share of clarifying questions that offer the gold intent (in-scope requests only); null without any. */
  clarifyOffersGold: number | null;
  /** Share of all requests the policy treats as not understood. */
  unknown: number;
  perIntent: IntentRow[];
}

/**
 * The figures `nlu:eval` prints for a corpus or test set. `outOfScope` names the out-of-scope label as used in
 * `gold` and `predicted`. Per-intent rows are sorted by label, the out-of-scope row included when there is one.
 */
export function requestMetrics(rows: readonly JudgedRequest[], outOfScope: string): RequestMetrics {
  const inScope = rows.filter((r) => r.gold !== outOfScope);
  const oos = rows.filter((r) => r.gold === outOfScope);
  const share = (n: number, of: number) => (of ? n / of : 0);
  const count = (xs: readonly JudgedRequest[], f: (r: JudgedRequest) => boolean) => xs.reduce((n, r) => n + (f(r) ? 1 : 0), 0);
  const clarified = inScope.filter((r) => r.decision.kind === 'clarify');
  const byGold = new Map<string, JudgedRequest[]>();
  for (const r of rows) {
    const list = byGold.get(r.gold);
    if (list) list.push(r);
    else byGold.set(r.gold, [r]);
  }
  const perIntent = [...byGold.keys()].sort().map((intent): IntentRow => {
    const mine = byGold.get(intent)!;
    const wrong = new Map<string, number>();
    for (const r of mine) if (r.predicted !== intent) wrong.set(r.predicted, (wrong.get(r.predicted) ?? 0) + 1);
    // Ties go to the label that sorts first, so the table is the same from run to run.
    const worst = [...wrong].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    return {
      intent,
      n: mine.length,
      accuracy: share(
        count(mine, (r) => r.predicted === intent),
        mine.length,
      ),
      ...(worst ? { confusedWith: { intent: worst[0], count: worst[1] } } : {}),
    };
  });
  return {
    requests: rows.length,
    inScope: inScope.length,
    outOfScope: oos.length,
    accuracy: share(
      count(inScope, (r) => r.predicted === r.gold),
      inScope.length,
    ),
    oosRecall: oos.length
      ? share(
          count(oos, (r) => r.predicted === outOfScope),
          oos.length,
        )
      : null,
    confidentWrong: share(
      count(rows, (r) => r.decision.kind === 'answer' && r.decision.intent !== r.gold),
      rows.length,
    ),
    answeredRight: share(
      count(inScope, (r) => r.decision.kind === 'answer' && r.decision.intent === r.gold),
      inScope.length,
    ),
    clarify: share(
      count(rows, (r) => r.decision.kind === 'clarify'),
      rows.length,
    ),
    clarifyOffersGold: clarified.length
      ? share(
          count(clarified, (r) => r.decision.kind === 'clarify' && r.decision.options.includes(r.gold)),
          clarified.length,
        )
      : null,
    unknown: share(
      count(rows, (r) => r.decision.kind === 'unknown'),
      rows.length,
    ),
    perIntent,
  };
}

/** The per-intent table as text lines: n, accuracy, most frequent confusion. */
export function perIntentTable(rows: readonly IntentRow[]): string[] {
  const width = Math.max(6, ...rows.map((r) => r.intent.length));
  return [
    `${'intent'.padEnd(width)}    n  accuracy  most frequent confusion`,
    ...rows.map(
      (r) =>
        `${r.intent.padEnd(width)} ${String(r.n).padStart(4)}  ${`${(r.accuracy * 100).toFixed(1)} %`.padStart(8)}  ${r.confusedWith ? `${r.confusedWith.intent} (${r.confusedWith.count})` : '-'}`,
    ),
  ];
}
