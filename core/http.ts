import type { Request, Response, Next } from 'restify';
import { z } from 'zod';
import { AppError, toAppError } from './errors';
import type { Logger } from './logger';

/** Wraps an async restify handler: one place where errors become coded JSON answers. */
export function route(log: Logger, handler: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: Next): void => {
    handler(req, res).then(
      () => next(),
      (err: unknown) => {
        sendError(log, req, res, err);
        next(false);
      },
    );
  };
}

export function sendError(log: Logger, req: Request, res: Response, err: unknown): void {
  const e = toAppError(err);
  const line = { reqId: req.id?.(), code: e.code, path: req.path?.(), err: e.status >= 500 ? (e.cause ?? e) : undefined };
  if (e.status >= 500) log.error(line, e.message);
  else log.info(line, e.message);
  if (res.headersSent) return;
  res.status(e.status);
  res.json({ error: e.toJSON() });
}

/** Parses a payload with a schema or throws VALIDATION_FAILED listing every problem. */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown, what = 'payload'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new AppError('VALIDATION_FAILED', `Invalid ${what}: ${issues.join('; ')}`, { details: issues });
}

/** Resolves with the promise, or rejects with STORE_UNAVAILABLE after ms. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('STORE_UNAVAILABLE', `no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
