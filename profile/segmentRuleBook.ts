import { AppError } from '../core/errors';
import { MAX_PAGE, type AuditStore, type SegmentRuleStore } from '../store/store';
import { encodeCursor } from '../store/storeGuards';
import { DEFAULT_SEGMENTS, SegmentRulesSchema, type SegmentRule } from './segments';

const RULES_TTL_MS = 5000; // rules are read at most this often per process; a change here refreshes at once

/** The audit action of every change to the rules (a replacement or a restore): one history to restore from. */
export const SEGMENTS_AUDIT_ACTION = 'segments.update';

/** Where a restore takes its rules from: the shipped defaults, or one audited change (the rules before it, by default). */
export type SegmentRestoreSource = { defaults: true } | { auditId: string; take?: 'before' | 'after' };

/**
 * The segment rules (which customers are "vip", "at risk", …): read with a short cache, replaced or restored by
 * leads, every change audited with the rules before and after in full, so any earlier set can be put back.
 */
export class SegmentRuleBook {
  private cached: { at: number; rules: SegmentRule[] } | undefined;

  constructor(private readonly store: SegmentRuleStore & AuditStore) {}

  async current(): Promise<SegmentRule[]> {
    if (this.cached && Date.now() - this.cached.at < RULES_TTL_MS) return this.cached.rules;
    const stored = await this.store.readSegmentRules();
    const parsed = stored ? SegmentRulesSchema.safeParse(stored.rules) : undefined;
    const rules = parsed?.success ? parsed.data : DEFAULT_SEGMENTS;
    this.cached = { at: Date.now(), rules };
    return rules;
  }

  /**
   * Replaces the rules (validated by the caller); they apply from each profile's next change. An empty list would
   * take every customer out of every rule's segment: refused unless the caller says it means it (`allowEmpty`).
   */
  async replace(rules: SegmentRule[], actorId: string, options: { allowEmpty?: boolean; restoredFrom?: string } = {}): Promise<void> {
    if (rules.length === 0 && !options.allowEmpty) throw new AppError('SEGMENT_RULES_EMPTY');
    const before = await this.store.readSegmentRules();
    const previous = before ? (SegmentRulesSchema.safeParse(before.rules).data ?? before.rules) : DEFAULT_SEGMENTS;
    await this.store.writeSegmentRules(rules);
    this.cached = { at: Date.now(), rules };
    await this.store.appendAudit({
      actorId,
      action: SEGMENTS_AUDIT_ACTION,
      data: { names: rules.map((r) => r.name), previous, rules, ...(options.restoredFrom ? { restoredFrom: options.restoredFrom } : {}) },
    });
  }

  /** Puts back the shipped defaults or the rules of an audited change; audited like a replacement. Returns the rules. */
  async restore(source: SegmentRestoreSource, actorId: string): Promise<SegmentRule[]> {
    if ('defaults' in source) {
      await this.replace(DEFAULT_SEGMENTS, actorId, { restoredFrom: 'defaults' });
      return DEFAULT_SEGMENTS;
    }
    const entry = await this.auditEntry(source.auditId);
    const raw = source.take === 'after' ? entry.data?.rules : entry.data?.previous;
    // Rules kept by an older version may no longer pass today's checks: refused, saying why, rather than stored.
    const parsed = SegmentRulesSchema.safeParse(raw);
    if (!parsed.success)
      throw new AppError(
        'VALIDATION_FAILED',
        `the rules of audit entry ${source.auditId} are not valid today: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    // Restoring an empty set is what the admin chose by naming that entry.
    await this.replace(parsed.data, actorId, { allowEmpty: true, restoredFrom: source.auditId });
    return parsed.data;
  }

  /** The audited change with this id, read page by page (rule changes are few: a handful of pages at most). */
  private async auditEntry(id: string) {
    for (let cursor: string | undefined; ;) {
      const page = await this.store.listAudit({ action: SEGMENTS_AUDIT_ACTION, limit: MAX_PAGE, ...(cursor ? { cursor } : {}) });
      const found = page.find((e) => e.id === id);
      if (found) return found;
      if (page.length < MAX_PAGE) throw new AppError('SEGMENT_AUDIT_NOT_FOUND');
      const last = page[page.length - 1];
      cursor = encodeCursor({ createdAt: last.at, id: last.id });
    }
  }
}
