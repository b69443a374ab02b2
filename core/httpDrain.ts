import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Lets an HTTP server stop without dropping what it already received. Node's `server.close()` only stops
 * accepting; `closeIdleConnections()` also closes connections whose request has not been parsed yet (a client
 * that connected just before may lose its request). Here, once draining:
 * - every response says `Connection: close`, so each connection ends cleanly after its current request;
 * - `stopAccepting()` closes the listener; `finish()` waits until every connection has ended by itself (idle
 *   keep-alive connections end at the server's keepAliveTimeout), or until the grace period is over, and only then
 *   destroys the rest.
 */
export class HttpDrain {
  private readonly connections = new Map<Socket, { active: number }>();
  private waiters: (() => void)[] = [];
  private isDraining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0 });
      socket.once('close', () => {
        this.connections.delete(socket);
        this.settle();
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const c = this.connections.get(req.socket);
      if (c) c.active++;
      if (this.isDraining && !res.headersSent) res.setHeader('connection', 'close');
      res.once('close', () => {
        if (c) c.active--;
        if (this.isDraining && c?.active === 0) req.socket.end();
      });
    });
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /** From now on every response closes its connection. */
  begin(): void {
    // Idle keep-alive connections are left to end at keepAliveTimeout: closing one now could cross a request the
    // client is sending on it at this moment (the race closeIdleConnections() has).
    this.isDraining = true;
  }

  /** Requests being served now. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.active;
    return n;
  }

  /** Stops accepting new connections; those already accepted (with or without a request yet) go on. */
  async stopAccepting(): Promise<void> {
    this.begin();
    // Close from the check phase, right after the poll phase accepted every connection the kernel had queued.
    await new Promise((r) => setImmediate(r));
    // Closes the listening socket at once (its close callback, which waits for every connection, is not needed).
    if (this.server.listening) this.server.close();
  }

  /**
   * Resolves when every connection has ended, or after graceMs, destroying whatever is left; resolves with how
   * many connections had to be destroyed.
   */
  async finish(graceMs: number): Promise<number> {
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const forced = this.connections.size;
    for (const socket of this.connections.keys()) socket.destroy();
    return forced;
  }

  private settle(): void {
    if (this.connections.size > 0 || this.waiters.length === 0) return;
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
