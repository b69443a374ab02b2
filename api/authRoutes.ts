import type restify from 'restify';
import { z } from 'zod';
import type { AuthService, AuthContext } from '../auth/authService';
import { publicUser } from '../auth/authService';
import { AppError } from '../core/errors';
import { parseOrThrow, route } from '../core/http';
import type { Logger } from '../core/logger';

const Login = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(1000) }).strict();

export function bearer(req: restify.Request): string | undefined {
  const h = req.header('authorization');
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

export async function authenticate(auth: AuthService, req: restify.Request): Promise<AuthContext> {
  const token = bearer(req);
  if (!token) throw new AppError('AUTH_REQUIRED');
  return auth.verify(token);
}

/** Sign-in for the console and the API: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. */
export function registerAuthRoutes(server: restify.Server, auth: AuthService, log: Logger): void {
  server.post('/api/auth/login', route(log, async (req, res) => {
    const body = parseOrThrow(Login, req.body, 'sign-in');
    const client = req.socket?.remoteAddress ?? 'unknown';
    res.json(await auth.signIn(body.email, body.password, client));
  }));
  server.post('/api/auth/logout', route(log, async (req, res) => {
    const ctx = await authenticate(auth, req);
    await auth.revoke(ctx.session.id, ctx.user.id);
    res.status(204);
    res.end();
  }));
  server.get('/api/auth/me', route(log, async (req, res) => {
    const ctx = await authenticate(auth, req);
    res.json({ user: publicUser(ctx.user), expiresAt: ctx.session.expiresAt });
  }));
}
