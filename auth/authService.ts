import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { memoryUsedTokens, type UsedTokens } from '../cluster/sharedState';
import { AppError } from '../core/errors';
import { publicUser, type PublicUser, type Session, type SignedIn, type User, type UserRole } from '../models/records';
import type { Store } from '../store/store';
import { checkPassword } from './passwordPolicy';
import { DEFAULT_HASH_COST, dummyHash, hashPassword, verifyPassword } from './passwords';

export interface AuthContext {
  user: User;
  session: Session;
}

/**
 * Failed sign-ins are counted per (account, client address) pair, in the store (they survive restarts and are
 * shared by instances on one store). The first FREE_FAILURES cost nothing; each one after locks that pair for a
 * delay that doubles, up to MAX_DELAY. Someone guessing from one address never locks the account for its owner
 * elsewhere, nor everyone behind the same address out of their own accounts.
 */
const FREE_FAILURES = 4;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60 * 1000;
/** A pair's count is forgotten after this long without failures. */
const FORGET_MS = 24 * 3600 * 1000;

interface Failures {
  count: number;
  lastAt: number;
  lockedUntil: number;
}

export interface AuthPolicy {
  /** Minimum password length, characters (PASSWORD_MIN_LENGTH). */
  passwordMinLength: number;
  /** log2 of scrypt's N for new hashes (PASSWORD_HASH_COST; below 15 only in tests). */
  passwordHashCost?: number;
}

/**
 * Accounts and sessions. A token is "<sessionId>.<HMAC(sessionId)>": the signature stops forgery without a
 * store read, and the stored session makes revocation and expiry real.
 */
export class AuthService {
  readonly events = new EventEmitter();

  constructor(
    private readonly store: Store,
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
    private readonly policy: AuthPolicy = { passwordMinLength: 12 },
    /** Marks of spent download tickets: shared across instances with REDIS_URL (cluster/sharedState.ts). */
    private readonly usedTickets: UsedTokens = memoryUsedTokens(),
  ) {}

  private sign(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('base64url');
  }

  /** The state key of an (account, client address) pair: hashed, so the store holds no address or e-mail. */
  private failureKey(email: string, client: string): string {
    return `crm/signin-failures/${createHash('sha256').update(`${email.toLowerCase()}\u0000${client}`).digest('base64url')}`;
  }

  private async failures(key: string): Promise<Failures | undefined> {
    const f = (await this.store.readState([key]))[key]?.value as unknown as Failures | undefined;
    if (!f || typeof f.count !== 'number' || this.now() - f.lastAt > FORGET_MS) return undefined;
    return f;
  }

  /**
   * Attempts on one pair run one after another: parallel guesses would otherwise all read the same count before
   * any of them wrote it.
   */
  private readonly pending = new Map<string, Promise<unknown>>();

  signIn(typed: string, password: string, client: string): Promise<SignedIn> {
    // "AGENT2@demo.local " is that account (the store compares trimmed and lower case): its failures count on it too.
    const email = typed.trim();
    const key = this.failureKey(email, client);
    const previous = this.pending.get(key) ?? Promise.resolve();
    const attempt = previous.catch(() => undefined).then(() => this.attempt(key, email, password));
    this.pending.set(key, attempt);
    const clear = () => {
      if (this.pending.get(key) === attempt) this.pending.delete(key);
    };
    attempt.then(clear, clear);
    return attempt;
  }

  private async attempt(key: string, email: string, password: string): Promise<SignedIn> {
    const before = await this.failures(key);
    if (before && before.lockedUntil > this.now()) {
      throw new AppError('AUTH_RATE_LIMITED', undefined, { details: { retryAfterSeconds: Math.ceil((before.lockedUntil - this.now()) / 1000) } });
    }
    const user = await this.store.getUserByEmail(email);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which emails exist.
    const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, dummyHash(this.policy.passwordHashCost)), false);
    if (!user || !ok) {
      const count = (before?.count ?? 0) + 1;
      const delay = count > FREE_FAILURES ? Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - FREE_FAILURES - 1)) : 0;
      const next: Failures = { count, lastAt: this.now(), lockedUntil: this.now() + delay };
      await this.store.writeState(key, { ...next });
      throw new AppError('AUTH_INVALID', 'Email or password is wrong');
    }
    if (before) await this.store.deleteState([key]);
    // Said only to whoever knows the password.
    if (user.disabled) throw new AppError('AUTH_DISABLED');
    const session = await this.issue(user.id);
    await this.store.appendAudit({ actorId: user.id, action: 'auth.sign_in', targetType: 'user', targetId: user.id });
    return { token: `${session.id}.${this.sign(session.id)}`, user: publicUser(user), expiresAt: session.expiresAt };
  }

  /**
   * Teams SSO: the account an admin linked to a validated Entra ID identity (auth/teamsLinks.ts) gets a session.
   * No linked account: AUTH_TEAMS_NOT_LINKED, audited with the tenant (nobody is matched by an e-mail claim).
   */
  async signInLinked(userId: string | undefined, tenantId: string): Promise<SignedIn> {
    const user = userId ? await this.store.getUser(userId) : null;
    if (!user) {
      await this.store.appendAudit({ action: 'auth.teams_unlinked', data: { tenantId } });
      throw new AppError('AUTH_TEAMS_NOT_LINKED');
    }
    if (user.disabled) throw new AppError('AUTH_DISABLED');
    const session = await this.issue(user.id);
    await this.store.appendAudit({ actorId: user.id, action: 'auth.sign_in', targetType: 'user', targetId: user.id, data: { via: 'teams', tenantId } });
    return { token: this.tokenFor(session), user: publicUser(user), expiresAt: session.expiresAt };
  }

  async issue(userId: string): Promise<Session> {
    const created = this.now();
    const session: Session = {
      id: randomBytes(18).toString('base64url'),
      userId,
      createdAt: new Date(created).toISOString(),
      expiresAt: new Date(created + this.ttlSeconds * 1000).toISOString(),
    };
    return this.store.createSession(session);
  }

  tokenFor(session: Session): string {
    return `${session.id}.${this.sign(session.id)}`;
  }

  /** The user and session behind a bearer token, or AUTH_* errors. */
  async verify(token: unknown): Promise<AuthContext> {
    if (typeof token !== 'string' || token.length === 0) throw new AppError('AUTH_REQUIRED');
    const [id, sig] = token.replace(/^Bearer\s+/i, '').split('.');
    if (!id || !sig) throw new AppError('AUTH_INVALID');
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('AUTH_INVALID');
    return this.check(id);
  }

  /**
   * A session and its account as they stand now (a token already checked, or a socket's session checked again):
   * AUTH_* for one revoked, expired, of a disabled account, or older than the account's last password or role change.
   */
  async check(sessionId: string): Promise<AuthContext> {
    const session = await this.store.getSession(sessionId);
    if (!session) throw new AppError('AUTH_INVALID');
    if (session.revokedAt) throw new AppError('AUTH_REVOKED');
    if (Date.parse(session.expiresAt) <= this.now()) throw new AppError('AUTH_EXPIRED');
    const user = await this.store.getUser(session.userId);
    if (!user) throw new AppError('AUTH_INVALID');
    if (user.disabled) throw new AppError('AUTH_DISABLED');
    if (user.sessionsNotBefore && session.createdAt <= user.sessionsNotBefore) throw new AppError('AUTH_REVOKED');
    return { user, session };
  }

  /**
   * A short-lived, single-use ticket that authorizes one URL (path and query) for this session: lets the browser
   * download a streamed export by plain navigation, without putting the session token in a URL. The nonce makes
   * every link its own, so spending one never spends another for the same export.
   */
  ticketFor(ctx: AuthContext, url: string, ttlSeconds = 60): string {
    const exp = Math.floor(this.now() / 1000) + ttlSeconds;
    const nonce = randomBytes(12).toString('base64url');
    return `${ctx.session.id}.${exp}.${nonce}.${this.sign(`ticket:${ctx.session.id}.${exp}.${nonce}:${url}`)}`;
  }

  /**
   * The session behind a ticket for exactly this URL, spending the ticket: AUTH_* errors for a forged, expired or
   * revoked one (which spend nothing); DOWNLOAD_LINK_USED, audited, for a ticket already spent (on any instance).
   * It is spent here, as the download starts: the first download is the whole one, never refused by its own check.
   */
  async spendTicket(ticket: string, url: string): Promise<AuthContext> {
    const [id, exp, nonce, sig] = ticket.split('.');
    if (!id || !exp || !nonce || !sig || !/^\d+$/.test(exp)) throw new AppError('AUTH_INVALID');
    const expected = Buffer.from(this.sign(`ticket:${id}.${exp}.${nonce}:${url}`));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('AUTH_INVALID');
    if (Number(exp) * 1000 <= this.now()) throw new AppError('AUTH_EXPIRED');
    const ctx = await this.verify(this.tokenFor({ id } as Session));
    if (!(await this.usedTickets.claim(`ticket:${nonce}`, Number(exp) * 1000))) {
      // A link followed twice: a copy from a history, a log or a proxy. Its owner's session is who it exposes.
      await this.store.appendAudit({
        actorId: ctx.user.id,
        action: 'export.link_reused',
        targetType: 'session',
        targetId: id,
        data: { path: url.split('?')[0] },
      });
      throw new AppError('DOWNLOAD_LINK_USED');
    }
    return ctx;
  }

  async revoke(sessionId: string, actorId?: string): Promise<void> {
    await this.store.revokeSession(sessionId, new Date(this.now()).toISOString());
    await this.store.appendAudit({ actorId, action: 'auth.sign_out', targetType: 'session', targetId: sessionId });
    this.events.emit('revoked', sessionId);
  }

  async createUser(
    input: { email: string; name: string; password: string; role: UserRole; skills?: string[]; languages?: string[]; capacity?: number },
    actorId?: string,
  ): Promise<PublicUser> {
    checkPassword(input.password, { minLength: this.policy.passwordMinLength, userInputs: [input.email, input.name] });
    const user = await this.store.createUser({
      email: input.email,
      name: input.name,
      role: input.role,
      skills: input.skills ?? [],
      languages: input.languages ?? ['en'],
      capacity: input.capacity ?? 3,
      passwordHash: await hashPassword(input.password, this.policy.passwordHashCost ?? DEFAULT_HASH_COST),
    });
    await this.store.appendAudit({ actorId, action: 'user.create', targetType: 'user', targetId: user.id, data: { role: user.role } });
    // Its name is reserved at once: no customer may go by it (profile/reservedNames.ts).
    this.events.emit('userCreated', user.name);
    return publicUser(user);
  }
}

export function requireRole(ctx: AuthContext, roles: readonly UserRole[]): void {
  if (!roles.includes(ctx.user.role)) throw new AppError('FORBIDDEN');
}
