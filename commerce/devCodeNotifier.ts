import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../core/logger';
import type { CodeNotifier } from './contactVerification';

/** "ana@example.com" → "a•••@example.com": enough for a person to recognise their address, not to learn it. */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain ?? ''}`;
}

/** "+447700900123" → "+44•••123": the country and last digits, enough to recognise the number. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}•••${phone.slice(-3)}`;
}

/** An address or number masked for a reply or a log line. */
export function maskContact(to: { type: 'email' | 'phone'; value: string }): string {
  return to.type === 'email' ? maskEmail(to.value) : maskPhone(to.value);
}

/**
 * The development stand-in for a mail service: no e-mail leaves the machine. Outside production it writes the
 * code to the server log and, with VERIFY_OUTBOX_FILE, appends it as a JSON line to that local outbox file, so the
 * demo and the tests can read it. In production it never writes a code anywhere (a real notifier must be wired,
 * README "Verifying a customer"); it logs an error instead, and the customer's code never arrives.
 */
export class DevCodeNotifier implements CodeNotifier {
  constructor(
    private readonly log: Logger,
    private readonly o: { production: boolean; outboxFile?: string },
  ) {}

  async sendCode(m: Parameters<CodeNotifier['sendCode']>[0]): Promise<void> {
    if (this.o.production) {
      this.log.error({ to: maskContact(m.to) }, 'verification code not sent: no mail service is wired (DevCodeNotifier in production)');
      return;
    }
    this.log.info({ to: m.to.value, code: m.code, minutes: m.minutes }, 'verification code (development: not e-mailed)');
    if (!this.o.outboxFile) return;
    await mkdir(dirname(this.o.outboxFile), { recursive: true });
    await appendFile(this.o.outboxFile, `${JSON.stringify({ at: new Date().toISOString(), to: m.to.value, code: m.code, language: m.language })}\n`);
  }
}
