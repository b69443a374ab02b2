import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The development notifier's outbox (VERIFY_OUTBOX_FILE): where a test reads the one-time code "e-mailed" to a
 * customer, as a person reads it from their mailbox.
 */
export class CodeOutbox {
  readonly file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-outbox-')), 'codes.jsonl');

  sent(): { to: string; code: string }[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { to: string; code: string });
  }

  /** The newest code sent (to `to`, when given). */
  lastCode(to?: string): string {
    const m = this.sent()
      .filter((x) => !to || x.to === to)
      .at(-1);
    if (!m) throw new Error(`no code was sent${to ? ` to ${to}` : ''}`);
    return m.code;
  }

  remove(): void {
    fs.rmSync(path.dirname(this.file), { recursive: true, force: true });
  }
}

/** A transcript step that stands for "the code from the e-mail". */
export const CODE = '{code}';
