import http from 'node:http';
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

  /** A JSON body sent in chunks, without Content-Length: read whole, or refused once it passes the limit. */
  function postChunked(url: string, path: string, pieces: string[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (const p of pieces) req.write(p);
      req.end();
    });
  }

  test('a chunked JSON body is read whole; one over 256 KB gets a coded 413', async () => {
    running = await startTestApp();
    const login = await postChunked(running.url, '/api/auth/login', ['{"email":"nobody@example.com",', '"password":"wrong-password"}']);
    expect(login.status).toBe(401);
    const big = await postChunked(running.url, '/api/auth/login', ['{"email":"', 'x'.repeat(200_000), 'x'.repeat(200_000), '"}']);
    expect(big.status).toBe(413);
    expect((JSON.parse(big.body) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
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
