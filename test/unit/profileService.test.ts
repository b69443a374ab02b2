import { ProfileService } from '../../profile/profileService';
import { SqliteStore } from '../../store/sqliteStore';

describe('ProfileService.recordMessage with the profile the caller already read', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    await store.init();
  });
  afterEach(() => store.close());

  const message = (n: number) => ({ sentiment: -0.5, conversationId: 'c1', at: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), newConversation: n === 0 });

  it('starts from it, and keeps a change made since it was read (the version check retries)', async () => {
    const profiles = new ProfileService(store);
    const read = await profiles.resolve({ channelId: 'test', userId: 'u1', name: 'Ana' });
    // Someone else changes the profile after the turn read it: the stale copy must not overwrite that.
    await profiles.setName(read.id, 'Ana María');
    const after = await profiles.recordMessage(read.id, message(0), read);
    expect(after.displayName).toBe('Ana María');
    expect(after.engagement.messages).toBe(1);
    expect(after.sentiment).toHaveLength(1);
    const fresh = await profiles.recordMessage(read.id, message(1), after);
    expect(fresh.engagement.messages).toBe(2);
    expect((await profiles.get(read.id)).sentiment.map((s) => s.at)).toEqual([message(0).at, message(1).at]);
  });
});
