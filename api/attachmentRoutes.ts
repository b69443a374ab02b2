import { messageTooLongMessage, textLength } from '../core/visibleText';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ActivityTypes, type ConversationReference } from 'botbuilder';
import type restify from 'restify';
import type { AuthService } from '../auth/authService';
import type { SupportAdapter } from '../bot/supportAdapter';
import { AppError } from '../core/errors';
import { readMultipart } from '../core/http';
import type { Logger } from '../core/logger';
import { AttachmentSources } from '../core/serviceUrls';
import type { HandoffEvents } from '../handoff/handoffEvents';
import { AttachmentLinks, contentDisposition, detectType, isRasterImage, sanitizeFileName, sha256Hex } from '../models/attachmentContent';
import { STORED_ATTACHMENT_PREFIX, storedAttachmentId, type AttachmentRecord, type Conversation } from '../models/records';
import { AttachmentAccess } from '../review/attachmentAccess';
import type { Store } from '../store/store';
import { endpoints, STAFF } from './endpoints';

/**
 * Files, both ways (README, Attachments). Agents send a file into a chat they hold (multipart, read only after the
 * session and the ownership are checked, with its own limit); agents and supervisors download the files of chats
 * they may see (review/accessPolicy.ts, audited for supervisors and admins), and files a Bot Framework channel
 * linked, fetched through the service only from trusted hosts; customers' channels get signed, expiring links.
 * Whatever is served goes with its detected type, `nosniff`, `Content-Disposition: attachment` (inline only for a
 * raster image preview) and a CSP that sandboxes it.
 */
export const AGENT_UPLOAD_PATH = '/api/conversations/:conversationId/attachments';

/** The body of an agent's upload beyond the file itself (a text and a client message id), bytes. */
const FORM_OVERHEAD = 64 * 1024;
/** Redirects a channel's file link may take (each one checked like the first URL). */
const MAX_REDIRECTS = 3;
/** A channel host that does not answer within this is given up on, milliseconds. */
const FETCH_TIMEOUT_MS = 15_000;

export interface AttachmentRouteDeps {
  store: Store;
  auth: AuthService;
  events: HandoffEvents;
  adapter: SupportAdapter;
  appId?: string;
  log: Logger;
  links: AttachmentLinks;
  ownBaseUrl: () => string;
  maxBytes: number;
  maxMessageChars: number;
  /** Where a channel's file links may be fetched from (core/serviceUrls.ts). */
  sources: AttachmentSources;
  /** The bot's Bot Framework token, for a channel's connector that requires it; absent without credentials. */
  channelToken?: () => Promise<string>;
}

const param = (req: restify.Request, name: string): string => {
  const v = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

export function registerAttachmentRoutes(server: restify.Server, d: AttachmentRouteDeps): void {
  const { store } = d;
  const api = endpoints(server, d);
  const access = new AttachmentAccess(store);

  /** A customer's channel fetching a file through its signed link. */
  api.get('/attachments/:id', { anonymous: 'a signed, expiring link (AttachmentLinks): the signature is the credential' }, async ({ req, id: idOf }, res) => {
    const id = idOf();
    const q = (req.query ?? {}) as Record<string, unknown>;
    if (!d.links.verify(id, q.exp, q.sig)) throw new AppError('ATTACHMENT_LINK_INVALID');
    const found = await store.readAttachment(id);
    if (!found) throw new AppError('NOT_FOUND');
    serve(res, found.record.name, found.record.contentType, found.content, q.inline === '1');
  });

  /** An agent's or supervisor's download (or image preview, `?inline=1`) of a file we keep. */
  api.get('/api/attachments/:id', { roles: STAFF }, async ({ req, actor, id: idOf }, res) => {
    const id = idOf();
    const record = await access.record(actor, id);
    const found = await store.readAttachment(id);
    if (!found) throw new AppError('NOT_FOUND');
    serve(res, record.name, record.contentType, found.content, (req.query as Record<string, unknown>)?.inline === '1');
  });

  /**
   * A short-lived same-origin link to a file for the console (an <img> preview or a download cannot carry the
   * session token); issued under the same rule and audit as a download.
   */
  api.get('/api/attachments/:id/link', { roles: STAFF }, async ({ actor, id: idOf }, res) => {
    const id = idOf();
    const record = await access.record(actor, id, { link: true });
    const url = d.links.url('', id);
    res.json({ url, preview: isRasterImage(record.contentType) ? `${url}&inline=1` : undefined, attachment: record });
  });

  /** A file a Bot Framework channel linked in a customer's message: fetched for the agent, never by the agent's browser. */
  api.get('/api/conversations/:conversationId/messages/:seq/attachments/:index', { roles: STAFF }, async ({ req, actor }, res) => {
    const conversationId = param(req, 'conversationId');
    const seq = Number(param(req, 'seq'));
    const index = Number(param(req, 'index'));
    if (!Number.isSafeInteger(seq) || seq < 1 || !Number.isSafeInteger(index) || index < 0 || index > 50)
      throw new AppError('VALIDATION_FAILED', 'seq and index must be integers');
    await access.conversation(actor, conversationId, { seq, index });
    const [message] = await store.listMessages(conversationId, { afterSeq: seq - 1, limit: 1 });
    const meta = message?.seq === seq ? message.attachments?.[index] : undefined;
    if (!meta?.contentUrl) throw new AppError('NOT_FOUND');
    const storedId = storedAttachmentId(meta);
    if (storedId) {
      const found = await store.readAttachment(storedId);
      if (!found) throw new AppError('NOT_FOUND');
      serve(res, found.record.name, found.record.contentType, found.content, (req.query as Record<string, unknown>)?.inline === '1');
      return;
    }
    const bytes = await fetchChannelFile(meta.contentUrl, d);
    const type = detectType(bytes);
    if (!type) throw new AppError('ATTACHMENT_TYPE_REFUSED');
    serve(res, sanitizeFileName(meta.name, type), type, bytes, (req.query as Record<string, unknown>)?.inline === '1');
  });

  /**
   * An agent sends a file to the customer of a chat they hold: a multipart body with one `file` part and optional
   * `text` and `clientMessageId` fields. Kept first, then the message that carries it is stored (a retry with the
   * same clientMessageId is stored once), then it goes to the customer's channel with a signed, expiring link.
   */
  api.post(AGENT_UPLOAD_PATH, { roles: STAFF }, async ({ req, ctx }, res) => {
    let c: Conversation;
    const user = ctx.user;
    try {
      const found = await store.getConversation(param(req, 'conversationId'));
      // One answer for a chat that does not exist and one held by someone else: ids tell nothing.
      if (!found || found.state !== 'agent' || found.agentId !== user.id) throw new AppError('HANDOFF_NOT_OWNER');
      c = found;
    } catch (err) {
      // Nothing of a body the caller may not send is read; the connection closes after the answer.
      res.setHeader('connection', 'close');
      throw err;
    }
    const parts = await readMultipart(req, { maxBytes: d.maxBytes + FORM_OVERHEAD, maxParts: 3 }).catch((err: unknown) => {
      res.setHeader('connection', 'close');
      throw err;
    });
    const files = parts.filter((p) => p.name === 'file');
    if (files.length !== 1) throw new AppError('ATTACHMENT_INVALID', 'send exactly one file part named "file"');
    const file = files[0];
    if (file.data.length > d.maxBytes) throw new AppError('ATTACHMENT_TOO_LARGE', undefined, { details: { maxBytes: d.maxBytes } });
    const field = (name: string) => parts.find((p) => p.name === name)?.data.toString('utf8');
    const text = field('text') ?? '';
    if (textLength(text) > d.maxMessageChars)
      throw new AppError('MESSAGE_TOO_LONG', messageTooLongMessage(d.maxMessageChars), { details: { maxChars: d.maxMessageChars } });
    const clientMessageId = field('clientMessageId');
    if (clientMessageId !== undefined && !/^[\w-]{1,100}$/.test(clientMessageId))
      throw new AppError('VALIDATION_FAILED', 'clientMessageId: letters, digits, - and _ only');
    const type = detectType(file.data);
    if (!type) throw new AppError('ATTACHMENT_TYPE_REFUSED');
    const name = sanitizeFileName(file.filename, type);
    const activityId = clientMessageId ? `agent:${user.id}:${clientMessageId}` : undefined;
    const id = activityId ? sha256Hex(Buffer.from(`${c.id}|${activityId}`)).slice(0, 32) : randomBytes(24).toString('base64url');
    const record: AttachmentRecord = {
      id,
      conversationId: c.id,
      ...(activityId ? { activityId } : {}),
      name,
      contentType: type,
      size: file.data.length,
      sha256: sha256Hex(file.data),
      uploader: { role: 'agent', id: user.id },
      createdAt: new Date().toISOString(),
    };
    const kept = await store.putAttachment(record, Buffer.from(file.data));
    // Stored only while the sender still holds the chat (the upload took a while; a takeover, transfer or close may
    // have landed since the check): otherwise nothing reaches the customer. The file stays with the conversation.
    const appended = await store.appendMessageIf(
      {
        conversationId: c.id,
        role: 'agent',
        kind: 'message',
        authorId: user.id,
        text,
        attachments: [{ contentType: kept.contentType, name: kept.name, size: kept.size, contentUrl: `${STORED_ATTACHMENT_PREFIX}${kept.id}` }],
        activityId,
      },
      { states: ['agent'], agentId: user.id },
    );
    if (!appended) throw new AppError('HANDOFF_NOT_OWNER');
    const { message, created } = appended;
    if (created) {
      d.events.emit('message.created', { conversation: c, message });
      try {
        await d.adapter.continueConversationAsync(d.appId ?? '', c.reference as unknown as Partial<ConversationReference>, async (ctx) => {
          await ctx.sendActivity({
            type: ActivityTypes.Message,
            text: text || undefined,
            attachments: [{ contentType: kept.contentType, name: kept.name, contentUrl: d.links.url(d.ownBaseUrl(), kept.id) }],
          });
        });
      } catch (err) {
        throw new AppError('HANDOFF_DELIVERY_FAILED', undefined, { cause: err, details: { messageId: message.id, seq: message.seq } });
      }
    }
    res.json({ attachment: kept, message });
  });
}

/** Headers that make a file inert wherever it is opened. */
function serve(res: restify.Response, name: string, type: string, content: Uint8Array, inline: boolean): void {
  res.setHeader('content-type', type === 'text/plain' ? 'text/plain; charset=utf-8' : type);
  res.setHeader('content-length', String(content.length));
  res.setHeader('content-disposition', contentDisposition(name, type, inline && isRasterImage(type)));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; sandbox");
  res.setHeader('cache-control', 'private, no-store');
  res.writeHead(200);
  res.end(content);
}

/**
 * Fetches a channel's file link without ever reaching an untrusted host: the URL must be a trusted service URL
 * or attachment host (AttachmentSources), the address it resolves to must be a public one (the connection is
 * pinned to the address checked, so a second lookup cannot move it), a redirect is followed only to a URL that
 * passes the same checks, the bot's token goes only to a trusted service URL, and the body is cut off past
 * ATTACHMENT_MAX_BYTES while it streams.
 */
async function fetchChannelFile(url: string, d: Pick<AttachmentRouteDeps, 'sources' | 'channelToken' | 'maxBytes' | 'log'>): Promise<Buffer> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const kind = d.sources.classify(current);
    if (!kind) {
      d.log.warn({ host: safeOrigin(current) }, 'attachment fetch refused: not a trusted host');
      throw new AppError('ATTACHMENT_SOURCE_UNTRUSTED');
    }
    const u = new URL(current);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const addresses = await lookup(host, { all: true }).catch((err: unknown) => {
      throw new AppError('ATTACHMENT_FETCH_FAILED', 'the host does not resolve', { cause: err });
    });
    const address = addresses.find((a) => AttachmentSources.addressAllowed(a.address, u.hostname));
    if (!address || addresses.some((a) => !AttachmentSources.addressAllowed(a.address, u.hostname))) {
      d.log.warn({ host: u.origin }, 'attachment fetch refused: the host resolves to a private address');
      throw new AppError('ATTACHMENT_SOURCE_UNTRUSTED');
    }
    const token = kind === 'service' && d.channelToken ? await d.channelToken() : undefined;
    const answer = await get(u, address, token, d.maxBytes);
    if ('redirect' in answer) {
      current = new URL(answer.redirect, u).toString();
      continue;
    }
    return answer.body;
  }
  throw new AppError('ATTACHMENT_FETCH_FAILED', 'too many redirects');
}

function get(
  u: URL,
  address: { address: string; family: number },
  token: string | undefined,
  maxBytes: number,
): Promise<{ body: Buffer } | { redirect: string }> {
  // Connect to the checked address whatever a new lookup would say (DNS rebinding).
  const pinned: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [address]);
    else cb(null, address.address, address.family);
  };
  const client = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      u,
      { method: 'GET', lookup: pinned, timeout: FETCH_TIMEOUT_MS, headers: { accept: '*/*', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          return resolve({ redirect: res.headers.location });
        }
        if (status !== 200) {
          res.resume();
          return reject(new AppError('ATTACHMENT_FETCH_FAILED', `the channel answered ${status}`));
        }
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
          req.destroy();
          return reject(new AppError('ATTACHMENT_TOO_LARGE', undefined, { details: { maxBytes } }));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            return reject(new AppError('ATTACHMENT_TOO_LARGE', undefined, { details: { maxBytes } }));
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ body: Buffer.concat(chunks, size) }));
        res.on('error', (err) => reject(new AppError('ATTACHMENT_FETCH_FAILED', undefined, { cause: err })));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(err instanceof AppError ? err : new AppError('ATTACHMENT_FETCH_FAILED', undefined, { cause: err })));
    req.end();
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.slice(0, 60);
  }
}
