import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import { TeamsLinks } from '../auth/teamsLinks';
import type { TeamsSsoValidator } from '../auth/teamsSso';
import { AppError } from '../core/errors';
import { clientAddress, parseOrThrow } from '../core/http';
import type { Logger } from '../core/logger';
import { publicUser } from '../models/records';
import { ADMINS, endpoints, input, STAFF } from './endpoints';
import type { LoginRequest, MeResponse, SignInResponse, TeamsLinkRequest, TeamsLinkResponse, TeamsSignInRequest } from './wire';

// A pasted or autofilled address often carries a blank at either end: trimmed before it is read (case is the store's).
const Login = z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(1000) }).strict() satisfies z.ZodType<LoginRequest>;
const TeamsLink = z.object({ tenantId: z.string().max(64), objectId: z.string().max(64) }).strict() satisfies z.ZodType<TeamsLinkRequest>;
const TeamsSignIn = z.object({ token: z.string().min(1).max(10_000) }).strict() satisfies z.ZodType<TeamsSignInRequest>;

export interface AuthRouteDeps {
  auth: AuthService;
  teamsLinks: TeamsLinks;
  /** Teams SSO, when TEAMS_APP_ID is set. */
  teams?: TeamsSsoValidator;
  log: Logger;
  /** TRUST_PROXY: how the client address is read (sign-in failures are counted per account and address). */
  trustProxy: number;
}

/**
 * Sign-in for the console and the API: POST /api/auth/login, POST /api/auth/teams (Teams SSO), POST
 * /api/auth/logout, GET /api/auth/me; and the admin's link between a staff account and a Teams (Entra ID) account:
 * POST/DELETE /api/users/:id/teams-link.
 */
export function registerAuthRoutes(server: restify.Server, d: AuthRouteDeps): void {
  const api = endpoints(server, d);
  api.post(
    '/api/auth/login',
    { anonymous: 'signs in: failures are limited per account and client address', body: input('sign-in', Login) },
    async ({ req, body }, res) => {
      res.json((await d.auth.signIn(body.email, body.password, clientAddress(req, d.trustProxy))) satisfies SignInResponse);
    },
  );

  /**
   * Teams SSO: a validated Entra ID token from an allowed tenant becomes a console session for the account an admin
   * linked to that (tenant id, object id). An unlinked Teams account gets 403 AUTH_TEAMS_NOT_LINKED: nobody is
   * matched by an e-mail claim.
   */
  api.post('/api/auth/teams', { anonymous: 'signs in: an Entra ID token of an allowed tenant, linked to an account' }, async ({ req }, res) => {
    if (!d.teams) throw new AppError('NOT_FOUND', 'Teams sign-in is not configured (TEAMS_APP_ID)');
    const { token } = parseOrThrow(TeamsSignIn, req.body, 'Teams sign-in');
    const identity = await d.teams.validate(token);
    res.json((await d.auth.signInLinked(await d.teamsLinks.userFor(identity), identity.tenantId)) satisfies SignInResponse);
  });

  api.post('/api/auth/logout', { roles: STAFF }, async ({ ctx }, res) => {
    await d.auth.revoke(ctx.session.id, ctx.user.id);
    res.status(204);
    res.end();
  });
  api.get('/api/auth/me', { roles: STAFF }, ({ ctx }, res) => {
    res.json({ user: publicUser(ctx.user), expiresAt: ctx.session.expiresAt } satisfies MeResponse);
  });

  api.post('/api/users/:id/teams-link', { roles: ADMINS, body: input('Teams link', TeamsLink) }, async ({ ctx, body, id }, res) => {
    const identity = TeamsLinks.parse(body.tenantId, body.objectId);
    await d.teamsLinks.link(id(), identity, ctx.user.id);
    res.status(201);
    res.json({ userId: id(), ...identity } satisfies TeamsLinkResponse);
  });
  api.del('/api/users/:id/teams-link', { roles: ADMINS, query: input('Teams link', TeamsLink) }, async ({ ctx, query, id }, res) => {
    await d.teamsLinks.unlink(id(), TeamsLinks.parse(query.tenantId, query.objectId), ctx.user.id);
    res.status(204);
    res.end();
  });
}
