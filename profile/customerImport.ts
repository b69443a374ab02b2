import { parseCsvWithLines } from '../core/csv';
import { AppError } from '../core/errors';
import type { ConsentEvent, ContactPoint, Customer } from '../models/records';
import type { AuditStore, CustomerStore } from '../store/store';
import { normalizeEmail, normalizePhone } from '../store/storeGuards';
import { REPLY_LANGUAGES } from '../locale/replies';
import { cleanName, type ProfileService } from './profileService';

/**
 * Customer import from the company's existing CRM (CSV). Columns, by header name (case-insensitive):
 * email, phone, name, language, time_zone, tags (separated by ;), followers, lifetime_value,
 * marketing_consent (yes/no), external_id. A row needs an email or a phone. The CRM is a trusted source,
 * so its contact points count as verified: a row whose email or phone a profile already holds updates that
 * profile (reported as a merge). A dry run reports the same and changes nothing.
 */
export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  merged: number;
  duplicatesInFile: number;
  errors: { line: number; reason: string }[];
  merges: { line: number; customerId: string; by: string }[];
}

interface Row {
  line: number;
  email?: string;
  phone?: string;
  name?: string;
  language?: string;
  timeZone?: string;
  tags: string[];
  followers?: number;
  lifetimeValue?: number;
  marketing?: boolean;
  externalId?: string;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const MAX_ROWS = 200_000;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseImport(text: string): { rows: Row[]; errors: ImportReport['errors']; total: number } {
  const [header, ...lines] = parseCsvWithLines(text);
  if (!header) throw new AppError('VALIDATION_FAILED', 'the file is empty');
  const cols = header.cells.map((c) => c.trim().toLowerCase());
  if (!cols.includes('email') && !cols.includes('phone')) throw new AppError('VALIDATION_FAILED', 'the header needs an email or a phone column');
  if (lines.length > MAX_ROWS) throw new AppError('VALIDATION_FAILED', `at most ${MAX_ROWS} rows per import`);
  const rows: Row[] = [];
  const errors: ImportReport['errors'] = [];
  for (const { line, cells } of lines) {
    if (cells.length !== cols.length) {
      errors.push({ line, reason: `expected ${cols.length} columns, found ${cells.length}` });
      continue;
    }
    const get = (k: string) => {
      const i = cols.indexOf(k);
      const v = i >= 0 ? cells[i].trim() : '';
      return v === '' ? undefined : v;
    };
    const problems: string[] = [];
    const email = get('email');
    const phone = get('phone');
    if (!email && !phone) problems.push('no email and no phone');
    if (email && !EMAIL.test(email)) problems.push(`invalid email "${email.slice(0, 60)}"`);
    const e164 = phone ? normalizePhone(phone) : undefined;
    if (phone && !/^\+\d{8,15}$/.test(e164!)) problems.push(`phone "${phone.slice(0, 30)}" is not in international format (+ and 8 to 15 digits)`);
    const language = get('language');
    if (language && !(REPLY_LANGUAGES as readonly string[]).includes(language.toLowerCase()))
      problems.push(`language "${language.slice(0, 20)}" is not supported (${REPLY_LANGUAGES.join(', ')})`);
    const timeZone = get('time_zone');
    if (timeZone && !validTimeZone(timeZone)) problems.push(`unknown time zone "${timeZone.slice(0, 40)}"`);
    const num = (k: string) => {
      const v = get(k);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) problems.push(`${k} "${v.slice(0, 20)}" is not a non-negative number`);
      return n;
    };
    const followers = num('followers');
    const lifetimeValue = num('lifetime_value');
    const consent = get('marketing_consent')?.toLowerCase();
    if (consent && !['yes', 'no', 'true', 'false', '1', '0'].includes(consent)) problems.push(`marketing_consent "${consent.slice(0, 20)}" is not yes or no`);
    if (problems.length) {
      errors.push({ line, reason: problems.join('; ') });
      continue;
    }
    rows.push({
      line,
      email: email ? normalizeEmail(email) : undefined,
      phone: e164,
      name: get('name'),
      language: language?.toLowerCase(),
      timeZone,
      tags: (get('tags') ?? '')
        .split(';')
        .map((t) => t.trim())
        .filter(Boolean)
        .slice(0, 50),
      followers,
      lifetimeValue,
      marketing: consent === undefined ? undefined : ['yes', 'true', '1'].includes(consent),
      externalId: get('external_id')?.slice(0, 200),
    });
  }
  return { rows, errors, total: lines.length };
}

export class CustomerImport {
  constructor(
    private readonly store: CustomerStore & AuditStore,
    private readonly profiles: ProfileService,
  ) {}

  async run(text: string, options: { dryRun: boolean; actorId?: string }): Promise<ImportReport> {
    const parsed = parseImport(text);
    const { total, errors } = parsed;
    // The names customers may not take (staff, the bot, the company) hold for the CRM's names too.
    const nameAllowed = await this.profiles.namesAllowed();
    const rows = parsed.rows.filter((r) => {
      if (r.name === undefined || nameAllowed(r.name)) return true;
      errors.push({ line: r.line, reason: `name "${cleanName(r.name)?.slice(0, 60)}" passes for staff, the bot or the company` });
      return false;
    });
    const report: ImportReport = { dryRun: options.dryRun, rows: total, created: 0, merged: 0, duplicatesInFile: 0, errors, merges: [] };
    // Rows for the same person within the file (same email or phone) become one.
    const byKey = new Map<string, Row>();
    const unique: Row[] = [];
    for (const r of rows) {
      const keys = [r.email && `e:${r.email}`, r.phone && `p:${r.phone}`].filter(Boolean) as string[];
      const first = keys.map((k) => byKey.get(k)).find(Boolean);
      if (first) {
        report.duplicatesInFile++;
        first.email ??= r.email;
        first.phone ??= r.phone;
        first.name ??= r.name;
        first.tags = [...new Set([...first.tags, ...r.tags])];
        first.followers = Math.max(first.followers ?? 0, r.followers ?? 0) || first.followers;
        for (const k of keys) byKey.set(k, first);
        continue;
      }
      for (const k of keys) byKey.set(k, r);
      unique.push(r);
    }
    for (const r of unique) {
      const byEmail = r.email ? await this.store.findCustomerByKey({ kind: 'email', value: r.email }) : null;
      const byPhone = r.phone ? await this.store.findCustomerByKey({ kind: 'phone', value: r.phone }) : null;
      if (byEmail && byPhone && byEmail.id !== byPhone.id) {
        report.errors.push({ line: r.line, reason: 'the email and the phone belong to two different customers; merge them first' });
        continue;
      }
      const existing = byEmail ?? byPhone;
      if (existing) {
        report.merged++;
        report.merges.push({ line: r.line, customerId: existing.id, by: byEmail ? 'email' : 'phone' });
        if (!options.dryRun) await this.profiles.update(existing.id, (c) => this.patch(c, r));
      } else {
        report.created++;
        if (!options.dryRun) {
          const c = await this.store.createCustomer({ attributes: {} });
          await this.profiles.update(c.id, (cur) => this.patch(cur, r));
        }
      }
    }
    report.errors.sort((a, b) => a.line - b.line);
    if (!options.dryRun) {
      await this.store.appendAudit({
        actorId: options.actorId,
        action: 'customers.import',
        data: { rows: report.rows, created: report.created, merged: report.merged, errors: report.errors.length },
      });
    }
    return report;
  }

  private patch(c: Customer, r: Row): Partial<Customer> {
    const now = new Date().toISOString();
    const contacts: ContactPoint[] = [...c.contacts];
    const add = (type: 'email' | 'phone', value?: string) => {
      if (!value) return;
      const i = contacts.findIndex((p) => p.type === type && p.value === value);
      if (i >= 0) contacts[i] = { ...contacts[i], verified: true };
      else contacts.push({ type, value, verified: true, source: 'import', addedAt: now });
    };
    add('email', r.email);
    add('phone', r.phone);
    const consent: ConsentEvent[] =
      r.marketing === undefined
        ? c.consent
        : [...c.consent, { purpose: 'marketing', channel: '*', granted: r.marketing, at: now, source: 'import', method: 'import' }];
    return {
      displayName: c.displayName || cleanName(r.name),
      contacts,
      language: c.language ?? r.language,
      timeZone: c.timeZone || r.timeZone,
      tags: [...new Set([...c.tags, ...r.tags])],
      reach: { ...c.reach, followers: Math.max(c.reach.followers, r.followers ?? 0), source: r.followers !== undefined ? 'import' : c.reach.source },
      lifetimeValue: r.lifetimeValue ?? c.lifetimeValue,
      consent,
      attributes: r.externalId ? { ...c.attributes, externalId: r.externalId } : { ...c.attributes },
    };
  }
}
