import type { Server as HttpServer } from 'node:http';
import restify from 'restify';
import { Server as IoServer } from 'socket.io';
import type { Config } from './config';
import { AppError } from './errors';
import { route, sendError, withTimeout } from './http';
import type { Logger } from './logger';
import { createStore } from '../store/createStore';
import type { Store } from '../store/store';

export interface AppDeps {
  /** Overrides the store built from config (tests inject a failing or shared one). */
  store?: Store;
}

export interface App {
  readonly config: Config;
  readonly server: restify.Server;
  readonly httpServer: HttpServer;
  readonly io: IoServer;
  readonly store: Store;
  /** Stops accepting, finishes in-flight requests, closes sockets and the store. Idempotent. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024; // a Bot Framework activity is far smaller; bigger bodies are refused with 413

/**
 * The composition root: builds every part with explicit arguments and wires them, without listening.
 * core/main.ts listens and handles signals; tests call buildApp and listen on port 0.
 */
export async function buildApp(config: Config, log: Logger, deps: AppDeps = {}): Promise<App> {
  const store = deps.store ?? createStore(config.store);
  await store.init();

  const server = restify.createServer({ name: 'social-crm-bot', handleUncaughtExceptions: false });
  server.pre((req, res, next) => {
    res.setHeader('x-request-id', req.id());
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES, rejectUnknown: false }));
  server.on('after', (req: restify.Request, res: restify.Response) => {
    log.debug({ reqId: req.id(), method: req.method, path: req.path(), status: res.statusCode }, 'request');
  });
  // Errors raised by restify itself (unknown route, body too large, bad JSON) get the same coded shape.
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: any, cb: () => void) => {
    const code = err?.statusCode === 404 ? 'ROUTE_NOT_FOUND' : err?.statusCode === 413 ? 'BODY_TOO_LARGE' : err?.statusCode === 405 ? 'ROUTE_NOT_FOUND' : 'VALIDATION_FAILED';
    const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
    const appErr = status >= 500 ? new AppError('INTERNAL', undefined, { cause: err }) : new AppError(code, err?.message || undefined);
    err.toJSON = () => ({ error: appErr.toJSON() });
    err.toString = () => JSON.stringify({ error: appErr.toJSON() });
    if (status >= 500) sendError(log, req, res, appErr);
    cb();
  });

  server.get('/healthz', route(log, async (_req, res) => {
    res.json({ status: 'ok' });
  }));
  server.get('/readyz', route(log, async (_req, res) => {
    try {
      await withTimeout(store.ping(), config.store.timeoutMs);
      res.json({ status: 'ready', store: store.kind });
    } catch (err) {
      log.warn({ err }, 'readiness: store not answering');
      res.status(503);
      res.json({ status: 'unavailable', store: store.kind, error: { code: 'STORE_UNAVAILABLE' } });
    }
  }));

  const httpServer = server.server as HttpServer;
  const io = new IoServer(httpServer, { path: '/socket.io', serveClient: false });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (httpServer.listening) {
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections?.();
        });
      }
      await store.close();
    })());

  return { config, server, httpServer, io, store, close };
}
