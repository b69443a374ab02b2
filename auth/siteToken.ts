import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors';
import { decodeJwt } from './jwt';

export interface SiteIdentity {
  /** The user's id on the company's website. */
  sub: string;
  email?: string;
  name?: string;
}

/**
 * The company's website vouches for a signed-in visitor with an HS256 JWT signed with SITE_TOKEN_SECRET
 * (claims: sub, email, name, exp). Only a token that verifies is trusted; an unsigned claim never is.
 */
export function verifySiteToken(token: string, secret: string, now = Date.now()): SiteIdentity {
  const { header, claims, parts } = decodeJwt(token, 'site token');
  if (header.alg !== 'HS256') throw new AppError('AUTH_INVALID', 'site token must be HS256');
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('AUTH_INVALID', 'site token signature is wrong');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) throw new AppError('AUTH_EXPIRED', 'site token expired');
  if (typeof claims.sub !== 'string' || !claims.sub) throw new AppError('AUTH_INVALID', 'site token has no sub');
  return {
    sub: claims.sub.slice(0, 200),
    email: typeof claims.email === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(claims.email) ? claims.email.toLowerCase() : undefined,
    name: typeof claims.name === 'string' ? claims.name.slice(0, 120) : undefined,
  };
}

/** For tests and for companies wiring their site: signs a site token. */
export function signSiteToken(identity: SiteIdentity & { exp: number }, secret: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(identity)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
