import { io, type Socket } from 'socket.io-client';
import type { App } from '../../app/app';
import type { UserRole } from '../../models/records';

export interface Staff {
  id: string;
  token: string;
  socket?: Socket;
}

let n = 0;

/** Creates a user through the real auth service and signs in, as the console would. */
export async function createStaff(
  app: App,
  over: { role?: UserRole; capacity?: number; skills?: string[]; languages?: string[]; name?: string } = {},
): Promise<Staff> {
  const email = `staff${++n}-${Date.now()}@test.local`;
  const password = 'correct horse battery';
  const user = await app.services.auth.createUser({
    email,
    name: over.name ?? `Staff ${n}`,
    password,
    role: over.role ?? 'agent',
    capacity: over.capacity ?? 3,
    skills: over.skills,
    languages: over.languages,
  });
  const { token } = await app.services.auth.signIn(email, password, 'test');
  return { id: user.id, token };
}

export function connect(url: string, token: string | undefined, extra: Record<string, unknown> = {}): Socket {
  return io(url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    ...extra,
  });
}

export function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

/** Emits with an ack and resolves with the server's { ok, data | error } answer. */
export function request<T = unknown>(
  socket: Socket,
  event: string,
  payload: unknown,
): Promise<{ ok: boolean; data?: T; error?: { code: string; message: string } }> {
  return socket.timeout(10_000).emitWithAck(event, payload);
}

export function nextEvent<T = unknown>(socket: Socket, event: string, pred: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const h = (p: T) => {
      if (!pred(p)) return;
      socket.off(event, h);
      resolve(p);
    };
    socket.on(event, h);
  });
}

export async function online(_app: App, url: string, staff: Staff): Promise<Socket> {
  const s = connect(url, staff.token);
  await connected(s);
  const r = await request(s, 'presence:set', { presence: 'online' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  staff.socket = s;
  return s;
}
