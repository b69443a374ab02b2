import fs from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import { publicUser } from '../auth/authService';
import type { TeamsLinks } from '../auth/teamsLinks';
import type { TeamsSsoValidator } from '../auth/teamsSso';
import { AppError } from '../core/errors';
import { parseOrThrow, route } from '../core/http';
import { OPENAPI } from './openapi';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';

/** Teams loads tabs from these hosts; nobody else may frame the console. */
export const TEAMS_FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.microsoft.us',
  'https://*.skype.com',
  'https://*.office.com',
  'https://*.cloud.microsoft',
];

/** No inline script or style anywhere in the console; sockets only to ourselves. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // teams-js reads its list of valid Teams hosts from Microsoft's CDN (only inside Teams).
  "connect-src 'self' https://res.cdn.office.net",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  `frame-ancestors ${TEAMS_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

const BUNDLE_DIR = [path.join(__dirname, '..', 'console'), path.join(__dirname, '..', 'dist', 'console')].find((d) => fs.existsSync(path.join(d, 'app.js')));

const FILES: Record<string, string> = {
  '/console': 'index.html',
  '/console/app.js': 'app.js',
  '/console/app.css': 'app.css',
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export function registerConsoleRoutes(
  server: restify.Server,
  deps: { auth: AuthService; store: Store; teams?: TeamsSsoValidator; teamsLinks: TeamsLinks; log: Logger },
): void {
  const { log } = deps;
  for (const [url, file] of Object.entries(FILES)) {
    server.get(
      url,
      route(log, (_req, res) => {
        if (!BUNDLE_DIR) throw new AppError('NOT_FOUND', 'the console is not built: run npm run build');
        res.setHeader('content-type', TYPES[path.extname(file)]);
        res.setHeader('content-security-policy', CONSOLE_CSP);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
        res.setHeader('cache-control', 'no-cache');
        res.writeHead(200);
        res.end(fs.readFileSync(path.join(BUNDLE_DIR, file)));
      }),
    );
  }

  server.get(
    '/api/openapi.json',
    route(log, (_req, res) => {
      res.json(OPENAPI);
    }),
  );

  /**
   * Teams SSO: a validated Entra ID token from an allowed tenant becomes a console session for the account an admin
   * linked to that (tenant id, object id). An unlinked Teams account gets 403 AUTH_TEAMS_NOT_LINKED: nobody is
   * matched by an e-mail claim.
   */
  server.post(
    '/api/auth/teams',
    route(log, async (req, res) => {
      if (!deps.teams) throw new AppError('NOT_FOUND', 'Teams sign-in is not configured (TEAMS_APP_ID)');
      const { token } = parseOrThrow(z.object({ token: z.string().min(1).max(10_000) }).strict(), req.body, 'Teams sign-in');
      const identity = await deps.teams.validate(token);
      const userId = await deps.teamsLinks.userFor(identity);
      const user = userId ? await deps.store.getUser(userId) : null;
      if (!user) {
        await deps.store.appendAudit({ action: 'auth.teams_unlinked', data: { tenantId: identity.tenantId } });
        throw new AppError('AUTH_TEAMS_NOT_LINKED');
      }
      const session = await deps.auth.issue(user.id);
      await deps.store.appendAudit({
        actorId: user.id,
        action: 'auth.sign_in',
        targetType: 'user',
        targetId: user.id,
        data: { via: 'teams', tenantId: identity.tenantId },
      });
      res.json({ token: deps.auth.tokenFor(session), user: publicUser(user), expiresAt: session.expiresAt });
    }),
  );
}
