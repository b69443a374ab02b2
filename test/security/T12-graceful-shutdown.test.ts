/**
 * T12: graceful shutdown of the real service (app/main.ts in a child process) with 20 requests in flight. Each
 * request has sent its headers and half its body when SIGTERM arrives, so it has been received but cannot finish
 * until we let it; two more connections were accepted but had sent nothing. Expected: /readyz answers 503 at once,
 * the listener closes (a new connection is refused) while those requests are still open, every one of them then
 * finishes with 200 and is stored, console sockets are told and get a server disconnect, and the exit code is 0.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { AuthService } from '../../auth/authService';
import { SqliteStore } from '../../store/sqliteStore';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startServiceProcess } from './helpers';

/** A raw HTTP/1.1 connection: we decide when each byte goes out. */
class RawConnection {
  private data = '';
  private closed = false;
  private readonly waiters: (() => void)[] = [];
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.data += d;
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('error', () => undefined);
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  write(s: string): void {
    this.socket.write(s);
  }

  /** The status of the (first) response, once its body is complete or the connection closed after it. */
  async status(): Promise<number> {
    for (;;) {
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(this.data);
      if (m) {
        const length = Number(/content-length: *(\d+)/i.exec(m[2])?.[1] ?? NaN);
        const body = this.data.slice(m[0].length);
        if (this.closed || (!Number.isNaN(length) && Buffer.byteLength(body) >= length)) return Number(m[1]);
      } else if (this.closed) return 0;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

function activityBody(i: number): string {
  return JSON.stringify({
    type: 'message',
    id: `t12-${i}`,
    channelId: 'test',
    serviceUrl: 'http://127.0.0.1:9/none',
    deliveryMode: 'expectReplies',
    conversation: { id: `t12-conv-${i}` },
    from: { id: `t12-user-${i}` },
    recipient: { id: 'bot' },
    text: `in flight ${i}`,
    locale: 'en-US',
  });
}
const head = (body: string) =>
  `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;

test('T12 SIGTERM with 20 requests in flight: not ready at once, stops accepting, all 20 finish and are stored, sockets told, exit 0', async () => {
  await sharedRecognizer(); // its model cache lets the child start without training
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-t12-'));
  const file = path.join(dir, 'crm.sqlite');
  const secret = 'q7Vd0rX2kP9mZs4LwT8yBn3HcJ6fGa1E';
  // A staff account for the console socket, made before the service starts.
  const setup = new SqliteStore(file);
  await setup.init();
  const auth = new AuthService(setup, secret, 3600);
  await auth.createUser({ email: 't12@test.local', name: 'T12', password: 'correct horse battery', role: 'agent' });
  const { token } = await auth.signIn('t12@test.local', 'correct horse battery', 'test');
  await setup.close();

  const service = await startServiceProcess({ DATABASE_URL: file, SESSION_SECRET: secret, SHUTDOWN_DELAY_SECONDS: '1', SHUTDOWN_GRACE_SECONDS: '120' });
  const { child, port, exited } = service;
  const log = service;

  let agent: Socket | undefined;
  try {
    const inFlight = Array.from({ length: 20 }, () => new RawConnection(port));
    const quiet = Array.from({ length: 3 }, () => new RawConnection(port));
    await Promise.all([...inFlight, ...quiet].map((c) => c.connected()));
    const bodies = inFlight.map((_, i) => activityBody(i));
    inFlight.forEach((c, i) => c.write(head(bodies[i]) + bodies[i].slice(0, 40)));

    agent = io(`http://127.0.0.1:${port}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      agent!.once('connect', () => resolve());
      agent!.once('connect_error', reject);
    });
    const told = new Promise<{ code: string }>((r) => agent!.once('server:shutdown', r));
    const disconnected = new Promise<string>((r) => agent!.once('disconnect', (reason) => r(reason)));

    child.kill('SIGTERM');
    await log.waitFor((l) => l.msg === 'shutdown: not ready; still serving');
    // Not ready at once (asked on a connection accepted before the signal).
    quiet[0].write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await quiet[0].status()).toBe(503);

    // Then it stops accepting, with the 20 requests still open.
    const stopped = await log.waitFor((l) => l.msg === 'shutdown: no longer accepting; finishing requests');
    expect(stopped.inFlight).toBe(20);
    expect(
      await new Promise<string>((resolve) =>
        net
          .connect(port, '127.0.0.1')
          .once('connect', () => resolve('accepted'))
          .once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')),
      ),
    ).toBe('ECONNREFUSED');
    expect(await told).toEqual({ code: 'SERVER_SHUTTING_DOWN' });
    expect(await disconnected).toBe('io server disconnect');

    // Every request already received finishes, and so do the connections accepted before that had sent nothing.
    inFlight.forEach((c, i) => c.write(bodies[i].slice(40)));
    const late = [activityBody(20), activityBody(21)];
    quiet.slice(1).forEach((c, i) => c.write(head(late[i]) + late[i]));
    expect(await Promise.all([...inFlight, ...quiet.slice(1)].map((c) => c.status()))).toEqual(Array(22).fill(200));
    expect(await exited).toBe(0);
  } finally {
    agent?.disconnect();
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }

  const after = new SqliteStore(file);
  await after.init();
  const texts: string[] = [];
  for (let i = 0; i < 22; i++) {
    const c = await after.findConversationByChannel('test', `t12-conv-${i}`);
    texts.push(...(c ? await after.listMessages(c.id) : []).filter((m) => m.role === 'customer').map((m) => m.text));
  }
  await after.close();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(texts.sort()).toEqual(Array.from({ length: 22 }, (_, i) => `in flight ${i}`).sort());
  // A child process, 22 turns and a graceful exit: on a loaded shared machine this outlasts the default 60 s.
}, 180_000);
