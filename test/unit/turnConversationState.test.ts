import { MemoryStorage, TestAdapter, TurnContext, type StoreItems } from 'botbuilder';
import { TurnConversationState } from '../../bot/turnConversationState';

/** A real MemoryStorage that records each write, so "saved only when changed" can be seen. */
class CountingStorage extends MemoryStorage {
  writes: StoreItems[] = [];
  override write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.parse(JSON.stringify(changes)) as StoreItems);
    return super.write(changes);
  }
}

describe('TurnConversationState: botbuilder conversation state with a JSON change check', () => {
  const storage = new CountingStorage();
  const state = new TurnConversationState(storage);
  const counter = state.createProperty<number>('counter');
  const turn = () =>
    new TurnContext(new TestAdapter(), {
      type: 'message',
      channelId: 'test',
      conversation: { id: 'c1', isGroup: false, conversationType: 'personal', name: 'c1' },
      from: { id: 'u', name: 'U' },
      text: 'hi',
    });

  test('saves a changed state, skips an unchanged one, and the next turn reads what was saved', async () => {
    const first = turn();
    expect(await counter.get(first, 0)).toBe(0);
    await counter.set(first, 1);
    await state.saveChanges(first);
    await state.saveChanges(first); // nothing changed since the save
    expect(storage.writes).toHaveLength(1);

    const second = turn();
    expect(await counter.get(second)).toBe(1);
    await state.saveChanges(second); // loaded, unchanged (the stored eTag does not count as a change)
    expect(storage.writes).toHaveLength(1);
    await counter.set(second, 2);
    await state.saveChanges(second);
    expect(storage.writes).toHaveLength(2);
    expect(state.get(second)).toMatchObject({ counter: 2 });
  });

  test('a forced save writes; clear empties the state and forces the next save; delete removes it', async () => {
    const t = turn();
    await state.load(t);
    const before = storage.writes.length;
    await state.saveChanges(t, true);
    expect(storage.writes).toHaveLength(before + 1);
    await state.clear(t);
    expect(state.get(t)).toEqual({});
    await state.saveChanges(t);
    expect(storage.writes).toHaveLength(before + 2);
    expect(await counter.get(turn())).toBeUndefined();
    await counter.set(t, 5);
    await state.saveChanges(t);
    await state.delete(t);
    expect(state.get(t)).toBeUndefined();
    expect(await counter.get(turn())).toBeUndefined();
  });

  test("properties keep upstream's contract: a default is copied, and set or delete first load what is stored", async () => {
    const memory = state.createProperty<{ topic?: string }>('memory');
    const t = turn();
    await counter.set(t, 7);
    await state.saveChanges(t);
    const fallback = { topic: 'none' };
    // A fresh turn: set loads the stored state first, so the counter saved above stays beside the new property.
    const next = turn();
    const got = await memory.get(next, fallback);
    got.topic = 'refund';
    expect(fallback).toEqual({ topic: 'none' });
    expect(await memory.get(next, fallback)).toBe(got);
    await state.saveChanges(next);
    const third = turn();
    await memory.set(third, { topic: 'order' });
    expect(state.get(third)).toMatchObject({ counter: 7, memory: { topic: 'order' } });
    await memory.delete(third);
    expect(await memory.get(third)).toBeUndefined();
    expect(await counter.get(third)).toBe(7);
    await state.saveChanges(third);
    const last = turn();
    await counter.delete(last);
    expect(state.get(last)).not.toHaveProperty('counter');
    expect(await memory.get(last)).toBeUndefined();
  });

  test('a state never loaded in this turn is not saved', async () => {
    const before = storage.writes.length;
    await state.saveChanges(turn());
    expect(storage.writes).toHaveLength(before);
  });
});

describe('TurnConversationState: a change made while a save is being written', () => {
  /** A MemoryStorage whose writes wait until the test lets them finish. */
  class HeldStorage extends MemoryStorage {
    writes = 0;
    release: () => void = () => undefined;
    hold = false;
    override async write(changes: StoreItems): Promise<void> {
      this.writes++;
      if (this.hold) await new Promise<void>((r) => (this.release = r));
      return super.write(changes);
    }
  }

  test('is written by the next save, not taken for saved', async () => {
    const storage = new HeldStorage();
    const state = new TurnConversationState(storage);
    const counter = state.createProperty<number>('counter');
    const t = new TurnContext(new TestAdapter(), {
      type: 'message',
      channelId: 'test',
      conversation: { id: 'held', isGroup: false, conversationType: 'personal', name: 'held' },
      from: { id: 'u', name: 'U' },
      text: 'hi',
    });
    await counter.set(t, 1);
    storage.hold = true;
    const saving = state.saveChanges(t);
    await new Promise((r) => setImmediate(r));
    await counter.set(t, 2); // while the write of 1 is under way
    storage.hold = false;
    storage.release();
    await saving;
    await state.saveChanges(t);
    expect(storage.writes).toBe(2);
    const next = new TurnContext(new TestAdapter(), t.activity);
    expect(await counter.get(next)).toBe(2);
  });
});
