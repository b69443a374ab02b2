import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors';

/** What a stream token grants: one conversation's activities after a watermark, read-only. */
export interface StreamGrant {
  /** The web chat (channel) conversation id. */
  conversationId: string;
  /** The visitor, so their own messages come back with their id (Web Chat matches its echoes by it). */
  userId: string;
  /** Push activities after this message sequence number… */
  watermark: number;
  /** …of this stored conversation of the chain: 0 the first, n its n-th follow-up (absent: 0). */
  followUp?: number;
  /** When the conversation token the stream was asked with expires, epoch seconds: the stream ends then. */
  until: number;
}

/** A checked stream token: its grant, plus what makes it single-use. */
export interface VerifiedStreamGrant extends StreamGrant {
  /** The token's own random id: a stream opens once per id (bot/webChatStream.ts marks it used). */
  id: string;
  /** When the token stops being accepted, epoch ms: its used mark may be forgotten then. */
  expiresAt: number;
}

interface Signed {
  /** A random nonce: two tokens for the same grant are still two tokens. */
  j: string;
  c: string;
  u: string;
  w: number;
  n?: number;
  until: number;
  exp: number;
}

export const STREAM_TOKEN_TTL_SECONDS = 60; // a streamUrl must be opened within this, as with Direct Line's

/**
 * Short-lived tokens carried in a Direct Line `streamUrl` (`?t=`). A browser cannot set headers on a WebSocket,
 * so the URL carries a token of its own, valid for a minute and for one conversation only, instead of the
 * day-long conversation token (URLs end up in logs). Its key is derived apart from the conversation tokens', so
 * neither kind is accepted as the other. Each opens one stream only (a copy from a log or a proxy is worthless once
 * the page connected); a reconnect asks for a new streamUrl with the conversation token, as Direct Line 3.0's does.
 */
export class StreamTokens {
  private readonly key: string;

  constructor(secret: string) {
    this.key = `webchat-stream:${secret}`;
  }

  private sig(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  issue(g: StreamGrant, now = Date.now()): string {
    const signed: Signed = {
      j: randomBytes(12).toString('base64url'),
      c: g.conversationId,
      u: g.userId,
      w: g.watermark,
      ...(g.followUp ? { n: g.followUp } : {}),
      until: g.until,
      exp: Math.min(g.until, Math.floor(now / 1000) + STREAM_TOKEN_TTL_SECONDS),
    };
    const body = Buffer.from(JSON.stringify(signed)).toString('base64url');
    return `${body}.${this.sig(body)}`;
  }

  verify(token: string | null | undefined, now = Date.now()): VerifiedStreamGrant {
    const [body, sig, extra] = (token ?? '').split('.');
    if (!body || !sig || extra !== undefined) throw new AppError('AUTH_REQUIRED');
    const a = Buffer.from(sig);
    const b = Buffer.from(this.sig(body));
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('AUTH_INVALID');
    let t: Signed;
    try {
      t = JSON.parse(Buffer.from(body, 'base64url').toString()) as Signed;
    } catch {
      throw new AppError('AUTH_INVALID');
    }
    if (typeof t.exp !== 'number' || t.exp * 1000 < now) throw new AppError('AUTH_EXPIRED');
    // Tokens from before nonces existed (at most a minute old at a deploy) have none: their signature stands in.
    const id = typeof t.j === 'string' ? t.j : sig;
    return { conversationId: t.c, userId: t.u, watermark: t.w, followUp: typeof t.n === 'number' ? t.n : 0, until: t.until, id, expiresAt: t.exp * 1000 };
  }
}
