import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import type { Logger } from '../core/logger';
import type { AuditFilter, AuditLog } from '../review/auditLog';
import { contentTypeOf, downloadLink, stream } from './downloads';
import { ADMINS, endpoints, input } from './endpoints';
import { num } from './transcriptFilters';
import type { AuditPageResponse, ExportLinkResponse } from './wire';

const AuditQuery = z
  .object({
    action: z.string().max(100).optional(),
    actor: z.string().max(200).optional(),
    target: z.string().max(200).optional(),
    limit: num(1, 1000, true).optional(),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
const AuditExport = AuditQuery.omit({ limit: true, cursor: true })
  .extend({ format: z.enum(['csv', 'json']), ticket: z.string().max(500).optional() })
  .strict();

const filterOf = (q: { action?: string; actor?: string; target?: string }): AuditFilter => ({ action: q.action, actorId: q.actor, targetId: q.target });

/** The audit log, for admins: newest first in pages, and streamed CSV/JSON exports (by bearer token or a one-minute, single-use ticket). */
export function registerAuditRoutes(server: restify.Server, d: { auth: AuthService; auditLog: AuditLog; log: Logger }): void {
  const api = endpoints(server, d);
  api.get('/api/audit', { roles: ADMINS, query: input('query', AuditQuery) }, async ({ query }, res) => {
    res.json((await d.auditLog.page(filterOf(query), query.limit ?? 100, query.cursor)) satisfies AuditPageResponse);
  });

  api.post('/api/audit/export-link', { roles: ADMINS, body: input('export', AuditExport.omit({ ticket: true }), {}) }, ({ ctx, req }, res) => {
    res.json(downloadLink(d.auth, ctx, '/api/audit/export', req.body as Record<string, string>) satisfies ExportLinkResponse);
  });

  api.get('/api/audit/export', { roles: ADMINS, ticket: true, query: input('export', AuditExport) }, async ({ actor, query }, res) => {
    await stream(res, contentTypeOf(query.format), `audit.${query.format}`, d.auditLog.export(filterOf(query), query.format, actor));
  });
}
