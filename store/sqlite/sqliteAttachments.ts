import type { AttachmentRecord } from '../../models/records';
import type { EngineAttachments } from '../storeEngine';
import { promised, type GroupCommit } from './groupCommit';

type Row = Record<string, unknown>;

/** Files: one row each, the record as JSON and the bytes as a BLOB (secure_delete zeroes them when deleted). */
export class SqliteAttachments implements EngineAttachments {
  constructor(private readonly gc: GroupCommit) {}

  putAttachment(record: AttachmentRecord, content: Buffer): Promise<AttachmentRecord> {
    return this.gc.tx(() => {
      const same = this.gc.stmt('SELECT doc FROM attachments WHERE id = ?').get(record.id) as Row | undefined;
      if (same) return JSON.parse(same.doc as string) as AttachmentRecord;
      this.gc
        .stmt('INSERT INTO attachments (id, conversation_id, created_at, doc, content) VALUES (?, ?, ?, ?, ?)')
        .run(record.id, record.conversationId, record.createdAt, JSON.stringify(record), content);
      return record;
    });
  }

  getAttachment(id: string): Promise<AttachmentRecord | null> {
    return promised(() => {
      const row = this.gc.run(() => this.gc.stmt('SELECT doc FROM attachments WHERE id = ?').get(id) as Row | undefined);
      return row ? (JSON.parse(row.doc as string) as AttachmentRecord) : null;
    });
  }

  readAttachment(id: string): Promise<{ record: AttachmentRecord; content: Buffer } | null> {
    return promised(() => {
      const row = this.gc.run(() => this.gc.stmt('SELECT doc, content FROM attachments WHERE id = ?').get(id) as Row | undefined);
      return row ? { record: JSON.parse(row.doc as string) as AttachmentRecord, content: row.content as Buffer } : null;
    });
  }

  listAttachments(conversationId: string): Promise<AttachmentRecord[]> {
    return promised(() => {
      const rows = this.gc.run(
        () => this.gc.stmt('SELECT doc FROM attachments WHERE conversation_id = ? ORDER BY created_at, id').all(conversationId) as Row[],
      );
      return rows.map((r) => JSON.parse(r.doc as string) as AttachmentRecord);
    });
  }

  deleteAttachmentsOf(conversationIds: readonly string[]): Promise<number> {
    return this.gc.tx(() => {
      const del = this.gc.stmt('DELETE FROM attachments WHERE conversation_id = ?');
      return conversationIds.reduce((n, id) => n + del.run(id).changes, 0);
    });
  }
}
