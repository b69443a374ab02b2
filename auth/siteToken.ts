import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors';
import { decodeJwt } from './jwt';

export interface SiteIdentity {
  /** The user's id on the company's website. */
  sub: string;
  email?: string;
  name?: string;
}

/** What a site token must say besides being signed: who minted it, for whom, and for how long at most. */
export interface SiteTokenRules {
  issuer: string;
  audience: string;
  /** Longest lifetime a token may claim (exp − iat, or exp − now without iat), seconds. */
  maxSeconds: number;
}

export const DEFAULT_SITE_TOKEN_RULES: SiteTokenRules = { issuer: 'company-website', audience: 'social-crm-webchat', maxSeconds: 3600 };

const SKEW_SECONDS = 60; // clock difference tolerated between the website and us

/**
 * The company's website vouches for a signed-in visitor with an HS256 JWT signed with SITE_TOKEN_SECRET
 * (claims: sub, email, name, iss, aud, iat, exp). Only a token that verifies, was minted by the configured issuer
 * for this chat (audience), and lives no longer than the configured maximum is trusted; an unsigned claim never
 * is. Returns the identity and the token's expiry (the verified web chat session ends with it).
 */
export function verifySiteToken(
  token: string,
  secret: string,
  rules: SiteTokenRules = DEFAULT_SITE_TOKEN_RULES,
  now = Date.now(),
): SiteIdentity & { exp: number } {
  const { header, claims, parts } = decodeJwt(token, 'site token');
  if (header.alg !== 'HS256') throw new AppError('AUTH_INVALID', 'site token must be HS256');
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('AUTH_INVALID', 'site token signature is wrong');
  const seconds = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) throw new AppError('AUTH_EXPIRED', 'site token expired');
  if (claims.iss !== rules.issuer) throw new AppError('AUTH_INVALID', 'site token from another issuer');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(rules.audience)) throw new AppError('AUTH_INVALID', 'site token for another audience');
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > seconds + SKEW_SECONDS))
    throw new AppError('AUTH_INVALID', 'site token issued in the future');
  if (typeof claims.nbf === 'number' && claims.nbf > seconds + SKEW_SECONDS) throw new AppError('AUTH_INVALID', 'site token not valid yet');
  const start = typeof claims.iat === 'number' ? claims.iat : seconds;
  if (claims.exp - start > rules.maxSeconds) throw new AppError('AUTH_INVALID', `site token lives longer than ${rules.maxSeconds} s`);
  if (typeof claims.sub !== 'string' || !claims.sub) throw new AppError('AUTH_INVALID', 'site token has no sub');
  return {
    sub: claims.sub.slice(0, 200),
    email: typeof claims.email === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(claims.email) ? claims.email.toLowerCase() : undefined,
    name: typeof claims.name === 'string' ? claims.name.slice(0, 120) : undefined,
    exp: claims.exp,
  };
}

/** For tests and for companies wiring their site: signs a site token (iss, aud and iat default to the usual ones). */
export function signSiteToken(
  identity: SiteIdentity & { exp: number; iss?: string; aud?: string; iat?: number },
  secret: string,
  rules: Pick<SiteTokenRules, 'issuer' | 'audience'> = DEFAULT_SITE_TOKEN_RULES,
): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { iss: rules.issuer, aud: rules.audience, iat: Math.floor(Date.now() / 1000), ...identity };
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
