import { AppError } from '../../core/errors';
import type { MessageDoc } from '../../models/mongoSchemas';
import type { ConversationExpectation, Message, NewMessage } from '../../models/records';
import { buildMessage, erasedMessage } from '../recordBuilders';
import { searchForm, searchPeriod } from '../searchText';
import type { EngineMessages } from '../storeEngine';
import type { AppendResult, WriteOptions } from '../storeTypes';
import { duplicateOn, rollupMark, rollupMarkStage, t, type MongoContext } from './mongoContext';
import { conversationFilter } from './mongoConversations';

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

  /**
   * appendMessage under a condition on the conversation (an agent's message on the chat they hold). The insert and
   * its counting step are one multi-document transaction (the engine runs on a replica set), and both the read that
   * finds the next seq and the counting step carry the condition in their filter: a takeover, transfer or close that
   * committed first leaves nothing to match, and nothing is written; one that commits while the transaction runs
   * changes the conversation document it is about to write, so the transaction meets a write conflict and is run again
   * by withTransaction (a transient error), and then finds the condition gone. A change that comes after the commit
   * waits for it and is ordered after the message. No other writer sees or counts the message before the commit.
   */
  appendMessageIf(input: NewMessage, expect: ConversationExpectation): Promise<AppendResult | null> {
    const conversationId = input.conversationId;
    return this.x.wrap(async (): Promise<AppendResult | null> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        // A retry is answered as appendMessage answers it, whatever the conversation is now.
        if (input.activityId !== undefined) {
          const existing = await this.x.m.Message.findOne({ conversationId, activityId: input.activityId }).lean();
          if (existing) {
            await this.advance(conversationId);
            return { message: existing.doc, created: false };
          }
        }
        // Earlier messages counted first (this process's deferred steps, another writer's uncounted insert), so the
        // transaction starts where nothing is stored beyond lastSeq.
        await (this.counting.get(conversationId) ?? Promise.resolve()).catch(() => undefined);
        if ((await this.advance(conversationId)) === null) return null;
        const outcome = await this.appendInTransaction(input, expect);
        if (outcome === 'again') continue;
        if (outcome) this.remember(conversationId, { lastSeq: outcome.message.seq, channelId: outcome.channelId });
        return outcome && { message: outcome.message, created: true };
      }
      throw new AppError('STORE_UNAVAILABLE', 'could not append after many attempts');
    });
  }

  /** One try: the stored message and its channel, null when the condition does not hold, 'again' when another writer took the seq. */
  private async appendInTransaction(input: NewMessage, expect: ConversationExpectation): Promise<{ message: Message; channelId: string } | null | 'again'> {
    const { Conversation, Message } = this.x.m;
    const session = await Conversation.db.startSession();
    let outcome: { message: Message; channelId: string } | null = null;
    try {
      await session.withTransaction(
        async () => {
          outcome = null;
          const row = await Conversation.findOne(conversationFilter(input.conversationId, expect)).select({ lastSeq: 1, channelId: 1 }).session(session).lean();
          if (!row) return;
          const m = buildMessage(input, row.lastSeq + 1);
          await Message.create([messageDoc(m, row.channelId)], { session });
          const counted = await Conversation.updateOne({ ...conversationFilter(input.conversationId, expect), lastSeq: row.lastSeq }, countStep(m), {
            session,
          });
          // Within the transaction's snapshot the filter still matches unless something moved: abort, try again.
          if (counted.matchedCount !== 1) throw new SeqTaken();
          outcome = { message: m, channelId: row.channelId };
        },
        { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } },
      );
      return outcome;
    } catch (err) {
      // Another writer's message holds this seq, or the same activity was stored meanwhile: the caller looks again.
      if (err instanceof SeqTaken || duplicateOn(err, 'seq') || duplicateOn(err, 'activityId')) return 'again';
      throw err;
    } finally {
      await session.endSession();
    }
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

/** The counting step of a conditional append matched nothing inside its transaction (aborts it). */
class SeqTaken extends Error {}
