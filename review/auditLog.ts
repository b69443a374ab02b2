import { csvLine } from '../core/csv';
import type { AuditEntry } from '../models/records';
import type { AuditStore } from '../store/store';
import { encodeCursor } from '../store/storeGuards';
import type { Actor } from './accessPolicy';
import type { ExportFormat } from './reviewService';

/** Which entries: by action, actor and target, all optional. */
export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetId?: string;
}

/** One export page: memory stays flat however long the log. */
const EXPORT_PAGE = 1000;

const cursorOf = (e: AuditEntry) => encodeCursor({ createdAt: e.at, id: e.id });

/**
 * The audit log for admins: pages newest first, and streamed CSV/JSON exports (themselves audited). No transport
 * here: routes hand in a filter and an Actor and get records or text chunks back.
 */
export class AuditLog {
  constructor(private readonly store: AuditStore) {}

  async page(filter: AuditFilter, limit: number, cursor?: string): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const entries = await this.store.listAudit({ ...filter, limit, cursor });
    return { entries, nextCursor: entries.length === limit ? cursorOf(entries[entries.length - 1]) : null };
  }

  /** The filtered log as text chunks; the export is recorded before the first page is read, so it lists itself. */
  async *export(filter: AuditFilter, format: ExportFormat, actor: Actor): AsyncGenerator<string> {
    await this.store.appendAudit({ actorId: actor.id, action: 'audit.export', data: { format } });
    if (format === 'csv') yield csvLine(['id', 'at', 'actor_id', 'action', 'target_type', 'target_id', 'data']);
    else yield '{"entries":[';
    let cursor: string | undefined;
    let first = true;
    for (;;) {
      const page = await this.store.listAudit({ ...filter, limit: EXPORT_PAGE, cursor });
      if (!page.length) break;
      yield page
        .map((e) => {
          if (format === 'csv') return csvLine([e.id, e.at, e.actorId, e.action, e.targetType, e.targetId, e.data ? JSON.stringify(e.data) : '']);
          const line = `${first ? '' : ','}${JSON.stringify(e)}`;
          first = false;
          return line;
        })
        .join('');
      if (page.length < EXPORT_PAGE) break;
      cursor = cursorOf(page[page.length - 1]);
    }
    if (format === 'json') yield ']}';
  }
}
