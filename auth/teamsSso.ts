import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { AppError } from '../core/errors';
import { decodeJwt } from './jwt';

export interface TeamsSsoConfig {
  /** Where Entra ID publishes its signing keys (JWKS). */
  jwksUrl: string;
  /** Accepted issuers; `{tenantid}` matches the token's own tid claim. */
  issuers: readonly string[];
  /** The tab app's audience, e.g. api://contoso.example/00000000-…; also accepted as the bare app id. */
  audiences: readonly string[];
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

const KEY_TTL_MS = 60 * 60 * 1000; // Entra rotates keys rarely; refetch hourly or on an unknown kid

/**
 * Validates a Teams single sign-on token (an Entra ID access token, RS256) without any other library:
 * signature against the configured key set, issuer, audience, expiry. Returns the user's email.
 */
export class TeamsSsoValidator {
  private keys = new Map<string, Jwk>();
  private fetchedAt = 0;

  constructor(private readonly config: TeamsSsoConfig, private readonly fetchImpl: typeof fetch = fetch) {}

  private async key(kid: string): Promise<Jwk> {
    if (!this.keys.has(kid) || Date.now() - this.fetchedAt > KEY_TTL_MS) {
      const res = await this.fetchImpl(this.config.jwksUrl);
      if (!res.ok) throw new AppError('STORE_UNAVAILABLE', `key set answered ${res.status}`);
      const body = (await res.json()) as { keys?: Jwk[] };
      this.keys = new Map((body.keys ?? []).filter((k) => k.kid).map((k) => [k.kid!, k]));
      this.fetchedAt = Date.now();
    }
    const k = this.keys.get(kid);
    if (!k) throw new AppError('AUTH_INVALID', 'token signed by an unknown key');
    return k;
  }

  async validate(token: unknown): Promise<{ email: string; name?: string; tenantId?: string }> {
    const { header, claims, parts } = decodeJwt(token, 'Teams token');
    if (header.alg !== 'RS256' || !header.kid) throw new AppError('AUTH_INVALID', 'unexpected token algorithm');
    const jwk = await this.key(header.kid);
    const ok = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(parts[2], 'base64url'));
    if (!ok) throw new AppError('AUTH_INVALID', 'bad token signature');
    const now = Math.floor(Date.now() / 1000);
    const skew = 300; // seconds of clock difference tolerated
    if (typeof claims.exp !== 'number' || claims.exp + skew < now) throw new AppError('AUTH_EXPIRED');
    if (typeof claims.nbf === 'number' && claims.nbf - skew > now) throw new AppError('AUTH_INVALID', 'token not yet valid');
    const tid = typeof claims.tid === 'string' ? claims.tid : undefined;
    const issuers = this.config.issuers.map((i) => i.replace('{tenantid}', tid ?? '\u0000'));
    if (!issuers.includes(String(claims.iss))) throw new AppError('AUTH_INVALID', 'token from an unexpected issuer');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => this.config.audiences.includes(String(a)))) throw new AppError('AUTH_INVALID', 'token for another audience');
    const email = [claims.preferred_username, claims.upn, claims.email].find((v): v is string => typeof v === 'string' && v.includes('@'));
    if (!email) throw new AppError('AUTH_INVALID', 'token carries no email');
    return { email: email.toLowerCase(), name: typeof claims.name === 'string' ? claims.name : undefined, tenantId: tid };
  }
}
