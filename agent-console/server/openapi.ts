/**
 * The REST API as OpenAPI 3.1, served at GET /api/openapi.json. A test checks that every /api route the server
 * registers is described here, so the document cannot silently fall behind.
 */
const bearer = [{ bearer: [] }];
const err = { $ref: '#/components/responses/Error' };
const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }];
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ok = (description: string) => ({ description, ...json({ type: 'object' }) });
const guarded = (roles: string) => ({ security: bearer, description: `Roles: ${roles}.`, responses: { 200: ok('OK'), 400: err, 401: err, 403: err, 404: err } });

export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'Social CRM support bot', version: '0.1.0', description: 'Agents, supervisors and admins authenticate with POST /api/auth/login and send the token as a bearer token. Errors are { error: { code, message } } with codes from core/errors.ts.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, listeningKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    responses: { Error: { description: 'Coded error', ...json({ type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } } }) } },
  },
  paths: {
    '/api/messages': { post: { summary: 'Bot Framework activity endpoint (CloudAdapter); expectReplies returns { activities }', requestBody: json({ type: 'object', required: ['type', 'channelId', 'serviceUrl', 'conversation', 'from'] }), responses: { 200: ok('Processed'), 400: err, 401: err, 413: err, 500: err, 503: err } } },
    '/api/auth/login': { post: { summary: 'Sign in', requestBody: json({ type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: { type: 'string' } } }), responses: { 200: ok('Token, user, expiry'), 400: err, 401: err, 429: err } } },
    '/api/auth/logout': { post: { summary: 'Revoke this session (its sockets disconnect)', security: bearer, responses: { 204: { description: 'Signed out' }, 401: err } } },
    '/api/auth/me': { get: { summary: 'The signed-in user', security: bearer, responses: { 200: ok('User'), 401: err } } },
    '/api/auth/teams': { post: { summary: 'Exchange a Teams SSO (Entra ID) token for a session', requestBody: json({ type: 'object', required: ['token'] }), responses: { 200: ok('Token, user, expiry'), 401: err, 404: err } } },
    '/api/customers/{id}': { get: { summary: 'A customer profile', parameters: id, ...guarded('agent, supervisor, admin') } },
    '/api/customers/{id}/messages': { post: { summary: 'Outbound message: consent, quiet hours and channel rules checked first', parameters: id, requestBody: json({ type: 'object', required: ['text', 'purpose'], properties: { text: { type: 'string' }, purpose: { enum: ['service', 'proactive', 'marketing'] }, channelId: { type: 'string' } } }), ...guarded('supervisor, admin'), responses: { 201: ok('Sent'), 409: ok('Refused with reason'), 400: err, 401: err, 403: err, 404: err } } },
    '/api/customers/{id}/export': { get: { summary: 'Everything known about a customer (audited)', parameters: id, ...guarded('supervisor, admin') } },
    '/api/customers/{id}/erase': { post: { summary: 'Erase a customer (audited, no personal data kept)', parameters: id, ...guarded('admin') } },
    '/api/merge-suggestions': { get: { summary: 'Open merge suggestions', ...guarded('agent, supervisor, admin') } },
    '/api/merge-suggestions/{id}': { post: { summary: 'Confirm (merge) or reject a suggestion', parameters: id, requestBody: json({ type: 'object', required: ['confirm'], properties: { confirm: { type: 'boolean' } } }), ...guarded('agent, supervisor, admin') } },
    '/api/merges/{id}/undo': { post: { summary: 'Unmerge: restore both profiles and their conversations', parameters: id, ...guarded('supervisor, admin') } },
    '/api/segments': {
      get: { summary: 'Segment rules', ...guarded('agent, supervisor, admin') },
      put: { summary: 'Replace segment rules', requestBody: json({ type: 'object', required: ['rules'] }), ...guarded('supervisor, admin') },
    },
    '/api/transcripts/search': { get: { summary: 'Full-text search over every message (audited)', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }], ...guarded('supervisor, admin') } },
    '/api/stats': { get: { summary: 'Dashboard figures computed by the store', parameters: ['from', 'to'].map((n) => ({ name: n, in: 'query', required: true, schema: { type: 'string', format: 'date' } })).concat([{ name: 'channel', in: 'query', required: false, schema: { type: 'string' } } as never]), ...guarded('supervisor, admin') } },
    '/api/audit': { get: { summary: 'Audit log', parameters: ['action', 'actor', 'limit'].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } })), ...guarded('admin') } },
    '/api/mentions': { post: { summary: 'A public mention from a social listening tool', security: [{ listeningKey: [] }], requestBody: json({ type: 'object', required: ['network', 'handle', 'text'] }), responses: { 201: ok('Attached'), 400: err, 401: err, 404: err } } },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1') } } },
  },
} as const;

/** restify's ":id" becomes OpenAPI's "{id}". */
export function openApiPath(restifyPath: string): string {
  return restifyPath.replace(/:([A-Za-z]+)/g, '{$1}');
}
