/**
 * Two real app processes on one embedded store file (no Redis: the store alone makes jobs run once and webhooks
 * durable; docs/adr/0006). Asserted on what the store and the receivers saw, and on which instance ran each job
 * (its debug log line `job ran`), never on how long anything took.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Conversation } from '../../models/records';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity, post } from '../helpers/activities';
import { startAppProcess, type AppProcess, type LogLine } from '../helpers/appProcess';
import { sharedRecognizer } from '../helpers/sharedRecognizer';

// Two child processes that load the app from its TypeScript sources: minutes on a loaded machine.
jest.setTimeout(420_000);

let dir: string;
let file: string;
const running: AppProcess[] = [];

beforeAll(async () => {
  await sharedRecognizer(); // the model cache the children load
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-multi-'));
  file = path.join(dir, 'crm.sqlite');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function instance(env: Record<string, string> = {}): Promise<AppProcess> {
  const p = await startAppProcess({
    DATABASE_URL: file,
    SQLITE_SYNCHRONOUS: 'full',
    LEASE_TTL_SECONDS: '10',
    RATE_LIMIT_CONVERSATION_MESSAGES: '100000/60',
    ...env,
  });
  running.push(p);
  return p;
}

/** Opens the shared file from the test process (a third process on it), runs `fn`, closes. */
async function withStore<T>(fn: (s: SqliteStore) => Promise<T>): Promise<T> {
  const s = new SqliteStore(file, { synchronous: 'normal' });
  await s.init();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function until<T>(read: () => Promise<T | undefined | null | false>): Promise<T> {
  for (;;) {
    const v = await read();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Which holders ran `job`, per the instances' logs. */
function holdersOf(job: string, ...apps: AppProcess[]): Set<string> {
  return new Set(apps.flatMap((a) => a.lines.filter((l: LogLine) => l.msg === 'job ran' && l.job === job).map((l) => String(l.holder))));
}

const day = 86_400_000;

test('an offer timeout and the retention sweep each run on one instance only; the other takes over when it dies', async () => {
  const old = new Date(Date.now() - 10 * day).toISOString();
  await withStore(async (s) => {
    for (const name of ['one', 'two'])
      await s.createUser({
        email: `${name}@multi.test`,
        name,
        role: 'agent',
        skills: [],
        languages: [],
        capacity: 3,
        passwordHash: 'x',
        presence: 'online',
      });
    const customer = await s.createCustomer({});
    const closed = (id: string, tags: string[] = []): Conversation => ({
      id,
      channelId: 'test',
      channelConversationId: id,
      customerId: customer.id,
      state: 'closed',
      agentId: null,
      priority: 0,
      version: 1,
      lastSeq: 0,
      createdAt: old,
      updatedAt: old,
      tags,
      handledBy: [],
      reference: { channelId: 'test', serviceUrl: 'http://127.0.0.1:9/none', conversation: { id } },
    });
    await s.importRecords({ conversations: [closed('old-1'), closed('old-2'), closed('old-3'), closed('held-1', ['legal_hold'])] });
  });
  const env = { OFFER_TIMEOUT_SECONDS: '1', QUEUE_SWEEP_SECONDS: '1', RETENTION_DAYS: '1', RETENTION_SWEEP_SECONDS: '1', LOG_LEVEL: 'debug' };
  const [a, b] = await Promise.all([instance(env), instance(env)]);

  // A customer asks A for a person: the chat is queued and offered to one agent; the timeout moves it to the other.
  const asked = await post(a.url, messageActivity({ conversation: { id: 'multi-offer' }, from: { id: 'multi-user' }, text: 'I want to talk to a human' }));
  expect(asked.status).toBe(200);
  const moved = await until(() =>
    withStore(async (s) => {
      const c = await s.findConversationByChannel('test', 'multi-offer');
      return c?.queueInfo?.offeredTo.length === 2 ? c : undefined;
    }),
  );
  // Offered to each agent once: a sweep run twice for one timeout would have raised and offered twice.
  expect(new Set(moved.queueInfo!.offeredTo).size).toBe(2);
  expect(moved.state).toBe('queued');

  // Retention: the three old closed chats are gone, the one on legal hold stays, and one sweep did it all.
  const audit = await until(() =>
    withStore(async (s) => {
      const entries = await s.listAudit({ action: 'retention.delete' });
      return entries.length ? entries : undefined;
    }),
  );
  await withStore(async (s) => {
    for (const id of ['old-1', 'old-2', 'old-3']) expect(await s.getConversation(id)).toBeNull();
    expect(await s.getConversation('held-1')).not.toBeNull();
    expect((await s.listAudit({ action: 'retention.delete' })).map((e) => e.data)).toEqual([audit[0].data]);
  });
  expect(audit[0].data).toMatchObject({ deleted: 3, held: 1 });

  // Each job ran, and on one instance only, while both lived.
  for (const job of ['queue-sweep', 'retention']) expect(holdersOf(job, a, b).size).toBe(1);
  const [sweeper] = [...holdersOf('queue-sweep', a, b)];
  const [holder, other] = a.lines.some((l) => l.msg === 'job ran' && l.holder === sweeper) ? [a, b] : [b, a];

  // The holder dies without a word: once its lease expires, the other instance takes the jobs over.
  await holder.kill('SIGKILL');
  await other.waitFor((l) => l.msg === 'job ran' && l.job === 'queue-sweep');
  expect(holdersOf('queue-sweep', other).size).toBe(1);
});

interface Delivery {
  key: string;
  event: { id: string; type: string; data: Record<string, unknown> };
}

async function hookReceiver(): Promise<{ url: string; status: number; attempts: Delivery[]; delivered: Delivery[]; close(): Promise<void> }> {
  const state = { status: 503, attempts: [] as Delivery[], delivered: [] as Delivery[] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const d = { key: String(req.headers['idempotency-key']), event: JSON.parse(body) as Delivery['event'] };
      state.attempts.push(d);
      if (state.status === 200) state.delivered.push(d);
      res.writeHead(state.status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

test('a webhook accepted by instance A is delivered by instance B after A is SIGKILLed, with the same idempotency key', async () => {
  const hook = await hookReceiver();
  try {
    const env = { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: 'webhook-secret-for-tests-0123456789', WEBHOOK_RETRY_SECONDS: '0.2', LOG_LEVEL: 'debug' };
    // A is whichever instance holds the delivery job; B the other.
    const both = await Promise.all([instance(env), instance(env)]);
    const a = await Promise.race(both.map((p) => p.waitFor((l) => l.msg === 'job lease taken' && l.job === 'webhooks').then(() => p)));
    const b = both.find((p) => p !== a)!;
    const asked = await post(a.url, messageActivity({ conversation: { id: 'multi-hook' }, from: { id: 'hook-user' }, text: 'I want to talk to a human' }));
    expect(asked.status).toBe(200);
    // A tried (the receiver was down), then died with the event still in the outbox.
    const first = await until(() => Promise.resolve(hook.attempts.find((d) => d.event.type === 'conversation.queued')));
    expect(holdersOf('webhooks', b).size).toBe(0);
    await a.kill('SIGKILL');
    hook.status = 200;
    const delivered = await until(() => Promise.resolve(hook.delivered.find((d) => d.event.type === 'conversation.queued')));
    expect(delivered.key).toBe(first.key);
    expect(delivered.event.id).toBe(first.key);
    expect(delivered.event.data).toMatchObject({ state: 'queued', handoffReason: 'customer_asked' });
    expect(holdersOf('webhooks', b).size).toBe(1);
    await until(() => withStore(async (s) => (await s.outboxCounts()).pending === 0));
  } finally {
    await hook.close();
  }
});

test('killing instance A mid-conversation loses no acknowledged message, and the conversation goes on through B', async () => {
  const [a, b] = await Promise.all([instance(), instance()]);
  const conversations = ['kill-1', 'kill-2', 'kill-3', 'kill-4'];
  const acked = new Map<string, string[]>(conversations.map((c) => [c, []]));
  let killed = false;
  await Promise.all(
    conversations.map(async (conv) => {
      for (let i = 0; !killed; i++) {
        const activity = messageActivity({ conversation: { id: conv }, from: { id: `${conv}-user` }, text: `where is my order, message ${i}` });
        let status = 0;
        try {
          status = (await post(a.url, activity)).status;
        } catch {
          return; // the connection died with A
        }
        if (status === 200) acked.get(conv)!.push(activity.id as string);
        const total = [...acked.values()].reduce((n, ids) => n + ids.length, 0);
        if (total >= 24 && !killed) {
          killed = true;
          await a.kill('SIGKILL');
        }
      }
    }),
  );
  // The same customers go on through B: answered, stored after everything A acknowledged.
  for (const conv of conversations) {
    const activity = messageActivity({ conversation: { id: conv }, from: { id: `${conv}-user` }, text: 'hello again' });
    const r = await post(b.url, activity);
    expect(r.status).toBe(200);
    expect(r.replies.length).toBeGreaterThan(0);
    acked.get(conv)!.push(activity.id as string);
  }
  await withStore(async (s) => {
    for (const conv of conversations) {
      const c = (await s.findConversationByChannel('test', conv))!;
      const messages = await s.listMessages(c.id, { limit: 1000 });
      expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
      const customerIds = messages.filter((m) => m.role === 'customer' && m.activityId).map((m) => m.activityId);
      // Every acknowledged message is there once, in the order it was acknowledged.
      expect(customerIds.filter((id) => acked.get(conv)!.includes(id!))).toEqual(acked.get(conv));
      expect(new Set(customerIds).size).toBe(customerIds.length);
      // B answered the last one: a bot reply follows it.
      const last = messages.findIndex((m) => m.activityId === acked.get(conv)!.at(-1));
      expect(messages.slice(last + 1).some((m) => m.role === 'bot')).toBe(true);
    }
  });
});
