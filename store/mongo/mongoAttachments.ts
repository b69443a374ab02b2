import type { AttachmentRecord } from '../../models/records';
import type { EngineAttachments } from '../storeEngine';
import { isDuplicateKey, t, type MongoContext } from './mongoContext';

/** Files: one document each, the record and its bytes (under the 16 MB document limit, see models/mongoSchemas.ts). */
export class MongoAttachments implements EngineAttachments {
  constructor(private readonly x: MongoContext) {}

  putAttachment(record: AttachmentRecord, content: Buffer): Promise<AttachmentRecord> {
    return this.x.wrap(async () => {
      try {
        await this.x.m.Attachment.create({ _id: record.id, conversationId: record.conversationId, createdAt: record.createdAt, doc: record, content });
        return record;
      } catch (err) {
        // A retry of the same upload: the first one's record stands.
        if (!isDuplicateKey(err)) throw err;
        const same = await this.x.m.Attachment.findOne({ _id: record.id }).select({ doc: 1 }).lean();
        if (!same) throw err;
        return same.doc;
      }
    });
  }

  getAttachment(id: string): Promise<AttachmentRecord | null> {
    return this.x.wrap(async () => (await this.x.m.Attachment.findOne({ _id: id }).select({ doc: 1 }).lean())?.doc ?? null);
  }

  readAttachment(id: string): Promise<{ record: AttachmentRecord; content: Buffer } | null> {
    return this.x.wrap(async () => {
      const row = await this.x.m.Attachment.findOne({ _id: id }).lean();
      if (!row) return null;
      // lean() gives the driver's Binary; its buffer is the bytes.
      const raw = row.content as unknown as Buffer | { buffer: Buffer };
      return { record: row.doc, content: Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer) };
    });
  }

  listAttachments(conversationId: string): Promise<AttachmentRecord[]> {
    return this.x.wrap(async () =>
      (await this.x.m.Attachment.find({ conversationId }).select({ doc: 1 }).sort({ createdAt: 1, _id: 1 }).lean()).map((r) => r.doc),
    );
  }

  deleteAttachmentsOf(conversationIds: readonly string[]): Promise<number> {
    return this.x.wrap(async () => (await this.x.m.Attachment.deleteMany({ conversationId: t({ $in: [...conversationIds] }) })).deletedCount);
  }
}
