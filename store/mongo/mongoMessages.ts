import { AppError } from '../../core/errors';
import type { MessageDoc } from '../../models/mongoSchemas';
import type { Message, NewMessage } from '../../models/records';
import { buildMessage, erasedMessage } from '../recordBuilders';
import { searchForm } from '../searchText';
import type { EngineMessages } from '../storeEngine';
import type { AppendResult } from '../storeTypes';
import { duplicateOn, t, type MongoContext } from './mongoContext';

export function messageDoc(m: Message, channelId: string): MessageDoc {
  const customer = m.role === 'customer';
  return {
    _id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    ...(m.activityId !== undefined ? { activityId: m.activityId } : {}),
    role: m.role,
    kind: m.kind,
    text: m.text,
    searchText: searchForm(m.text),
    createdAt: m.createdAt,
    channelId,
    ...(customer && m.intent !== undefined ? { intent: m.intent } : {}),
    ...(customer && m.sentiment !== undefined ? { sentiment: m.sentiment } : {}),
    doc: m,
  };
}

type Counted = Pick<MessageDoc, 'seq' | 'role' | 'sentiment' | 'createdAt'>;

/**
 * One step of a conversation's counters: message `seq` becomes the last counted one, its sentiment joins the
 * running sum, and the average is recomputed. Applied only where lastSeq is seq − 1, so each message is counted
 * exactly once, in order, however often the step is tried. The average never divides by zero whatever order the
 * server evaluates $cond in ($max(n, 1)), and is the same IEEE quotient SQLite computes at query time.
 */
function countStep(m: Counted) {
  const scored = m.role === 'customer' && typeof m.sentiment === 'number';
  return [
    {
      $set: {
        lastSeq: m.seq,
        updatedAt: { $max: ['$updatedAt', { $literal: m.createdAt }] },
        sentimentSum: { $add: ['$sentimentSum', scored ? m.sentiment! : 0] },
        sentimentN: { $add: ['$sentimentN', scored ? 1 : 0] },
      },
    },
    { $set: { sentimentAvg: { $cond: [{ $gt: ['$sentimentN', 0] }, { $divide: ['$sentimentSum', { $max: ['$sentimentN', 1] }] }, null] } } },
  ];
}

/** Where the next append of a conversation starts: its last counted seq and channel, as last seen by this process. */
interface SeqHint {
  lastSeq: number;
  channelId: string;
}
const MAX_HINTS = 10_000;

/**
 * Messages, appended exactly once per activity id with gap-free sequence numbers, in two writes: the message is
 * inserted at lastSeq + 1 (unique (conversationId, seq) and (conversationId, activityId) indexes pick one winner),
 * then the conversation's counters advance by countStep. When the second write fails, the next append to that
 * conversation (its insert collides with the uncounted message), the retry of the same activity, or the periodic
 * repair advances them (`advance`): the counters are never left behind for good and never count a message twice.
 */
export class MongoMessages implements EngineMessages {
  private readonly hints = new Map<string, SeqHint>();

  constructor(private readonly x: MongoContext) {}

  private remember(conversationId: string, hint: SeqHint): void {
    this.hints.delete(conversationId);
    this.hints.set(conversationId, hint);
    if (this.hints.size > MAX_HINTS) this.hints.delete(this.hints.keys().next().value!);
  }

  forget(conversationId: string): void {
    this.hints.delete(conversationId);
  }

  private async readHint(conversationId: string): Promise<SeqHint> {
    const conv = await this.x.m.Conversation.findOne({ _id: conversationId }).select({ lastSeq: 1, channelId: 1 }).lean();
    if (!conv) throw new AppError('NOT_FOUND', 'conversation not found');
    return { lastSeq: conv.lastSeq, channelId: conv.channelId };
  }

  /**
   * Counts every stored message beyond the conversation's lastSeq, in order (idempotent). Returns the new lastSeq,
   * or null when the conversation does not exist.
   */
  async advance(conversationId: string): Promise<number | null> {
    for (let round = 0; round < 1000; round++) {
      const conv = await this.x.m.Conversation.findOne({ _id: conversationId }).select({ lastSeq: 1 }).lean();
      if (!conv) return null;
      const pending = await this.x.m.Message.find({ conversationId, seq: t({ $gt: conv.lastSeq }) })
        .sort({ seq: 1 })
        .limit(100)
        .select({ seq: 1, role: 1, sentiment: 1, createdAt: 1 })
        .lean();
      let last = conv.lastSeq;
      let contended = false;
      for (const p of pending) {
        if (p.seq !== last + 1) break;
        const r = await this.x.m.Conversation.updateOne({ _id: conversationId, lastSeq: last }, countStep(p));
        if (r.matchedCount === 0) {
          contended = true;
          break;
        }
        last = p.seq;
      }
      if (!contended && pending.length < 100) return last;
    }
    throw new AppError('STORE_UNAVAILABLE', 'could not count the messages of a conversation');
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    const conversationId = input.conversationId;
    return this.x.wrap(async (): Promise<AppendResult> => {
      const hint = this.hints.get(conversationId) ?? (await this.readHint(conversationId));
      for (let attempt = 0; attempt < 1000; attempt++) {
        const m = buildMessage(input, hint.lastSeq + 1);
        try {
          await this.x.m.Message.create(messageDoc(m, hint.channelId));
        } catch (err) {
          if (duplicateOn(err, 'activityId') && input.activityId !== undefined) {
            const existing = await this.x.m.Message.findOne({ conversationId, activityId: input.activityId }).lean();
            if (!existing) continue;
            // A retry of an append whose counting failed counts it now.
            await this.advance(conversationId);
            return { message: existing.doc, created: false };
          }
          if (duplicateOn(err, 'seq')) {
            // Another writer took this seq, or an earlier message is not counted yet: count, then try the next one.
            const last = await this.advance(conversationId);
            if (last === null) throw new AppError('NOT_FOUND', 'conversation not found');
            hint.lastSeq = Math.max(last, hint.lastSeq + 1);
            continue;
          }
          throw err;
        }
        this.x.fault('message.afterInsert');
        const r = await this.x.m.Conversation.updateOne({ _id: conversationId, lastSeq: m.seq - 1 }, countStep(m));
        const last = r.matchedCount === 1 ? m.seq : await this.advance(conversationId);
        if (last === null) {
          // The conversation was deleted meanwhile (a stale hint): leave no message behind it.
          this.forget(conversationId);
          await this.x.m.Message.deleteOne({ _id: m.id });
          throw new AppError('NOT_FOUND', 'conversation not found');
        }
        hint.lastSeq = last;
        this.remember(conversationId, hint);
        return { message: m, created: true };
      }
      throw new AppError('STORE_UNAVAILABLE', 'could not append after many attempts');
    });
  }

  listMessages(conversationId: string, page: { afterSeq: number; limit: number }): Promise<Message[]> {
    return this.x.wrap(async () => (await this.x.m.Message.find({ conversationId, seq: t({ $gt: page.afterSeq }) }).sort({ seq: 1 }).limit(page.limit).lean()).map((r) => r.doc));
  }

  findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null> {
    return this.x.wrap(async () => (await this.x.m.Message.findOne({ conversationId, activityId }).lean())?.doc ?? null);
  }

  eraseMessages(conversationId: string): Promise<number> {
    return this.x.wrap(async () => {
      const rows = await this.x.m.Message.find({ conversationId }).select({ doc: 1 }).lean();
      if (rows.length) {
        await this.x.m.Message.bulkWrite(
          rows.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { text: '', searchText: '', doc: erasedMessage(r.doc) }, $unset: { intent: 1, sentiment: 1 } } } })),
          { ordered: false },
        );
      }
      await this.x.m.Conversation.updateOne({ _id: conversationId }, { $set: { sentimentSum: 0, sentimentN: 0, sentimentAvg: null } });
      return rows.length;
    });
  }
}
