import { createHmac, randomUUID } from 'node:crypto';
import type restify from 'restify';
import type { z } from 'zod';
import { AppError } from '../core/errors';
import { discardRest, readMultipart, route } from '../core/http';
import type { Logger } from '../core/logger';
import { t as reply } from '../locale/replies';
import { detectType, sanitizeFileName, sha256Hex } from '../models/attachmentContent';
import { STORED_ATTACHMENT_PREFIX, type AttachmentRecord } from '../models/records';
import type { Store } from '../store/store';
import { channelConversations } from './supportBot';
import { parsePostedActivity, PostedActivity } from './webChatActivities';
import { WEBCHAT_CHANNEL } from './supportAdapter';
import type { ChatToken } from './webChatTokens';

/** Direct Line 3.0's upload: a message with files, as multipart (an `activity` part and a `file` part per file). */
export const WEBCHAT_UPLOAD_PATH = '/v3/directline/conversations/:conversationId/upload';
/** Files in one upload. */
const MAX_FILES = 10;
/** The activity part of an upload, bytes. */
const MAX_ACTIVITY_PART = 64 * 1024;
/** A refused upload up to this many times the limit is read to its end so its sender reads the 413; larger ones are cut off. */
const LINGER_FACTOR = 4;

export interface WebChatUploadDeps {
  store: Store;
  log: Logger;
  /** The largest upload, bytes (ATTACHMENT_MAX_BYTES). */
  maxBytes: number;
  /** The caller's conversation token, checked against the path's conversation (bot/webChatChannel.ts). */
  conversationOf(req: restify.Request): Promise<ChatToken>;
  /** Runs the message through the bot; resolves once it is stored. */
  receive(t: ChatToken, posted: z.output<typeof PostedActivity>, req: restify.Request): Promise<string>;
  /** A message was stored for this web chat conversation: its streams read it. */
  notify(conversationId: string): void;
}

export function registerWebChatUpload(server: restify.Server, d: WebChatUploadDeps): void {
  /**
   * Direct Line's upload (what Web Chat sends for a message with files): authenticated before a byte of the body
   * is read, the body read into memory with its own limit and refused as it streams, every file's type decided by
   * its content, its name sanitized. A refused upload stores nothing and answers a coded error whose details carry
   * the sentence the page shows the customer, in their language.
   */
  server.post(
    WEBCHAT_UPLOAD_PATH,
    route(d.log, async (req, res) => {
      const language = String(req.headers['accept-language'] ?? '')
        .slice(0, 2)
        .toLowerCase();
      const refuse = (
        code: 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_TYPE_REFUSED' | 'ATTACHMENT_TOO_MANY' | 'ATTACHMENT_INVALID',
        lang: string,
        cause?: unknown,
      ) => {
        const key = {
          ATTACHMENT_TOO_LARGE: 'attachmentTooLarge',
          ATTACHMENT_TYPE_REFUSED: 'attachmentTypeRefused',
          ATTACHMENT_TOO_MANY: 'attachmentTooMany',
          ATTACHMENT_INVALID: 'attachmentInvalid',
        } as const;
        const max = code === 'ATTACHMENT_TOO_MANY' ? String(MAX_FILES) : `${Math.floor(d.maxBytes / (1024 * 1024)) || 1} MB`;
        return new AppError(code, undefined, {
          cause,
          details: { customerMessage: reply(lang, key[code], { max }), maxBytes: d.maxBytes, maxFiles: MAX_FILES },
        });
      };
      let t: ChatToken;
      try {
        t = await d.conversationOf(req);
      } catch (err) {
        // Nothing of an unauthenticated body is read; the connection closes after the answer.
        res.setHeader('connection', 'close');
        throw err;
      }
      const limit = d.maxBytes + MAX_ACTIVITY_PART;
      const parts = await readMultipart(req, { maxBytes: limit, maxParts: MAX_FILES + 1 }).catch((err: unknown) => {
        const code = err instanceof AppError && (err.code === 'ATTACHMENT_TOO_LARGE' || err.code === 'ATTACHMENT_TOO_MANY') ? err.code : 'ATTACHMENT_INVALID';
        // A customer's photo a little over the limit: the page gets the sentence saying so, not a reset.
        if (code === 'ATTACHMENT_TOO_LARGE') discardRest(req, res, LINGER_FACTOR * limit);
        else res.setHeader('connection', 'close');
        throw refuse(code, language, err);
      });
      const activityPart = parts.find((p) => p.name === 'activity');
      const files = parts.filter((p) => p.name === 'file');
      if (files.length > MAX_FILES) throw refuse('ATTACHMENT_TOO_MANY', language);
      if (!activityPart || activityPart.data.length > MAX_ACTIVITY_PART || files.length === 0) throw refuse('ATTACHMENT_INVALID', language);
      let json: unknown;
      try {
        json = JSON.parse(activityPart.data.toString('utf8'));
      } catch (err) {
        throw refuse('ATTACHMENT_INVALID', language, err);
      }
      const posted = parsePostedActivity(json);
      const lang = (posted.locale ?? language).slice(0, 2).toLowerCase();
      if (posted.type !== 'message') throw refuse('ATTACHMENT_INVALID', lang);
      const total = files.reduce((n, f) => n + f.data.length, 0);
      if (total > d.maxBytes) throw refuse('ATTACHMENT_TOO_LARGE', lang);
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
      const id = await d.receive(
        t,
        {
          ...posted,
          channelData: { ...posted.channelData, clientActivityID: activityId },
          attachments: kept.map((k) => ({ contentType: k.type, name: k.name, contentUrl: `${STORED_ATTACHMENT_PREFIX}${k.id}` })),
        },
        req,
      );
      // The message is stored; now its files, with the message's place (a retry finds both).
      const convs = await channelConversations(d.store, WEBCHAT_CHANNEL, t.conversationId);
      let found: { conversationId: string; seq: number } | undefined;
      for (const c of [...convs].reverse()) {
        const m = await d.store.findMessageByActivity(c.id, activityId);
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
        await d.store.putAttachment(record, Buffer.from(k.data));
      }
      d.notify(t.conversationId);
      res.json({ id });
    }),
  );
}
