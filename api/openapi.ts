/**
 * The REST API as OpenAPI 3.1, served at GET /api/openapi.json. A test checks that every /api route the server
 * registers is described here, so the document cannot silently fall behind.
 */
const bearer = [{ bearer: [] }];
const err = { $ref: '#/components/responses/Error' };
const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }];
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ok = (description: string) => ({ description, ...json({ type: 'object' }) });
const q = (name: string, schema: object = { type: 'string' }, required = false) => ({ name, in: 'query', required, schema });
/** Transcript filters, shared by search and export. */
const FILTERS = [
  q('q', { type: 'string', maxLength: 200 }),
  q('from', { type: 'string', format: 'date' }),
  q('to', { type: 'string', format: 'date' }),
  q('channel'),
  q('customer'),
  q('agent'),
  q('state', { enum: ['bot', 'queued', 'agent', 'external', 'closed'] }),
  q('reason'),
  q('intent'),
  q('sentimentMin', { type: 'number', minimum: -1, maximum: 1 }),
  q('sentimentMax', { type: 'number', minimum: -1, maximum: 1 }),
  q('ratingMin', { type: 'integer', minimum: 1, maximum: 5 }),
  q('ratingMax', { type: 'integer', minimum: 1, maximum: 5 }),
  q('tag'),
  q('segment'),
];
const guarded = (roles: string) => ({
  security: bearer,
  description: `Roles: ${roles}.`,
  responses: { 200: ok('OK'), 400: err, 401: err, 403: err, 404: err },
});

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Social CRM support bot',
    version: '0.1.0',
    description:
      'Agents, supervisors and admins authenticate with POST /api/auth/login and send the token as a bearer token. Errors are { error: { code, message } } with codes from core/errors.ts. Request bodies are JSON only (anything else is 415 BODY_UNSUPPORTED_TYPE), at most 256 KB (413 BODY_TOO_LARGE); keys __proto__, constructor and prototype are refused (400). Every answer carries X-Content-Type-Options: nosniff and Cache-Control: no-store.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, listeningKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    responses: {
      Error: {
        description: 'Coded error',
        ...json({
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
        }),
      },
    },
  },
  paths: {
    '/api/messages': {
      post: {
        summary:
          'Bot Framework activity endpoint (CloudAdapter); expectReplies returns { activities }. A text over MAX_MESSAGE_CHARS is 413 MESSAGE_TOO_LONG; a serviceUrl not on TRUSTED_SERVICE_URLS is 403 OUTBOUND_URL_UNTRUSTED; over the per-conversation limit 429 RATE_LIMITED (with Retry-After); nothing is stored in any of these cases',
        requestBody: json({ type: 'object', required: ['type', 'channelId', 'serviceUrl', 'conversation', 'from'] }),
        responses: { 200: ok('Processed'), 400: err, 401: err, 403: err, 413: err, 415: err, 429: err, 500: err, 503: err },
      },
    },
    '/api/auth/login': {
      post: {
        summary:
          'Sign in. Failures are counted per account and client address; past four, that pair waits a delay that doubles each time (429 AUTH_RATE_LIMITED with Retry-After)',
        requestBody: json({
          type: 'object',
          required: ['email', 'password'],
          properties: { email: { type: 'string', format: 'email' }, password: { type: 'string' } },
        }),
        responses: { 200: ok('Token, user, expiry'), 400: err, 401: err, 429: err },
      },
    },
    '/api/auth/logout': {
      post: {
        summary: 'Revoke this session (its sockets disconnect)',
        security: bearer,
        description: 'Roles: agent, supervisor, admin.',
        responses: { 204: { description: 'Signed out' }, 401: err },
      },
    },
    '/api/auth/me': {
      get: { summary: 'The signed-in user', security: bearer, description: 'Roles: agent, supervisor, admin.', responses: { 200: ok('User'), 401: err } },
    },
    '/api/auth/teams': {
      post: {
        summary:
          'Exchange a Teams SSO (Entra ID) token from an allowed tenant (TEAMS_ALLOWED_TENANTS) for a session of the staff account an admin linked to its tenant and object id; 403 AUTH_TEAMS_NOT_LINKED otherwise',
        requestBody: json({ type: 'object', required: ['token'] }),
        responses: { 200: ok('Token, user, expiry'), 401: err, 403: err, 404: err, 503: err },
      },
    },
    '/api/users/{id}/teams-link': {
      post: {
        summary:
          'Link a staff account to one Entra ID account (tenant id, object id) for Teams sign-in; refused when that account is linked to someone else (audited)',
        parameters: id,
        requestBody: json({
          type: 'object',
          required: ['tenantId', 'objectId'],
          properties: { tenantId: { type: 'string', format: 'uuid' }, objectId: { type: 'string', format: 'uuid' } },
        }),
        ...guarded('admin'),
        responses: { 201: ok('Linked'), 400: err, 401: err, 403: err, 404: err, 409: err },
      },
      delete: {
        summary: 'Remove that link (audited)',
        parameters: [...id, q('tenantId', { type: 'string', format: 'uuid' }, true), q('objectId', { type: 'string', format: 'uuid' }, true)],
        ...guarded('admin'),
        responses: { 204: { description: 'Unlinked' }, 400: err, 401: err, 403: err, 404: err },
      },
    },
    '/api/customers/{id}': { get: { summary: 'A customer profile', parameters: id, ...guarded('agent, supervisor, admin') } },
    '/api/customers/{id}/messages': {
      post: {
        summary: 'Outbound message: consent, quiet hours and channel rules checked first',
        parameters: id,
        requestBody: json({
          type: 'object',
          required: ['text', 'purpose'],
          properties: { text: { type: 'string' }, purpose: { enum: ['service', 'proactive', 'marketing'] }, channelId: { type: 'string' } },
        }),
        ...guarded('supervisor, admin'),
        responses: { 201: ok('Sent'), 409: ok('Refused with reason'), 400: err, 401: err, 403: err, 404: err },
      },
    },
    '/api/customers/{id}/export': { get: { summary: 'Everything known about a customer (audited)', parameters: id, ...guarded('supervisor, admin') } },
    '/api/customers/{id}/erase': { post: { summary: 'Erase a customer (audited, no personal data kept)', parameters: id, ...guarded('admin') } },
    '/api/merge-suggestions': { get: { summary: 'Open merge suggestions', ...guarded('agent, supervisor, admin') } },
    '/api/merge-suggestions/{id}': {
      post: {
        summary: 'Confirm (merge) or reject a suggestion',
        parameters: id,
        requestBody: json({ type: 'object', required: ['confirm'], properties: { confirm: { type: 'boolean' } } }),
        ...guarded('agent, supervisor, admin'),
      },
    },
    '/api/customers/{id}/merges': {
      get: {
        summary: 'Merges into this customer, newest first, each undoable unless undone already or a side was erased (console sidebar)',
        parameters: id,
        ...guarded('supervisor, admin'),
      },
    },
    '/api/merges/{id}/undo': { post: { summary: 'Unmerge: restore both profiles and their conversations', parameters: id, ...guarded('supervisor, admin') } },
    '/api/segments': {
      get: { summary: 'Segment rules', ...guarded('agent, supervisor, admin') },
      put: {
        summary: 'Replace segment rules (audited); an empty list is refused with SEGMENT_RULES_EMPTY unless allowEmpty is true',
        requestBody: json({ type: 'object', required: ['rules'], properties: { rules: { type: 'array' }, allowEmpty: { type: 'boolean', enum: [true] } } }),
        ...guarded('supervisor, admin'),
      },
    },
    '/api/segments/restore': {
      post: {
        summary:
          'Restore segment rules: the shipped defaults ({defaults: true}) or those before (take: before, the default) or after an audited change ({auditId})',
        requestBody: json({ type: 'object' }),
        ...guarded('supervisor, admin'),
      },
    },
    '/api/transcripts/search': {
      get: {
        summary: 'Full-text search over every message (audited)',
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
        ],
        ...guarded('supervisor, admin'),
      },
    },
    '/api/stats': {
      get: {
        summary:
          'Dashboard figures computed by the store: conversations per day and channel, containment, handoff reasons, ratings, waiting (chats a person took)/first response/handling p50 and p90, stillWaiting (chats still queued, measured to now: p50, p90, n, longest), intents, not-understood messages, sentiment per day and segment. A date alone covers that whole day.',
        parameters: [q('from', { type: 'string', format: 'date' }, true), q('to', { type: 'string', format: 'date' }, true), q('channel')],
        ...guarded('supervisor, admin'),
      },
    },
    '/api/transcripts': {
      get: {
        summary: 'Transcript search with filters, newest first, in keyset pages (audited)',
        parameters: [...FILTERS, q('limit', { type: 'integer', minimum: 1, maximum: 200 }), q('cursor')],
        ...guarded('supervisor, admin'),
      },
    },
    '/api/transcripts/export': {
      get: {
        summary:
          'The filtered transcripts, streamed: CSV (one line per message) or JSON (conversations with their messages). Bearer token, or a single-use ticket from export-link (audited; a second use is 410 DOWNLOAD_LINK_USED)',
        parameters: [...FILTERS, q('format', { enum: ['csv', 'json'] }, true), q('ticket')],
        security: [{ bearer: [] }, {}],
        description: 'Roles: supervisor, admin.',
        responses: { 200: { description: 'The export', content: { 'text/csv': {}, 'application/json': {} } }, 400: err, 401: err, 403: err, 410: err },
      },
    },
    '/api/transcripts/export-link': {
      post: {
        summary: 'A one-minute, single-use download URL for an export with these filters (for plain browser downloads)',
        requestBody: json({ type: 'object', required: ['format'], description: 'The export query parameters as strings' }),
        ...guarded('supervisor, admin'),
      },
    },
    '/api/transcripts/{id}': {
      get: {
        summary:
          'One transcript: every message with intent and sentiment, notes, whispers, state changes, handoff reason, rating (audited). Agents see only chats they held; others get the same 404 as a missing id',
        parameters: id,
        ...guarded('agent, supervisor, admin'),
      },
    },
    '/api/transcripts/{id}/tags': {
      put: {
        summary: 'Replace the tags of a transcript (audited)',
        parameters: id,
        requestBody: json({
          type: 'object',
          required: ['tags'],
          properties: { tags: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 50 } },
        }),
        ...guarded('supervisor, admin'),
      },
    },
    '/api/transcripts/{id}/annotations': {
      post: {
        summary: 'Annotate a transcript: an internal note the customer never sees (audited)',
        parameters: id,
        requestBody: json({ type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 5000 } } }),
        ...guarded('supervisor, admin'),
        responses: { 201: ok('The note'), 400: err, 401: err, 403: err, 404: err },
      },
    },
    '/api/nlu/corpus': {
      get: {
        summary: 'Intents per language, utterances added from the dashboard, and which of them the running model was trained with',
        ...guarded('supervisor, admin'),
      },
    },
    '/api/nlu/utterances': {
      post: {
        summary: 'Add an utterance to an intent (or "none": out of scope); trained at the next retrain or restart',
        requestBody: json({
          type: 'object',
          required: ['text', 'intent', 'language'],
          properties: { text: { type: 'string', maxLength: 500 }, intent: { type: 'string' }, language: { type: 'string', pattern: '^[a-z]{2}$' } },
        }),
        ...guarded('supervisor, admin'),
        responses: { 200: ok('Already there'), 201: ok('Added'), 400: err, 401: err, 403: err },
      },
    },
    '/api/nlu/utterances/remove': {
      post: {
        summary: 'Take an addition (text and language) out of the corpus; trained without it at the next retrain or restart',
        requestBody: json({
          type: 'object',
          required: ['text', 'language'],
          properties: { text: { type: 'string', maxLength: 500 }, language: { type: 'string', pattern: '^[a-z]{2}$' } },
        }),
        ...guarded('supervisor, admin'),
        responses: { 200: ok('Removed'), 400: err, 401: err, 403: err, 404: err },
      },
    },
    '/api/nlu/retrain': {
      post: {
        summary: 'Retrain the recognizer with the additions in the background; the bot keeps answering with the current model until the new one is ready',
        ...guarded('supervisor, admin'),
        responses: { 202: ok('Started'), 401: err, 403: err },
      },
    },
    '/api/audit': {
      get: {
        summary: 'Audit log, newest first, in keyset pages',
        parameters: [q('action'), q('actor'), q('target'), q('limit', { type: 'integer', minimum: 1, maximum: 1000 }), q('cursor')],
        ...guarded('admin'),
      },
    },
    '/api/audit/export': {
      get: {
        summary: 'The audit log, streamed as CSV or JSON (bearer token or ticket; audited)',
        parameters: [q('action'), q('actor'), q('target'), q('format', { enum: ['csv', 'json'] }, true), q('ticket')],
        security: [{ bearer: [] }, {}],
        description: 'Roles: admin.',
        responses: { 200: { description: 'The export', content: { 'text/csv': {}, 'application/json': {} } }, 400: err, 401: err, 403: err },
      },
    },
    '/api/audit/export-link': {
      post: { summary: 'A one-minute download URL for an audit export', requestBody: json({ type: 'object', required: ['format'] }), ...guarded('admin') },
    },
    '/api/mentions': {
      post: {
        summary:
          "A public mention from a social listening tool; a text over MAX_MESSAGE_CHARS is 413 MESSAGE_TOO_LONG, stored nowhere. Replies go through the social network port, never to the post's url",
        security: [{ listeningKey: [] }],
        requestBody: json({ type: 'object', required: ['network', 'handle', 'text'] }),
        responses: { 201: ok('Attached'), 400: err, 401: err, 404: err, 413: err },
      },
    },
    '/api/conversations/{conversationId}/attachments': {
      post: {
        summary:
          'Send a file to the customer of a chat you hold: multipart/form-data with one `file` part (at most ATTACHMENT_MAX_BYTES; type by content: PNG, JPEG, GIF, WebP, PDF, plain text) and optional `text` and `clientMessageId` fields. Stored, then sent with a signed, expiring link. 413 ATTACHMENT_TOO_LARGE, 415 ATTACHMENT_TYPE_REFUSED, 403 HANDOFF_NOT_OWNER: nothing stored',
        parameters: [{ name: 'conversationId', in: 'path', required: true, schema: { type: 'string' } }],
        ...guarded('agent, supervisor, admin'),
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'] } } } },
        responses: { 200: ok('The attachment and its message'), 400: err, 401: err, 403: err, 404: err, 413: err, 415: err, 502: err },
      },
    },
    '/api/attachments/{id}': {
      get: {
        summary:
          'A file of a chat you may see (the transcript or live rule); supervisors and admins audited (attachment.download), refusals audited (attachment.denied, 403 ATTACHMENT_FORBIDDEN). Served with its detected type, nosniff, Content-Disposition attachment (inline=1: inline for raster images only) and a sandboxing CSP',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, q('inline', { enum: ['1'] })],
        ...guarded('agent, supervisor, admin'),
        responses: { 200: { description: 'The file' }, 401: err, 403: err, 404: err },
      },
    },
    '/api/attachments/{id}/link': {
      get: {
        summary: 'A short-lived same-origin link to that file (and an inline preview link for images), for an <img> or a download; same rule and audit',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        ...guarded('agent, supervisor, admin'),
        responses: { 200: ok('{ url, preview?, attachment }'), 401: err, 403: err },
      },
    },
    '/api/conversations/{conversationId}/messages/{seq}/attachments/{index}': {
      get: {
        summary:
          "A file a Bot Framework channel linked in a customer's message, fetched through the service only from a trusted service URL or ATTACHMENT_HOSTS (public addresses only, redirects checked, cut off past ATTACHMENT_MAX_BYTES), typed by content and served inert; same access rule and audit",
        parameters: [
          { name: 'conversationId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'seq', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'index', in: 'path', required: true, schema: { type: 'integer' } },
          q('inline', { enum: ['1'] }),
        ],
        ...guarded('agent, supervisor, admin'),
        responses: { 200: { description: 'The file' }, 401: err, 403: err, 404: err, 413: err, 415: err, 502: err },
      },
    },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1') } } },
  },
} as const;

/** restify's ":id" becomes OpenAPI's "{id}". */
export function openApiPath(restifyPath: string): string {
  return restifyPath.replace(/:([A-Za-z]+)/g, '{$1}');
}
