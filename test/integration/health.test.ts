import { SqliteStore } from '../../store/sqliteStore';
import { startTestApp, type RunningApp } from '../helpers/testApp';

describe('health endpoints over real HTTP', () => {
  let running: RunningApp;
  afterEach(async () => running?.stop());

  test('/healthz and /readyz answer 200 with the embedded store', async () => {
    running = await startTestApp();
    const h = await fetch(`${running.url}/healthz`);
    expect(h.status).toBe(200);
    const r = await fetch(`${running.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready', store: 'sqlite' });
  });

  test('an unknown route gets a coded 404, a malformed JSON body a coded 400', async () => {
    running = await startTestApp();
    const r = await fetch(`${running.url}/nope`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });

  test('/readyz answers 503 when the store does not answer, and the process keeps serving', async () => {
    // A store whose ping never settles: the shape of an unreachable database server.
    class HangingStore extends SqliteStore {
      override ping(): Promise<void> {
        return new Promise(() => undefined);
      }
    }
    const store = new HangingStore(':memory:');
    running = await startTestApp({ STORE_TIMEOUT_MS: '300' }, { store });
    const r = await fetch(`${running.url}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ status: 'unavailable', error: { code: 'STORE_UNAVAILABLE' } });
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
  });

  test('/readyz answers 503 when the store fails', async () => {
    running = await startTestApp();
    await running.app.store.close();
    const r = await fetch(`${running.url}/readyz`);
    expect(r.status).toBe(503);
  });
});
