import type { Conversation } from '../models/records';

export interface QueueTicket {
  position: number;
  /** The likeliest wait, seconds; -1 when nobody can take the chat now. */
  estimatedWaitSeconds: number;
  /** What the estimate may turn out to be, seconds (absent when nobody can take the chat now). */
  waitRange?: { low: number; high: number };
  agentsOnline: number;
}

export function formatWait(seconds: number, language: string | undefined): string {
  const es = language === 'es';
  if (seconds < 60) return es ? 'menos de 1 minuto' : 'under 1 minute';
  const m = Math.round(seconds / 60);
  if (es) return m === 1 ? 'alrededor de 1 minuto' : `unos ${m} minutos`;
  return `about ${m} minute${m === 1 ? '' : 's'}`;
}

/** The wait as the customer reads it: one figure when the estimate is firm, a range in minutes when it is not. */
export function formatWaitRange(ticket: Pick<QueueTicket, 'estimatedWaitSeconds' | 'waitRange'>, language: string | undefined): string {
  return waitAsSaid(ticket, language).text;
}

/**
 * The words said and the latest time they promise, seconds: "2 to 4 minutes" promises 4 minutes, whatever unrounded
 * figure (3 min 12 s) it was said from. The promise is kept by what the customer read (heldToWhatWasSaid), so both
 * come from here.
 */
export function waitAsSaid(
  ticket: Pick<QueueTicket, 'estimatedWaitSeconds' | 'waitRange'>,
  language: string | undefined,
): { text: string; topSeconds: number } {
  const r = ticket.waitRange;
  const about = (seconds: number) => ({ text: formatWait(seconds, language), topSeconds: seconds < 60 ? 60 : Math.round(seconds / 60) * 60 });
  // "About 3 minutes" said from 3 min 20 s: the promise is not shortened below the figure it was said from.
  const atLeast = (said: { text: string; topSeconds: number }, raw: number) => ({ ...said, topSeconds: Math.max(said.topSeconds, raw) });
  if (!r) return atLeast(about(ticket.estimatedWaitSeconds), ticket.estimatedWaitSeconds);
  const low = Math.floor(r.low / 60);
  const high = Math.max(low, Math.ceil(r.high / 60));
  if (high <= 1) return atLeast(about(Math.min(r.high, 59)), r.high);
  if (high - low <= Math.max(1, Math.round(high * 0.2))) return atLeast(about((r.low + r.high) / 2), r.high);
  const es = language === 'es';
  if (low < 1) return { text: es ? `hasta ${high} minutos` : `up to ${high} minutes`, topSeconds: high * 60 };
  return { text: es ? `entre ${low} y ${high} minutos` : `${low} to ${high} minutes`, topSeconds: high * 60 };
}

type LastNotice = NonNullable<NonNullable<Conversation['queueInfo']>['lastNotice']>;

/**
 * What a queued customer is told, given a fresh estimate and what they were told before (`last`). A wait told is a
 * promise of a time ("about 1 minute" at 10:00 is "by about 10:01"): later figures count down to it and never past
 * it, and the place told never goes back, so a customer never reads "about 3 minutes" after "about 1 minute" for
 * reasons they cannot see (an offer that lapsed, a colleague's chat placed ahead, recent chats that took longer). The
 * fresh figures are told instead only when something real happened: fewer places with agents than when it was told
 * (agents went away or offline: `capacity` fell), nobody online at all, or the time told has run out (the customer
 * has seen it pass: a promise kept for ever would be a lie).
 */
export function heldToWhatWasSaid(fresh: QueueTicket, last: LastNotice | undefined, capacity: number, now: number): QueueTicket {
  const leftHigh = fresh.agentsOnline === 0 ? undefined : promiseLeft(last, capacity, now);
  if (!last || leftHigh === undefined) return fresh;
  const left = Math.max(0, last.waitSeconds - Math.max(0, (now - Date.parse(last.at!)) / 1000));
  const mid = Math.min(fresh.estimatedWaitSeconds, left);
  const high = Math.min(fresh.waitRange?.high ?? fresh.estimatedWaitSeconds, leftHigh);
  const low = Math.min(fresh.waitRange?.low ?? mid, mid);
  return {
    position: Math.min(fresh.position, last.position),
    estimatedWaitSeconds: Math.round(mid),
    ...(fresh.waitRange ? { waitRange: { low: Math.round(low), high: Math.round(Math.max(high, mid)) } } : {}),
    agentsOnline: fresh.agentsOnline,
  };
}

/**
 * The queue in serving order, keeping every place told (a customer told "number 4" never stands 5th): `ordered` is
 * the order by priority and age, `told(c)` the place a chat's customer was told (undefined: no place told, such as
 * "nobody is online"). Each place is filled by the first chat in `ordered` that can stand there without making a
 * told place impossible to keep: a chat of higher priority overtakes a told chat only as far as that chat has slack
 * (told 6, standing 4: it may drop to 5 or 6), else it stands right behind the chats whose word it would break. When
 * no order keeps every word (places told when the queue was different), the earliest place told goes first.
 */
export function keepingPlacesTold<T>(ordered: readonly T[], told: (c: T) => number | undefined): T[] {
  // Chats with a place told, earliest place first (then serving order): the ones a place may be owed to.
  const owed = ordered
    .map((c, i) => ({ c, i, place: told(c) }))
    .filter((x): x is { c: T; i: number; place: number } => x.place !== undefined)
    .sort((a, b) => a.place - b.place || a.i - b.i);
  const placed = new Set<T>();
  const out: T[] = [];
  let next = 0;
  while (out.length < ordered.length) {
    while (placed.has(ordered[next])) next++;
    const place = out.length + 1;
    const first = ordered[next];
    // The chats still owed a place, if `first` stands at `place`: the k-th of them stands at `place + k` at best.
    let k = 0;
    const keeps = owed.every((x) => placed.has(x.c) || x.c === first || x.place >= place + ++k);
    const pick = keeps ? first : owed.find((x) => !placed.has(x.c))!.c;
    placed.add(pick);
    out.push(pick);
  }
  return out;
}

/**
 * Seconds left of the wait told in `last` while that promise stands (told with a time, places with agents as many as
 * then, the time not yet passed); undefined when it no longer binds.
 */
function promiseLeft(last: LastNotice | undefined, capacity: number, now: number): number | undefined {
  const told = last?.at ? Date.parse(last.at) : NaN;
  if (!last || !Number.isFinite(told) || last.waitSeconds < 0) return undefined;
  if (last.capacity !== undefined && capacity < last.capacity) return undefined;
  const left = (last.waitHigh ?? last.waitSeconds) - Math.max(0, (now - told) / 1000);
  return left > 0 ? left : undefined;
}

/** Seconds between two "it is taking longer than I said" notices while no agent takes the chat. */
const LATE_NOTICE_INTERVAL_SECONDS = 180;

/**
 * Whether the wait told in `last` has run out without an agent (the customer has seen it pass), so they are told so
 * with the place and wait now and what they can do, not left in silence; after such a notice, the next comes only
 * when its own wait has run out too and at least LATE_NOTICE_INTERVAL_SECONDS later (offers lapsing one after another
 * would otherwise say "under 1 minute" again every minute).
 */
export function overdueNotice(last: LastNotice | undefined, now: number): boolean {
  const told = last?.at ? Date.parse(last.at) : NaN;
  if (!last || !Number.isFinite(told) || last.waitSeconds < 0) return false;
  const promised = (last.waitHigh ?? last.waitSeconds) * 1000;
  return now - told >= (last.late ? Math.max(promised, LATE_NOTICE_INTERVAL_SECONDS * 1000) : promised);
}

/**
 * The notice to keep as what was told: the figures said, when, and the capacity they were said with. The top kept is
 * the one the customer read ("2 to 4 minutes": 4 minutes, not the 3 min 12 s it was rounded from), and never later
 * than the time an earlier notice still standing (`last`) promised: a figure rounded up again at each reminder would
 * put the promise off a little every time.
 */
export function noticeOf(said: QueueTicket, capacity: number, at: number, last?: LastNotice): LastNotice {
  const standing = promiseLeft(last, capacity, at);
  const top = waitAsSaid(said, undefined).topSeconds;
  return {
    position: said.position,
    waitSeconds: said.estimatedWaitSeconds,
    ...(said.estimatedWaitSeconds >= 0 ? { waitHigh: Math.round(standing === undefined ? top : Math.min(top, standing)) } : {}),
    capacity,
    at: new Date(at).toISOString(),
  };
}

/**
 * Handling time (accepted → closed) of recent closed chats (`closed`, the last 200): median and quartiles, seconds.
 * With fewer than five, `defaultSeconds` with a wide range (half to double): the estimate is a guess and says so.
 */
export function handlingTimes(closed: readonly Conversation[], defaultSeconds: number): { low: number; median: number; high: number } {
  const times = closed.filter((c) => c.assignedAt && c.closedAt).map((c) => Math.max(30, (Date.parse(c.closedAt!) - Date.parse(c.assignedAt!)) / 1000));
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.max(0, Math.ceil(p * times.length) - 1))];
  if (times.length < 5) {
    const median = times.length > 0 ? at(0.5) : defaultSeconds;
    return { low: median / 2, median, high: median * 2 };
  }
  return { low: at(0.25), median: at(0.5), high: at(0.75) };
}
