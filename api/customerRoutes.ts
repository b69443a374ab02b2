import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Customer } from '../models/records';
import type { OutboundService } from '../profile/outboundService';
import type { PrivacyService } from '../profile/privacyService';
import type { ProfileService } from '../profile/profileService';
import type { CustomerStore } from '../store/store';
import { ADMINS, endpoints, input, LEADS, STAFF } from './endpoints';
import type { CustomerResponse, OutboundMessageRequest } from './wire';

const OutboundMessage = z
  .object({ text: z.string().min(1).max(5000), purpose: z.enum(['service', 'proactive', 'marketing']), channelId: z.string().max(100).optional() })
  .strict() satisfies z.ZodType<OutboundMessageRequest>;

export interface CustomerRouteDeps {
  auth: AuthService;
  store: CustomerStore;
  profiles: ProfileService;
  outbound: OutboundService;
  privacy: PrivacyService;
  log: Logger;
}

/**
 * One customer's social profile, messages sent to them (consent checked by the outbound service), and privacy:
 * their data exported or erased. Need-to-know (review/accessPolicy.ts) is applied, and reviewers' reads audited,
 * by the services.
 */
export function registerCustomerRoutes(server: restify.Server, d: CustomerRouteDeps): void {
  const api = endpoints(server, d);
  /** A customer who exists and was not erased; anyone else is NOT_FOUND. */
  const customer = async (id: string): Promise<Customer> => {
    const c = await d.store.getCustomer(id);
    if (!c || c.erasedAt) throw new AppError('NOT_FOUND', 'no such customer');
    return c;
  };

  api.get('/api/customers/:id', { roles: STAFF }, async ({ actor, id }, res) => {
    res.json({ customer: await d.profiles.read((await customer(id())).id, actor, 'api') } satisfies CustomerResponse);
  });

  api.post('/api/customers/:id/messages', { roles: LEADS, body: input('message', OutboundMessage) }, async ({ ctx, body, id }, res) => {
    const c = await customer(id());
    const r = await d.outbound.send({ customerId: c.id, ...body, actorId: ctx.user.id });
    res.status(r.sent ? 201 : 409);
    res.json(r);
  });

  api.get('/api/customers/:id/export', { roles: LEADS }, async ({ ctx, id }, res) => {
    res.json(await d.privacy.export((await customer(id())).id, ctx.user.id));
  });

  api.post('/api/customers/:id/erase', { roles: ADMINS }, async ({ ctx, id }, res) => {
    res.json(await d.privacy.erase((await customer(id())).id, ctx.user.id));
  });
}
