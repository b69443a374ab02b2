import type restify from 'restify';
import { z } from 'zod';
import { requireRole, type AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import { parseOrThrow, route } from '../core/http';
import type { Logger } from '../core/logger';
import type { IdentityResolution } from '../profile/identityResolution';
import { removeAddition } from '../review/notUnderstood';
import type { Store } from '../store/store';
import { authenticate } from './authRoutes';

/**
 * Routes the console's supervisors use beside the review pages: the merges of a customer (the sidebar's undo) and
 * taking an addition out of the NLU corpus. Supervisors and admins only: agents get 403.
 */
const LEADS = ['supervisor', 'admin'] as const;
const Id = z.string().min(1).max(200);

/** One merge as the sidebar lists it. `erased`: a side was erased since, so it can no longer be undone (no name then). */
export interface MergeView {
  mergeId: string;
  at: string;
  absorbedId: string;
  absorbedName?: string;
  undone?: string;
  erased?: true;
}

export interface LiveRouteDeps {
  auth: AuthService;
  store: Store;
  identity: IdentityResolution;
  log: Logger;
}

export function registerLiveRoutes(server: restify.Server, d: LiveRouteDeps): void {
  server.get(
    '/api/customers/:id/merges',
    route(d.log, async (req, res) => {
      requireRole(await authenticate(d.auth, req), LEADS);
      const { id } = parseOrThrow(z.object({ id: Id }).passthrough(), req.params ?? {}, 'path');
      const customer = await d.store.getCustomer(id);
      if (!customer || customer.erasedAt) throw new AppError('NOT_FOUND', 'no such customer');
      const entries = await d.store.listAudit({ action: 'profile.merge', targetId: id, limit: 100 });
      const merges: MergeView[] = [];
      for (const e of entries) {
        const mergeId = String(e.data?.mergeId);
        const record = await d.store.getMerge(mergeId);
        const absorbed = record ? await d.store.getCustomer(record.absorbed.id) : null;
        // Erasure removes a merge's snapshots; the audit entry remains without a name to show.
        if (!record || !absorbed || absorbed.erasedAt) merges.push({ mergeId, at: e.at, absorbedId: String(e.data?.absorbedId), erased: true });
        else merges.push({ mergeId, at: record.at, absorbedId: record.absorbed.id, absorbedName: record.absorbed.displayName, undone: record.undone });
      }
      res.json({ merges });
    }),
  );

  server.post(
    '/api/nlu/utterances/remove',
    route(d.log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const body = parseOrThrow(
        z.object({ text: z.string().trim().min(1).max(500), language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code') }).strict(),
        req.body,
        'utterance',
      );
      if (!(await removeAddition(d.store, body, ctx.user.id))) throw new AppError('NOT_FOUND', 'no such addition');
      res.json({ removed: true });
    }),
  );
}
