import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/**
 * A CPU profile of this process over a window (the inspector's sampling profiler, as `node --cpu-prof` writes it,
 * but only between start and the returned stop): the load sections whose server runs in the bench's own process
 * profile their measured load, not their connecting and seeding. The file opens in Chrome's DevTools (Performance).
 */
export async function startCpuProfile(): Promise<(file: string) => Promise<string>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  // 1 ms (the default is about 1 ms too, said explicitly): fine enough for a 3 ms message, cheap enough not to move it.
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return async (file) => {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

/** The parts of a `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled milliseconds counted (idle, the process's start and the profiler's own work left out). */
  busyMs: number;
  /** Self time by area: a folder of this project (`store/sqlite`, `bot`), a package (`botbuilder-core`), node's own, or GC. */
  areas: Record<string, number>;
  /** Self time by function (`name file:line`), highest first, at most `top`. */
  functions: [string, number][];
  /**
   * Inclusive time by function: every sample counts once for each function on its stack (a recursive one once), so a
   * cost spread thin over many callees (botbuilder's accessors, a store call) shows at its caller. Highest first.
   */
  inclusive: [string, number][];
}

/** Frames whose whole subtree is the process starting (loading modules, the recognizer, the app), not a turn. */
const STARTUP = new Set(['executeUserEntryPoint', 'trainRecognizer', 'appOn']);
/**
 * The inspector's own work in a profile taken from inside the process (bench/relayServer.ts): `Profiler.stop` building
 * the profile is sampled too, a third of a relay round's samples, none of it the server's.
 */
const PROFILER = (f: { functionName: string; url: string }) => f.functionName === 'dispatch' && f.url === '';

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.+)\/[^/]+\.js$/.exec(url);
  if (own) return own[1];
  return url.startsWith('node:') ? 'node' : url;
}

/**
 * Where a profile's busy time went, without its start-up: self time by area and by function. `node
 * dist/bench/cpuProfile.js A.cpuprofile [B.cpuprofile]` prints it, two profiles (a build and the one before, from
 * `--bot-cpu-prof`) side by side as shares of their busy time, by self time and by inclusive time.
 */
export function summarizeCpuProfile(profile: CpuProfile, top = 30): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const startup = new Map<number, boolean>();
  const inStartup = (id: number): boolean => {
    const known = startup.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const frame = byId.get(id)!.callFrame;
    const result = STARTUP.has(frame.functionName) || PROFILER(frame) || (up !== undefined && inStartup(up));
    startup.set(id, result);
    return result;
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas: Record<string, number> = {};
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const nameOf = ({ functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame']) =>
    `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|node_modules)\//, '')}:${lineNumber + 1}`;
  let busy = 0;
  for (const [id, micros] of self) {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || inStartup(id)) continue;
    const ms = micros / 1000;
    busy += ms;
    const area = areaOf(url, functionName);
    areas[area] = (areas[area] ?? 0) + ms;
    const name = nameOf(byId.get(id)!.callFrame);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(nameOf(byId.get(at)!.callFrame));
    for (const f of onStack) inclusive.set(f, (inclusive.get(f) ?? 0) + ms);
  }
  return {
    busyMs: busy,
    areas,
    functions: [...functions].sort((a, b) => b[1] - a[1]).slice(0, top),
    inclusive: [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top),
  };
}

function share(ms: number | undefined, busy: number): string {
  return `${((100 * (ms ?? 0)) / busy).toFixed(1).padStart(5)} %`;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.length > 2) {
    process.stderr.write('usage: node dist/bench/cpuProfile.js A.cpuprofile [B.cpuprofile]\n');
    process.exit(2);
  }
  const s = files.map((f) => summarizeCpuProfile(JSON.parse(fs.readFileSync(f, 'utf8')) as CpuProfile, 40));
  process.stdout.write(`busy ms: ${s.map((x) => x.busyMs.toFixed(0)).join(' | ')}\n\nself time by area\n`);
  const areas = Object.keys(Object.assign({}, ...s.map((x) => x.areas)) as object).sort((a, b) => (s[0].areas[b] ?? 0) - (s[0].areas[a] ?? 0));
  for (const a of areas.slice(0, 30)) process.stdout.write(`${s.map((x) => share(x.areas[a], x.busyMs)).join(' | ')}  ${a}\n`);
  process.stdout.write('\nself time by function\n');
  for (const [i, x] of s.entries()) {
    if (s.length > 1) process.stdout.write(`-- ${files[i]}\n`);
    for (const [name, ms] of x.functions) process.stdout.write(`${share(ms, x.busyMs)}  ${name}\n`);
  }
  process.stdout.write('\ninclusive time by function\n');
  for (const [i, x] of s.entries()) {
    if (s.length > 1) process.stdout.write(`-- ${files[i]}\n`);
    for (const [name, ms] of x.inclusive) process.stdout.write(`${share(ms, x.busyMs)}  ${name}\n`);
  }
}
