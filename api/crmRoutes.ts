import type restify from 'restify';
import { z } from 'zod';
import { requireRole, type AuthContext, type AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import { parseOrThrow, route } from '../core/http';
import type { Logger } from '../core/logger';
import { timingSafeEqual } from 'node:crypto';
import type { IdentityResolution } from '../profile/identityResolution';
import type { MentionService } from '../profile/mentionService';
import type { OutboundService } from '../profile/outboundService';
import type { PrivacyService } from '../profile/privacyService';
import type { ProfileService } from '../profile/profileService';
import { SegmentRulesSchema } from '../profile/segments';
import type { Actor } from '../review/accessPolicy';
import type { Store } from '../store/store';
import { authenticate } from './authRoutes';

const STAFF = ['agent', 'supervisor', 'admin'] as const;
const LEADS = ['supervisor', 'admin'] as const;
const Id = z.string().min(1).max(200);
const actorOf = (ctx: AuthContext): Actor => ({ id: ctx.user.id, role: ctx.user.role });

/** REST for the social profile, merges, outbound messages, privacy, transcript search and figures; every route checks the role. */
export function registerCrmRoutes(
  server: restify.Server,
  d: {
    auth: AuthService;
    store: Store;
    profiles: ProfileService;
    identity: IdentityResolution;
    outbound: OutboundService;
    privacy: PrivacyService;
    mentions: MentionService;
    mentionsApiKey?: string;
    maxMessageChars: number;
    log: Logger;
  },
): void {
  const { log } = d;
  const params = (req: restify.Request) => parseOrThrow(z.object({ id: Id }).passthrough(), req.params ?? {}, 'path');
  const customer = async (id: string) => {
    const c = await d.store.getCustomer(id);
    if (!c || c.erasedAt) throw new AppError('NOT_FOUND', 'no such customer');
    return c;
  };

  // Need-to-know (review/accessPolicy.ts) is applied, and reviewers' reads audited, by the services.
  server.get(
    '/api/customers/:id',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, STAFF);
      res.json({ customer: await d.profiles.read((await customer(params(req).id)).id, actorOf(ctx), 'api') });
    }),
  );

  server.get(
    '/api/merge-suggestions',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, STAFF);
      res.json({ suggestions: await d.identity.suggestionsFor(actorOf(ctx)) });
    }),
  );

  server.post(
    '/api/merge-suggestions/:id',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, STAFF);
      const body = parseOrThrow(z.object({ confirm: z.boolean() }).strict(), req.body, 'decision');
      res.json(await d.identity.decide(params(req).id, body.confirm, actorOf(ctx)));
    }),
  );

  server.post(
    '/api/merges/:id/undo',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      res.json(await d.identity.unmerge(params(req).id, ctx.user.id));
    }),
  );

  server.post(
    '/api/customers/:id/messages',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const body = parseOrThrow(
        z
          .object({ text: z.string().min(1).max(5000), purpose: z.enum(['service', 'proactive', 'marketing']), channelId: z.string().max(100).optional() })
          .strict(),
        req.body,
        'message',
      );
      const c = await customer(params(req).id);
      const r = await d.outbound.send({ customerId: c.id, ...body, actorId: ctx.user.id });
      res.status(r.sent ? 201 : 409);
      res.json(r);
    }),
  );

  server.get(
    '/api/customers/:id/export',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      res.json(await d.privacy.export((await customer(params(req).id)).id, ctx.user.id));
    }),
  );

  server.post(
    '/api/customers/:id/erase',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, ['admin']);
      res.json(await d.privacy.erase((await customer(params(req).id)).id, ctx.user.id));
    }),
  );

  server.get(
    '/api/transcripts/search',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const q = parseOrThrow(
        z.object({ q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(200).optional() }).strict(),
        req.query ?? {},
        'query',
      );
      await d.store.appendAudit({ actorId: ctx.user.id, action: 'transcript.search', data: { length: q.q.length } });
      res.json({ hits: await d.store.searchMessages(q.q, q.limit ?? 50) });
    }),
  );

  const Mention = z
    .object({
      network: z
        .string()
        .min(1)
        .max(40)
        .regex(/^[a-z0-9_.-]+$/i),
      handle: z.string().min(1).max(100),
      text: z.string().min(1),
      reach: z.number().int().min(0).max(1e10).optional(),
      url: z.string().url().max(2048).optional(),
      language: z
        .string()
        .regex(/^[a-z]{2}$/)
        .optional(),
      postedAt: z.string().max(40).optional(),
    })
    .strict();
  /** For the social listening tool: authenticated by MENTIONS_API_KEY in x-api-key. */
  server.post(
    '/api/mentions',
    route(log, async (req, res) => {
      const key = req.header('x-api-key') ?? '';
      const expected = d.mentionsApiKey ?? '';
      if (!expected) throw new AppError('NOT_FOUND', 'mentions are not configured (MENTIONS_API_KEY)');
      if (key.length !== expected.length || !timingSafeEqual(Buffer.from(key), Buffer.from(expected))) throw new AppError('AUTH_INVALID', 'bad API key');
      const m = parseOrThrow(Mention, req.body, 'mention');
      if (m.text.length > d.maxMessageChars)
        throw new AppError('MESSAGE_TOO_LONG', `messages are at most ${d.maxMessageChars} characters`, { details: { maxChars: d.maxMessageChars } });
      res.status(201);
      res.json(await d.mentions.ingest(m));
    }),
  );

  server.get(
    '/api/segments',
    route(log, async (req, res) => {
      requireRole(await authenticate(d.auth, req), STAFF);
      res.json({ rules: await d.profiles.segmentRules() });
    }),
  );

  server.put(
    '/api/segments',
    route(log, async (req, res) => {
      const ctx = await authenticate(d.auth, req);
      requireRole(ctx, LEADS);
      const { rules } = parseOrThrow(z.object({ rules: SegmentRulesSchema }).strict(), req.body, 'segment rules');
      await d.profiles.setSegmentRules(rules);
      await d.store.appendAudit({ actorId: ctx.user.id, action: 'segments.update', data: { names: rules.map((r) => r.name) } });
      res.json({ rules });
    }),
  );
}
