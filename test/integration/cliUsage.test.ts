import path from 'node:path';
import { runTs } from '../helpers/runTs';

/**
 * Every command-line entry run as the shell runs it (the TypeScript source through the transpile-only hook):
 * `--help` prints its usage to stdout and exits 0; an unknown flag exits 2 with the problem and the usage on
 * stderr, before anything is opened or started. The flag parsing itself is tested in test/unit/cliArgs.test.ts.
 */
const ROOT = path.join(__dirname, '..', '..');

function run(script: string, args: string[]) {
  return runTs(script, args, { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
}

const CLIS: { name: string; script: string; usage: string }[] = [
  { name: 'bench', script: 'bench/runBench.ts', usage: 'usage: npm run bench' },
  { name: 'generate', script: 'bench/generateHistory.ts', usage: 'usage: npm run generate' },
  { name: 'storeQueries', script: 'bench/storeQueries.ts', usage: 'usage: node dist/bench/storeQueries.js FILE [RUNS]' },
  { name: 'consolePush', script: 'bench/consolePush.ts', usage: 'usage: node dist/bench/consolePush.js' },
  { name: 'relayBench', script: 'bench/relayBench.ts', usage: 'usage: node dist/bench/relayBench.js' },
  { name: 'nlu:eval', script: 'nlu/evalCli.ts', usage: 'npm run nlu:eval -- --testset [DIR]' },
  { name: 'import', script: 'profile/importCli.ts', usage: 'usage: npm run import -- --file customers.csv' },
];

describe.each(CLIS)('$name', ({ name, script, usage }) => {
  it('prints its usage for --help and exits 0', async () => {
    const r = await run(script, ['--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(usage);
  });

  it('exits 2 on an unknown flag, saying which, with the usage', async () => {
    const r = await run(script, ['--no-such-flag', '1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${name}: Unknown option '--no-such-flag'`);
    expect(r.stderr).toContain(usage);
  });
});

describe('flag values', () => {
  it('bench refuses a section it does not have before starting anything', async () => {
    const r = await run('bench/runBench.ts', ['--only', 'trips,mutli']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "bench: --only takes section names (bot, trips, relay, store, connections, webchat, outside, console, multi, sentiment, nlu), not 'mutli'",
    );
    expect(r.stdout).toBe('');
  });

  it('generate refuses a history it cannot make', async () => {
    const r = await run('bench/generateHistory.ts', ['--db', path.join(ROOT, 'no-such-dir', 'x.sqlite'), '--conversations', '10', '--messages', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('generate: --messages must be at least 2 per conversation (20)');
  });

  it('storeQueries and import name a missing file', async () => {
    const q = await run('bench/storeQueries.ts', [path.join(ROOT, 'no-such.sqlite')]);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/storeQueries: .*no-such\.sqlite does not exist/);
    const i = await run('profile/importCli.ts', ['--file', 'no-such.csv', '--dry-run']);
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('import: no-such.csv does not exist');
  });
});
