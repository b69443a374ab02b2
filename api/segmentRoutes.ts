import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import type { Logger } from '../core/logger';
import type { ProfileService } from '../profile/profileService';
import { SegmentRulesSchema } from '../profile/segments';
import { endpoints, input, LEADS, STAFF } from './endpoints';
import type { SegmentRulesBody } from './wire';

const Rules = z.object({ rules: SegmentRulesSchema }).strict() satisfies z.ZodType<SegmentRulesBody>;

/** The segment rules (which customers are "vip", "at risk", …): read by staff, replaced by leads (audited by the service). */
export function registerSegmentRoutes(server: restify.Server, d: { auth: AuthService; profiles: ProfileService; log: Logger }): void {
  const api = endpoints(server, d);
  api.get('/api/segments', { roles: STAFF }, async (_call, res) => {
    res.json({ rules: await d.profiles.segmentRules() } satisfies SegmentRulesBody);
  });

  api.put('/api/segments', { roles: LEADS, body: input('segment rules', Rules) }, async ({ ctx, body }, res) => {
    await d.profiles.setSegmentRules(body.rules, ctx.user.id);
    res.json({ rules: body.rules } satisfies SegmentRulesBody);
  });
}
