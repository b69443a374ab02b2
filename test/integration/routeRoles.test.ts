import { declaredRoutes } from '../../api/endpoints';
import { OPENAPI, openApiPath } from '../../api/openapi';
import type { UserRole } from '../../models/records';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Every route the server registers, with who may call it. API routes declare their access with the route
 * (api/endpoints.ts); the few outside api/ carry their own authentication and are named here one by one. A new
 * route appears in neither list until someone writes down who may call it, and this test fails until then.
 */
const EXPECTED: Record<string, string> = {
  // api/: declared with each route
  'GET /console': 'anonymous',
  'GET /console/app.js': 'anonymous',
  'GET /console/app.css': 'anonymous',
  'GET /api/openapi.json': 'anonymous',
  'POST /api/auth/login': 'anonymous',
  'POST /api/auth/teams': 'anonymous',
  'POST /api/auth/logout': 'agent supervisor admin',
  'GET /api/auth/me': 'agent supervisor admin',
  'POST /api/users/:id/teams-link': 'admin',
  'DELETE /api/users/:id/teams-link': 'admin',
  'GET /api/customers/:id': 'agent supervisor admin',
  'POST /api/customers/:id/messages': 'supervisor admin',
  'GET /api/customers/:id/export': 'supervisor admin',
  'POST /api/customers/:id/erase': 'admin',
  'GET /api/merge-suggestions': 'agent supervisor admin',
  'POST /api/merge-suggestions/:id': 'agent supervisor admin',
  'POST /api/merges/:id/undo': 'supervisor admin',
  'GET /api/segments': 'agent supervisor admin',
  'PUT /api/segments': 'supervisor admin',
  'POST /api/segments/restore': 'supervisor admin',
  'POST /api/mentions': 'anonymous',
  'GET /api/stats': 'supervisor admin',
  'GET /api/transcripts': 'supervisor admin',
  'GET /api/transcripts/search': 'supervisor admin',
  'POST /api/transcripts/export-link': 'supervisor admin',
  'GET /api/transcripts/export': 'supervisor admin (or a ticket)',
  'GET /api/transcripts/:id': 'agent supervisor admin',
  'PUT /api/transcripts/:id/tags': 'supervisor admin',
  'POST /api/transcripts/:id/annotations': 'supervisor admin',
  'GET /api/audit': 'admin',
  'POST /api/audit/export-link': 'admin',
  'GET /api/audit/export': 'admin (or a ticket)',
  'GET /api/nlu/corpus': 'supervisor admin',
  'POST /api/nlu/utterances': 'supervisor admin',
  'POST /api/nlu/retrain': 'supervisor admin',
  'POST /api/nlu/utterances/remove': 'supervisor admin',
  'GET /api/customers/:id/merges': 'supervisor admin',
  'GET /attachments/:id': 'anonymous',
  'GET /api/attachments/:id': 'agent supervisor admin',
  'GET /api/attachments/:id/link': 'agent supervisor admin',
  'GET /api/conversations/:conversationId/messages/:seq/attachments/:index': 'agent supervisor admin',
  'POST /api/conversations/:conversationId/attachments': 'agent supervisor admin',
  // Outside api/, each with its own authentication.
  'GET /healthz': 'own: probe, no data (app/app.ts)',
  'GET /readyz': 'own: probe, no data (app/app.ts)',
  'GET /': 'own: home page, no data (app/app.ts)',
  'POST /api/messages': 'own: Bot Framework token (bot/botEndpoint.ts)',
};
/** Web chat's Direct Line–compatible routes (bot/webChatChannel.ts): web chat tokens, checked per conversation. */
const WEB_CHAT = /^(GET|POST) \/(chat|v3\/directline)(\/|$)/;

const accessText = (a: { roles: readonly UserRole[]; ticket?: boolean } | { anonymous: string }) =>
  'anonymous' in a ? 'anonymous' : `${a.roles.join(' ')}${a.ticket ? ' (or a ticket)' : ''}`;

let running: RunningApp;
beforeAll(async () => {
  running = await startTestApp();
});
afterAll(() => running.stop());

function registered(): { key: string; method: string; path: string }[] {
  const routes = (running.app.server.getDebugInfo() as { routes: { method: string; path: string }[] }).routes;
  return routes.map((r) => ({ key: `${r.method.toUpperCase()} ${String(r.path)}`, method: r.method.toUpperCase(), path: String(r.path) }));
}

test('every route is listed with who may call it; API routes declare it with the route', () => {
  const declared = new Map(declaredRoutes(running.app.server).map((d) => [`${d.method} ${d.path}`, accessText(d.access)]));
  const actual = Object.fromEntries(
    registered()
      .filter((r) => !WEB_CHAT.test(r.key))
      .map((r) => [r.key, declared.get(r.key) ?? (EXPECTED[r.key]?.startsWith('own: ') ? EXPECTED[r.key] : 'NOT DECLARED')]),
  );
  expect(actual).toEqual(EXPECTED);
  // Anonymous API routes say why.
  for (const d of declaredRoutes(running.app.server)) if ('anonymous' in d.access) expect(d.access.anonymous.length).toBeGreaterThan(10);
  // Web chat's routes are there (the pattern above is not vacuous), and none of them is under /api/.
  expect(registered().filter((r) => WEB_CHAT.test(r.key)).length).toBeGreaterThan(3);
});

test('the declared roles are what the server enforces: no session is 401, a role not declared is 403', async () => {
  const staff = { agent: await createStaff(running.app, { role: 'agent' }), supervisor: await createStaff(running.app, { role: 'supervisor' }) };
  const call = async (method: string, path: string, token?: string) => {
    const res = await fetch(`${running.url}${path.replace(/:id\b/, 'no-such-id')}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    return `${res.status} ${body.error?.code ?? ''}`.trim();
  };
  const checked: string[] = [];
  for (const d of declaredRoutes(running.app.server)) {
    if ('anonymous' in d.access) continue;
    expect({ route: `${d.method} ${d.path}`, answer: await call(d.method, d.path) }).toEqual({ route: `${d.method} ${d.path}`, answer: '401 AUTH_REQUIRED' });
    for (const role of ['agent', 'supervisor'] as const) {
      if (d.access.roles.includes(role)) continue;
      const answer = await call(d.method, d.path, staff[role].token);
      expect({ route: `${d.method} ${d.path}`, role, answer }).toEqual({ route: `${d.method} ${d.path}`, role, answer: '403 FORBIDDEN' });
    }
    checked.push(`${d.method} ${d.path}`);
  }
  expect(checked.length).toBeGreaterThan(25);
});

test('the OpenAPI document names the same roles as the routes declare', () => {
  const paths = OPENAPI.paths as Record<string, Record<string, { description?: string }>>;
  const documented = declaredRoutes(running.app.server)
    .filter((d) => 'roles' in d.access && d.path.startsWith('/api/'))
    .map((d) => ({
      route: `${d.method} ${d.path}`,
      roles: /Roles: ([^.]+)\./.exec(paths[openApiPath(d.path)]?.[d.method === 'DELETE' ? 'delete' : d.method.toLowerCase()]?.description ?? '')?.[1] ?? 'none',
    }));
  const declared = declaredRoutes(running.app.server)
    .filter((d) => 'roles' in d.access && d.path.startsWith('/api/'))
    .map((d) => ({ route: `${d.method} ${d.path}`, roles: 'roles' in d.access ? d.access.roles.join(', ') : '' }));
  expect(documented).toEqual(declared);
});
