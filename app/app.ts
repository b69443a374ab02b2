import type { Server as HttpServer } from 'node:http';
import restify from 'restify';
import type { Config } from '../core/config';
import { HttpDrain } from '../core/httpDrain';
import type { Logger } from '../core/logger';
import { type SharedState } from '../cluster/sharedState';
import type { Store } from '../store/store';
import { buildServices, type AppDeps, type AppServices } from './appServices';
import { buildHttp } from './appHttp';
import { buildSockets, type ConsoleIoServer } from './appSockets';

export { trainRecognizer, type AppDeps, type AppParts, type AppServices } from './appServices';
export { MAX_BODY_BYTES } from './appHttp';
export type { ConsoleIoServer } from './appSockets';

export interface App {
  readonly config: Config;
  readonly server: restify.Server;
  readonly httpServer: HttpServer;
  readonly io: ConsoleIoServer;
  readonly store: Store;
  readonly shared: SharedState;
  readonly services: AppServices;
  /** True once shutdown began: /readyz answers 503 while requests are still served. */
  readonly draining: boolean;
  /**
   * Graceful stop (SIGTERM): /readyz answers 503 at once; requests are still served for
   * SHUTDOWN_DELAY_SECONDS (load balancers stop sending); then the server stops accepting, every request already
   * received finishes (up to SHUTDOWN_GRACE_SECONDS), console sockets are told why and disconnected, and the store
   * is closed. Resolves with how many connections had to be cut at the end of the grace period. Idempotent.
   */
  shutdown(): Promise<{ forcedConnections: number }>;
  /** Stops at once (tests): stops accepting, finishes in-flight requests, closes sockets and the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * The composition root: builds every part with explicit arguments and wires them, without listening.
 * app/main.ts listens and handles signals; tests call buildApp and listen on port 0.
 * The parts, each alone in its file: appServices.ts (services and jobs), appHttp.ts (restify, the bot endpoint, web
 * chat, the REST API), appSockets.ts (the console's Socket.IO); this file wires them and owns stop and shutdown.
 */
export async function buildApp(config: Config, log: Logger, deps: AppDeps = {}): Promise<App> {
  const parts = await buildServices(config, log, deps);
  const { store, shared, jobs, webhook } = parts;
  const { profiles, handoff, events, recognizer, backend, adapter, auth, identity, outbound, privacy } = parts;
  const http = buildHttp(config, log, parts, () => drain.draining);
  const server = http.server;
  const httpServer = server.server as HttpServer;
  const sockets = buildSockets(config, log, parts, httpServer, http.stream);
  const io = sockets.io;
  // After Socket.IO attached itself, so its requests count too.
  const drain = new HttpDrain(httpServer);

  let stopping: Promise<void> = Promise.resolve();
  const stopTimers = () => {
    // Leases are released once runs under way end (close and shutdown await it before closing the store).
    stopping = jobs.stop();
    webhook?.stop();
    sockets.stop();
    http.stop();
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopTimers();
      await stopping;
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      if (!deps.shared) await shared.close();
      if (httpServer.listening) {
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections?.();
        });
      }
      await store.close();
    })());

  let shuttingDown: Promise<{ forcedConnections: number }> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      drain.begin();
      log.info({ delaySeconds: config.shutdown.delaySeconds, graceSeconds: config.shutdown.graceSeconds }, 'shutdown: not ready; still serving');
      await new Promise((r) => setTimeout(r, config.shutdown.delaySeconds * 1000));
      stopTimers();
      // Console sockets: told why, then a server disconnect (their clients reconnect to another instance).
      io.emit('server:shutdown', { code: 'SERVER_SHUTTING_DOWN' });
      io.disconnectSockets(true);
      await drain.stopAccepting();
      log.info({ inFlight: drain.inFlight }, 'shutdown: no longer accepting; finishing requests');
      const forcedConnections = await drain.finish(config.shutdown.graceSeconds * 1000);
      if (forcedConnections > 0) log.warn({ forcedConnections }, 'shutdown: grace period over; connections cut');
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await stopping;
      if (!deps.shared) await shared.close();
      await store.close();
      log.info('shutdown: done');
      return { forcedConnections };
    })());

  return {
    config,
    server,
    httpServer,
    io,
    store,
    shared,
    services: { profiles, handoff, events, recognizer, backend, adapter, auth, identity, outbound, privacy, webhook },
    get draining() {
      return drain.draining;
    },
    shutdown,
    close,
  };
}
