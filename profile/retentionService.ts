import type { AuditStore, ConversationStore } from '../store/store';

export const LEGAL_HOLD_TAG = 'legal_hold';

/**
 * Deletes closed conversations (and their messages) not changed for RETENTION_DAYS, unless tagged legal_hold.
 * Runs periodically; each run deletes at most `batch` conversations so it never holds the store for long.
 */
export class RetentionService {
  constructor(
    private readonly store: ConversationStore & AuditStore,
    private readonly days: number,
  ) {}

  async sweep(now = new Date(), batch = 500): Promise<{ deleted: number; held: number }> {
    const cutoff = new Date(now.getTime() - this.days * 86_400_000).toISOString();
    const old = await this.store.listConversations({ states: ['closed'], updatedBefore: cutoff, limit: batch });
    let deleted = 0;
    let held = 0;
    for (const c of old) {
      if (c.tags.includes(LEGAL_HOLD_TAG)) {
        held++;
        continue;
      }
      if (await this.store.deleteConversation(c.id)) deleted++;
    }
    if (deleted) await this.store.appendAudit({ action: 'retention.delete', data: { deleted, held, cutoff } });
    return { deleted, held };
  }
}
