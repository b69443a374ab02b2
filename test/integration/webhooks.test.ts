import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../core/logger';
import { SqliteStore } from '../../store/sqliteStore';
import { signWebhook, WebhookNotifier, type WebhookEvent } from '../../profile/webhookNotifier';
import { say } from '../helpers/activities';
import { startTestApp } from '../helpers/testApp';

const SECRET = 'webhook-secret-for-tests-0123456789';

interface Receiver {
  url: string;
  events: WebhookEvent[];
  attempts: number;
  /** The Idempotency-Key of every attempt. */
  keys: string[];
  attemptHeaders: string[];
  close(): Promise<void>;
}

async function receiver(statuses: number[] = []): Promise<Receiver> {
  const state = { events: [] as WebhookEvent[], attempts: 0, keys: [] as string[], attemptHeaders: [] as string[] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      state.attempts++;
      state.keys.push(String(req.headers['idempotency-key']));
      state.attemptHeaders.push(String(req.headers['x-crm-attempt']));
      const status = statuses.shift() ?? 200;
      // Only correctly signed bodies count.
      if (status === 200 && req.headers['x-crm-signature'] === signWebhook(body, SECRET)) state.events.push(JSON.parse(body) as WebhookEvent);
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get events() {
      return state.events;
    },
    get attempts() {
      return state.attempts;
    },
    keys: state.keys,
    attemptHeaders: state.attemptHeaders,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test('conversation and profile events reach the company URL, signed, without message texts', async () => {
  const hook = await receiver();
  const running = await startTestApp({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
  try {
    await say(running.url, 'hook-1', 'I want to talk to a human, my card 4111 failed');
    const a = await running.app.store.createCustomer({});
    const b = await running.app.store.createCustomer({ contacts: [{ type: 'email', value: 'hook@example.com', verified: true, source: 'x', addedAt: 'x' }] });
    await running.app.services.identity.applyVerifiedContact(a.id, { type: 'email', value: 'hook@example.com' }, 'test');
    await running.app.services.privacy.erase(b.id);
    await running.app.services.webhook!.drain();
    expect(hook.events.map((e) => e.type)).toEqual(['conversation.queued', 'customer.merged', 'customer.erased']);
    expect(hook.events[0].data).toMatchObject({ handoffReason: 'customer_asked', state: 'queued', position: 1 });
    expect(JSON.stringify(hook.events)).not.toContain('4111');
  } finally {
    await running.stop();
    await hook.close();
  }
});

/** A store of its own on a temp file, for a notifier outside the app. */
async function outboxStore(dir: string, name = 'crm.sqlite'): Promise<SqliteStore> {
  const store = new SqliteStore(path.join(dir, name), { synchronous: 'normal' });
  await store.init();
  return store;
}

test('a failing endpoint is retried with the same idempotency key; a wrong signature would not count', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hook-'));
  const hook = await receiver([500, 503]);
  const store = await outboxStore(dir);
  try {
    const notifier = new WebhookNotifier(hook.url, SECRET, store, createLogger('silent'), { retryBaseMs: 10, maxAttempts: 4 });
    await notifier.notify('customer.merged', { customerId: 'c1' });
    await notifier.drain();
    expect(hook.attempts).toBe(3);
    expect(hook.events.map((e) => e.data)).toEqual([{ customerId: 'c1' }]);
    // Every attempt carried the event's id as its idempotency key, and counted itself.
    expect(new Set(hook.keys)).toEqual(new Set([hook.events[0].id]));
    expect(hook.attemptHeaders).toEqual(['1', '2', '3']);
    expect(await store.outboxCounts()).toEqual({ pending: 0, dead: 0 });
    const wrong = new WebhookNotifier(hook.url, 'another-secret-another-secret-0000', store, createLogger('silent'), { maxAttempts: 1 });
    await wrong.notify('customer.erased', { customerId: 'c2' });
    await wrong.drain();
    expect(hook.events).toHaveLength(1);
  } finally {
    await store.close();
    await hook.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('after the last attempt an event is dead-lettered: counted, logged and audited; a 4xx refusal at once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hook-'));
  const hook = await receiver([503, 503, 503, 410]);
  const store = await outboxStore(dir);
  try {
    const notifier = new WebhookNotifier(hook.url, SECRET, store, createLogger('silent'), { retryBaseMs: 5, maxAttempts: 3 });
    await notifier.notify('conversation.closed', { conversationId: 'x1' });
    await notifier.drain();
    expect(hook.attempts).toBe(3);
    await notifier.notify('conversation.closed', { conversationId: 'x2' });
    await notifier.drain();
    expect(hook.attempts).toBe(4); // 410: not retried
    expect(await store.outboxCounts()).toEqual({ pending: 0, dead: 2 });
    const audit = await store.listAudit({ action: 'webhook.dead' });
    expect(audit.map((a) => a.data)).toEqual(
      expect.arrayContaining([
        { type: 'conversation.closed', attempts: 3, error: 'refused with 503' },
        { type: 'conversation.closed', attempts: 1, error: 'refused with 410' },
      ]),
    );
  } finally {
    await store.close();
    await hook.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an event accepted before a restart is delivered after it, from the outbox', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hook-'));
  const hook = await receiver();
  const before = await outboxStore(dir);
  // Recorded, never delivered: the process "stops" (its notifier is never run) once the event is in the store.
  await new WebhookNotifier(hook.url, SECRET, before, createLogger('silent')).notify('customer.unmerged', { customerId: 'c9' });
  await before.sync();
  await before.close();
  expect(hook.attempts).toBe(0);
  const after = await outboxStore(dir);
  try {
    const notifier = new WebhookNotifier(hook.url, SECRET, after, createLogger('silent'));
    expect(await notifier.deliverDue()).toBe(1);
    expect(hook.events.map((e) => [e.type, e.data])).toEqual([['customer.unmerged', { customerId: 'c9' }]]);
    expect(await after.outboxCounts()).toEqual({ pending: 0, dead: 0 });
  } finally {
    await after.close();
    await hook.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('two delivery passes at once in one process post an event once (a pass that read it just before the other completed it)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hook-'));
  const store = await outboxStore(dir);
  const posts: string[] = [];
  let releaseFetch!: () => void;
  const fetchHeld = new Promise<void>((r) => (releaseFetch = r));
  let fetchStarted!: () => void;
  const started = new Promise<void>((r) => (fetchStarted = r));
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    posts.push(String((init.headers as Record<string, string>)['idempotency-key']));
    fetchStarted();
    await fetchHeld;
    return new Response(null, { status: 200 });
  }) as typeof fetch;
  // The second read of the outbox answers only once we let it: it is taken while the first pass is posting.
  let reads = 0;
  let releaseRead!: () => void;
  const readHeld = new Promise<void>((r) => (releaseRead = r));
  const dueOutbox = store.dueOutbox.bind(store);
  store.dueOutbox = async (now, limit) => {
    const entries = await dueOutbox(now, limit);
    if (++reads === 2) await readHeld;
    return entries;
  };
  try {
    const notifier = new WebhookNotifier('http://127.0.0.1:9/hook', SECRET, store, createLogger('silent'), { fetchImpl });
    await notifier.notify('customer.merged', { customerId: 'c1' });
    const first = notifier.deliverDue();
    await started;
    const second = notifier.deliverDue();
    releaseFetch();
    expect(await first).toBe(1);
    releaseRead();
    expect(await second).toBe(0);
    expect(posts).toHaveLength(1);
    expect(await store.outboxCounts()).toEqual({ pending: 0, dead: 0 });
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
