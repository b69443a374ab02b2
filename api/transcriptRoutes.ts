import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import type { Logger } from '../core/logger';
import type { ReviewService } from '../review/reviewService';
import { contentTypeOf, downloadLink, stream } from './downloads';
import { endpoints, input, LEADS, STAFF } from './endpoints';
import { ExportQuery, range, StatsQuery, TranscriptQuery, toFilter } from './transcriptFilters';
import type {
  AnnotationRequest,
  AnnotationResponse,
  ExportLinkResponse,
  MessageSearchResponse,
  TagsRequest,
  TagsResponse,
  TranscriptPageResponse,
  TranscriptResponse,
  StatsResponse,
} from './wire';

const Tags = z
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
  .strict() satisfies z.ZodType<TagsRequest>;
const Annotation = z.object({ text: z.string().trim().min(1).max(5000) }).strict() satisfies z.ZodType<AnnotationRequest>;
const MessageSearch = z.object({ q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(200).optional() }).strict();

/**
 * Supervisor review over REST: transcript search and filters, one transcript, tags and annotations, streamed
 * CSV/JSON exports (by bearer token, or by a one-minute, single-use ticket for plain browser downloads), full-text message
 * search and the dashboard's figures. Views, searches and exports are audited by the review service.
 */
export function registerTranscriptRoutes(server: restify.Server, d: { auth: AuthService; review: ReviewService; log: Logger }): void {
  const api = endpoints(server, d);
  api.get('/api/stats', { roles: LEADS, query: input('query', StatsQuery) }, async ({ query }, res) => {
    res.json((await d.review.figures({ ...range(query), channelId: query.channel })) satisfies StatsResponse);
  });

  api.get('/api/transcripts', { roles: LEADS, query: input('filters', TranscriptQuery) }, async ({ actor, query }, res) => {
    res.json((await d.review.search(toFilter(query), { limit: query.limit ?? 50, cursor: query.cursor }, actor)) satisfies TranscriptPageResponse);
  });

  api.get('/api/transcripts/search', { roles: LEADS, query: input('query', MessageSearch) }, async ({ actor, query }, res) => {
    res.json({ hits: await d.review.searchMessages(query.q, query.limit ?? 50, actor) } satisfies MessageSearchResponse);
  });

  api.post('/api/transcripts/export-link', { roles: LEADS, body: input('export', ExportQuery.omit({ ticket: true }), {}) }, ({ ctx, req, body }, res) => {
    toFilter(body);
    // Validated above: every value is a string, so the raw body is the query of the link.
    res.json(downloadLink(d.auth, ctx, '/api/transcripts/export', req.body as Record<string, string>) satisfies ExportLinkResponse);
  });

  api.get('/api/transcripts/export', { roles: LEADS, ticket: true, query: input('export', ExportQuery) }, async ({ actor, query }, res) => {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    await stream(res, contentTypeOf(query.format), `transcripts-${stamp}.${query.format}`, d.review.export(toFilter(query), query.format, actor));
  });

  api.get('/api/transcripts/:id', { roles: STAFF }, async ({ actor, id }, res) => {
    res.json((await d.review.transcript(id(), actor)) satisfies TranscriptResponse);
  });

  api.put('/api/transcripts/:id/tags', { roles: LEADS, body: input('tags', Tags) }, async ({ actor, body, id }, res) => {
    res.json({ conversation: await d.review.setTags(id(), body.tags, actor) } satisfies TagsResponse);
  });

  api.post('/api/transcripts/:id/annotations', { roles: LEADS, body: input('annotation', Annotation) }, async ({ actor, body, id }, res) => {
    res.status(201);
    res.json({ message: await d.review.annotate(id(), body.text, actor) } satisfies AnnotationResponse);
  });
}
