import { spawn } from 'node:child_process';
import path from 'node:path';
import { appOn, section, type BenchSink } from './benchKit';

/** `npm run bench` section "connections": server memory per agent socket and per polling web chat customer. */
export async function connections({ dir, rows, results }: BenchSink): Promise<void> {
  section('memory per connection (server process, heap + external)');
  const { app, url } = await appOn(dir, { DATABASE_URL: path.join(dir, 'conn.sqlite') });
  const user = await app.services.auth.createUser({ email: 'conn@bench.local', name: 'Conn', password: 'bench-password-1', role: 'agent' });
  const token = app.services.auth.tokenFor(await app.services.auth.issue(user.id));
  const mem = () => {
    global.gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const out: Record<string, number> = {};
  for (const n of [1000, 5000]) {
    const before = mem();
    const p = spawn(process.execPath, [path.join(__dirname, 'socketClients.js'), url, token, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => p.stdout.on('data', (d) => String(d).includes('connected') && resolve()));
    await new Promise((r) => setTimeout(r, 500));
    out[`agentSocketBytes_${n}`] = Math.round((mem() - before) / n);
    p.stdin.end();
    await new Promise((r) => p.on('exit', r));
    await new Promise((r) => setTimeout(r, 500));
  }
  // Web chat customers poll; the server keeps no per-customer connection state between polls.
  for (const n of [1000, 5000]) {
    const before = mem();
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, async () => {
          const s = (await (await fetch(`${url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
            token: string;
            conversationId: string;
          };
          await (
            await fetch(`${url}/v3/directline/conversations/${s.conversationId}/activities?watermark=0`, { headers: { authorization: `Bearer ${s.token}` } })
          ).arrayBuffer();
        }),
      );
    }
    out[`webchatCustomerBytes_${n}`] = Math.round((mem() - before) / n);
  }
  await app.close();
  rows.push(['memory per agent socket at 1k/5k (bytes)', `${out.agentSocketBytes_1000} / ${out.agentSocketBytes_5000}`, 'server heap+external']);
  rows.push([
    'memory per web chat customer at 1k/5k (bytes)',
    `${out.webchatCustomerBytes_1000} / ${out.webchatCustomerBytes_5000}`,
    'polling: no per-customer state',
  ]);
  results.connections = out;
}
