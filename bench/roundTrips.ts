import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildApp, trainRecognizer } from '../app/app';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { countingStore, roundTrips } from '../store/countingStore';
import { SqliteStore } from '../store/sqliteStore';
import type { BenchSink } from './benchKit';

/**
 * `npm run bench` section "trips": store round trips per bot turn (issue 18: a known customer at most 6, a first
 * contact at most 8), counted by wrapping the store (store/countingStore.ts) under real /api/messages turns. The
 * baseline beside them is the limit; the same count is asserted by test/integration/storeRoundTrips.test.ts.
 */
const TEXTS = ['what payment methods do you accept', 'how long does delivery take', 'thank you', 'qwfp arst zxcv', 'how do I change my password'];
const FIRST_CONTACTS = 20;

export async function storeRoundTrips({ dir, rows, results }: BenchSink): Promise<void> {
  process.stdout.write('\n== store round trips per bot turn\n');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: path.join(dir, 'trips.sqlite'),
    NLU_MODEL_CACHE: path.join(dir, 'nlu.json'),
    RATE_LIMIT_CONVERSATION_MESSAGES: '1000000/1',
    RATE_LIMIT_IP_MESSAGES: '1000000/1',
  });
  const counted = countingStore(new SqliteStore(path.join(dir, 'trips.sqlite'), { synchronous: 'full' }));
  const app = await buildApp(config, createLogger('silent'), { store: counted.store, recognizer: await trainRecognizer(config) });
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const turn = async (conversation: string, user: string, text: string): Promise<number> => {
    counted.reset();
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: 'bench',
        serviceUrl: 'http://127.0.0.1:9',
        conversation: { id: conversation },
        from: { id: user, name: 'Bench' },
        recipient: { id: 'bot' },
        text,
        locale: 'en-US',
        deliveryMode: 'expectReplies',
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`turn answered ${res.status}`);
    return roundTrips(counted.reset());
  };
  const first: number[] = [];
  const known: number[] = [];
  try {
    for (let i = 0; i < FIRST_CONTACTS; i++) {
      const user = `trips-${i}`;
      first.push(await turn(`trips-${i}`, user, 'hello'));
      for (const text of TEXTS) known.push(await turn(`trips-${i}`, user, text));
    }
  } finally {
    await app.close();
  }
  const stats = (xs: number[]) => ({ max: Math.max(...xs), mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 });
  const f = stats(first);
  const k = stats(known);
  rows.push(['store round trips per turn, known customer (max / mean)', `${k.max} / ${k.mean}`, `limit 6; ${known.length} turns`]);
  rows.push(['store round trips per turn, first contact (max / mean)', `${f.max} / ${f.mean}`, `limit 8; ${first.length} turns`]);
  results.roundTrips = { known: k, firstContact: f, limits: { known: 6, firstContact: 8 } };
}
