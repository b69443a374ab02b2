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
    expect(after.recentSentiment).toEqual([-0.5]);
    const fresh = await profiles.recordMessage(read.id, message(1), after);
    expect(fresh.engagement.messages).toBe(2);
    expect((await store.listSentiment(read.id)).map((s) => s.at)).toEqual([message(0).at, message(1).at]);
  });

  it('returns exactly the profile it stored, derived fields included (segments, engagement score), and keeps 200 points', async () => {
    const profiles = new ProfileService(store);
    let c = await profiles.resolve({ channelId: 'test', userId: 'u2', name: 'Bea' });
    for (let i = 0; i < 203; i++) c = await profiles.recordMessage(c.id, message(i), c);
    const stored = await profiles.get(c.id);
    expect(c).toEqual(stored);
    const history = await store.listSentiment(c.id);
    expect([history.length, history[0].at, stored.recentSentiment, stored.engagement.messages, stored.engagement.conversations]).toEqual([
      200,
      message(3).at,
      [-0.5, -0.5, -0.5, -0.5, -0.5],
      203,
      1,
    ]);
    // Five messages at −0.5: at risk; the engagement score follows the last contact.
    expect(stored.segments).toContain('at_risk');
    expect(stored.engagement.score).toBeGreaterThan(0);
  });

  it('follows a merged profile to the one it was merged into', async () => {
    const profiles = new ProfileService(store);
    const absorbed = await profiles.resolve({ channelId: 'test', userId: 'u3' });
    const survivor = await profiles.resolve({ channelId: 'test', userId: 'u4' });
    await store.updateCustomer(absorbed.id, { mergedInto: survivor.id });
    const after = await profiles.recordMessage(absorbed.id, message(0), absorbed);
    expect([after.id, after.engagement.messages, (await profiles.get(absorbed.id)).engagement.messages]).toEqual([survivor.id, 1, 1]);
  });
});
