import { countingStore, roundTrips } from '../../store/countingStore';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { say } from '../helpers/activities';
import { tempStoreFile } from '../helpers/storeFiles';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Real /api/messages turns against a store that counts its calls (store/countingStore.ts): a turn for a known
 * customer in a known conversation makes at most 6 store round trips, a first contact at most 8, also when it is a new
 * customer whose channel gives a name (the staff accounts' names, which that name is judged against as they are now,
 * come with the turn's own read: profile/reservedNames.ts), whether or not the segment rules are read during it (at
 * most once per 5 seconds per process). The texts ask nothing of the commerce
 * backend: the demo backend happens to keep its orders in the store, a real one is the company's own system.
 */
describe('store round trips of a bot turn', () => {
  const counted = countingStore(new SqliteStore(tempStoreFile('round-trips'), { synchronous: 'normal' }));
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({}, { store: counted.store });
  });
  afterAll(async () => running.stop());

  async function turn(conversation: string, text: string, user = 'rt-user'): Promise<string[]> {
    counted.reset();
    const r = await say(running.url, conversation, text, { from: { id: user, name: 'Rita Trip' } });
    expect([r.status, r.replies.length > 0]).toEqual([200, true]);
    return counted.reset();
  }

  test('a first contact makes at most 8 (a new customer with a name too), every later turn at most 6; the turn reads customer, conversation and dialog state at once', async () => {
    const first = await turn('rt-1', 'hello');
    expect(roundTrips(first)).toBeLessThanOrEqual(8);
    // The staff names came with readTurn, not in a read of their own.
    expect(first.filter((c) => c === 'listUsers' || c === 'readTurn')).toEqual(['readTurn']);
    expect((await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'rt-user' }))?.displayName).toBe('Rita Trip');
    for (const text of ['what payment methods do you accept', 'qwfp arst zxcv', 'thank you', 'how do I change my password']) {
      const calls = await turn('rt-1', text);
      expect([text, roundTrips(calls)]).toEqual([text, Math.min(roundTrips(calls), 6)]);
      expect(calls.filter((c) => ['findCustomerByKey', 'getCustomer', 'findConversationByChannel', 'findMessageByActivity', 'readState'].includes(c))).toEqual(
        [],
      );
      expect(calls.filter((c) => c === 'readTurn')).toHaveLength(1);
    }
    // The same customer in a new conversation, and a second new customer: first contacts again.
    expect(roundTrips(await turn('rt-2', 'hello again'))).toBeLessThanOrEqual(8);
    expect(roundTrips(await turn('rt-3', 'hi there', 'rt-other'))).toBeLessThanOrEqual(8);
  });

  test('the profile update of a turn is one small write (recordCustomerMessage), made against the profile the turn read', async () => {
    await turn('rt-4', 'hello', 'rt-small');
    const before = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'rt-small' }))!;
    const calls = await turn('rt-4', 'what payment methods do you accept', 'rt-small');
    expect(calls.filter((c) => c === 'recordCustomerMessage')).toHaveLength(1);
    expect(calls.filter((c) => ['updateCustomer', 'getCustomer', 'findCustomerByKey'].includes(c))).toEqual([]);
    const after = (await running.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'rt-small' }))!;
    const history = await running.app.store.listSentiment(after.id);
    expect([after.version, after.recentSentiment.length, history.length, after.engagement.messages]).toEqual([
      before.version + 1,
      before.recentSentiment.length + 1,
      2,
      before.engagement.messages + 1,
    ]);
  });
});
