/**
 * The embedded store shared by several processes on one machine (README, The store: several processes on one
 * file). Real child processes, each with its own connection, group commit, checkpoint worker and full-text
 * indexing, on one file: what they acknowledge is all there, in order, once; a claim has one winner; a quota (codes
 * sent per address) is never exceeded between them; starting a
 * process (which migrates) while others write loses nothing from the full-text index.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { buildConversation, buildMessage } from '../../store/recordBuilders';
import { SqliteStore } from '../../store/sqliteStore';
import type { WorkerCommand } from '../helpers/sqliteWorker';

const REGISTER_TS = path.join(__dirname, 'helpers', 'registerTs.js');
const WORKER = path.join(__dirname, '..', 'helpers', 'sqliteWorker.ts');

interface Worker {
  ready: Promise<void>;
  result: Promise<Record<string, unknown>>;
  go(): void;
}

function startWorker(command: WorkerCommand): Worker {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(process.execPath, ['-r', REGISTER_TS, WORKER, JSON.stringify(command)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let onLine: () => void = () => undefined;
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
    onLine();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const waitFor = (pred: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = lines.find(pred);
        const failed = lines.find((l) => l.error);
        if (failed) reject(new Error(String(failed.error)));
        else if (found) resolve(found);
      };
      const previous = onLine;
      onLine = () => {
        previous();
        check();
      };
      check();
      void exited.then((code) => {
        check();
        reject(new Error(`worker exited with ${code} before answering`));
      });
    });
  return {
    ready: waitFor((l) => l.ready === true).then(() => undefined),
    result: waitFor((l) => l.done === true),
    go: () => child.stdin.end('go\n'),
  };
}

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-multiproc-'));
  file = path.join(dir, 'crm.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function seed(states: 'bot' | 'queued', count: number): Promise<string[]> {
  const store = new SqliteStore(file);
  await store.init();
  const customer = await store.createCustomer({ identities: [{ channelId: 'test', userId: 'u1', verified: false, addedAt: new Date().toISOString() }] });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: `c${i}`,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://localhost', conversation: { id: `c${i}` } },
      state: states,
    });
    ids.push(conversation.id);
  }
  await store.close();
  return ids;
}

test('processes starting together on a new file all migrate it, once', async () => {
  const workers = Array.from({ length: 4 }, () => startWorker({ op: 'reopen', file, times: 3 }));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  await Promise.all(workers.map((w) => w.result));
  const store = new SqliteStore(file, { migrateOnStart: false }); // refuses a file behind this release
  await store.init();
  await store.close();
});

test('concurrent appends to one conversation from two processes: every acknowledged message once, seq gap-free, all searchable', async () => {
  const [conversationId] = await seed('bot', 1);
  const count = 150;
  const a = startWorker({ op: 'append', file, conversationId, tag: 'a', count, parallel: 10 });
  const b = startWorker({ op: 'append', file, conversationId, tag: 'b', count, parallel: 10 });
  await Promise.all([a.ready, b.ready]);
  // A process starting meanwhile migrates the file (the full-text triggers are replaced in its transaction).
  const starter = startWorker({ op: 'reopen', file, times: 3 });
  await starter.ready;
  a.go();
  b.go();
  starter.go();
  const [ra, rb] = await Promise.all([a.result, b.result, starter.result]);
  const acked = [...(ra.acked as { activityId: string; seq: number }[]), ...(rb.acked as { activityId: string; seq: number }[])];
  expect(acked).toHaveLength(2 * count);

  const store = new SqliteStore(file);
  await store.init();
  const messages = await store.listMessages(conversationId, { limit: 1000 });
  expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
  // Each process's acknowledgements name the seq the message has in the store, and each activity is there once.
  const bySeq = new Map(messages.map((m) => [m.seq, m.activityId]));
  for (const x of acked) expect(bySeq.get(x.seq)).toBe(x.activityId);
  expect(new Set(messages.map((m) => m.activityId)).size).toBe(2 * count);
  // Each process's messages in the order that process acknowledged them (sequential batches of 10).
  for (const tag of ['a', 'b']) {
    const mine = messages.filter((m) => m.activityId!.startsWith(`${tag}-`)).map((m) => Number(m.activityId!.slice(2)));
    for (let i = 10; i < mine.length; i += 10) expect(Math.min(...mine.slice(i, i + 10))).toBeGreaterThan(Math.max(...mine.slice(i - 10, i)));
  }
  expect((await store.getConversation(conversationId))!.lastSeq).toBe(2 * count);
  // Found by a search from a third process, whichever process wrote and indexed them.
  for (const word of ['aw0', 'aw149', 'bw0', 'bw77', 'bw149']) expect((await store.searchMessages(word)).map((h) => h.text)).toEqual([`note ${word}`]);
  await store.close();
});

test('three processes using the same 40 quota keys (limit 5, 12 uses each between them): exactly 5 uses per key are counted', async () => {
  const keys = Array.from({ length: 40 }, (_, i) => `addr-${i}`);
  // Each process asks for every key four times (three processes: 12 uses a key), interleaved.
  const mine = [...keys, ...keys, ...keys, ...keys];
  const workers = [0, 1, 2].map(() => startWorker({ op: 'quota', file, keys: mine, limit: 5, parallel: 8 }));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  const taken = (await Promise.all(workers.map((w) => w.result))).flatMap((r) => r.taken as string[]);
  for (const key of keys) expect([key, taken.filter((k) => k === key).length]).toEqual([key, 5]);
  const store = new SqliteStore(file);
  await store.init();
  expect(await store.takeQuota('addr-0', 5, 3_600_000, 1_000_001)).toBe(false);
  await store.close();
});

test('two processes claiming the same 200 chats: each has exactly one winner, and the store agrees', async () => {
  const ids = await seed('queued', 200);
  const a = startWorker({ op: 'claim', file, conversationIds: ids, agentId: 'agent-a' });
  const b = startWorker({ op: 'claim', file, conversationIds: ids, agentId: 'agent-b' });
  await Promise.all([a.ready, b.ready]);
  a.go();
  b.go();
  const [ra, rb] = await Promise.all([a.result, b.result]);
  const wonA = new Set(ra.won as string[]);
  const wonB = new Set(rb.won as string[]);
  const store = new SqliteStore(file);
  await store.init();
  for (const id of ids) {
    expect(Number(wonA.has(id)) + Number(wonB.has(id))).toBe(1);
    const c = (await store.getConversation(id))!;
    expect(c.state).toBe('agent');
    expect(c.agentId).toBe(wonA.has(id) ? 'agent-a' : 'agent-b');
  }
  expect((await store.countActiveChats('agent-a')) + (await store.countActiveChats('agent-b'))).toBe(200);
  await store.close();
});

test("three processes catching up the dashboard's rollups at once: each changed day is recomputed once, an unchanged one never", async () => {
  const writer = new SqliteStore(file, { backgroundMs: 0 });
  await writer.init();
  const customer = await writer.createCustomer({ identities: [{ channelId: 'test', userId: 'u1', verified: false, addedAt: new Date().toISOString() }] });
  // One conversation with one customer message on each of 60 days.
  const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString());
  const conversations = days.map((at, i) => ({
    ...buildConversation({
      channelId: 'test',
      channelConversationId: `d${i}`,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'x', conversation: { id: `d${i}` } },
    }),
    createdAt: at,
    updatedAt: at,
    lastSeq: 1,
  }));
  const messages = conversations.map((c) =>
    buildMessage({ conversationId: c.id, role: 'customer', text: 'where is my order', intent: 'order.track', createdAt: c.createdAt }, 1),
  );
  await writer.importRecords({ conversations, messages });
  await writer.close();
  const workers = Array.from({ length: 3 }, () => startWorker({ op: 'repair', file, times: 3 }));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  const results = await Promise.all(workers.map((w) => w.result));
  expect(results.reduce((n, r) => n + Number(r.rollupDays), 0)).toBe(days.length);
  const store = new SqliteStore(file, { backgroundMs: 0 });
  await store.init();
  expect((await store.repair()).rollupDays).toBe(0);
  const stats = await store.conversationStats({ from: '2025-01-01', to: '2025-03-02' });
  expect([stats.total, stats.intents]).toEqual([60, [{ intent: 'order.track', count: 60 }]]);
  await store.close();
});
