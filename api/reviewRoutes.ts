import type restify from 'restify';
import { z } from 'zod';
import { requireRole, type AuthContext, type AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import { isoDate, parseOrThrow, route } from '../core/http';
import type { Logger } from '../core/logger';
import type { AuditEntry } from '../models/records';
import type { CorpusAdditions, LiveRecognizer } from '../nlu/corpusAdditions';
import { csvLine, type ReviewService } from '../review/reviewService';
import type { Store, TranscriptFilter } from '../store/store';
import { encodeCursor } from '../store/storeGuards';
import { authenticate } from './authRoutes';

const STAFF = ['agent', 'supervisor', 'admin'] as const;
const LEADS = ['supervisor', 'admin'] as const;
const MAX_RESULTS = 200;

const Id = z.string().min(1).max(200);
const Name = z.string().trim().min(1).max(100);
/** Dates that exist on the calendar (Date.parse takes 2020-02-30 for March 1st): core/http.ts. */
const IsoDate = isoDate;
/** Query values arrive as strings; "" or "1e3" or "abc" are refused rather than coerced. */
const num = (min: number, max: number, integer = false) =>
  z
    .string()
    .regex(integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/, integer ? 'must be a whole number' : 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const TranscriptQuery = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    channel: Name.optional(),
    customer: Id.optional(),
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

const ExportQuery = TranscriptQuery.omit({ limit: true, cursor: true })
  .extend({ format: z.enum(['csv', 'json']), ticket: z.string().max(500).optional() })
  .strict();

/** A date alone means the whole day: from its start, to the end of it. */
export function rangeStart(s: string): string {
  return s.length === 10 ? `${s}T00:00:00.000Z` : new Date(s).toISOString();
}
export function rangeEnd(s: string): string {
  return s.length === 10 ? new Date(Date.parse(`${s}T00:00:00.000Z`) + 86_400_000).toISOString() : new Date(s).toISOString();
}

function toFilter(q: z.infer<typeof ExportQuery> | z.infer<typeof TranscriptQuery>): TranscriptFilter {
  const f: TranscriptFilter = {
    text: q.q,
    from: q.from ? rangeStart(q.from) : undefined,
    to: q.to ? rangeEnd(q.to) : undefined,
    channelId: q.channel,
    customerId: q.customer,
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

/** The URL a download ticket is bound to: path and sorted query, without the ticket. */
export function canonicalUrl(path: string, query: Record<string, string>): string {
  const params = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'ticket'));
  params.sort();
  return `${path}?${params.toString()}`;
}

const actorOf = (ctx: AuthContext) => ({ id: ctx.user.id, role: ctx.user.role });

/**
 * Supervisor review over REST: transcript search and filters, one transcript, tags and annotations,
 * streamed CSV/JSON exports (by bearer token, or by a one-minute ticket for plain browser downloads),
 * the corpus additions from the not-understood list, and the audit log for admins.
 */
export function registerReviewRoutes(
  server: restify.Server,
  d: { auth: AuthService; store: Store; review: ReviewService; corpus: CorpusAdditions; recognizer: LiveRecognizer; log: Logger },
): void {
  const { log } = d;
  const params = (req: restify.Request) => parseOrThrow(z.object({ id: Id }).passthrough(), req.params ?? {}, 'path');
  const query = (req: restify.Request) => (req.query ?? {}) as Record<string, unknown>;

  /**
   * Streams chunks with backpressure; stops when the client goes away. The first chunk is produced before the
   * 200 goes out, so a store that fails at once gets a coded error; one that fails later breaks the transfer
   * (the client sees an incomplete download, never a file that looks whole).
   */
  async function stream(res: restify.Response, type: string, filename: string, chunks: AsyncIterable<string>): Promise<void> {
    const it = chunks[Symbol.asyncIterator]();
    let next = await it.next();
    res.writeHead(200, {
      'content-type': type,
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    try {
      for (; !next.done; next = await it.next()) {
        if (res.destroyed) {
          await it.return?.();
          return;
        }
        if (!res.write(next.value)) {
          await new Promise<void>((resolve) => {
            const done = () => (res.off('drain', done), res.off('close', done), resolve());
            res.on('drain', done);
            res.on('close', done);
          });
        }
      }
      res.end();
    } catch (err) {
      res.destroy(err as Error);
      throw err;
    }
  }

  /** Bearer token, or a ticket bound to this exact URL. */
  async function downloader(req: restify.Request, path: string): Promise<AuthContext> {
    const q = query(req);
    if (typeof q.ticket === 'string') return d.auth.verifyTicket(q.ticket, canonicalUrl(path, q as Record<string, string>));
    return authenticate(d.auth, req);
  }

  server.get(
    '/api/stats',
    route(log, async (req, res) => {
      requireRole(await authenticate(d.auth, req), LEADS);
      const q = parseOrThrow(z.object({ from: IsoDate, to: IsoDate, channel: Name.optional() }).strict(), query(req), 'query');
      const from = rangeStart(q.from);
      const to = rangeEnd(q.to);
      if (from >= to) throw new AppError('VALIDATION_FAILED', 'from must be before to');
      res.json(await d.review.figures({ from, to, channelId: q.channel }));
    }),
  );

  server.get(
    '/api/transcripts',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const q = parseOrThrow(TranscriptQuery, query(req), 'filters');
      res.json(await d.review.search(toFilter(q), { limit: q.limit ?? 50, cursor: q.cursor }, actorOf(ctx)));
    }),
  );

  server.post(
    '/api/transcripts/export-link',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      toFilter(parseOrThrow(ExportQuery.omit({ ticket: true }), req.body ?? {}, 'export'));
      // Validated above: every value is a string, so the raw body is the query of the link.
      const url = canonicalUrl('/api/transcripts/export', req.body as Record<string, string>);
      res.json({ url: `${url}&ticket=${encodeURIComponent(d.auth.ticketFor(ctx, url))}`, expiresInSeconds: 60 });
    }),
  );

  server.get(
    '/api/transcripts/export',
    route(log, async (req, res) => {
      const ctx = await downloader(req, '/api/transcripts/export');
      requireRole(ctx, LEADS);
      const q = parseOrThrow(ExportQuery, query(req), 'export');
      const format = q.format;
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      await stream(
        res,
        format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        `transcripts-${stamp}.${format}`,
        d.review.export(toFilter(q), format, actorOf(ctx)),
      );
    }),
  );

  server.get(
    '/api/transcripts/:id',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, STAFF);
      res.json(await d.review.transcript(params(req).id, actorOf(ctx)));
    }),
  );

  server.put(
    '/api/transcripts/:id/tags',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const body = parseOrThrow(
        z
          .object({
            tags: z
              .array(
                z
                  .string()
                  .trim()
                  .min(1)
                  .max(40)
                  .regex(/^[^|]+$/, 'must not contain |'),
              )
              .max(50),
          })
          .strict(),
        req.body,
        'tags',
      );
      res.json({ conversation: await d.review.setTags(params(req).id, body.tags, actorOf(ctx)) });
    }),
  );

  server.post(
    '/api/transcripts/:id/annotations',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const body = parseOrThrow(z.object({ text: z.string().trim().min(1).max(5000) }).strict(), req.body, 'annotation');
      res.status(201);
      res.json({ message: await d.review.annotate(params(req).id, body.text, actorOf(ctx)) });
    }),
  );

  server.get(
    '/api/nlu/corpus',
    route(log, async (req, res) => {
      requireRole(await authenticate(d.auth, req), LEADS);
      parseOrThrow(z.object({}).strict(), query(req), 'query');
      res.json({ catalogue: d.corpus.catalogue(), additions: await d.corpus.list(), model: d.recognizer.status() });
    }),
  );

  server.post(
    '/api/nlu/utterances',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const body = parseOrThrow(
        z
          .object({ text: z.string().trim().min(1).max(500), intent: Name, language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code') })
          .strict(),
        req.body,
        'utterance',
      );
      const r = await d.corpus.add(body, ctx.user.id);
      res.status(r.added ? 201 : 200);
      res.json(r);
    }),
  );

  server.post(
    '/api/nlu/retrain',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      void d.recognizer.retrainNow((err) => log.error({ err }, 'retraining the recognizer failed'));
      await d.store.appendAudit({ actorId: ctx.user.id, action: 'nlu.retrain' });
      res.status(202);
      res.json({ model: d.recognizer.status() });
    }),
  );

  const AuditQ = z
    .object({
      action: z.string().max(100).optional(),
      actor: z.string().max(200).optional(),
      target: z.string().max(200).optional(),
      limit: num(1, 1000, true).optional(),
      cursor: z.string().min(1).max(500).optional(),
    })
    .strict();

  server.get(
    '/api/audit',
    route(log, async (req, res) => {
      requireRole(await authenticate(d.auth, req), ['admin']);
      const q = parseOrThrow(AuditQ, query(req), 'query');
      const limit = q.limit ?? 100;
      const entries = await d.store.listAudit({ action: q.action, actorId: q.actor, targetId: q.target, limit, cursor: q.cursor });
      res.json({ entries, nextCursor: entries.length === limit ? auditCursor(entries[entries.length - 1]) : null });
    }),
  );

  const AuditExport = AuditQ.omit({ limit: true, cursor: true })
    .extend({ format: z.enum(['csv', 'json']), ticket: z.string().max(500).optional() })
    .strict();

  server.post(
    '/api/audit/export-link',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, ['admin']);
      parseOrThrow(AuditExport.omit({ ticket: true }), req.body ?? {}, 'export');
      const url = canonicalUrl('/api/audit/export', req.body as Record<string, string>);
      res.json({ url: `${url}&ticket=${encodeURIComponent(d.auth.ticketFor(ctx, url))}`, expiresInSeconds: 60 });
    }),
  );

  server.get(
    '/api/audit/export',
    route(log, async (req, res) => {
      const ctx = await downloader(req, '/api/audit/export');
      requireRole(ctx, ['admin']);
      const q = parseOrThrow(AuditExport, query(req), 'export');
      await d.store.appendAudit({ actorId: ctx.user.id, action: 'audit.export', data: { format: q.format } });
      const store = d.store;
      async function* chunks(): AsyncGenerator<string> {
        if (q.format === 'csv') yield csvLine(['id', 'at', 'actor_id', 'action', 'target_type', 'target_id', 'data']);
        else yield '{"entries":[';
        let cursor: string | undefined;
        let first = true;
        for (;;) {
          const page = await store.listAudit({ action: q.action, actorId: q.actor, targetId: q.target, limit: 1000, cursor });
          if (!page.length) break;
          yield page
            .map((e) =>
              q.format === 'csv'
                ? csvLine([e.id, e.at, e.actorId, e.action, e.targetType, e.targetId, e.data ? JSON.stringify(e.data) : ''])
                : `${first ? ((first = false), '') : ','}${JSON.stringify(e)}`,
            )
            .join('');
          if (page.length < 1000) break;
          cursor = auditCursor(page[page.length - 1]);
        }
        if (q.format === 'json') yield ']}';
      }
      await stream(res, q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8', `audit.${q.format}`, chunks());
    }),
  );
}

function auditCursor(e: AuditEntry): string {
  return encodeCursor({ createdAt: e.at, id: e.id });
}
