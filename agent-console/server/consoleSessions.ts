import type { Server as IoServer, Socket } from 'socket.io';
import type { AuthService } from '../../auth/authService';
import { AppError, toAppError, type ErrorCode } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { SharedState } from '../../cluster/sharedState';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from './protocol';

type ConsoleServer = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Who may hold a console socket, and for how long: the handshake's origin and token are checked before any
 * handler runs, and a socket ends (`session:ended` then a disconnect) when its session expires or is revoked, on
 * this instance and, with several, on the others (the adapter reaches them).
 */
export class ConsoleSessions {
  constructor(
    private readonly io: ConsoleServer,
    private readonly d: {
      auth: AuthService;
      log: Logger;
      allowedOrigins: readonly string[];
      shared?: Pick<SharedState, 'kind'>;
      sessionCheckSeconds?: number;
    },
  ) {}

  /** Installs the middleware and listens for revocations; answers how to stop listening. */
  start(): () => void {
    // No connectionStateRecovery: it would skip this middleware on reconnect (a revoked token would survive).
    this.io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err) => {
          const e = toAppError(err);
          const out = new Error(e.message) as Error & { data?: unknown };
          out.data = { code: e.code };
          next(out);
        },
      );
    });
    const onRevoked = (sessionId: string) => this.endSessions((s) => s.data.sessionId === sessionId, 'AUTH_REVOKED');
    this.d.auth.events.on('revoked', onRevoked);
    // Revocations made elsewhere (the users CLI: a disable, a password or role change) reach the store only.
    const sweep = setInterval(() => void this.recheck(), (this.d.sessionCheckSeconds ?? 30) * 1000);
    sweep.unref();
    return () => {
      clearInterval(sweep);
      this.d.auth.events.off('revoked', onRevoked);
    };
  }

  /** Checks again the session of every socket on this instance; ends those no longer valid (the store unreachable ends none). */
  private async recheck(): Promise<void> {
    const sessions = new Set([...this.io.sockets.sockets.values()].map((s) => s.data.sessionId).filter(Boolean));
    for (const sessionId of sessions) {
      try {
        await this.d.auth.check(sessionId);
      } catch (err) {
        const code = toAppError(err).code;
        if (code === 'AUTH_REVOKED' || code === 'AUTH_EXPIRED' || code === 'AUTH_DISABLED' || code === 'AUTH_INVALID')
          this.endLocal((s) => s.data.sessionId === sessionId, code);
      }
    }
  }

  private endLocal(match: (s: Pick<ConsoleSocket, 'id' | 'data'>) => boolean, code: ErrorCode): void {
    for (const s of this.io.sockets.sockets.values()) {
      if (!match(s)) continue;
      s.emit('session:ended', { code });
      s.disconnect(true);
    }
  }

  private async authenticate(socket: ConsoleSocket): Promise<void> {
    const origin = socket.handshake.headers.origin;
    if (origin && !this.originAllowed(origin, socket.handshake.headers.host)) throw new AppError('AUTH_ORIGIN_FORBIDDEN');
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const ctx = await this.d.auth.verify(token);
    socket.data = { userId: ctx.user.id, sessionId: ctx.session.id, role: ctx.user.role };
    const ms = Date.parse(ctx.session.expiresAt) - Date.now();
    const timer = setTimeout(() => this.endSessions((s) => s.id === socket.id, 'AUTH_EXPIRED'), Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    timer.unref();
    socket.on('disconnect', () => clearTimeout(timer));
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    if (this.d.allowedOrigins.includes(origin)) return true;
    try {
      return !!host && new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  private endSessions(match: (s: Pick<ConsoleSocket, 'id' | 'data'>) => boolean, code: 'AUTH_REVOKED' | 'AUTH_EXPIRED'): void {
    for (const s of this.io.sockets.sockets.values()) {
      if (!match(s)) continue;
      s.emit('session:ended', { code });
      s.disconnect(true);
    }
    if (!this.d.shared) return;
    // A session revoked here may have sockets on other instances (the adapter reaches them).
    this.io.fetchSockets().then(
      (all) => {
        for (const s of all) {
          if (!match(s)) continue;
          s.emit('session:ended', { code });
          s.disconnect(true);
        }
      },
      (err) => this.d.log.error({ err, code }, 'could not end the session on other instances'),
    );
  }
}
