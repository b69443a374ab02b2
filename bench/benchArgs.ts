import path from 'node:path';
import { parseArgs } from 'node:util';
import { positiveNumber, UsageError } from '../core/cliArgs';

/** The sections of `npm run bench`, in the order they run. */
export const SECTIONS = ['bot', 'trips', 'relay', 'store', 'connections', 'webchat', 'outside', 'console', 'multi', 'sentiment', 'nlu'] as const;
export type Section = (typeof SECTIONS)[number];

/** How big the load sections are; defaults are the sizes README's figures ran with. */
export interface BenchSizes {
  webchatCustomers: number;
  webchatAgents: number;
  /** Seconds of measured load. */
  webchatSeconds: number;
  outsideSeconds: number;
  consoleAgents: number;
  consoleChats: number;
  /** Pushes timed on each side (baseline and measured). */
  consolePushes: number;
}

export interface BenchOptions extends BenchSizes {
  /** The public data sets (CLINC150, Braun) for the recognizer section. */
  data: string;
  /** Undefined: every section. */
  only?: ReadonlySet<Section>;
  skipNlu: boolean;
  /** A previous build's dist folder: its app runs as a third server in the bot section's rounds. */
  botBaseline?: string;
  /** Where the bot section's apps write their CPU profiles (`--cpu-prof`); undefined: not profiled. */
  botCpuProf?: string;
  /** Where the web chat section writes the server's CPU profile of its measured load; undefined: not profiled. */
  webchatCpuProf?: string;
  /** Alternating rounds of the bot section. */
  botRounds: number;
}

/** From dist/bench (and bench/) three folders up: the shared data beside the project's checkout. */
const DEFAULT_DATA = path.join(__dirname, '..', '..', '..', 'shared', 'data');

export const BENCH_USAGE = `usage: npm run bench [-- options]

Every figure beside a baseline measured in the same run, on loopback only. Prints a table; the last line is the
whole result as one JSON object, also written to bench/results/latest.json.

  --only LIST             run only these sections (comma-separated, or the flag repeated), in the usual order:
                          ${SECTIONS.join(',')}
  --skip-nlu              leave out the recognizer section (it trains for minutes)
  --data DIR              the public data sets (DIR/clinc150/data_full.json, DIR/braun2017/*.json)
                          default ${path.relative(process.cwd(), DEFAULT_DATA) || '.'}
  --webchat-customers N   web chat customers on streams (webchat; default 10000)
  --webchat-agents N      agent sockets holding their chats (webchat; default 500)
  --webchat-seconds S     seconds of measured load (webchat; default 30)
  --outside-seconds S     seconds of measured load (outside; default 30)
  --console-agents N      agents signed in (console; default 500)
  --console-chats N       open chats (console; default 2000)
  --console-pushes N      pushes timed on each side (console; default 40)
  --bot-rounds N          alternating rounds of the bot section (default 6)
  --bot-baseline DIST     a previous build's dist folder (with bench/botServer.js from this build copied into its
                          dist/bench if it has none): its app runs in the same rounds, side by side (bot)
  --bot-cpu-prof DIR      the bot section's apps run under --cpu-prof, their profiles written to DIR
  --webchat-cpu-prof DIR  the web chat section's server (this process) is profiled during its measured load,
                          the profile written to DIR (opens in Chrome DevTools)
  -h, --help              this text
`;

/** The sizing flags: the whole bench takes them, and so does `node dist/bench/consolePush.js` alone. */
export const SIZE_OPTIONS = {
  'webchat-customers': { type: 'string' },
  'webchat-agents': { type: 'string' },
  'webchat-seconds': { type: 'string' },
  'outside-seconds': { type: 'string' },
  'console-agents': { type: 'string' },
  'console-chats': { type: 'string' },
  'console-pushes': { type: 'string' },
} as const;

const OPTIONS = {
  ...SIZE_OPTIONS,
  only: { type: 'string', multiple: true },
  'skip-nlu': { type: 'boolean' },
  data: { type: 'string' },
  'bot-rounds': { type: 'string' },
  'bot-baseline': { type: 'string' },
  'bot-cpu-prof': { type: 'string' },
  'webchat-cpu-prof': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function benchSizes(v: Partial<Record<keyof typeof SIZE_OPTIONS, string>>): BenchSizes {
  return {
    webchatCustomers: positiveNumber('webchat-customers', v['webchat-customers'], 10_000),
    webchatAgents: positiveNumber('webchat-agents', v['webchat-agents'], 500),
    webchatSeconds: positiveNumber('webchat-seconds', v['webchat-seconds'], 30, { integer: false }),
    outsideSeconds: positiveNumber('outside-seconds', v['outside-seconds'], 30, { integer: false }),
    consoleAgents: positiveNumber('console-agents', v['console-agents'], 500),
    consoleChats: positiveNumber('console-chats', v['console-chats'], 2000),
    consolePushes: positiveNumber('console-pushes', v['console-pushes'], 40),
  };
}

/** `help`: print the usage and run nothing. Throws a usage error (exit code 2) for anything it does not know. */
export function parseBenchArgs(argv: readonly string[]): { help: true } | { help: false; options: BenchOptions } {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) return { help: true };
  let only: Set<Section> | undefined;
  if (values.only) {
    const names = values.only.flatMap((v) => v.split(',')).map((s) => s.trim());
    const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
    if (unknown.length || !names.length) throw new UsageError(`--only takes section names (${SECTIONS.join(', ')}), not '${unknown.join(',')}'`);
    only = new Set(names as Section[]);
  }
  for (const flag of ['data', 'bot-baseline', 'bot-cpu-prof', 'webchat-cpu-prof'] as const) {
    if (values[flag] !== undefined && !values[flag].trim()) throw new UsageError(`--${flag} needs a directory`);
  }
  const folder = (v: string | undefined) => (v === undefined ? undefined : path.resolve(v));
  return {
    help: false,
    options: {
      data: values.data ?? DEFAULT_DATA,
      ...(only ? { only } : {}),
      skipNlu: values['skip-nlu'] ?? false,
      ...(values['bot-baseline'] ? { botBaseline: folder(values['bot-baseline']) } : {}),
      ...(values['bot-cpu-prof'] ? { botCpuProf: folder(values['bot-cpu-prof']) } : {}),
      ...(values['webchat-cpu-prof'] ? { webchatCpuProf: folder(values['webchat-cpu-prof']) } : {}),
      botRounds: positiveNumber('bot-rounds', values['bot-rounds'], 6),
      ...benchSizes(values),
    },
  };
}
