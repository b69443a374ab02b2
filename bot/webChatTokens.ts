import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors';
import type { SiteIdentity } from '../auth/siteToken';

/**
 * The web chat's conversation tokens: what the page keeps (in its storage) and sends as `Authorization: Bearer`
 * on every Direct Line call. HMAC-signed claims, with a lifetime of their own and the session's absolute end.
 */
export interface ChatToken {
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
