import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import type { Logger } from '../core/logger';
import type { ProfileService } from '../profile/profileService';
import { SegmentRulesSchema } from '../profile/segments';
import { endpoints, input, LEADS, STAFF } from './endpoints';
import type { SegmentRestoreRequest, SegmentRulesBody, SegmentRulesPut } from './wire';

const Rules = z.object({ rules: SegmentRulesSchema, allowEmpty: z.literal(true).optional() }).strict() satisfies z.ZodType<SegmentRulesPut>;
const Restore = z.union([
  z.object({ defaults: z.literal(true) }).strict(),
  z.object({ auditId: z.string().min(1).max(200), take: z.enum(['before', 'after']).optional() }).strict(),
]) satisfies z.ZodType<SegmentRestoreRequest>;

/**
 * The segment rules (which customers are "vip", "at risk", …): read by staff, replaced or restored by leads (audited
 * by the service). An empty list is refused unless asked for with allowEmpty; the shipped defaults or the rules of
 * any audited change can be put back.
 */
export function registerSegmentRoutes(server: restify.Server, d: { auth: AuthService; profiles: ProfileService; log: Logger }): void {
  const api = endpoints(server, d);
  api.get('/api/segments', { roles: STAFF }, async (_call, res) => {
    res.json({ rules: await d.profiles.segmentRules() } satisfies SegmentRulesBody);
  });

  api.put('/api/segments', { roles: LEADS, body: input('segment rules', Rules) }, async ({ ctx, body }, res) => {
    await d.profiles.setSegmentRules(body.rules, ctx.user.id, { allowEmpty: body.allowEmpty });
    res.json({ rules: body.rules } satisfies SegmentRulesBody);
  });

  api.post('/api/segments/restore', { roles: LEADS, body: input('segment restore', Restore) }, async ({ ctx, body }, res) => {
    res.json({ rules: await d.profiles.segmentBook.restore(body, ctx.user.id) } satisfies SegmentRulesBody);
  });
}
