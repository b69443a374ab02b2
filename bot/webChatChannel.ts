import { messageTooLongMessage, textLength } from '../core/visibleText';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import { z } from 'zod';
import { AppError, isAppError } from '../core/errors';
import { clientAddress, parseOrThrow, route, sendJson } from '../core/http';
import type { RateLimits } from '../core/rateLimits';
import type { Logger } from '../core/logger';
import type { AttachmentLinks } from '../models/attachmentContent';
import { t as reply } from '../locale/replies';
import type { Store } from '../store/store';
import { checkActivity } from './activityCheck';
import { WEBCHAT_CHANNEL, WEBCHAT_CONNECTOR_PATH, type SupportAdapter } from './supportAdapter';
import type { SupportBot } from './supportBot';
import { channelConversations, VERIFIED_IDENTITY } from './supportBot';
import { verifySiteToken, type SiteIdentity, type SiteTokenRules } from '../auth/siteToken';
import { registerWebChatBundle } from './webchat/webChatAssets';
import { parsePostedActivity, PostedActivity, toActivity, type AttachmentUrl } from './webChatActivities';
import type { WebChatStreamHook } from './webChatStream';
import { WebChatTokens, type ChatToken } from './webChatTokens';
import { formatWatermark, parseWatermark, placeInChain } from './webChatWatermark';
import type { WebChatTyping } from './webChatTyping';
import { registerWebChatUpload, WEBCHAT_UPLOAD_PATH } from './webChatUpload';
import { isPageGreeting, webChatGreetings } from './webchat/webChatGreeting';

/**
 * The built-in web chat channel: a Direct Line 3.0–compatible subset (polling) that the official Web Chat
 * component talks to, so no Azure service is needed. Customer activities run through the same adapter and bot
 * as any channel; the page reads the conversation back from the shared history store, using the message sequence
 * number as the Direct Line watermark. Bot and agent messages for this channel never leave the process: the
 * adapter recognizes the channel's own service URL (PUBLIC_URL, or the address the server listens on; never a
 * request header) and answers them in-process, since they are in the store already.
 *
 * Here: the page and the HTTP routes. Tokens: bot/webChatTokens.ts; what is posted and read back:
 * bot/webChatActivities.ts; uploads: bot/webChatUpload.ts; streaming: bot/webChatStream.ts.
 */
export { WEBCHAT_CHANNEL, WEBCHAT_UPLOAD_PATH, WebChatTokens, toActivity, type AttachmentUrl };

const Session = z.object({ locale: z.string().max(32).optional(), siteToken: z.string().max(4096).optional() }).strict();

/** The two-letter language of a locale ("es-MX") or an Accept-Language header ("es-ES,es;q=0.9"). */
const languageOf = (locale: unknown): string => (typeof locale === 'string' ? locale.slice(0, 2).toLowerCase() : '');

const PAGE_DIR = [path.join(__dirname, 'webchat'), path.join(__dirname, '..', '..', 'bot', 'webchat')].find((d) => fs.existsSync(path.join(d, 'chat.html')))!;

/**
 * Page CSP: scripts only from us; Web Chat injects its styles at run time, so style-src needs 'unsafe-inline'.
 * connect-src allows `blob:` because the page (bot/webchat/chat.js) reads a file the customer picked back from its
 * blob: URL to put it in the upload; blob: URLs belong to the page's own origin, so nothing else is reachable.
 */
const CHAT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' blob:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

export interface WebChatDeps {
  store: Store;
  adapter: SupportAdapter;
  bot: SupportBot;
  tokens: WebChatTokens;
  log: Logger;
  /** This service's own base URL (PUBLIC_URL, or the listening address): never taken from a request. */
  ownBaseUrl: () => string;
  siteTokenSecret?: string;
  siteToken: SiteTokenRules;
  maxMessageChars: number;
  limits: RateLimits;
  trustProxy: number;
  /** Direct Line 3.0 streams (bot/webChatStream.ts); absent: the page polls. */
  stream?: WebChatStreamHook;
  /** Agents' typing heard for each conversation: polling pages get it in their next activity sets. */
  typing?: WebChatTyping;
  /** Files: signed links for the page, and the largest upload (ATTACHMENT_MAX_BYTES). */
  attachments: { links: AttachmentLinks; maxBytes: number };
}

/** The customers' messages: the one web chat route that every message takes (see `postActivity`). */
export const WEBCHAT_POST_PATH = /^\/v3\/directline\/conversations\/([^/?#]+)\/activities$/;

/**
 * Registers the page and the Direct Line routes. Returns the route that posts a customer's activity (also served by
 * restify under its path), for the app to serve ahead of restify's chain (app/appHttp.ts).
 */
export function registerWebChatChannel(server: restify.Server, deps: WebChatDeps): { postActivity: restify.RequestHandler } {
  const { store, adapter, bot, tokens, log, limits } = deps;
  const client = (req: restify.Request) => clientAddress(req, deps.trustProxy);

  const sendFile = (res: restify.Response, file: string, type: string, csp?: string) => {
    res.setHeader('content-type', type);
    res.setHeader('cache-control', 'no-cache');
    if (csp) res.setHeader('content-security-policy', csp);
    res.setHeader('x-content-type-options', 'nosniff');
    res.writeHead(200);
    res.end(fs.readFileSync(file));
  };
  server.get(
    '/chat',
    route(log, (_req, res) => sendFile(res, path.join(PAGE_DIR, 'chat.html'), 'text/html; charset=utf-8', CHAT_CSP)),
  );
  server.get(
    '/chat/chat.js',
    route(log, (_req, res) => sendFile(res, path.join(PAGE_DIR, 'chat.js'), 'application/javascript; charset=utf-8')),
  );
  registerWebChatBundle(server, log);

  /**
   * What the page needs to refuse a send itself, with the sentences it shows, in the customer's language: the
   * longest message (MAX_MESSAGE_CHARS) is checked before anything leaves the browser, so the text stays in the box.
   */
  const pageSettings = (language: string) => {
    const max = deps.maxMessageChars;
    return {
      maxMessageChars: max,
      // Drawn by the page in its own language before any conversation exists; stored when the visitor first writes.
      greetings: webChatGreetings(),
      say: {
        messageTooLong: reply(language, 'messageTooLong', { max: max.toLocaleString(language === 'es' ? 'es' : 'en') }),
        rateLimited: reply(language, 'sendRateLimited'),
        sendRefused: reply(language, 'sendRefused'),
      },
    };
  };
  const requestLanguage = (req: restify.Request) => languageOf(req.header('accept-language'));

  /** A new visitor: an anonymous web identity and its conversation, in a signed token the page keeps. */
  server.post(
    '/chat/session',
    route(log, async (req, res) => {
      const body = parseOrThrow(Session, req.body ?? {}, 'session');
      let verified: (SiteIdentity & { exp: number }) | undefined;
      if (body.siteToken) {
        if (!deps.siteTokenSecret) throw new AppError('AUTH_INVALID', 'signed visitors are not configured (SITE_TOKEN_SECRET)');
        verified = verifySiteToken(body.siteToken, deps.siteTokenSecret, deps.siteToken);
      }
      await limits.consume('ipWebChatSessions', client(req));
      // A verified visitor keeps one web identity across sessions and devices: their site user id.
      const userId = verified ? `site-${verified.sub}` : `web-${randomUUID()}`;
      const conversationId = `wc-${randomUUID()}`;
      const identity = verified ? { sub: verified.sub, email: verified.email, name: verified.name } : undefined;
      // A verified session ends with the site token that proved it.
      const token = tokens.start({ userId, conversationId, verified: identity }, verified?.exp);
      const settings = pageSettings(languageOf(body.locale) || requestLanguage(req));
      res.json({ token, userId, conversationId, expires_in: WebChatTokens.remaining(token), settings });
    }),
  );

  const dl = '/v3/directline';
  const fileUrl: AttachmentUrl = (id) => deps.attachments.links.url(deps.ownBaseUrl(), id);
  /** The request's token, and until when it still works if a refresh retired it. */
  const sessionOf = async (req: restify.Request): Promise<{ token: ChatToken; graceUntil?: number }> => {
    const s = await tokens.checkRetired(req.header('authorization'));
    const asked = (req.params as { conversationId?: string } | undefined)?.conversationId;
    // Same answer for someone else's conversation and a missing one.
    if (asked !== undefined && asked !== s.token.conversationId) throw new AppError('NOT_FOUND');
    return s;
  };
  const conversationOf = async (req: restify.Request): Promise<ChatToken> => (await sessionOf(req)).token;
  // Direct Line 3.0 streaming (bot/webChatStream.ts): a reconnect's stream resumes after the client's watermark, as
  // it stands in the chain now (a watermark of a conversation erased since starts the chain over).
  const streamOf = async (t: Pick<ChatToken, 'conversationId' | 'userId' | 'exp'>, req?: restify.Request) => {
    if (!req || !deps.stream) return {};
    const raw = (req.query as { watermark?: unknown })?.watermark;
    const place = typeof raw === 'string' ? parseWatermark(raw) : undefined;
    const at = place ? placeInChain(await channelConversations(store, WEBCHAT_CHANNEL, t.conversationId), place) : { n: 0, seq: 0 };
    return { streamUrl: deps.stream.streamUrl(deps.ownBaseUrl(), t, at.n ? `${at.n}.${at.seq}` : String(at.seq)) };
  };
  const started = async ({ token: t, graceUntil }: { token: ChatToken; graceUntil?: number }, req: restify.Request) => {
    if (graceUntil !== undefined) {
      // A retired token within its grace: the same token back, and a stream that ends with the grace.
      const until = Math.min(t.exp, Math.floor(graceUntil / 1000));
      const presented = req.header('authorization').replace(/^Bearer\s+/i, '');
      const expires_in = Math.max(0, Math.floor((graceUntil - tokens.clock()) / 1000));
      return { conversationId: t.conversationId, token: presented, expires_in, ...(await streamOf({ ...t, exp: until }, req)) };
    }
    const token = tokens.issue({ userId: t.userId, conversationId: t.conversationId, verified: t.verified, max: t.max });
    return { conversationId: t.conversationId, token, expires_in: WebChatTokens.remaining(token), ...(await streamOf(t, req)) };
  };

  server.post(
    `${dl}/conversations`,
    route(log, async (req, res) => {
      res.json(await started(await sessionOf(req), req));
    }),
  );
  server.get(
    `${dl}/conversations/:conversationId`,
    route(log, async (req, res) => {
      res.json(await started(await sessionOf(req), req));
    }),
  );
  server.post(
    `${dl}/tokens/refresh`,
    route(log, async (req, res) => {
      const { token: t, graceUntil } = await sessionOf(req);
      // A retired token mints nothing, within its grace too: a copy of it (a log, a second tab's stale storage) would
      // otherwise refresh itself forever after the page moved on.
      if (graceUntil !== undefined) throw new AppError('WEBCHAT_TOKEN_RETIRED', 'this token was already refreshed; use the token that refresh answered');
      // The token presented is retired (after a short grace for requests in flight): a refresh replaces it.
      const token = await tokens.refresh(t);
      // The page refreshes its kept session on every visit: the settings it gets are always the current ones.
      res.json({ conversationId: t.conversationId, token, expires_in: WebChatTokens.remaining(token), settings: pageSettings(requestLanguage(req)) });
    }),
  );

  /** Runs a visitor's activity through the bot; resolves once it is stored (a failing turn is a 5xx). */
  const receive = async (t: ChatToken, posted: z.output<typeof PostedActivity>, req: restify.Request): Promise<string> => {
    if (posted.text !== undefined && textLength(posted.text) > deps.maxMessageChars) {
      throw new AppError('MESSAGE_TOO_LONG', messageTooLongMessage(deps.maxMessageChars), { details: { maxChars: deps.maxMessageChars } });
    }
    // Every activity a visitor posts counts against their address and their conversation (typing and events reach
    // agents' consoles too). Typing has budgets of its own: Web Chat sends it every few seconds while the customer
    // writes, and a flood of it must not cost the messages that follow (nor messages the typing).
    if (posted.type === 'typing') {
      await limits.consume('ipTyping', client(req));
      await limits.consume('conversationTyping', `${WEBCHAT_CHANNEL}|${t.conversationId}`);
    } else {
      await limits.consume('ipMessages', client(req));
      if (posted.type === 'message') await limits.consume('conversationMessages', `${WEBCHAT_CHANNEL}|${t.conversationId}`);
    }
    const id = posted.channelData?.clientActivityID ?? randomUUID();
    const activity = {
      ...posted,
      id,
      timestamp: new Date().toISOString(),
      channelId: WEBCHAT_CHANNEL,
      serviceUrl: `${deps.ownBaseUrl()}${WEBCHAT_CONNECTOR_PATH}`,
      conversation: { id: t.conversationId },
      from: { id: t.userId, name: posted.from?.name, role: 'user' },
      recipient: { id: 'bot', name: 'Support', role: 'bot' },
      deliveryMode: 'normal',
    };
    const checked = checkActivity(activity);
    if (!checked.success) throw new AppError('BOT_ACTIVITY_INVALID');
    // Stored before we answer: a failing turn is a 5xx and Web Chat retries with the same clientActivityID.
    await adapter.handleTrusted(checked.data as never, (ctx) => {
      // Only this in-process channel can say who the visitor is; channelData from clients is never trusted.
      if (t.verified) ctx.turnState.set(VERIFIED_IDENTITY, t.verified);
      return bot.onTurn(ctx);
    });
    return id;
  };

  const postActivity = route(log, async (req, res) => {
    const t = await conversationOf(req);
    const posted = parsePostedActivity(req.body);
    // Files come only through the upload, which checks and keeps them: links a client names are dropped.
    const id = await receive(t, { ...posted, attachments: undefined }, req).catch((err: unknown) => {
      // A refused message carries the sentence the page shows the customer, in their language (as uploads do).
      if (posted.type !== 'message' || !isAppError(err) || (err.code !== 'MESSAGE_TOO_LONG' && err.code !== 'RATE_LIMITED')) throw err;
      const key = err.code === 'MESSAGE_TOO_LONG' ? 'messageTooLong' : 'rateLimited';
      const customerMessage = pageSettings(languageOf(posted.locale) || requestLanguage(req)).say[key];
      throw new AppError(err.code, err.message, { cause: err.cause, details: { ...(err.details as object), customerMessage } });
    });
    deps.stream?.notify(t.conversationId, id);
    sendJson(res, { id });
  });
  server.post(`${dl}/conversations/:conversationId/activities`, postActivity);

  registerWebChatUpload(server, {
    store,
    log,
    maxBytes: deps.attachments.maxBytes,
    conversationOf,
    receive,
    notify: (id) => deps.stream?.notify(id),
  });

  /** When the conversation's last bot or agent message was stored (its newest message only: a customer's says nothing). */
  const lastReplyAt = async (c: { id: string; lastSeq: number }): Promise<string | undefined> => {
    const [m] = c.lastSeq > 0 ? await store.listMessages(c.id, { afterSeq: c.lastSeq - 1, limit: 1 }) : [];
    return m && m.kind === 'message' && m.role !== 'customer' ? m.createdAt : undefined;
  };

  server.get(
    `${dl}/conversations/:conversationId/activities`,
    route(log, async (req, res) => {
      const t = await conversationOf(req);
      // The watermark is the last sequence number seen, in the chain of the channel conversation's stored
      // conversations, tagged with the one it is in (bot/webChatWatermark.ts).
      const raw = String((req.query as { watermark?: string })?.watermark || '0');
      const place = parseWatermark(raw);
      if (!place) throw new AppError('VALIDATION_FAILED', 'watermark must be one this service gave out');
      const convs = await channelConversations(store, WEBCHAT_CHANNEL, t.conversationId);
      if (convs.length === 0) {
        res.json({ activities: [], watermark: raw });
        return;
      }
      const { n: from, seq: watermark } = placeInChain(convs, place);
      const activities: Record<string, unknown>[] = [];
      let last = { n: from, seq: watermark };
      for (let n = from; n < convs.length && activities.length < 200; n++) {
        const messages = await store.listMessages(convs[n].id, { afterSeq: n === from ? watermark : 0, limit: 200 - activities.length });
        activities.push(...messages.filter((m) => m.kind === 'message' && !isPageGreeting(m)).map((m) => toActivity(m, t.userId, fileUrl)));
        if (messages.length) last = { n, seq: messages[messages.length - 1].seq };
        else if (n > from) last = { n, seq: 0 };
      }
      // An agent typing now: one typing activity with the set (not stored, so it moves no watermark), unless a bot or
      // agent message stored since ended it. Without REDIS_URL only this instance hears typing, as it serves the page.
      const typing = deps.typing?.current(t.conversationId) ? deps.typing.activity(t.conversationId, await lastReplyAt(convs[convs.length - 1])) : undefined;
      res.json({ activities: typing ? [...activities, typing] : activities, watermark: formatWatermark(last.n, last.seq, convs[last.n].id) });
    }),
  );
  return { postActivity };
}
