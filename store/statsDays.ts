/** The dashboard's days (UTC, the first ten characters of createdAt), shared by both stores' daily rollups. */

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}/;

/** The day after a YYYY-MM-DD day, or undefined for one that is not a date. */
export function nextDay(day: string): string | undefined {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isFinite(ms) ? new Date(ms + DAY_MS).toISOString().slice(0, 10) : undefined;
}

/**
 * The whole days of [from, to) (ISO times compared as text, as the raw queries compare them): [first, end) as
 * YYYY-MM-DD, or undefined when the range holds no whole day. Every created_at starting with a day in it lies in
 * the range; the rest of the range is at most the partial day of `from` and the partial day of `to`.
 */
export function wholeDays(from: string, to: string): { first: string; end: string } | undefined {
  if (!DAY.test(from) || !DAY.test(to)) return undefined;
  const day = from.slice(0, 10);
  const first = from === day ? day : nextDay(day);
  const end = to.slice(0, 10);
  return first !== undefined && nextDay(end) !== undefined && first < end ? { first, end } : undefined;
}
