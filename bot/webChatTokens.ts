import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors';
import type { SiteIdentity } from '../auth/siteToken';
import { memoryRetiredTokens, type RetiredTokens } from '../cluster/sharedState';

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
  /** This token's own id: what a refresh retires. */
  jti?: string;
}

export interface TokenRetirement {
  /** Shared across instances with REDIS_URL (cluster/sharedState.ts); absent: this process's. */
  retired?: RetiredTokens;
  /** How long a refreshed token keeps working, for requests already in flight with it (WEBCHAT_REFRESH_GRACE_SECONDS). */
  refreshGraceSeconds?: number;
  now?: () => number;
}

/**
 * Signed tokens kept (about 300 bytes each; two a connected page: its session's and its Direct Line token); past
 * this many the oldest kept goes.
 */
const MAX_SIGNED = 50_000;

export class WebChatTokens {
  private readonly retired: RetiredTokens;
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(
    private readonly secret: string,
    private readonly lifetime: { tokenSeconds: number; sessionMaxSeconds: number } = { tokenSeconds: 3600, sessionMaxSeconds: 24 * 3600 },
    retirement: TokenRetirement = {},
  ) {
    this.retired = retirement.retired ?? memoryRetiredTokens();
    this.graceMs = (retirement.refreshGraceSeconds ?? 30) * 1000;
    this.now = retirement.now ?? Date.now;
  }

  /** This service's clock (epoch ms): tests move it past a grace instead of waiting. */
  clock(): number {
    return this.now();
  }

  private sig(body: string): string {
    return createHmac('sha256', `webchat:${this.secret}`).update(body).digest('base64url');
  }

  /** A new session's first token; `until` caps it further (a verified visitor's site token expiry, seconds). */
  start(t: Pick<ChatToken, 'userId' | 'conversationId' | 'verified'>, until?: number, now = this.now()): string {
    const max = Math.min(Math.floor(now / 1000) + this.lifetime.sessionMaxSeconds, until ?? Number.MAX_SAFE_INTEGER);
    return this.issue({ ...t, max }, now);
  }

  /** A token for an existing session: a fresh lifetime, never past the session's absolute end. */
  issue(t: Omit<ChatToken, 'exp' | 'jti'>, now = this.now()): string {
    const claims: ChatToken = {
      userId: t.userId,
      conversationId: t.conversationId,
      max: t.max,
      exp: Math.min(Math.floor(now / 1000) + this.lifetime.tokenSeconds, t.max),
      jti: randomBytes(12).toString('base64url'),
    };
    if (t.verified) claims.verified = t.verified;
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const token = `${body}.${this.sig(body)}`;
    // Signed here: its first use need not check the signature again (a page's first message came with an HMAC).
    this.keep(token, claims);
    return token;
  }

  private keep(token: string, claims: ChatToken): void {
    // The oldest kept goes first (a Map iterates in insertion order): clearing them all made every page's next call
    // pay the HMAC at once.
    if (this.signed.size >= MAX_SIGNED) this.signed.delete(this.signed.keys().next().value!);
    this.signed.set(token, claims);
  }

  /**
   * Tokens signed here or whose signature was checked, by their text: a page sends the same token on every call for up to an hour,
   * and the HMAC with the decoding was most of a message's token check. Only signed claims are kept (a forged token
   * is checked afresh every time); the lifetime is checked on every call.
   */
  private readonly signed = new Map<string, ChatToken>();

  /** Signature and lifetime only: `check` also refuses a token a refresh retired. */
  verify(header: string | undefined, now = this.now()): ChatToken {
    const token = header?.replace(/^Bearer\s+/i, '') ?? '';
    let t = this.signed.get(token);
    if (!t) {
      const [body, sig] = token.split('.');
      if (!body || !sig) throw new AppError('AUTH_REQUIRED');
      const a = Buffer.from(sig);
      const b = Buffer.from(this.sig(body));
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('AUTH_INVALID');
      t = JSON.parse(Buffer.from(body, 'base64url').toString()) as ChatToken;
      this.keep(token, t);
    }
    if (typeof t.exp !== 'number' || typeof t.max !== 'number' || t.exp * 1000 <= now || t.max * 1000 <= now) {
      this.signed.delete(token);
      throw new AppError('AUTH_EXPIRED');
    }
    // A copy: callers may build on the claims, the kept ones stay as signed.
    return { ...t };
  }

  /**
   * A token the page may use: signed, alive, and not retired by a refresh more than the grace ago. Tokens issued
   * before tokens had ids cannot be retired; they end with their own expiry (an hour at most, by default).
   */
  async check(header: string | undefined): Promise<ChatToken> {
    return (await this.checkRetired(header)).token;
  }

  /**
   * `check`, also saying until when (epoch ms) a token retired by a refresh still works: such a token finishes what
   * it started and mints nothing (no refresh, no new token from a conversation start or resume), or a copy of it
   * would outlive the page that replaced it.
   */
  async checkRetired(header: string | undefined): Promise<{ token: ChatToken; graceUntil?: number }> {
    const now = this.now();
    const t = this.verify(header, now);
    const graceUntil = t.jti ? await this.retired.graceUntil(t.jti) : undefined;
    if (graceUntil !== undefined && graceUntil <= now) throw new AppError('WEBCHAT_TOKEN_RETIRED');
    return graceUntil === undefined ? { token: t } : { token: t, graceUntil };
  }

  /**
   * Direct Line's refresh: a new token for the same session (never past its end), and the one presented retired.
   * It keeps working for the grace only, so a poll or a send already on its way with it still lands, and a copy
   * of it (a log, a shared screen, a stolen storage) stops working soon after the page moved on.
   */
  async refresh(t: ChatToken): Promise<string> {
    const now = this.now();
    // Two refreshes with one token at once (both read it unretired): only the first to retire it mints.
    if (t.jti && !(await this.retired.retire(t.jti, now + this.graceMs, t.exp * 1000))) throw new AppError('WEBCHAT_TOKEN_RETIRED');
    return this.issue({ userId: t.userId, conversationId: t.conversationId, verified: t.verified, max: t.max }, now);
  }

  /** Seconds a token has left. */
  static remaining(token: string, now = Date.now()): number {
    const t = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as ChatToken;
    return Math.max(0, t.exp - Math.floor(now / 1000));
  }
}
