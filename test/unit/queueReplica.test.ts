import type { ConversationView, QueueDelta } from '../../agent-console/server/protocol';
import { stepQueue } from '../../agent-console/web/state/queueReplica';

const entry = (id: string, version = 1, extra: Partial<ConversationView> = {}) => ({ id, version, ...extra }) as ConversationView;
const delta = (seq: number, over: Partial<QueueDelta> = {}): QueueDelta => ({ epoch: 'e', seq, added: [], changed: [], removed: [], ...over });

describe("a console's steps on the queue feed (queueReplica.ts)", () => {
  const held = new Map([
    ['a', entry('a', 1, { skill: 'billing' })],
    ['b', entry('b', 3)],
  ]);
  const step = (d: QueueDelta) => stepQueue({ epoch: 'e', seq: 4 }, ['a', 'b'], (id) => held.get(id), d);

  test('the next delta applies: patches on the version they were made from, new entries last, removed ones gone', () => {
    const s = step(delta(5, { added: [entry('c')], changed: [{ id: 'a', from: 1, set: { version: 2, priority: 1 }, unset: ['skill'] }], removed: ['b'] }));
    expect(s).toEqual({
      kind: 'apply',
      at: { epoch: 'e', seq: 5 },
      entries: [entry('c'), entry('a', 2, { priority: 1 })],
      ids: ['a', 'c'],
      removed: ['b'],
      reasons: {},
    });
    expect(held.get('a')).toEqual(entry('a', 1, { skill: 'billing' })); // what is held is not mutated
  });

  test('an order that came with the delta wins over "what stayed, then what came"', () => {
    expect(step(delta(5, { added: [entry('c')], order: ['c', 'b', 'a'] }))).toMatchObject({ kind: 'apply', ids: ['c', 'b', 'a'] });
  });

  test('a delta already held is skipped; a gap, another feed or a patch on a version not held asks for the whole queue', () => {
    expect(step(delta(4))).toEqual({ kind: 'skip' });
    expect(step(delta(6))).toEqual({ kind: 'resync', why: 'gap' });
    expect(step({ ...delta(5), epoch: 'other' })).toEqual({ kind: 'resync', why: 'feed' });
    expect(stepQueue(undefined, [], () => undefined, delta(1))).toEqual({ kind: 'resync', why: 'feed' });
    // b is held at version 3: a patch from 2 → 3 is already in it (kept as held), one from 4 is news it missed.
    expect(step(delta(5, { changed: [{ id: 'b', from: 2, set: { version: 3 } }] }))).toMatchObject({ kind: 'apply', entries: [] });
    expect(step(delta(5, { changed: [{ id: 'b', from: 4, set: { version: 5 } }] }))).toEqual({ kind: 'resync', why: 'entry' });
    expect(step(delta(5, { changed: [{ id: 'zz', from: 1, set: { version: 2 } }] }))).toEqual({ kind: 'resync', why: 'entry' });
  });
});
