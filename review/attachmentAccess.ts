import { AppError } from '../core/errors';
import type { AttachmentRecord, Conversation } from '../models/records';
import type { AttachmentStore, AuditStore, ConversationStore } from '../store/store';
import { canSee, canWatch, isReviewer, type Actor } from './accessPolicy';

/**
 * Who may have a chat's files: whoever may read its transcript or watch it live (review/accessPolicy.ts). Every
 * refusal is audited, and so is every file a supervisor or an admin opens, as their other reads are.
 */
export class AttachmentAccess {
  constructor(private readonly store: ConversationStore & AttachmentStore & AuditStore) {}

  /** The conversation, when `actor` may see its files; ATTACHMENT_FORBIDDEN otherwise (audited). */
  async conversation(actor: Actor, conversationId: string, what: Record<string, unknown>): Promise<Conversation> {
    const c = await this.store.getConversation(conversationId);
    if (!c || !(canSee(actor, c) || canWatch(actor, c))) {
      await this.store.appendAudit({ actorId: actor.id, action: 'attachment.denied', targetType: 'conversation', targetId: conversationId, data: what });
      throw new AppError('ATTACHMENT_FORBIDDEN');
    }
    if (isReviewer(actor))
      await this.store.appendAudit({ actorId: actor.id, action: 'attachment.download', targetType: 'conversation', targetId: c.id, data: what });
    return c;
  }

  /** A file's record, when `actor` may see it. An id nobody has is answered as one the caller may not see: ids tell nothing. */
  async record(actor: Actor, id: string, what: Record<string, unknown> = {}): Promise<AttachmentRecord> {
    const record = await this.store.getAttachment(id);
    if (!record) {
      await this.store.appendAudit({ actorId: actor.id, action: 'attachment.denied', targetType: 'attachment', targetId: id.slice(0, 64) });
      throw new AppError('ATTACHMENT_FORBIDDEN');
    }
    await this.conversation(actor, record.conversationId, { attachmentId: id, name: record.name, ...what });
    return record;
  }
}
