import { z } from 'zod';
import { AppError } from '../core/errors';
import { isoDate } from '../core/http';
import type { TranscriptFilter } from '../store/store';

/** The most transcripts one page may ask for. */
const MAX_RESULTS = 200;

export const Id = z.string().min(1).max(200);
export const Name = z.string().trim().min(1).max(100);

/** Query values arrive as strings; "" or "1e3" or "abc" are refused rather than coerced. */
export const num = (min: number, max: number, integer = false) =>
  z
    .string()
    .regex(integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/, integer ? 'must be a whole number' : 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** The transcript filters (search and export take the same ones), as query strings. Dates must exist: core/http.ts. */
export const TranscriptQuery = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    channel: Name.optional(),
    customer: z.string().trim().min(1).max(200).optional(),
    agent: Id.optional(),
    state: z.enum(['bot', 'queued', 'agent', 'external', 'closed']).optional(),
    reason: Name.optional(),
    intent: Name.optional(),
    sentimentMin: num(-1, 1).optional(),
    sentimentMax: num(-1, 1).optional(),
    ratingMin: num(1, 5, true).optional(),
    ratingMax: num(1, 5, true).optional(),
    tag: Name.optional(),
    segment: Name.optional(),
    limit: num(1, MAX_RESULTS, true).optional(),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();

/** An export's query: the filters (no paging), the format, and the download ticket when there is one. */
export const ExportQuery = TranscriptQuery.omit({ limit: true, cursor: true })
  .extend({ format: z.enum(['csv', 'json']), ticket: z.string().max(500).optional() })
  .strict();

/** The dashboard's range: whole days, and a channel. */
export const StatsQuery = z.object({ from: isoDate, to: isoDate, channel: Name.optional() }).strict();

/** A date alone means the whole day: from its start, to the end of it. */
export function rangeStart(s: string): string {
  return s.length === 10 ? `${s}T00:00:00.000Z` : new Date(s).toISOString();
}
export function rangeEnd(s: string): string {
  return s.length === 10 ? new Date(Date.parse(`${s}T00:00:00.000Z`) + 86_400_000).toISOString() : new Date(s).toISOString();
}

/** A range that ends after it starts; dates alone are whole days. */
export function range(q: { from: string; to: string }): { from: string; to: string } {
  const from = rangeStart(q.from);
  const to = rangeEnd(q.to);
  if (from >= to) throw new AppError('VALIDATION_FAILED', 'from must be before to');
  return { from, to };
}

/** The store's filter from the query's names; a range or bounds that cannot match anything is refused. */
export function toFilter(q: z.infer<typeof ExportQuery> | z.infer<typeof TranscriptQuery>): TranscriptFilter {
  const f: TranscriptFilter = {
    text: q.q,
    from: q.from ? rangeStart(q.from) : undefined,
    to: q.to ? rangeEnd(q.to) : undefined,
    channelId: q.channel,
    customer: q.customer,
    agentId: q.agent,
    state: q.state,
    handoffReason: q.reason,
    intent: q.intent,
    sentimentMin: q.sentimentMin,
    sentimentMax: q.sentimentMax,
    satisfactionMin: q.ratingMin,
    satisfactionMax: q.ratingMax,
    tag: q.tag,
    segment: q.segment,
  };
  if (f.from && f.to && f.from >= f.to) throw new AppError('VALIDATION_FAILED', 'from must be before to');
  if (q.sentimentMin !== undefined && q.sentimentMax !== undefined && q.sentimentMin > q.sentimentMax)
    throw new AppError('VALIDATION_FAILED', 'sentimentMin must not exceed sentimentMax');
  if (q.ratingMin !== undefined && q.ratingMax !== undefined && q.ratingMin > q.ratingMax)
    throw new AppError('VALIDATION_FAILED', 'ratingMin must not exceed ratingMax');
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
}
