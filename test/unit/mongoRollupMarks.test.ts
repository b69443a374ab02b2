/**
 * The MongoDB engine's dashboard marks, with the driver replaced at its boundary (no MongoDB server runs here):
 * which requests an append sends, and how `collect` passes conversations' recorded changes on to the days when a
 * failure or a concurrent write falls between its writes. The fake collections keep documents in memory and apply
 * exactly the filters these two code paths send; MongoDB's own semantics are the contract suite's (MONGODB_URI).
 */
import type { MongoModels } from '../../models/mongoSchemas';
import type { FaultPoint } from '../../store/faults';
import { MongoContext } from '../../store/mongo/mongoContext';
import { MongoMessages } from '../../store/mongo/mongoMessages';
import { MongoRollups } from '../../store/mongo/mongoRollups';

interface Pending {
  _id: string;
  createdAt: string;
  rollupMarks?: number;
  rollupDays?: string[];
}

type Update = { updateOne: { filter: { _id: string; rollupMarks?: number }; update: Record<string, unknown> } };

function fakeStore(onFault: (point: FaultPoint) => void = () => undefined) {
  const requests: string[] = [];
  const conversations = new Map<string, Pending>();
  const marked: string[][] = [];
  const pipelines: unknown[] = [];
  const lean = <T>(value: T) => ({ limit: () => ({ select: () => ({ lean: () => Promise.resolve(value) }) }) });
  const m = {
    Conversation: {
      find: (filter: Record<string, unknown>) => {
        requests.push('Conversation.find');
        expect(Object.keys(filter)).toEqual(['rollupMarks']);
        return lean([...conversations.values()].filter((c) => c.rollupMarks !== undefined).map((c) => ({ ...c })));
      },
      bulkWrite: (ops: Update[]) => {
        requests.push('Conversation.bulkWrite');
        for (const { updateOne: u } of ops) {
          const c = conversations.get(u.filter._id);
          // The compare-and-set: cleared only while no write marked it again since it was read.
          if (c && c.rollupMarks === u.filter.rollupMarks) {
            delete c.rollupMarks;
            delete c.rollupDays;
          }
        }
        return Promise.resolve({});
      },
      updateOne: (_filter: unknown, update: unknown) => {
        requests.push('Conversation.updateOne');
        pipelines.push(update);
        return Promise.resolve({ matchedCount: 1 });
      },
    },
    Message: {
      create: () => {
        requests.push('Message.create');
        return Promise.resolve({});
      },
    },
    DayRollup: {
      bulkWrite: (ops: { updateOne: { filter: { _id: string } } }[]) => {
        requests.push('DayRollup.bulkWrite');
        marked.push(ops.map((o) => o.updateOne.filter._id).sort());
        return Promise.resolve({});
      },
    },
  };
  const x = new MongoContext(m as unknown as MongoModels, onFault);
  /** What a conversation write with rollupMark does to the document in MongoDB. */
  const write = (id: string, createdAt: string, days: string[] = []) => {
    const c = conversations.get(id) ?? { _id: id, createdAt };
    conversations.set(id, { ...c, rollupMarks: (c.rollupMarks ?? 0) + 1, rollupDays: [...new Set([...(c.rollupDays ?? []), ...days])] });
  };
  return { x, requests, conversations, marked, pipelines, write };
}

describe('MongoDB: a counted message is marked for the dashboard in the update that counts it', () => {
  test("a customer's message costs two requests, the insert and one counting update that also records its days", async () => {
    const f = fakeStore();
    const messages = new MongoMessages(f.x);
    messages.prime('c1', 0, 'webchat');
    const said = await messages.appendMessage({ conversationId: 'c1', role: 'customer', text: 'where is my order', intent: 'order.track', sentiment: -0.5 });
    await messages.appendMessage({ conversationId: 'c1', role: 'bot', text: 'Let me look' });
    expect(f.requests).toEqual(['Message.create', 'Conversation.updateOne', 'Message.create', 'Conversation.updateOne']);
    const [customer, bot] = f.pipelines as { $set: Record<string, unknown> }[][];
    const day = said.message.createdAt.slice(0, 10);
    expect(customer[0].$set).toMatchObject({
      lastSeq: 1,
      rollupMarks: { $add: [{ $ifNull: ['$rollupMarks', 0] }, 1] },
      rollupDays: { $setUnion: [{ $ifNull: ['$rollupDays', []] }, [{ $substrBytes: ['$createdAt', 0, 10] }, { $literal: day }]] },
    });
    // A bot's message changes no dashboard figure: nothing to mark.
    expect(bot[0].$set).toMatchObject({ lastSeq: 2 });
    expect(Object.keys(bot[0].$set)).not.toContain('rollupMarks');
  });
});

describe('MongoDB: collect passes recorded changes on to the days, and heals a failure between its writes', () => {
  test("each pending conversation's days are marked once, then cleared; with nothing pending a collect marks nothing", async () => {
    const f = fakeStore();
    f.write('a', '2026-03-01T10:00:00.000Z');
    f.write('b', '2026-03-01T23:59:59.999Z', ['2026-03-02']);
    const rollups = new MongoRollups(f.x);
    expect(await rollups.collect()).toBe(2);
    expect(f.marked).toEqual([['2026-03-01', '2026-03-02']]);
    expect([...f.conversations.values()].filter((c) => c.rollupMarks !== undefined)).toEqual([]);
    f.requests.length = 0;
    expect(await rollups.collect()).toBe(0);
    expect(f.requests).toEqual(['Conversation.find']);
  });

  test('a failure after the days are marked: nothing is cleared, and the next collect marks them again and clears them', async () => {
    let fail = true;
    const f = fakeStore((point) => {
      if (point === 'rollup.beforeClear' && fail) {
        fail = false;
        throw new Error('injected');
      }
    });
    f.write('a', '2026-03-01T10:00:00.000Z', ['2026-03-03']);
    const rollups = new MongoRollups(f.x);
    await expect(rollups.collect()).rejects.toThrow('injected');
    expect(f.conversations.get('a')?.rollupMarks).toBe(1);
    expect(await rollups.collect()).toBe(1);
    expect(f.marked).toEqual([
      ['2026-03-01', '2026-03-03'],
      ['2026-03-01', '2026-03-03'],
    ]);
    expect(f.conversations.get('a')?.rollupMarks).toBeUndefined();
  });

  test('a write between the read and the clear keeps its conversation pending: its new day is marked by the next collect', async () => {
    let raced = false;
    const f = fakeStore((point) => {
      if (point === 'rollup.beforeClear' && !raced) {
        raced = true;
        f.write('a', '2026-03-01T10:00:00.000Z', ['2026-03-04']);
      }
    });
    f.write('a', '2026-03-01T10:00:00.000Z');
    const rollups = new MongoRollups(f.x);
    await rollups.collect();
    expect(f.conversations.get('a')).toMatchObject({ rollupMarks: 2, rollupDays: ['2026-03-04'] });
    await rollups.collect();
    expect(f.marked).toEqual([['2026-03-01'], ['2026-03-01', '2026-03-04']]);
    expect(f.conversations.get('a')?.rollupMarks).toBeUndefined();
  });
});
