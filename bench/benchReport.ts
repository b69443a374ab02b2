import fs from 'node:fs';
import path from 'node:path';

/** The table on stdout, then the whole result as one JSON line, also written to bench/results/latest.json. */
export function report(rows: readonly [string, string, string][], results: Record<string, unknown>): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${'figure'.padEnd(w)} | measured | baseline / target\n`);
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w)} | ${b} | ${c}\n`);
  const outDir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(results, null, 2));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
