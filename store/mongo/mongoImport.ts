import { AppError } from '../../core/errors';
import type { ImportBatch } from '../storeTypes';
import { rollupMark, t, type MongoContext } from './mongoContext';
import { conversationDoc } from './mongoConversations';
import { customerDoc } from './mongoCustomers';
import { messageDoc } from './mongoMessages';

/**
 * The bulk load, as upserts by id in the order customers, conversations, messages: not atomic (a batch spans many
 * documents), but idempotent, so rerunning a batch that failed half-way completes it and rerunning one that
 * succeeded changes nothing. Each touched conversation's running sentiment is then recounted from its messages.
 */
export class MongoImport {
  constructor(private readonly x: MongoContext) {}

  importRecords(batch: ImportBatch): Promise<void> {
    const { m } = this.x;
    return this.x.wrap(async () => {
      if (batch.customers?.length) {
        // The record and its fields set, not the document replaced: the sentiment history beside the record stays (as
        // the embedded store's import leaves its customer_sentiment rows).
        await m.Customer.bulkWrite(
          batch.customers.map((c) => {
            const { _id, ...fields } = customerDoc(c);
            return { updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } };
          }),
        );
      }
      const channels = new Map<string, string>();
      // Days a replaced conversation counted in before; marked with the new ones once everything is written.
      const wereOn = batch.conversations?.length
        ? await m.Conversation.find({ _id: t({ $in: batch.conversations.map((c) => c.id) }) })
            .select({ createdAt: 1 })
            .lean()
        : [];
      // The days each conversation's customer messages in this batch count on (with its own day: rollupMark).
      const saidOn = new Map<string, string[]>();
      for (const msg of batch.messages ?? [])
        if (msg.role === 'customer') saidOn.set(msg.conversationId, [...(saidOn.get(msg.conversationId) ?? []), msg.createdAt]);
      if (batch.conversations?.length) {
        await m.Conversation.bulkWrite(
          batch.conversations.map((c) => {
            channels.set(c.id, c.channelId);
            // Marked for the dashboard's rollups in the replacement itself: a failure after it loses no mark.
            const days = [...new Set([c.createdAt, ...(saidOn.get(c.id) ?? [])].map((at) => at.slice(0, 10)))];
            return { replaceOne: { filter: { _id: c.id }, replacement: { ...conversationDoc(c), rollupMarks: 1, rollupDays: days }, upsert: true } };
          }),
        );
        const held = batch.conversations.filter((c) => c.state === 'agent' && c.agentId);
        if (held.length)
          await m.AgentSlots.bulkWrite(
            held.map((c) => ({ updateOne: { filter: { _id: c.agentId! }, update: { $addToSet: { conversations: c.id } }, upsert: true } })),
          );
      }
      const missing = [...new Set((batch.messages ?? []).map((msg) => msg.conversationId).filter((id) => !channels.has(id)))];
      if (missing.length) {
        for (const r of await m.Conversation.find({ _id: t({ $in: missing }) })
          .select({ channelId: 1 })
          .lean())
          channels.set(r._id, r.channelId);
        const unknown = missing.find((id) => !channels.has(id));
        if (unknown) throw new AppError('NOT_FOUND', `conversation ${unknown} not found`);
      }
      if (batch.messages?.length) {
        await m.Message.bulkWrite(
          batch.messages.map((msg) => ({
            replaceOne: { filter: { _id: msg.id }, replacement: messageDoc(msg, channels.get(msg.conversationId)!), upsert: true },
          })),
        );
      }
      const touched = [...new Set([...(batch.conversations ?? []).map((c) => c.id), ...(batch.messages ?? []).map((msg) => msg.conversationId)])];
      if (!touched.length) {
        await this.x.markCustomerDays((batch.customers ?? []).map((c) => c.id));
        return;
      }
      const sums = await m.Message.aggregate<{ _id: string; sum: number; n: number }>([
        { $match: { conversationId: { $in: touched }, role: 'customer', sentiment: { $type: 'number' } } },
        { $group: { _id: '$conversationId', sum: { $sum: '$sentiment' }, n: { $sum: 1 } } },
      ]);
      const byId = new Map(sums.map((s) => [s._id, s]));
      // Each conversation's dashboard change is marked in its own update (rollupMark), its new day and its
      // customer messages' days; only the day a replaced conversation used to count on is marked apart.
      await m.Conversation.bulkWrite(
        touched.map((id) => {
          const s = byId.get(id) ?? { sum: 0, n: 0 };
          const set = { sentimentSum: s.sum, sentimentN: s.n, sentimentAvg: s.n > 0 ? s.sum / s.n : null };
          return { updateOne: { filter: { _id: id }, update: { $set: set, ...rollupMark(saidOn.get(id) ?? []) } } };
        }),
      );
      await this.x.markDays(wereOn.map((c) => c.createdAt));
      await this.x.markCustomerDays((batch.customers ?? []).map((c) => c.id));
    });
  }
}
