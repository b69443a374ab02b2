import { QueueFeed } from '../../agent-console/server/queueFeed';
import type { ConversationView, QueueDelta } from '../../agent-console/server/protocol';

/** A queued chat as the feed reads it; only what the feed looks at matters (id, content). */
const entry = (id: string, version = 1, extra: Partial<ConversationView> = {}) => ({ id, version, waitingSeconds: 0, ...extra }) as ConversationView;

function feed() {
  let queue: ConversationView[] = [];
  const sent: QueueDelta[] = [];
  const f = new QueueFeed(
    () => Promise.resolve(queue),
    (d) => sent.push(d),
  );
  return { f, sent, set: (q: ConversationView[]) => (queue = q) };
}

describe('queue feed: numbered deltas of the queue', () => {
  test('the first read is a change from nothing; then only what was added, changed or removed goes out, numbered one by one', async () => {
    const { f, sent, set } = feed();
    set([entry('a'), entry('b')]);
    const base = await f.refresh();
    expect(base).toMatchObject({ seq: 1, queue: [{ id: 'a' }, { id: 'b' }] });
    expect(sent).toEqual([{ epoch: base.epoch, seq: 1, added: [entry('a'), entry('b')], changed: [], removed: [] }]);

    set([entry('a'), entry('b', 2), entry('c')]);
    const next = await f.refresh();
    // A changed entry goes as its changed fields, on the version it was made from.
    expect(sent[1]).toEqual({ epoch: base.epoch, seq: 2, added: [entry('c')], changed: [{ id: 'b', from: 1, set: { version: 2 } }], removed: [] });
    expect(next).toMatchObject({ epoch: base.epoch, seq: 2 });

    set([entry('b', 2), entry('c')]);
    await f.refresh();
    expect(sent[2]).toEqual({ epoch: base.epoch, seq: 3, added: [], changed: [], removed: ['a'] });
  });

  test('a chat that left says why when the change was told: the delta removing it carries the reason, once', async () => {
    const { f, sent, set } = feed();
    set([entry('a'), entry('b'), entry('c')]);
    await f.refresh();
    // Told before the read that finds it gone (the erasure closed it), and one told while still queued (read first).
    f.leaving('a', 'erased');
    f.leaving('c', 'claimed');
    set([entry('b'), entry('c')]);
    await f.refresh();
    expect(sent[1]).toMatchObject({ removed: ['a'], reasons: { a: 'erased' } });
    set([entry('b')]);
    await f.refresh();
    expect(sent[2]).toMatchObject({ removed: ['c'], reasons: { c: 'claimed' } });
    // A removal nobody explained has no reason; a reason for a chat never held is dropped, not kept forever.
    f.leaving('zzz', 'closed');
    set([]);
    await f.refresh();
    expect(sent[3].removed).toEqual(['b']);
    expect(sent[3].reasons).toBeUndefined();
    set([entry('zzz')]);
    await f.refresh();
    set([]);
    await f.refresh();
    expect(sent[5].reasons).toBeUndefined();
  });

  test('nothing changed (the wait alone moving) sends nothing and keeps the number', async () => {
    const { f, sent, set } = feed();
    set([entry('a')]);
    await f.refresh();
    set([entry('a', 1, { waitingSeconds: 40 })]);
    expect((await f.refresh()).seq).toBe(1);
    expect(sent).toHaveLength(1);
  });

  test('the order goes along only when the console could not work it out (a priority chat jumping ahead)', async () => {
    const { f, sent, set } = feed();
    set([entry('a'), entry('b')]);
    await f.refresh();
    set([entry('vip'), entry('a'), entry('b')]);
    await f.refresh();
    expect(sent[1]).toMatchObject({ added: [{ id: 'vip' }], order: ['vip', 'a', 'b'] });
    set([entry('vip'), entry('b'), entry('late')]);
    await f.refresh();
    expect(sent[2]).toEqual({ epoch: sent[0].epoch, seq: 3, added: [entry('late')], changed: [], removed: ['a'] });
  });

  test('reads run one at a time: concurrent refreshes number their deltas in order, none lost', async () => {
    const { f, sent, set } = feed();
    set([]);
    await f.refresh(); // nothing, nothing sent
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      set(Array.from({ length: i + 1 }, (_, j) => entry(`c${j}`)));
      runs.push(f.refresh());
    }
    await Promise.all(runs);
    expect(sent.map((d) => d.seq)).toEqual(sent.map((_, i) => i + 1));
    expect(sent.flatMap((d) => d.added.map((c) => c.id))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  test('a changed entry carries only its changed fields, and the fields it lost', async () => {
    const { f, sent, set } = feed();
    const offered = { offeredTo: ['ann'], offeredAt: '2026-11-30T10:00:00.000Z' };
    set([entry('a', 1, { priority: 0, queueInfo: { offeredTo: [] }, skill: 'billing', customerName: 'Ada', tags: ['vip'] })]);
    await f.refresh();
    set([entry('a', 2, { priority: 0, queueInfo: offered, customerName: 'Ada', tags: ['vip'], waitingSeconds: 90 })]);
    await f.refresh();
    expect(sent[1].changed).toEqual([{ id: 'a', from: 1, set: { version: 2, queueInfo: offered }, unset: ['skill'] }]);
    // A renamed customer is a change though the chat's version is not.
    set([entry('a', 2, { priority: 0, queueInfo: offered, customerName: 'Ada L.', tags: ['vip'] })]);
    await f.refresh();
    expect(sent[2].changed).toEqual([{ id: 'a', from: 2, set: { customerName: 'Ada L.' } }]);
  });

  test("of a chat's routing, consoles get the standing offer only: a position notice or who passed changes nothing they hold", async () => {
    const { f, sent, set } = feed();
    const info = { offeredTo: ['ann', 'ben'], offeredAt: '2026-11-30T10:00:00.000Z', passedAt: { ann: '2026-11-30T09:59:00.000Z' } };
    set([entry('a', 1, { queueInfo: info })]);
    const first = await f.refresh();
    expect(first.queue[0].queueInfo).toEqual({ offeredTo: ['ben'], offeredAt: info.offeredAt });
    set([entry('a', 2, { queueInfo: { ...info, lastNotice: { position: 1, waitSeconds: 30 } } })]);
    await f.refresh();
    expect(sent[1].changed).toEqual([{ id: 'a', from: 1, set: { version: 2 } }]);
  });

  test('two feeds (two server processes) have different epochs', async () => {
    const [x, y] = [feed(), feed()];
    expect((await x.f.refresh()).epoch).not.toBe((await y.f.refresh()).epoch);
  });
});
