import { round, summary } from './benchStats';
import type { Stamp } from './relayTrace';

/**
 * The relay's timelines (relayBench `--timeline`): the client's send and receipt of each relayed message beside the
 * server's stamps (bench/relayTrace.ts), all on the epoch clock the processes share. Splits each relay into its
 * steps, gives each step's percentiles, and prints the slowest relays whole: a p99 is a question of what those
 * waited for.
 */
export interface ClientRelay {
  /** Epoch ms: the post began, the agent's socket got the message. */
  sent: number;
  seen: number;
}

export interface RelayTimeline {
  ms: number;
  steps: Record<string, number>;
  /** The store's upkeep slices (ms, summed) that ran between the relay's request and its frame: time it may wait. */
  upkeepMs: number;
  stamps: (Stamp & { rel: number })[];
}

/** Each relay's server stamps: from its HTTP request to the next relay's (the bench sends one at a time). */
export function timelines(relays: ClientRelay[], stamps: Stamp[]): RelayTimeline[] {
  const sorted = [...stamps].sort((a, b) => a.at - b.at);
  return relays.map((r, i) => {
    const end = relays[i + 1]?.sent ?? Infinity;
    const own = sorted.filter((s) => s.at >= r.sent && s.at < end && s.at <= r.seen + 5);
    const first = (name: string, after = r.sent) => own.find((s) => s.name === name && s.at >= after)?.at;
    const request = first('http.request') ?? r.sent;
    const syncCall = first('gc.sync.call', request) ?? request;
    const syncDone = first('gc.sync.done', syncCall) ?? syncCall;
    const created = first('event.message.created', syncDone) ?? syncDone;
    const sent = first('engine.send', created) ?? created;
    const steps = {
      toServer: request - r.sent,
      toSync: syncCall - request,
      sync: syncDone - syncCall,
      toEvent: created - syncDone,
      toFrame: sent - created,
      toAgent: r.seen - sent,
    };
    const upkeepMs = own.filter((s) => s.name === 'upkeep.slice' && s.at >= request && s.at < sent).reduce((sum, s) => sum + (s.ms ?? 0), 0);
    return { ms: r.seen - r.sent, steps, upkeepMs, stamps: own.map((s) => ({ ...s, rel: round(s.at - r.sent, 3) })) };
  });
}

export function printTimelines(all: RelayTimeline[], out: (line: string) => void, slowest = 8): void {
  const names = Object.keys(all[0]?.steps ?? {});
  out(`steps p50/p95/p99 ms (n ${all.length}):`);
  for (const n of names) {
    const s = summary(all.map((t) => t.steps[n]));
    out(`  ${n.padEnd(9)} ${s.p50}/${s.p95}/${s.p99}`);
  }
  const upkept = all.filter((t) => t.upkeepMs > 0);
  out(
    `relays with a store upkeep slice between their request and their frame: ${upkept.length} of ${all.length}${
      upkept.length ? `, slices ${round(upkept.reduce((sum, t) => sum + t.upkeepMs, 0) / upkept.length, 3)} ms on average` : ''
    }`,
  );
  const slow = [...all].sort((a, b) => b.ms - a.ms).slice(0, slowest);
  for (const t of slow) {
    out(`relay ${round(t.ms, 3)} ms: ${names.map((n) => `${n} ${round(t.steps[n], 2)}`).join(', ')}`);
    for (const s of t.stamps)
      out(`    +${s.rel.toFixed(3).padStart(8)} ${s.name}${s.ms !== undefined ? ` (${round(s.ms, 3)} ms)` : ''}${s.info ? ` ${s.info}` : ''}`);
  }
}
