import { openApiPath } from '../../api/openapi';
import { startTestApp } from '../helpers/testApp';

test('/api/openapi.json describes every /api route the server registers, with its method', async () => {
  const running = await startTestApp();
  try {
    const res = await fetch(`${running.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const registered = (running.app.server.getDebugInfo() as { routes: { method: string; path: string }[] }).routes.filter((r) =>
      String(r.path).startsWith('/api/'),
    );
    expect(registered.length).toBeGreaterThan(15);
    const missing = registered.filter((r) => !doc.paths[openApiPath(String(r.path))]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  } finally {
    await running.stop();
  }
});
