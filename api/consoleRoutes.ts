import fs from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import type { AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { endpoints } from './endpoints';
import { OPENAPI } from './openapi';

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

/** The console's pages (the built bundle, under a strict CSP) and the API's OpenAPI document: public, no data. */
export function registerConsoleRoutes(server: restify.Server, d: { auth: AuthService; log: Logger }): void {
  const api = endpoints(server, d);
  for (const [url, file] of Object.entries(FILES)) {
    api.get(url, { anonymous: 'the console app itself: static files, no data' }, (_call, res) => {
      if (!BUNDLE_DIR) throw new AppError('NOT_FOUND', 'the console is not built: run npm run build');
      res.setHeader('content-type', TYPES[path.extname(file)]);
      res.setHeader('content-security-policy', CONSOLE_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('cache-control', 'no-cache');
      res.writeHead(200);
      res.end(fs.readFileSync(path.join(BUNDLE_DIR, file)));
    });
  }

  api.get('/api/openapi.json', { anonymous: 'the API description: no data' }, (_call, res) => {
    res.json(OPENAPI);
  });
}
