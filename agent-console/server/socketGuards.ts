import { messageTooLongMessage, textLength } from '../../core/visibleText';
import type { DefaultEventsMap, Server as IoServer, Socket } from 'socket.io';
import { AppError, toAppError, type ErrorCode } from '../../core/errors';
import { clientAddress } from '../../core/http';
import type { Logger } from '../../core/logger';
import type { LimitName, RateLimits } from '../../core/rateLimits';
import type { SocketData } from './protocol';

export interface SocketGuardDeps {
  limits: RateLimits;
  log: Logger;
  trustProxy: number;
  /** Longest message or note text, characters (MAX_MESSAGE_CHARS). */
  maxMessageChars: number;
  /** This service's own origin (from PUBLIC_URL); absent: the connection's own scheme and Host. */
  publicOrigin?: string;
  /** CONSOLE_ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
}

/** Which budget each console request spends; anything not listed spends the general one. */
const KIND: Record<string, LimitName> = {
  'presence:set': 'socketPresence',
  'typing:start': 'socketTyping',
  'note:typing': 'socketTyping',
  'message:send': 'socketMessages',
  'note:add': 'socketMessages',
};
const TEXT_EVENTS = new Set(['message:send', 'note:add']);

function refusal(e: AppError): Error & { data: { code: ErrorCode; retryAfterSeconds?: number } } {
  const out = new Error(e.message) as Error & { data: { code: ErrorCode; retryAfterSeconds?: number } };
  const retry = (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  out.data = retry === undefined ? { code: e.code } : { code: e.code, retryAfterSeconds: retry };
  return out;
}

/**
 * Guards the console's Socket.IO server before the gateway sees anything (register before ConsoleGateway.start):
 * the browser Origin, compared with its scheme; handshakes per client address; and per signed-in user (every socket
 * of theirs, on every instance when the limiters are shared through Redis), a budget per kind of request (presence,
 * typing, messages, the rest); and the message length limit. A refused request gets its ack
 * `{ ok: false, error: { code } }` and its handler never runs, so nothing is stored or broadcast.
 */
export function installSocketGuards(io: IoServer<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>, d: SocketGuardDeps): void {
  io.use((socket, next) => {
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && !originAllowed(origin, socket, d)) {
      d.log.info({ code: 'AUTH_ORIGIN_FORBIDDEN', origin: String(origin).slice(0, 200) }, 'console socket refused: origin');
      return next(refusal(new AppError('AUTH_ORIGIN_FORBIDDEN')));
    }
    const address = clientAddress({ headers: socket.handshake.headers, socket: { remoteAddress: socket.handshake.address } }, d.trustProxy);
    d.limits.consume('ipHandshakes', address).then(
      () => next(),
      (err) => next(refusal(toAppError(err))),
    );
  });

  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const [event, payload] = packet as [string, unknown];
      const last: unknown = packet[packet.length - 1];
      const ack = typeof last === 'function' ? (last as (r: unknown) => void) : () => undefined;
      const refuse = (e: AppError) => {
        d.log.info({ code: e.code, event, userId: socket.data?.userId }, 'console request refused');
        ack({ ok: false, error: { code: e.code, message: e.message } });
      };
      if (TEXT_EVENTS.has(event)) {
        const text = (payload as { text?: unknown } | null | undefined)?.text;
        if (typeof text === 'string' && textLength(text) > d.maxMessageChars) {
          return refuse(new AppError('MESSAGE_TOO_LONG', messageTooLongMessage(d.maxMessageChars), { details: { maxChars: d.maxMessageChars } }));
        }
      }
      // Per person, not per socket: a second connection with the same token must not buy a second budget.
      const userId = socket.data?.userId;
      d.limits.consume(KIND[event] ?? 'socketOther', userId ? `user:${userId}` : `socket:${socket.id}`).then(
        () => next(),
        (err) => refuse(toAppError(err)),
      );
    });
  });
}

/** The Origin must be this service's own (scheme, host and port) or one listed; a host match alone is not enough. */
function originAllowed(origin: string, socket: Socket, d: SocketGuardDeps): boolean {
  if (d.allowedOrigins.includes(origin)) return true;
  let given: URL;
  try {
    given = new URL(origin);
  } catch {
    return false;
  }
  if (d.publicOrigin) return given.origin === d.publicOrigin;
  const host = socket.handshake.headers.host;
  if (!host) return false;
  try {
    return given.origin === new URL(`${socket.handshake.secure ? 'https' : 'http'}://${host}`).origin;
  } catch {
    return false;
  }
}
