import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/**
 * A CPU profile of this process over a window (the inspector's sampling profiler, as `node --cpu-prof` writes it,
 * but only between start and the returned stop): the load sections whose server runs in the bench's own process
 * profile their measured load, not their connecting and seeding. The file opens in Chrome's DevTools (Performance).
 */
export async function startCpuProfile(): Promise<(file: string) => Promise<string>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  // 1 ms (the default is about 1 ms too, said explicitly): fine enough for a 3 ms message, cheap enough not to move it.
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return async (file) => {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
