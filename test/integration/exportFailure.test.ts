import type { Message } from '../../models/records';
import { AppError } from '../../core/errors';
import { buildConversation } from '../../store/recordBuilders';
import { SqliteStore } from '../../store/sqliteStore';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** The embedded store, failing on demand where an export reads: the one way to make a store fail mid-stream. */
class FlakyStore extends SqliteStore {
  failSearch = false;
  failMessagesAfter = Infinity;
  override async searchTranscripts(...args: Parameters<SqliteStore['searchTranscripts']>) {
    if (this.failSearch) throw new AppError('STORE_UNAVAILABLE', 'search down');
    return super.searchTranscripts(...args);
  }
  override async listMessagesOf(ids: readonly string[]): Promise<Message[]> {
    if (this.failMessagesAfter-- <= 0) throw new AppError('STORE_UNAVAILABLE', 'messages down');
    return super.listMessagesOf(ids);
  }
}

describe('an export when the store fails', () => {
  let running: RunningApp;
  let store: FlakyStore;
  beforeAll(async () => {
    store = new FlakyStore(':memory:');
    running = await startTestApp({}, { store });
    const customer = await store.createCustomer({});
    const conversations = Array.from({ length: 250 }, (_, i) => ({
      ...buildConversation({
        channelId: 'x',
        channelConversationId: `x-${i}`,
        customerId: customer.id,
        reference: { channelId: 'x', serviceUrl: 'http://localhost', conversation: { id: `x-${i}` } },
      }),
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    }));
    await store.importRecords({ conversations });
  });
  afterAll(async () => running.stop());

  test('failing at once: a coded 503, no file; failing after the first page: the download breaks instead of ending cleanly', async () => {
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const get = () => fetch(`${running.url}/api/transcripts/export?format=json`, { headers: { authorization: `Bearer ${sup.token}` } });
    store.failSearch = true;
    const early = await get();
    expect([early.status, ((await early.json()) as { error: { code: string } }).error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
    store.failSearch = false;
    store.failMessagesAfter = 1;
    const late = await get();
    expect(late.status).toBe(200);
    await expect(late.text()).rejects.toThrow();
    store.failMessagesAfter = Infinity;
    const whole = await get();
    expect(((await whole.json()) as { conversations: unknown[] }).conversations).toHaveLength(250);
  });
});
