import type restify from 'restify';
import { z } from 'zod';
import type { AuthService, AuthContext } from '../auth/authService';
import { publicUser, requireRole } from '../auth/authService';
import { TeamsLinks } from '../auth/teamsLinks';
import { AppError } from '../core/errors';
import { clientAddress, parseOrThrow, route } from '../core/http';
import type { Logger } from '../core/logger';

const Login = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(1000) }).strict();
const TeamsLink = z.object({ tenantId: z.string().max(64), objectId: z.string().max(64) }).strict();

export function bearer(req: restify.Request): string | undefined {
  const h = req.header('authorization');
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

export async function authenticate(auth: AuthService, req: restify.Request): Promise<AuthContext> {
  const token = bearer(req);
  if (!token) throw new AppError('AUTH_REQUIRED');
  return auth.verify(token);
}

export interface AuthRouteDeps {
  auth: AuthService;
  teamsLinks: TeamsLinks;
  log: Logger;
  /** TRUST_PROXY: how the client address is read (sign-in failures are counted per account and address). */
  trustProxy: number;
}

/**
 * Sign-in for the console and the API: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me; and the
 * admin's link between a staff account and a Teams (Entra ID) account: POST/DELETE /api/users/:id/teams-link.
 */
export function registerAuthRoutes(server: restify.Server, d: AuthRouteDeps): void {
  const { auth, log } = d;
  server.post(
    '/api/auth/login',
    route(log, async (req, res) => {
      const body = parseOrThrow(Login, req.body, 'sign-in');
      res.json(await auth.signIn(body.email, body.password, clientAddress(req, d.trustProxy)));
    }),
  );
  server.post(
    '/api/auth/logout',
    route(log, async (req, res) => {
      const ctx = await authenticate(auth, req);
      await auth.revoke(ctx.session.id, ctx.user.id);
      res.status(204);
      res.end();
    }),
  );
  server.get(
    '/api/auth/me',
    route(log, async (req, res) => {
      const ctx = await authenticate(auth, req);
      res.json({ user: publicUser(ctx.user), expiresAt: ctx.session.expiresAt });
    }),
  );

  const linkOf = (req: restify.Request) => {
    const body = parseOrThrow(TeamsLink, req.method === 'DELETE' ? (req.query ?? {}) : req.body, 'Teams link');
    return TeamsLinks.parse(body.tenantId, body.objectId);
  };
  const userId = (req: restify.Request) => parseOrThrow(z.object({ id: z.string().min(1).max(200) }).passthrough(), req.params ?? {}, 'path').id;
  server.post(
    '/api/users/:id/teams-link',
    route(log, async (req, res) => {
      const ctx = await authenticate(auth, req);
      requireRole(ctx, ['admin']);
      const identity = linkOf(req);
      await d.teamsLinks.link(userId(req), identity, ctx.user.id);
      res.status(201);
      res.json({ userId: userId(req), ...identity });
    }),
  );
  server.del(
    '/api/users/:id/teams-link',
    route(log, async (req, res) => {
      const ctx = await authenticate(auth, req);
      requireRole(ctx, ['admin']);
      await d.teamsLinks.unlink(userId(req), linkOf(req), ctx.user.id);
      res.status(204);
      res.end();
    }),
  );
}
