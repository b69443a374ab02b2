import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import type { Logger } from '../core/logger';
import type { IdentityResolution } from '../profile/identityResolution';
import { endpoints, input, LEADS, STAFF } from './endpoints';
import type { CustomerMergesResponse, MergeDecisionRequest, MergeDecisionResponse, MergeSuggestionsResponse, UnmergeResponse } from './wire';

const Decision = z.object({ confirm: z.boolean() }).strict() satisfies z.ZodType<MergeDecisionRequest>;

/** Merge suggestions (one person seen as two profiles): listed and decided by staff who may see both; merges undone by leads. */
export function registerMergeRoutes(server: restify.Server, d: { auth: AuthService; identity: IdentityResolution; log: Logger }): void {
  const api = endpoints(server, d);
  api.get('/api/merge-suggestions', { roles: STAFF }, async ({ actor }, res) => {
    res.json({ suggestions: await d.identity.suggestionsFor(actor) } satisfies MergeSuggestionsResponse);
  });

  api.post('/api/merge-suggestions/:id', { roles: STAFF, body: input('decision', Decision) }, async ({ actor, body, id }, res) => {
    res.json((await d.identity.decide(id(), body.confirm, actor)) satisfies MergeDecisionResponse);
  });

  api.get('/api/customers/:id/merges', { roles: LEADS }, async ({ id }, res) => {
    res.json({ merges: await d.identity.mergeViews(id()) } satisfies CustomerMergesResponse);
  });

  api.post('/api/merges/:id/undo', { roles: LEADS }, async ({ ctx, id }, res) => {
    res.json((await d.identity.unmerge(id(), ctx.user.id)) satisfies UnmergeResponse);
  });
}
