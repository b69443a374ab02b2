import { AppError } from '../../core/errors';
import type { ImportBatch } from '../storeTypes';
import { sentimentSums } from '../storeGuards';
import type { GroupCommit } from './groupCommit';
import type { SqliteConversations, SqliteMessages } from './sqliteConversations';
import type { SqliteCustomers } from './sqliteCustomers';
import type { SqliteFullText } from './sqliteReview';

type Row = Record<string, unknown>;

/** The bulk load: one transaction, records written as given (an existing id is overwritten, so a rerun changes nothing). */
export class SqliteImport {
  constructor(
    private readonly gc: GroupCommit,
    private readonly parts: { customers: SqliteCustomers; conversations: SqliteConversations; messages: SqliteMessages; fullText: SqliteFullText },
  ) {}

  importRecords(batch: ImportBatch): Promise<void> {
    const { customers, conversations, messages, fullText } = this.parts;
    return this.gc.tx(() => {
      for (const c of batch.customers ?? []) customers.upsert(c);
      const sentiment = sentimentSums(batch.messages ?? []);
      const channels = new Map<string, string>();
      for (const c of batch.conversations ?? []) {
        conversations.insert(c, sentiment.get(c.id), true);
        channels.set(c.id, c.channelId);
      }
      for (const m of batch.messages ?? []) {
        let channel = channels.get(m.conversationId);
        if (channel === undefined) {
          const row = this.gc.stmt('SELECT channel_id FROM conversations WHERE id = ?').get(m.conversationId) as Row | undefined;
          if (!row) throw new AppError('NOT_FOUND', `conversation ${m.conversationId} not found`);
          channels.set(m.conversationId, (channel = row.channel_id as string));
        }
        messages.insert(m, channel, true);
      }
      // The running sentiment of every conversation a message went to, recounted from its messages: the same
      // whether the batch ran before or not.
      const touched = new Set((batch.messages ?? []).map((m) => m.conversationId));
      const recount = this.gc.stmt(
        `UPDATE conversations SET (sentiment_sum, sentiment_n) = (SELECT COALESCE(SUM(sentiment), 0), COUNT(sentiment) FROM messages
           WHERE conversation_id = conversations.id AND role = 'customer') WHERE id = ?`,
      );
      for (const id of touched) recount.run(id);
      // A bulk load indexes its own messages, so the queue never grows by more than a second of live traffic.
      fullText.indexQueued(-1);
    });
  }
}
