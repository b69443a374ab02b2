import { AppError } from '../../core/errors';
import type { MessageDoc } from '../../models/mongoSchemas';
import type { Message, NewMessage } from '../../models/records';
import { buildMessage, erasedMessage } from '../recordBuilders';
import { searchForm, searchPeriod } from '../searchText';
import type { EngineMessages } from '../storeEngine';
import type { AppendResult, WriteOptions } from '../storeTypes';
import { duplicateOn, rollupMark, rollupMarkStage, t, type MongoContext } from './mongoContext';

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
    searchPeriod: searchPeriod(m.createdAt),
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
 * server evaluates $cond in ($max(n, 1)), and is the same IEEE quotient SQLite computes at query time. A
 * customer's message counts on the dashboard (its intent on its day, its sentiment on the conversation's): the same
 * update records that for the daily rollups (rollupMarkStage), so counting it is one write, never two.
 */
export function countStep(m: Counted) {
  const customer = m.role === 'customer';
  const scored = customer && typeof m.sentiment === 'number';
  return [
    {
      $set: {
        lastSeq: m.seq,
        updatedAt: { $max: ['$updatedAt', { $literal: m.createdAt }] },
        sentimentSum: { $add: ['$sentimentSum', scored ? m.sentiment! : 0] },
        sentimentN: { $add: ['$sentimentN', scored ? 1 : 0] },
        ...(customer ? rollupMarkStage([m.createdAt.slice(0, 10)]) : {}),
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
 *
 * A `deferSync` append (a bot turn's) waits only for its insert; its counting step runs meanwhile, chained after
 * the conversation's earlier ones, and `sync()` (settle) waits for it before the turn answers, so a turn's appends
 * cost it one round trip each. An append also starts from the lastSeq this process last saw (a hint, primed by the
 * turn's read): a stale hint only makes the insert collide and the append count and try again.
 */
export class MongoMessages implements EngineMessages {
  private readonly hints = new Map<string, SeqHint>();
  /** Counting steps of deferSync appends still running, per conversation, each chained after the previous one. */
  private readonly counting = new Map<string, Promise<void>>();
  /** Conversations whose deferred counting failed since the last settle. */
  private readonly uncounted = new Set<string>();

  constructor(private readonly x: MongoContext) {}

  /** What a read of the conversation showed (readTurn): where its next append starts, unless this process knows more. */
  prime(conversationId: string, lastSeq: number, channelId: string): void {
    const known = this.hints.get(conversationId);
    if (!known || known.lastSeq < lastSeq) this.remember(conversationId, { lastSeq, channelId });
  }

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
        if (!(await this.step(conversationId, last, p))) {
          contended = true;
          break;
        }
        last = p.seq;
      }
      if (!contended && pending.length < 100) return last;
    }
    throw new AppError('STORE_UNAVAILABLE', 'could not count the messages of a conversation');
  }

  /** Counts message `m` (usually one step; advance when an earlier one is missing). Null: the conversation is gone. */
  private async count(conversationId: string, m: Counted): Promise<number | null> {
    return (await this.step(conversationId, m.seq - 1, m)) ? m.seq : this.advance(conversationId);
  }

  /** Counts `p` where lastSeq is still `last`, in one update; false when it is not (another writer counted, or no conversation). */
  private async step(conversationId: string, last: number, p: Counted): Promise<boolean> {
    return (await this.x.m.Conversation.updateOne({ _id: conversationId, lastSeq: last }, countStep(p))).matchedCount === 1;
  }

  /** A deferSync append's counting, chained after the conversation's previous one; settle() waits for it. */
  private countLater(conversationId: string, m: Message): void {
    const step = (this.counting.get(conversationId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        if ((await this.count(conversationId, m)) === null) {
          await this.x.m.Message.deleteOne({ _id: m.id });
          await this.x.markDays([m.createdAt]);
        }
      })
      .catch((err: unknown) => {
        this.uncounted.add(conversationId);
        throw err;
      });
    this.counting.set(conversationId, step);
    void step.finally(() => this.counting.get(conversationId) === step && this.counting.delete(conversationId)).catch(() => undefined);
  }

  /**
   * Waits for every deferred counting step started so far; one that failed is done again by advance (which throws
   * if the store still fails: then sync() fails and the turn does not answer).
   */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.counting.values()]);
    for (const conversationId of [...this.uncounted]) {
      await this.advance(conversationId);
      this.uncounted.delete(conversationId);
    }
  }

  appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult> {
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
            await (this.counting.get(conversationId) ?? Promise.resolve()).catch(() => undefined);
            const last = await this.advance(conversationId);
            if (last === null) throw new AppError('NOT_FOUND', 'conversation not found');
            hint.lastSeq = Math.max(last, hint.lastSeq + 1);
            continue;
          }
          throw err;
        }
        this.x.fault('message.afterInsert');
        if (options?.deferSync) {
          this.countLater(conversationId, m);
          hint.lastSeq = m.seq;
          this.remember(conversationId, hint);
          return { message: m, created: true };
        }
        await (this.counting.get(conversationId) ?? Promise.resolve()).catch(() => undefined);
        const last = await this.count(conversationId, m);
        if (last === null) {
          // The conversation was deleted meanwhile (a stale hint): leave no message behind it.
          this.forget(conversationId);
          await this.x.m.Message.deleteOne({ _id: m.id });
          await this.x.markDays([m.createdAt]);
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
    return this.x.wrap(async () =>
      (
        await this.x.m.Message.find({ conversationId, seq: t({ $gt: page.afterSeq }) })
          .sort({ seq: 1 })
          .limit(page.limit)
          .lean()
      ).map((r) => r.doc),
    );
  }

  findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null> {
    return this.x.wrap(async () => (await this.x.m.Message.findOne({ conversationId, activityId }).lean())?.doc ?? null);
  }

  eraseMessages(conversationId: string): Promise<number> {
    return this.x.wrap(async () => {
      const rows = await this.x.m.Message.find({ conversationId }).select({ doc: 1 }).lean();
      // The days it touches on the dashboard, marked before (a failure between the writes leaves no trace) and after.
      const conv = await this.x.m.Conversation.findOne({ _id: conversationId }).select({ createdAt: 1 }).lean();
      const days = [conv?.createdAt, ...rows.filter((r) => r.doc.role === 'customer').map((r) => r.doc.createdAt)];
      await this.x.markDays(days);
      if (rows.length) {
        await this.x.m.Message.bulkWrite(
          rows.map((r) => ({
            updateOne: {
              filter: { _id: r._id },
              update: { $set: { text: '', searchText: '', doc: erasedMessage(r.doc) }, $unset: { intent: 1, sentiment: 1 } },
            },
          })),
          { ordered: false },
        );
      }
      await this.x.m.Conversation.updateOne({ _id: conversationId }, { $set: { sentimentSum: 0, sentimentN: 0, sentimentAvg: null }, ...rollupMark(days) });
      // The rows' sample texts go now; a rebuild that read the records before the erasure fails on the new gen.
      await this.x.markDays(days, { dropRows: true });
      return rows.length;
    });
  }
}
