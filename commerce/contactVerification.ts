import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { QuotaStore } from '../store/store';

/**
 * Proving that a chat visitor controls an e-mail address: a one-time code sent there (the contact point on file,
 * never one the visitor types as the destination of their own choosing) and typed back in the chat. Codes are kept
 * only as an HMAC (a leaked conversation state does not give the code away), expire quickly, and allow a few tries.
 *
 * Sending is limited twice, each in any 60 minutes, counted in the store (a rolling window every instance shares, not
 * per clock hour, which let twice as many through across an hour's turn):
 * - per conversation and address (`codesPerHour`): what one requester may have sent. An order number and the e-mail
 *   on it are no secret, so a stranger can ask for the codes of someone's address; once one address had a single
 *   count, a stranger's chat used it up and the real customer, in their own chat, was told to ask for a person.
 * - per address (`addressCodesPerHour`, at least twice the first, by default four conversations' worth): the mailbox's
 *   own limit, so the bot cannot be used to flood it, whichever chats ask.
 * The requester's count is taken first: a chat past its own limit uses up nothing of the address's.
 */

/** The outbound port: how a code reaches the customer. A company wires its mail service here (README, Notifier port). */
export interface CodeNotifier {
  /** `to`: an e-mail address, or a phone number (E.164) when a customer confirms a new number typed in chat. */
  sendCode(message: { to: { type: 'email' | 'phone'; value: string }; code: string; language: string; minutes: number }): Promise<void>;
}

export interface VerificationSettings {
  codeLength: number;
  codeSeconds: number;
  maxAttempts: number;
  /** Codes one conversation may have sent to one address in any 60 minutes (across instances). */
  codesPerHour: number;
  /** Codes sent to one address in any 60 minutes, whichever conversations asked; absent: max(20, 4 × codesPerHour). */
  addressCodesPerHour?: number;
}

/** A pending challenge, as kept in the conversation's state (no code in it, only its keyed hash). */
export interface CodeChallenge {
  /** Where the code went: an e-mail address, or a phone number for a new one being confirmed. */
  email: string;
  salt: string;
  hash: string;
  expiresAt: number;
  attempts: number;
}

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'too_many';
export type SendResult = { ok: true; challenge: CodeChallenge } | { ok: false; reason: 'rate_limited' };

const WINDOW_MS = 3_600_000;

export class ContactVerification {
  /** `quotas`: where the codes sent per address are counted (the store: shared by every instance). */
  constructor(
    private readonly notifier: CodeNotifier,
    private readonly settings: VerificationSettings,
    private readonly secret: string,
    private readonly quotas: Pick<QuotaStore, 'takeQuota'>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The service's clock (ms): what a pending verification is timed by, the codes' expiry alike. */
  now(): number {
    return this.clock();
  }

  get codeLength(): number {
    return this.settings.codeLength;
  }

  get minutes(): number {
    return Math.ceil(this.settings.codeSeconds / 60);
  }

  get maxAttempts(): number {
    return this.settings.maxAttempts;
  }

  private digest(salt: string, code: string): string {
    return createHmac('sha256', this.secret).update(`${salt}:${code}`).digest('hex');
  }

  private keyed(what: string): string {
    return createHmac('sha256', this.secret).update(what).digest('base64url');
  }

  /**
   * Sends a new code to the address for `requester` (the conversation asking); refused (nothing sent) when that
   * conversation had codesPerHour sent to it, or the address addressCodesPerHour from any, in the last 60 minutes.
   */
  async send(email: string | { type: 'email' | 'phone'; value: string }, language: string, requester: string): Promise<SendResult> {
    const type = typeof email === 'string' ? 'email' : email.type;
    const to = (typeof email === 'string' ? email : email.value).trim().toLowerCase();
    const now = this.clock();
    // Counted under keyed hashes (no address is kept in the counts). A store that cannot answer fails the turn:
    // nothing is sent.
    const address = `verify-code:${this.keyed(`address:${to}`)}`;
    const perRequester = `${address}:${this.keyed(`requester:${requester}`)}`;
    const addressLimit = this.settings.addressCodesPerHour ?? Math.max(20, 4 * this.settings.codesPerHour);
    if (!(await this.quotas.takeQuota(perRequester, this.settings.codesPerHour, WINDOW_MS, now))) return { ok: false, reason: 'rate_limited' };
    if (!(await this.quotas.takeQuota(address, addressLimit, WINDOW_MS, now))) return { ok: false, reason: 'rate_limited' };
    let code = '';
    for (let i = 0; i < this.settings.codeLength; i++) code += String(randomInt(10));
    const salt = randomBytes(16).toString('hex');
    await this.notifier.sendCode({ to: { type, value: to }, code, language, minutes: this.minutes });
    return { ok: true, challenge: { email: to, salt, hash: this.digest(salt, code), expiresAt: now + this.settings.codeSeconds * 1000, attempts: 0 } };
  }

  /** The code typed in the chat, if the text holds one of the right length. */
  codeIn(text: string): string | undefined {
    const m = text.replace(/(\d)[\s-](?=\d)/g, '$1').match(new RegExp(`(?<!\\d)(\\d{${this.settings.codeLength}})(?!\\d)`));
    return m?.[1];
  }

  /** Checks a typed code; the caller stores the returned challenge (one more attempt counted). */
  check(challenge: CodeChallenge, code: string): { result: CodeCheck; challenge: CodeChallenge } {
    if (challenge.attempts >= this.settings.maxAttempts) return { result: 'too_many', challenge };
    if (this.clock() > challenge.expiresAt) return { result: 'expired', challenge };
    const next = { ...challenge, attempts: challenge.attempts + 1 };
    const a = Buffer.from(this.digest(challenge.salt, code), 'hex');
    const b = Buffer.from(challenge.hash, 'hex');
    if (a.length === b.length && timingSafeEqual(a, b)) return { result: 'ok', challenge: next };
    return { result: next.attempts >= this.settings.maxAttempts ? 'too_many' : 'wrong', challenge: next };
  }

  isLive(challenge: CodeChallenge | undefined): challenge is CodeChallenge {
    return !!challenge && challenge.attempts < this.settings.maxAttempts && this.clock() <= challenge.expiresAt;
  }
}
