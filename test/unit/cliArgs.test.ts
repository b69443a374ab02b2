import { BENCH_USAGE, parseBenchArgs, SECTIONS } from '../../bench/benchArgs';
import { parseGenerateArgs } from '../../bench/generateHistory';
import { isUsageError, positiveNumber, UsageError } from '../../core/cliArgs';
import { parseEvalArgs } from '../../nlu/evalArgs';

/** The flag parsing of each CLI, in process; test/integration/cliUsage.test.ts runs them as the shell does. */
const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(isUsageError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('bench flags', () => {
  it('runs every section at README sizes when given nothing', () => {
    const r = parseBenchArgs([]);
    expect(r.help).toBe(false);
    if (r.help) return;
    expect(r.options.only).toBeUndefined();
    expect(r.options.skipNlu).toBe(false);
    expect(r.options.data).toMatch(/shared[/\\]data$/);
    expect(r.options).toMatchObject({
      webchatCustomers: 10_000,
      webchatAgents: 500,
      webchatSeconds: 30,
      outsideSeconds: 30,
      consoleAgents: 500,
      consoleChats: 2000,
      consolePushes: 40,
      botRounds: 6,
    });
    expect(r.options.botBaseline).toBeUndefined();
    expect(r.options.botCpuProf).toBeUndefined();
    expect(r.options.webchatCpuProf).toBeUndefined();
  });

  it('reads every flag it documents', () => {
    const r = parseBenchArgs([
      '--only',
      'trips,multi',
      '--only',
      'console',
      '--skip-nlu',
      '--data',
      '/tmp/d',
      '--webchat-customers',
      '100',
      '--webchat-agents',
      '5',
      '--webchat-seconds',
      '2.5',
      '--outside-seconds',
      '3',
      '--console-agents',
      '7',
      '--console-chats',
      '9',
      '--console-pushes',
      '4',
      '--bot-rounds',
      '3',
      '--bot-baseline',
      '/tmp/prev-dist',
      '--bot-cpu-prof',
      '/tmp/prof',
      '--webchat-cpu-prof',
      '/tmp/wprof',
    ]);
    if (r.help) throw new Error('not help');
    expect([...(r.options.only ?? [])]).toEqual(['trips', 'multi', 'console']);
    expect(r.options).toMatchObject({
      skipNlu: true,
      data: '/tmp/d',
      webchatCustomers: 100,
      webchatAgents: 5,
      webchatSeconds: 2.5,
      outsideSeconds: 3,
      consoleAgents: 7,
      consoleChats: 9,
      consolePushes: 4,
      botRounds: 3,
      botBaseline: '/tmp/prev-dist',
      botCpuProf: '/tmp/prof',
      webchatCpuProf: '/tmp/wprof',
    });
  });

  it('answers --help and -h with the usage, which names every section', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
    expect(parseBenchArgs(['-h'])).toEqual({ help: true });
    for (const s of SECTIONS) expect(BENCH_USAGE).toContain(s);
  });

  it('refuses what it does not know instead of running with defaults', () => {
    expect(usageError(() => parseBenchArgs(['--skip-nl']))).toMatch(/Unknown option '--skip-nl'/);
    expect(usageError(() => parseBenchArgs(['--only', 'trip']))).toMatch(/--only takes section names .* not 'trip'/);
    expect(usageError(() => parseBenchArgs(['--only']))).toMatch(/argument missing/);
    expect(usageError(() => parseBenchArgs(['--webchat-customers', 'lots']))).toMatch(/--webchat-customers must be a whole number above 0, not 'lots'/);
    expect(usageError(() => parseBenchArgs(['--console-agents', '0']))).toMatch(/--console-agents must be/);
    expect(usageError(() => parseBenchArgs(['--console-chats', '2.5']))).toMatch(/--console-chats must be a whole number/);
    expect(usageError(() => parseBenchArgs(['trips']))).toMatch(/Unexpected argument 'trips'/);
    expect(usageError(() => parseBenchArgs(['--webchat-cpu-prof', ' ']))).toMatch(/--webchat-cpu-prof needs a directory/);
  });
});

describe('generate flags', () => {
  it('defaults, and every flag', () => {
    expect(parseGenerateArgs([])).toEqual({ help: false, db: 'data/history.sqlite', conversations: 100_000, messages: 1_000_000, seed: 42 });
    expect(parseGenerateArgs(['--db', 'x.sqlite', '--conversations', '10', '--messages', '20', '--seed', '0'])).toEqual({
      help: false,
      db: 'x.sqlite',
      conversations: 10,
      messages: 20,
      seed: 0,
    });
    expect(parseGenerateArgs(['--mongo', 'mongodb://h/db', '--conversations', '5'])).toMatchObject({ mongo: 'mongodb://h/db', messages: 50 });
    expect(parseGenerateArgs(['--help'])).toEqual({ help: true });
  });

  it('refuses a size it cannot make, two stores, or an unknown flag', () => {
    expect(usageError(() => parseGenerateArgs(['--conversations', '10', '--messages', '19']))).toMatch(/at least 2 per conversation \(20\)/);
    expect(usageError(() => parseGenerateArgs(['--conversations=-1']))).toMatch(/--conversations must be/);
    expect(usageError(() => parseGenerateArgs(['--db', 'a', '--mongo', 'b']))).toMatch(/give one/);
    expect(usageError(() => parseGenerateArgs(['--seed', 'x']))).toMatch(/--seed must be a whole number/);
    expect(usageError(() => parseGenerateArgs(['--rows', '3']))).toMatch(/Unknown option '--rows'/);
  });
});

describe('nlu:eval flags', () => {
  it('reads the documented invocations', () => {
    expect(parseEvalArgs(['--testset'])).toEqual({ values: { testset: true } });
    expect(parseEvalArgs(['--testset', 'some/dir'])).toEqual({ values: { testset: true }, testsetDir: 'some/dir' });
    expect(parseEvalArgs(['--format', 'corpus', '--train', 'a.json', '--test', 'b.json', '--no-nodenlp']).values).toEqual({
      format: 'corpus',
      train: 'a.json',
      test: 'b.json',
      'no-nodenlp': true,
    });
    expect(parseEvalArgs(['--calibrate', '--target', '0.05']).values).toEqual({ calibrate: true, target: '0.05' });
    expect(parseEvalArgs(['--cv', 'nlu/corpus/en.json']).values).toEqual({ cv: 'nlu/corpus/en.json' });
  });

  it('refuses an unknown flag and a stray argument', () => {
    expect(usageError(() => parseEvalArgs(['--fromat', 'corpus']))).toMatch(/Unknown option '--fromat'/);
    expect(usageError(() => parseEvalArgs(['--cv', 'a.json', 'b.json']))).toMatch(/b\.json/);
  });
});

describe('shared helpers', () => {
  it('positiveNumber takes whole numbers above zero, fractions when asked, and the fallback when absent', () => {
    expect(positiveNumber('n', undefined, 7)).toBe(7);
    expect(positiveNumber('n', '12', 7)).toBe(12);
    expect(positiveNumber('n', '0.5', 7, { integer: false })).toBe(0.5);
    for (const bad of ['', ' ', 'x', '0', '-3', '1.5', 'Infinity']) expect(() => positiveNumber('n', bad, 7)).toThrow(UsageError);
  });
});
