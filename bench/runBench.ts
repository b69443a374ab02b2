import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../core/cliArgs';
import { BENCH_USAGE, parseBenchArgs } from './benchArgs';
import type { BenchSink } from './benchKit';

/**
 * `npm run bench [-- options]` (BENCH_USAGE): every figure beside a baseline measured in the same run, on
 * loopback only, bounded in time. The sections load only once the flags are known, so `--help` and a mistyped
 * flag answer at once.
 */
async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (parsed.help) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const { runSections } = await import('./benchSections');
  const { report } = await import('./benchReport');
  const b: BenchSink = {
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-')),
    rows: [],
    results: {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    },
    options: parsed.options,
  };
  const started = Date.now();
  try {
    b.results.sectionSeconds = await runSections(b);
  } finally {
    fs.rmSync(b.dir, { recursive: true, force: true });
  }
  b.results.totalSeconds = Math.round((Date.now() - started) / 100) / 10;
  report(b.rows, b.results);
  return 0;
}

if (require.main === module) runCli('bench', BENCH_USAGE, () => main(process.argv.slice(2)));
