import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../../core/errors';
import type { InboxClientToServerEvents, InboxServerToClientEvents } from '../server/inboxProtocol';
import type { LiveClientToServerEvents, LiveServerToClientEvents } from '../server/liveProtocol';
import type { ClientToServerEvents, ServerToClientEvents } from '../server/protocol';

/** The REST API's bodies (api/wire.ts), for the components that call it: the same types the routes answer with. */
export type * from '../../api/wire';

/**
 * The console's socket, typed with the server's own event maps (agent-console/server/protocol.ts and
 * inboxGateway.ts): a renamed event or a changed payload fails the console's type check, not a user.
 */
type Emits = ClientToServerEvents & InboxClientToServerEvents & LiveClientToServerEvents;
type Listens = ServerToClientEvents & InboxServerToClientEvents & LiveServerToClientEvents;
export type ConsoleSocket = Socket<Listens, Emits>;
export type EmitName = keyof Emits;
export type EmitPayload<K extends EmitName> = Parameters<Emits[K]>[0];

/** Errors the console itself can meet: every server code, and a request that got no answer in time. */
export type ConsoleErrorCode = ErrorCode | 'TIMEOUT';
export interface WireError {
  code: ConsoleErrorCode;
  message: string;
}
type Answer<K extends EmitName> = Parameters<Parameters<Emits[K]>[1]>[0];
export type Result<K extends EmitName> = Extract<Answer<K>, { ok: true }> | { ok: false; error: WireError };
export type Data<K extends EmitName> = Extract<Answer<K>, { ok: true }>['data'];

const ACK_TIMEOUT_MS = 10_000;

export function openSocket(token: string): ConsoleSocket {
  return io({ auth: { token }, transports: ['websocket'], reconnectionDelayMax: 5000 });
}

/** One request with an ack; a missing answer becomes a TIMEOUT error rather than a hang. */
export async function request<K extends EmitName>(socket: ConsoleSocket, event: K, payload: EmitPayload<K>): Promise<Result<K>> {
  try {
    // socket.io types an ack with a timeout as (err, answer): its emitWithAck cannot infer the answer then.
    const timed = socket.timeout(ACK_TIMEOUT_MS);
    const emit = timed.emitWithAck.bind(timed) as unknown as (e: K, p: EmitPayload<K>) => Promise<Result<K>>;
    return await emit(event, payload);
  } catch {
    return { ok: false, error: { code: 'TIMEOUT', message: 'no answer' } };
  }
}
