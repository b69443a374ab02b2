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
  /** Tenant ids (lower case) whose users may sign in; a token from any other tenant is refused. */
  allowedTenants: readonly string[];
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

const KEY_TTL_MS = 60 * 60 * 1000; // Entra rotates keys rarely; refetch hourly or on an unknown kid
const UNKNOWN_KID_REFETCH_MS = 60 * 1000;

/**
 * Validates a Teams single sign-on token (an Entra ID access token, RS256) without any other library:
 * signature against the configured key set, expiry, tenant (on the allowed list), issuer (that tenant's), audience.
 * Returns the immutable (tenant id, object id) pair that identifies the account; e-mail-like claims are not used
 * to decide who someone is (a tenant's admins can set them to anything).
 */
export class TeamsSsoValidator {
  private keys = new Map<string, Jwk>();
  private fetchedAt = 0;

  constructor(
    private readonly config: TeamsSsoConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async key(kid: string): Promise<Jwk> {
    const stale = Date.now() - this.fetchedAt > KEY_TTL_MS;
    // An unknown kid refetches (keys rotate), but at most once a minute: random kids must not make us hammer the issuer.
    if (stale || (!this.keys.has(kid) && Date.now() - this.fetchedAt > UNKNOWN_KID_REFETCH_MS)) {
      let body: { keys?: Jwk[] };
      try {
        const res = await this.fetchImpl(this.config.jwksUrl);
        if (!res.ok) throw new Error(`key set answered ${res.status}`);
        body = (await res.json()) as { keys?: Jwk[] };
      } catch (err) {
        // Fails closed: no key, no sign-in; the next attempt fetches again.
        throw new AppError('AUTH_KEYS_UNAVAILABLE', `Teams signing keys unavailable: ${(err as Error).message}`, { cause: err });
      }
      this.keys = new Map((body.keys ?? []).filter((k) => k.kid).map((k) => [k.kid!, k]));
      this.fetchedAt = Date.now();
    }
    const k = this.keys.get(kid);
    if (!k) throw new AppError('AUTH_INVALID', 'token signed by an unknown key');
    return k;
  }

  async validate(token: unknown): Promise<{ tenantId: string; objectId: string; name?: string }> {
    const { header, claims, parts } = decodeJwt(token, 'Teams token');
    if (header.alg !== 'RS256' || !header.kid) throw new AppError('AUTH_INVALID', 'unexpected token algorithm');
    const jwk = await this.key(header.kid);
    let ok = false;
    try {
      ok = createVerify('RSA-SHA256')
        .update(`${parts[0]}.${parts[1]}`)
        .verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(parts[2], 'base64url'));
    } catch {
      ok = false;
    }
    if (!ok) throw new AppError('AUTH_INVALID', 'bad token signature');
    const now = Math.floor(Date.now() / 1000);
    const skew = 300; // seconds of clock difference tolerated
    if (typeof claims.exp !== 'number' || claims.exp + skew < now) throw new AppError('AUTH_EXPIRED');
    if (typeof claims.nbf === 'number' && claims.nbf - skew > now) throw new AppError('AUTH_INVALID', 'token not yet valid');
    const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : undefined;
    if (!tid || !this.config.allowedTenants.includes(tid))
      throw new AppError('AUTH_INVALID', 'token from a tenant that is not allowed (TEAMS_ALLOWED_TENANTS)');
    const issuers = this.config.issuers.map((i) => i.replace('{tenantid}', tid).toLowerCase());
    if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss.toLowerCase())) throw new AppError('AUTH_INVALID', 'token from an unexpected issuer');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => this.config.audiences.includes(String(a)))) throw new AppError('AUTH_INVALID', 'token for another audience');
    const oid = typeof claims.oid === 'string' ? claims.oid.toLowerCase() : undefined;
    if (!oid || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(oid)) throw new AppError('AUTH_INVALID', 'token carries no object id');
    return { tenantId: tid, objectId: oid, name: typeof claims.name === 'string' ? claims.name.slice(0, 200) : undefined };
  }
}
