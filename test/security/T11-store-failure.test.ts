import { say } from '../helpers/activities';
import { failFsync, tempStoreFile } from '../helpers/storeFiles';
import { startTestApp, type RunningApp } from '../helpers/testApp';
import { SqliteStore } from '../../store/sqlite/sqliteStore';

/**
 * T11 — the store fails: requests fail closed (a coded 503, nothing answered as if stored), and the service
 * recovers by itself when it can (a full disk, whose failed writes SQLite rolled back cleanly) or asks to be
 * restarted when it cannot (a failed fsync: what the disk holds is unknown), through its probes.
 */
describe('T11 store failure: fails closed, then recovers or asks for a restart', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  const probe = async (path: '/healthz' | '/readyz') => (await fetch(`${running!.url}${path}`)).status;

  test('a full disk: the message is refused with 503 and not stored, readiness fails; once space is back, readiness and messages recover', async () => {
    // No hold between a rolled-back write and the next probe: this test drives the probe itself.
    const store = new SqliteStore(tempStoreFile('t11-full'), { synchronous: 'normal', recoveryHoldMs: 0 });
    running = await startTestApp({}, { store });
    expect((await say(running.url, 't11-full', 'hello')).status).toBe(200);
    const db = store.database;
    // The database may not grow by a single page: SQLite answers SQLITE_FULL, as with a full disk.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const long = `where do I send my return ${'so much detail '.repeat(400)}`;
    const refused = await say(running.url, 't11-full', long);
    expect([refused.status, refused.body.error?.code, refused.replies]).toEqual([503, 'STORE_UNAVAILABLE', []]);
    expect(await probe('/readyz')).toBe(503);
    expect(await probe('/healthz')).toBe(200);
    const conversation = (await store.findConversationByChannel('test', 't11-full'))!;
    expect((await store.listMessages(conversation.id)).some((m) => m.text === long)).toBe(false);
    // Space is back.
    db.pragma('max_page_count = 1073741823');
    expect(await probe('/readyz')).toBe(200);
    const accepted = await say(running.url, 't11-full', long);
    expect(accepted.status).toBe(200);
    expect(accepted.replies.length).toBeGreaterThan(0);
    expect((await store.listMessages(conversation.id)).filter((m) => m.text === long)).toHaveLength(1);
    expect(store.health()).toEqual({ status: 'ok' });
  });

  test('a failed fsync: the message is refused with 503, and liveness fails so the process is restarted, even once fsync works again', async () => {
    const store = new SqliteStore(tempStoreFile('t11-fsync'));
    running = await startTestApp({}, { store });
    expect((await say(running.url, 't11-fsync', 'hello')).status).toBe(200);
    expect([await probe('/healthz'), await probe('/readyz')]).toEqual([200, 200]);
    const fsync = failFsync();
    try {
      const refused = await say(running.url, 't11-fsync', 'what payment methods do you accept');
      expect([refused.status, refused.body.error?.code, refused.replies]).toEqual([503, 'STORE_UNAVAILABLE', []]);
    } finally {
      fsync.mockRestore();
    }
    const health = await fetch(`${running.url}/healthz`);
    expect([health.status, ((await health.json()) as { error: { code: string } }).error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
    expect(await probe('/readyz')).toBe(503);
    expect((await say(running.url, 't11-fsync', 'hello again')).status).toBe(503);
    expect(store.health()).toMatchObject({ status: 'failed' });
  });
});
