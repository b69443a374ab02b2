import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import { z } from 'zod';
import { AppError } from '../core/errors';
import { clientAddress, parseOrThrow, readMultipart, route } from '../core/http';
import type { RateLimits } from '../core/rateLimits';
import type { Logger } from '../core/logger';
import { STORED_ATTACHMENT_PREFIX, storedAttachmentId, type AttachmentRecord, type Message } from '../models/records';
import { detectType, sanitizeFileName, sha256Hex, type AttachmentLinks } from '../models/attachmentContent';
import { t as reply } from '../locale/replies';
import type { Store } from '../store/store';
import { ActivitySchema } from './botEndpoint';
import { WEBCHAT_CHANNEL, WEBCHAT_CONNECTOR_PATH, type SupportAdapter } from './supportAdapter';
import type { SupportBot } from './supportBot';
import { channelConversations, VERIFIED_IDENTITY } from './supportBot';
import { verifySiteToken, type SiteIdentity, type SiteTokenRules } from '../auth/siteToken';
import { registerWebChatBundle } from './webchat/webChatAssets';
import type { WebChatStreamHook } from './webChatStream';

/**
 * The built-in web chat channel: a Direct Line 3.0–compatible subset (polling) that the official Web Chat
 * component talks to, so no Azure service is needed. Customer activities run through the same adapter and bot
 * as any channel; the page reads the conversation back from the shared history store, using the message sequence
 * number as the Direct Line watermark. Bot and agent messages for this channel never leave the process: the
 * adapter recognizes the channel's own service URL (PUBLIC_URL, or the address the server listens on; never a
 * request header) and answers them in-process, since they are in the store already.
 */
export { WEBCHAT_CHANNEL };

interface ChatToken {
  userId: string;
  conversationId: string;
  /** This token's end, seconds since the epoch. */
  exp: number;
  /** The session's absolute end: no refresh goes past it (and for a verified visitor, not past their site token). */
  max: number;
  /** Present when the company's site vouched for the visitor with a signed token. */
  verified?: SiteIdentity;
}

export class WebChatTokens {
  constructor(
    private readonly secret: string,
    private readonly lifetime: { tokenSeconds: number; sessionMaxSeconds: number } = { tokenSeconds: 3600, sessionMaxSeconds: 24 * 3600 },
  ) {}

  private sig(body: string): string {
    return createHmac('sha256', `webchat:${this.secret}`).update(body).digest('base64url');
  }

  /** A new session's first token; `until` caps it further (a verified visitor's site token expiry, seconds). */
  start(t: Pick<ChatToken, 'userId' | 'conversationId' | 'verified'>, until?: number, now = Date.now()): string {
    const max = Math.min(Math.floor(now / 1000) + this.lifetime.sessionMaxSeconds, until ?? Number.MAX_SAFE_INTEGER);
    return this.issue({ ...t, max }, now);
  }

  /** A token for an existing session: a fresh lifetime, never past the session's absolute end. */
  issue(t: Omit<ChatToken, 'exp'>, now = Date.now()): string {
    const claims: ChatToken = {
      userId: t.userId,
      conversationId: t.conversationId,
      max: t.max,
      exp: Math.min(Math.floor(now / 1000) + this.lifetime.tokenSeconds, t.max),
    };
    if (t.verified) claims.verified = t.verified;
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.sig(body)}`;
  }

  verify(header: string | undefined, now = Date.now()): ChatToken {
    const token = header?.replace(/^Bearer\s+/i, '') ?? '';
    const [body, sig] = token.split('.');
    if (!body || !sig) throw new AppError('AUTH_REQUIRED');
    const a = Buffer.from(sig);
    const b = Buffer.from(this.sig(body));
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('AUTH_INVALID');
    const t = JSON.parse(Buffer.from(body, 'base64url').toString()) as ChatToken;
    if (typeof t.exp !== 'number' || typeof t.max !== 'number' || t.exp * 1000 <= now || t.max * 1000 <= now) throw new AppError('AUTH_EXPIRED');
    return t;
  }

  /** Seconds a token has left. */
  static remaining(token: string, now = Date.now()): number {
    const t = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as ChatToken;
    return Math.max(0, t.exp - Math.floor(now / 1000));
  }
}

const Session = z.object({ locale: z.string().max(32).optional(), siteToken: z.string().max(4096).optional() }).strict();
const PostedActivity = z
  .object({
    type: z.enum(['message', 'typing', 'event']),
    // Bounded by the body limit here and by the message limit below (a coded MESSAGE_TOO_LONG, not a schema error).
    text: z.string().optional(),
    locale: z.string().max(32).optional(),
    from: z
      .object({ id: z.string().max(200).optional(), name: z.string().max(200).optional() })
      .passthrough()
      .optional(),
    attachments: z
      .array(z.object({ contentType: z.string().max(256), name: z.string().max(255).optional(), contentUrl: z.string().max(2048).optional() }).passthrough())
      .max(20)
      .optional(),
    channelData: z
      .object({ clientActivityID: z.string().max(200).optional() })
      .passthrough()
      .optional(),
    name: z.string().max(200).optional(),
    value: z.unknown().optional(),
  })
  .passthrough();

const PAGE_DIR = [path.join(__dirname, 'webchat'), path.join(__dirname, '..', '..', 'bot', 'webchat')].find((d) => fs.existsSync(path.join(d, 'chat.html')))!;

/**
 * Page CSP: scripts only from us; Web Chat injects its styles at run time, so style-src needs 'unsafe-inline'.
 * connect-src allows `blob:` because Direct Line's client reads a file the customer picked back from its blob: URL
 * (an XHR) to put it in the upload; blob: URLs belong to the page's own origin, so nothing else is reachable.
 */
const CHAT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' blob:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/** Direct Line 3.0's upload: a message with files, as multipart (an `activity` part and a `file` part per file). */
export const WEBCHAT_UPLOAD_PATH = '/v3/directline/conversations/:conversationId/upload';
/** Files in one upload. */
const MAX_FILES = 10;
/** The activity part of an upload, bytes. */
const MAX_ACTIVITY_PART = 64 * 1024;

/** Gives a stored file's signed link; absent, attachments are left out of what the page reads. */
export type AttachmentUrl = (id: string) => string;

export function toActivity(m: Message, userId: string, attachmentUrl?: AttachmentUrl): Record<string, unknown> {
  const fromCustomer = m.role === 'customer';
  // Only files we keep are shown back: a channel's own links never reach the page.
  const files = attachmentUrl
    ? (m.attachments ?? []).flatMap((a) => {
        const id = storedAttachmentId(a);
        return id ? [{ contentType: a.contentType, name: a.name, contentUrl: attachmentUrl(id) }] : [];
      })
    : [];
  return {
    type: 'message',
    id: fromCustomer && m.activityId ? m.activityId : `${m.conversationId}|${m.seq}`,
    timestamp: m.createdAt,
    channelId: WEBCHAT_CHANNEL,
    from: fromCustomer ? { id: userId, role: 'user' } : { id: 'bot', name: m.role === 'agent' ? 'Agent' : 'Support', role: 'bot' },
    text: m.text,
    ...(files.length ? { attachments: files } : {}),
    ...(fromCustomer && m.activityId ? { channelData: { clientActivityID: m.activityId } } : {}),
    ...(!fromCustomer && Array.isArray(m.data?.suggestedActions)
      ? {
          suggestedActions: {
            to: [userId],
            actions: (m.data.suggestedActions as { title: string; value: string }[]).map((a) => ({ type: 'imBack', title: a.title, value: a.value })),
          },
        }
      : {}),
  };
}

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
  /** Files: signed links for the page, and the largest upload (ATTACHMENT_MAX_BYTES). */
  attachments: { links: AttachmentLinks; maxBytes: number };
}

export function registerWebChatChannel(server: restify.Server, deps: WebChatDeps): void {
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
      res.json({ token, userId, conversationId, expires_in: WebChatTokens.remaining(token) });
    }),
  );

  const dl = '/v3/directline';
  const fileUrl: AttachmentUrl = (id) => deps.attachments.links.url(deps.ownBaseUrl(), id);
  const conversationOf = (req: restify.Request) => {
    const t = tokens.verify(req.header('authorization'));
    const asked = (req.params as { conversationId?: string } | undefined)?.conversationId;
    // Same answer for someone else's conversation and a missing one.
    if (asked !== undefined && asked !== t.conversationId) throw new AppError('NOT_FOUND');
    return t;
  };
  // Direct Line 3.0 streaming (bot/webChatStream.ts): a reconnect's stream resumes after the client's watermark.
  const streamOf = (t: ChatToken, req?: restify.Request) =>
    req && deps.stream ? { streamUrl: deps.stream.streamUrl(deps.ownBaseUrl(), t, (req.query as { watermark?: string })?.watermark) } : {};
  const started = (t: ChatToken, req?: restify.Request) => {
    const token = tokens.issue({ userId: t.userId, conversationId: t.conversationId, verified: t.verified, max: t.max });
    return { conversationId: t.conversationId, token, expires_in: WebChatTokens.remaining(token), ...streamOf(t, req) };
  };

  server.post(
    `${dl}/conversations`,
    route(log, (req, res) => {
      res.json(started(conversationOf(req), req));
    }),
  );
  server.get(
    `${dl}/conversations/:conversationId`,
    route(log, (req, res) => {
      res.json(started(conversationOf(req), req));
    }),
  );
  server.post(
    `${dl}/tokens/refresh`,
    route(log, (req, res) => {
      res.json(started(conversationOf(req)));
    }),
  );

  /** Runs a visitor's activity through the bot; resolves once it is stored (a failing turn is a 5xx). */
  const receive = async (t: ChatToken, posted: z.output<typeof PostedActivity>, req: restify.Request): Promise<string> => {
    if (posted.text !== undefined && posted.text.length > deps.maxMessageChars) {
      throw new AppError('MESSAGE_TOO_LONG', `messages are at most ${deps.maxMessageChars} characters`, { details: { maxChars: deps.maxMessageChars } });
    }
    // Every activity a visitor posts counts against their address (typing and events reach agents' consoles too).
    await limits.consume('ipMessages', client(req));
    if (posted.type === 'message') await limits.consume('conversationMessages', `${WEBCHAT_CHANNEL}|${t.conversationId}`);
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
    const checked = ActivitySchema.safeParse(activity);
    if (!checked.success) throw new AppError('BOT_ACTIVITY_INVALID');
    // Stored before we answer: a failing turn is a 5xx and Web Chat retries with the same clientActivityID.
    await adapter.handleTrusted(checked.data as never, (ctx) => {
      // Only this in-process channel can say who the visitor is; channelData from clients is never trusted.
      if (t.verified) ctx.turnState.set(VERIFIED_IDENTITY, t.verified);
      return bot.onTurn(ctx);
    });
    return id;
  };

  server.post(
    `${dl}/conversations/:conversationId/activities`,
    route(log, async (req, res) => {
      const t = conversationOf(req);
      const posted = parseOrThrow(PostedActivity, req.body, 'activity');
      // Files come only through the upload, which checks and keeps them: links a client names are dropped.
      const id = await receive(t, { ...posted, attachments: undefined }, req);
      deps.stream?.notify(t.conversationId);
      res.json({ id });
    }),
  );

  /**
   * Direct Line's upload (what Web Chat sends for a message with files): authenticated before a byte of the body
   * is read, the body read into memory with its own limit and refused as it streams, every file's type decided by
   * its content, its name sanitized. A refused upload stores nothing and answers a coded error whose details carry
   * the sentence the page shows the customer, in their language.
   */
  server.post(
    WEBCHAT_UPLOAD_PATH,
    route(log, async (req, res) => {
      const language = String(req.headers['accept-language'] ?? '')
        .slice(0, 2)
        .toLowerCase();
      const refuse = (code: 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_TYPE_REFUSED' | 'ATTACHMENT_INVALID', lang: string, cause?: unknown) => {
        const key = code === 'ATTACHMENT_TOO_LARGE' ? 'attachmentTooLarge' : code === 'ATTACHMENT_TYPE_REFUSED' ? 'attachmentTypeRefused' : 'attachmentInvalid';
        const max = `${Math.floor(deps.attachments.maxBytes / (1024 * 1024)) || 1} MB`;
        return new AppError(code, undefined, { cause, details: { customerMessage: reply(lang, key, { max }), maxBytes: deps.attachments.maxBytes } });
      };
      let t: ChatToken;
      try {
        t = conversationOf(req);
      } catch (err) {
        // Nothing of an unauthenticated body is read; the connection closes after the answer.
        res.setHeader('connection', 'close');
        throw err;
      }
      const parts = await readMultipart(req, { maxBytes: deps.attachments.maxBytes + MAX_ACTIVITY_PART, maxParts: MAX_FILES + 1 }).catch((err: unknown) => {
        res.setHeader('connection', 'close');
        throw refuse(err instanceof AppError && err.code === 'ATTACHMENT_TOO_LARGE' ? 'ATTACHMENT_TOO_LARGE' : 'ATTACHMENT_INVALID', language, err);
      });
      const activityPart = parts.find((p) => p.name === 'activity');
      const files = parts.filter((p) => p.name === 'file');
      if (!activityPart || activityPart.data.length > MAX_ACTIVITY_PART || files.length === 0 || files.length > MAX_FILES)
        throw refuse('ATTACHMENT_INVALID', language);
      let json: unknown;
      try {
        json = JSON.parse(activityPart.data.toString('utf8'));
      } catch (err) {
        throw refuse('ATTACHMENT_INVALID', language, err);
      }
      const posted = parseOrThrow(PostedActivity, json, 'activity');
      const lang = (posted.locale ?? language).slice(0, 2).toLowerCase();
      if (posted.type !== 'message') throw refuse('ATTACHMENT_INVALID', lang);
      const total = files.reduce((n, f) => n + f.data.length, 0);
      if (total > deps.attachments.maxBytes) throw refuse('ATTACHMENT_TOO_LARGE', lang);
      const checked = files.map((f) => ({ f, type: detectType(f.data) }));
      if (checked.some((c) => !c.type)) throw refuse('ATTACHMENT_TYPE_REFUSED', lang);
      const activityId = posted.channelData?.clientActivityID ?? randomUUID();
      // The same ids for a retried upload (same conversation and clientActivityID): stored once.
      const kept = checked.map(({ f, type }, i) => ({
        id: createHmac('sha256', 'attachment-id').update(`${t.conversationId}|${activityId}|${i}`).digest('base64url').slice(0, 32),
        name: sanitizeFileName(f.filename, type!),
        type: type!,
        data: f.data,
      }));
      const id = await receive(
        t,
        {
          ...posted,
          channelData: { ...posted.channelData, clientActivityID: activityId },
          attachments: kept.map((k) => ({ contentType: k.type, name: k.name, contentUrl: `${STORED_ATTACHMENT_PREFIX}${k.id}` })),
        },
        req,
      );
      // The message is stored; now its files, with the message's place (a retry finds both).
      const convs = await channelConversations(store, WEBCHAT_CHANNEL, t.conversationId);
      let found: { conversationId: string; seq: number } | undefined;
      for (const c of [...convs].reverse()) {
        const m = await store.findMessageByActivity(c.id, activityId);
        if (m) {
          found = { conversationId: c.id, seq: m.seq };
          break;
        }
      }
      if (!found) throw new AppError('INTERNAL', 'the uploaded message was not stored');
      for (const k of kept) {
        const record: AttachmentRecord = {
          id: k.id,
          conversationId: found.conversationId,
          messageSeq: found.seq,
          activityId,
          name: k.name,
          contentType: k.type,
          size: k.data.length,
          sha256: sha256Hex(k.data),
          uploader: { role: 'customer', id: t.userId },
          createdAt: new Date().toISOString(),
        };
        await store.putAttachment(record, Buffer.from(k.data));
      }
      deps.stream?.notify(t.conversationId);
      res.json({ id });
    }),
  );

  server.get(
    `${dl}/conversations/:conversationId/activities`,
    route(log, async (req, res) => {
      const t = conversationOf(req);
      // The watermark is the last sequence number seen; "n.seq" once the customer wrote again after a close and the
      // chat went on in its n-th follow-up conversation (each numbers its messages from 1).
      const raw = String((req.query as { watermark?: string })?.watermark || '0');
      const mark = /^(?:(\d{1,4})\.)?(\d{1,15})$/.exec(raw);
      if (!mark) throw new AppError('VALIDATION_FAILED', 'watermark must be a non-negative integer');
      const from = Number(mark[1] ?? 0);
      const watermark = Number(mark[2]);
      const convs = await channelConversations(store, WEBCHAT_CHANNEL, t.conversationId);
      if (convs.length === 0) {
        res.json({ activities: [], watermark: raw });
        return;
      }
      const activities: Record<string, unknown>[] = [];
      let last = { n: from, seq: watermark };
      for (let n = from; n < convs.length && activities.length < 200; n++) {
        const messages = await store.listMessages(convs[n].id, { afterSeq: n === from ? watermark : 0, limit: 200 - activities.length });
        activities.push(...messages.filter((m) => m.kind === 'message').map((m) => toActivity(m, t.userId, fileUrl)));
        if (messages.length) last = { n, seq: messages[messages.length - 1].seq };
        else if (n > from) last = { n, seq: 0 };
      }
      res.json({ activities, watermark: last.n === 0 ? String(last.seq) : `${last.n}.${last.seq}` });
    }),
  );
}
