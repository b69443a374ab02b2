import type { AddressInfo } from 'node:net';
import { buildApp, trainRecognizer } from '../app/app';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';

/**
 * Child process for the export benchmark: serves the real app on a given store file and reports its
 * own memory, so the figure is the server's alone. Prints "ready <url> <token> <rssBytes>"; on stdin
 * "stop" prints {"rssBeforeBytes","maxRssBytes"} and exits.
 */
async function main(): Promise<void> {
  const [file, modelCache] = process.argv.slice(2);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: file, NLU_MODEL_CACHE: modelCache, SQLITE_SYNCHRONOUS: 'normal' });
  const app = await buildApp(config, createLogger('silent'), { recognizer: await trainRecognizer(config) });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const user = await app.services.auth.createUser({
    email: `export-${Date.now()}@bench.local`,
    name: 'Bench Supervisor',
    password: 'bench-password-1',
    role: 'supervisor',
  });
  const token = app.services.auth.tokenFor(await app.services.auth.issue(user.id));
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  process.stdout.write(`ready http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port} ${token} ${before}\n`);
  process.stdin.on('data', (d) => {
    if (!String(d).includes('stop')) return;
    clearInterval(sampler);
    process.stdout.write(`${JSON.stringify({ rssBeforeBytes: before, peakRssBytes: peak, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
    void app.close().then(() => process.exit(0));
  });
}

void main();
