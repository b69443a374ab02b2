/**
 * A console request is acknowledged only once the webhook event of its change is durable (docs/adr/0006): a real
 * app process whose outbox writes are made late on purpose (helpers/slowOutbox.js), SIGKILLed the moment an ack
 * arrives; the store file must then hold the event. Before, the ack left one group commit ahead of the event.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthService } from '../../auth/authService';
import type { Conversation } from '../../models/records';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity, post } from '../helpers/activities';
import { startAppProcess, type AppProcess } from '../helpers/appProcess';
import { connect, connected, request } from '../helpers/consoleClient';
import { sharedRecognizer } from '../helpers/sharedRecognizer';

// A child process that loads the app from its TypeScript sources: minutes on a loaded machine.
jest.setTimeout(300_000);

const SECRET = 'ack-durability-session-secret-0123456789';
const PASSWORD = 'correct horse battery staple';
const PRELOAD = path.join(__dirname, 'helpers', 'slowOutbox.js');

let dir: string;
let file: string;
let app: AppProcess | undefined;
/** The channel's connector: answers every message at once, so a claim's or close's notice to the customer is quick. */
let connector: http.Server;
let serviceUrl: string;

beforeAll(async () => {
  await sharedRecognizer();
  connector = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'sent' }));
    });
  });
  await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
  serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  connector.closeAllConnections();
  await new Promise((r) => connector.close(r));
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-ack-'));
  file = path.join(dir, 'crm.sqlite');
});
afterEach(async () => {
  await app?.kill();
  app = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withStore<T>(fn: (s: SqliteStore) => Promise<T>): Promise<T> {
  const s = new SqliteStore(file, { synchronous: 'normal' });
  await s.init();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** The outbox's events (pending, whenever due) of one conversation, by type. */
async function outboxTypes(conversationId: string): Promise<string[]> {
  return withStore(async (s) =>
    (await s.dueOutbox('9999-12-31T00:00:00.000Z', 50)).filter((e) => e.event.data.conversationId === conversationId).map((e) => e.event.type),
  );
}

async function start(): Promise<AppProcess> {
  await withStore((s) =>
    new AuthService(s, SECRET, 3600, Date.now, { passwordMinLength: 12 }).createUser({
      email: 'agent@ack.test',
      name: 'agent',
      password: PASSWORD,
      role: 'agent',
      capacity: 3,
    }),
  );
  return startAppProcess({
    DATABASE_URL: file,
    SQLITE_SYNCHRONOUS: 'full',
    SESSION_SECRET: SECRET,
    // Nothing listens there: every event stays in the outbox, retried an hour later.
    WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    WEBHOOK_SECRET: 'webhook-secret-for-tests-0123456789',
    WEBHOOK_RETRY_SECONDS: '3600',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
    // Longer than the rest of a claim or close takes (its message to the customer included) on a loaded machine.
    SLOW_OUTBOX_MS: '4000',
  });
}

test.each([
  ['conversation:claim', 'conversation.assigned'],
  ['conversation:close', 'conversation.closed'],
])('%s is acked only once its webhook event is durable: a SIGKILL right after the ack finds it stored', async (event, type) => {
  app = await start();
  const asked = await post(
    app.url,
    messageActivity({ conversation: { id: `ack-${type}` }, from: { id: 'ack-user' }, text: 'I want to talk to a human', serviceUrl }),
  );
  expect(asked.status).toBe(200);
  const c = (await withStore((s) => s.findConversationByChannel('test', `ack-${type}`))) as Conversation;
  expect(c.state).toBe('queued');

  const login = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'agent@ack.test', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const socket = connect(app.url, token, { reconnection: false });
  try {
    await connected(socket);
    if (event === 'conversation:close') expect((await request(socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    const child = app.child;
    // Killed in the ack's own callback: nothing the process does after answering can count.
    const answer = await new Promise<{ ok: boolean }>((resolve) =>
      socket.emit(event, { conversationId: c.id }, (r: { ok: boolean }) => {
        child.kill('SIGKILL');
        resolve(r);
      }),
    );
    expect(answer.ok).toBe(true);
    await app.exited;
  } finally {
    socket.close();
  }
  expect(await outboxTypes(c.id)).toContain(type);
});
