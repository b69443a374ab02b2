import type { Server as HttpServer } from 'node:http';
import restify from 'restify';
import type { Config } from '../core/config';
import { AppError } from '../core/errors';
import { apiHeaders, bodyParser, route, sendError, withTimeout } from '../core/http';
import type { Logger } from '../core/logger';
import { registerAuditRoutes } from '../api/auditRoutes';
import { AGENT_UPLOAD_PATH, registerAttachmentRoutes } from '../api/attachmentRoutes';
import { registerAuthRoutes } from '../api/authRoutes';
import { registerCustomerRoutes } from '../api/customerRoutes';
import { registerMentionRoutes } from '../api/mentionRoutes';
import { registerMergeRoutes } from '../api/mergeRoutes';
import { registerNluRoutes } from '../api/nluRoutes';
import { registerSegmentRoutes } from '../api/segmentRoutes';
import { registerTranscriptRoutes } from '../api/transcriptRoutes';
import { registerConsoleRoutes } from '../api/consoleRoutes';
import { TeamsSsoValidator } from '../auth/teamsSso';
import { registerBotEndpoint } from '../bot/botEndpoint';
import { registerWebChatChannel, WEBCHAT_POST_PATH, WEBCHAT_UPLOAD_PATH, WebChatTokens } from '../bot/webChatChannel';
import { AttachmentSources } from '../core/serviceUrls';
import { AttachmentLinks } from '../models/attachmentContent';
import { MicrosoftAppCredentials } from 'botframework-connector';
import { WebChatStream } from '../bot/webChatStream';
import { WebChatTyping } from '../bot/webChatTyping';
import { AuditLog } from '../review/auditLog';
import type { AppParts } from './appServices';

export const MAX_BODY_BYTES = 256 * 1024; // an activity with a 100,000-character text fits; bigger bodies get 413
/** Pages that set their own content type, CSP and caching; every other answer gets the API headers. */
const PAGES = new Set(['/', '/chat', '/chat/chat.js', '/chat/webchat.js', '/console', '/console/app.js', '/console/app.css']);

const HOME_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Social CRM support bot</title>
<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:40px auto;line-height:1.5}a{display:block;margin:8px 0}</style></head>
<body><h1>Social CRM support bot</h1>
<a href="/chat">Web chat: talk to the bot as a customer</a>
<a href="/console">Agent console: take over chats (agents and supervisors)</a>
<a href="/healthz">Health</a></body></html>`;

/**
 * The HTTP side: restify with the API headers, body limits and coded errors; health and readiness; the Bot
 * Framework endpoint, the web chat channel and its stream, attachments, the REST API (api/, one file per resource)
 * and the home page. `draining` is read at request time (the drain exists once Socket.IO attached itself).
 */
/** How long an idle keep-alive connection stays open (see buildHttp). */
const KEEP_ALIVE_MS = 65_000;

export function buildHttp(config: Config, log: Logger, parts: AppParts, draining: () => boolean) {
  const { store, shared, limits, adapter, bot, auth, events, teamsLinks, profiles, identity, outbound, privacy, mentions, review, corpus, recognizer } = parts;
  const server = restify.createServer({ name: 'social-crm-bot', handleUncaughtExceptions: false });
  // Idle keep-alive connections stay open past the gaps clients leave between requests (LOW 1): with Node's 5 s
  // default, a poll written on a pooled connection just as the server closed it was reset (ECONNRESET). Browsers
  // keep idle connections for minutes and a Node agent without `timeout` until the server closes them; 65 s is past
  // the 60 s idle timeout of common load balancers, so they close first. Draining ends idle ones at the grace period.
  server.server.keepAliveTimeout = KEEP_ALIVE_MS;
  const httpsOnly = !!config.publicUrl?.startsWith('https://');
  server.pre((req, res, next) => {
    res.setHeader('x-request-id', req.id());
    // Every answer but the pages' own (which set their CSP and caching) is data: never sniffed, never cached.
    if (!PAGES.has(req.path())) apiHeaders(res, httpsOnly);
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Multipart only on the two authenticated upload routes, which read it with their own limit.
  const readBody = bodyParser(log, MAX_BODY_BYTES, { multipartRoutes: new Set([WEBCHAT_UPLOAD_PATH, AGENT_UPLOAD_PATH]) });
  server.use(readBody);
  server.on('after', (req: restify.Request, res: restify.Response) => {
    // Every request passes here: its log object (req.path() parses the URL) is built only when debug is on.
    if (log.isLevelEnabled('debug')) log.debug({ reqId: req.id(), method: req.method, path: req.path(), status: res.statusCode }, 'request');
  });
  // Errors raised by restify itself (unknown route, body too large, bad JSON) get the same coded shape.
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: unknown; toJSON?: () => unknown }, cb: () => void) => {
    const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
    const code = status === 404 || status === 405 ? 'ROUTE_NOT_FOUND' : status === 413 ? 'BODY_TOO_LARGE' : 'VALIDATION_FAILED';
    const appErr = status >= 500 ? new AppError('INTERNAL', undefined, { cause: err }) : new AppError(code, err?.message || undefined);
    err.toJSON = () => ({ error: appErr.toJSON() });
    err.toString = () => JSON.stringify({ error: appErr.toJSON() });
    if (status >= 500) sendError(log, req, res, appErr);
    cb();
  });

  server.get(
    '/healthz',
    route(log, (_req, res) => {
      // Liveness fails only when the store cannot recover by itself (a failed fsync): a restart is what helps.
      const health = store.health();
      if (health.status === 'failed') log.error({ reason: health.reason }, 'liveness: the store needs a restart');
      res.status(health.status === 'failed' ? 503 : 200);
      res.json(health.status === 'failed' ? { status: 'failed', store: store.kind, error: { code: 'STORE_UNAVAILABLE' } } : { status: 'ok' });
    }),
  );
  server.get(
    '/readyz',
    route(log, async (_req, res) => {
      if (draining()) {
        res.status(503);
        res.json({ status: 'draining', store: store.kind, error: { code: 'SERVER_SHUTTING_DOWN' } });
        return;
      }
      try {
        await withTimeout(store.ping(), config.store.timeoutMs);
        // Redis away does not make an instance unready: every instance would be at once, and each still serves its
        // own sockets and requests (news across instances catches up when it is back). Reported for the operator.
        res.json({ status: 'ready', store: store.kind, ...(shared.kind === 'redis' ? { redis: shared.healthy() ? 'ready' : 'unavailable' } : {}) });
      } catch (err) {
        log.warn({ err }, 'readiness: store not answering');
        res.status(503);
        res.json({ status: 'unavailable', store: store.kind, error: { code: 'STORE_UNAVAILABLE' } });
      }
    }),
  );
  registerBotEndpoint(server, { adapter, bot, log, limits, maxMessageChars: config.maxMessageChars, anonymous: config.bot.anonymous });
  const stream = WebChatStream.fromConfig(config, store, log, shared.usedTokens);
  // News of a stored message goes through the shared notifier: the instance holding the customer's stream may be
  // another one. The stream reads the store after its watermark, so the news itself carries nothing to lose.
  const unsubscribeNews = stream ? shared.webChatNews.subscribe((id) => stream.notify(id)) : undefined;
  const unsubscribeRecovered = stream ? shared.onRecovered(() => stream.notifyAll()) : undefined;
  if (stream) adapter.ownWebChatSent = (id) => shared.webChatNews.publish(id);
  // Typing is not stored: its news goes to every instance, for the streams each holds and the pages that poll it.
  const webChatTyping = new WebChatTyping();
  adapter.ownWebChatTyping = (id) => shared.webChatTyping.publish(id);
  const unsubscribeTyping = shared.webChatTyping.subscribe((id) => {
    webChatTyping.heard(id);
    stream?.typing(id);
  });
  const attachmentLinks = new AttachmentLinks(config.session.secret, config.attachments.urlSeconds);
  if (stream) stream.attachmentUrl = (id) => attachmentLinks.url(ownBaseUrl(config, server.server), id);
  if (stream) stream.presence = { opened: (id) => parts.handoff.streamOpened(id), closed: (id) => parts.handoff.streamsClosed(id) };
  // A customer's stored message as the handoff relays it: the news of its post then writes it without a read back.
  const unsubscribeStored = stream ? events.on('message.created', ({ conversation, message }) => stream.stored(conversation, message)) : undefined;
  // One instance: the stream here is the only one, and is told at once which post the news is of. Several: every
  // instance hears the news (a conversation's streams may be on any of them) and reads the store.
  const webChatNotify = (id: string, posted?: string) => (shared.kind === 'memory' && stream ? stream.notify(id, posted) : shared.webChatNews.publish(id));
  const webChat = registerWebChatChannel(server, {
    store,
    adapter,
    bot,
    tokens: new WebChatTokens(config.session.secret, config.webChat, {
      retired: shared.retiredTokens,
      refreshGraceSeconds: config.webChat.refreshGraceSeconds,
      now: parts.clock,
    }),
    log,
    ownBaseUrl: () => ownBaseUrl(config, server.server),
    siteTokenSecret: config.siteTokenSecret,
    siteToken: config.siteToken,
    maxMessageChars: config.maxMessageChars,
    limits,
    trustProxy: config.trustProxy,
    typing: webChatTyping,
    stream: stream && { streamUrl: (base, t, w) => stream.streamUrl(base, t, w), notify: webChatNotify },
    attachments: { links: attachmentLinks, maxBytes: config.attachments.maxBytes },
  });
  // Every customer message is a POST of this route: served ahead of restify's chain (its router, handler chain and
  // request set-up were about a tenth of such a message's CPU), with what that chain gives it written out: the same
  // headers, the same body reader and limits, the same coded errors. Any other path, or this one with a query
  // string, goes to restify as before.
  const firstChain = server as unknown as { first(handler: (req: restify.Request, res: restify.Response) => boolean): void };
  firstChain.first((req, res) => {
    if (req.method !== 'POST') return true;
    const m = WEBCHAT_POST_PATH.exec(req.url ?? '');
    const conversationId = m ? decodedSegment(m[1]) : undefined;
    if (conversationId === undefined) return true;
    res.setHeader('server', server.name);
    res.setHeader('x-request-id', req.id());
    apiHeaders(res, httpsOnly);
    req.params = { conversationId };
    if (log.isLevelEnabled('debug'))
      res.once('finish', () => log.debug({ reqId: req.id(), method: req.method, path: req.path(), status: res.statusCode }, 'request'));
    readBody(req, res, ((err?: unknown) => {
      if (err === false) return; // answered (a refused body)
      if (err) return sendError(log, req, res, err);
      webChat.postActivity(req, res, () => undefined);
    }) as restify.Next);
    return false;
  });
  const appCredentials =
    config.bot.appId && config.bot.appPassword ? new MicrosoftAppCredentials(config.bot.appId, config.bot.appPassword, config.bot.tenantId) : undefined;
  registerAttachmentRoutes(server, {
    store,
    auth,
    events,
    adapter,
    appId: config.bot.appId,
    log,
    links: attachmentLinks,
    ownBaseUrl: () => ownBaseUrl(config, server.server),
    maxBytes: config.attachments.maxBytes,
    maxMessageChars: config.maxMessageChars,
    sources: new AttachmentSources(config.trustedServiceUrls, config.attachments.hosts),
    channelToken: appCredentials ? () => appCredentials.getToken() : undefined,
  });
  // The REST API, one file per resource (api/): each takes what it needs from these.
  const apiDeps = {
    auth,
    log,
    store,
    trustProxy: config.trustProxy,
    teams: config.teams ? new TeamsSsoValidator(config.teams) : undefined,
    teamsLinks,
    profiles,
    identity,
    outbound,
    privacy,
    mentions,
    mentionsApiKey: config.mentionsApiKey,
    maxMessageChars: config.maxMessageChars,
    review,
    auditLog: new AuditLog(store),
    corpus,
    recognizer,
  };
  registerConsoleRoutes(server, apiDeps);
  registerAuthRoutes(server, apiDeps);
  registerCustomerRoutes(server, apiDeps);
  registerMergeRoutes(server, apiDeps);
  registerSegmentRoutes(server, apiDeps);
  registerMentionRoutes(server, apiDeps);
  registerTranscriptRoutes(server, apiDeps);
  registerAuditRoutes(server, apiDeps);
  registerNluRoutes(server, apiDeps);
  server.get(
    '/',
    route(log, (_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      res.writeHead(200);
      res.end(HOME_PAGE);
    }),
  );

  const stop = () => {
    stream?.close();
    unsubscribeNews?.();
    unsubscribeTyping();
    unsubscribeRecovered?.();
    unsubscribeStored?.();
  };
  return { server, stream, stop };
}

/** A path segment decoded as restify's router decodes it; undefined when it cannot be (restify answers that one). */
function decodedSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** This service's own base URL: PUBLIC_URL, or the address it listens on. Never a request's Host header. */
function ownBaseUrl(config: Config, httpServer: HttpServer): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const a = httpServer.address();
  if (a && typeof a === 'object') {
    const host = a.address === '0.0.0.0' || a.address === '::' ? 'localhost' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }
  return `http://localhost:${config.port}`;
}
