import type { Request, RequestHandler, Response, Next } from 'restify';
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

/**
 * Request bodies: JSON (every API and Bot Framework body) is read here; anything else goes through restify's
 * bodyParser. restify's reader starts each body with the deprecated `new Buffer(0)`, and Node checks the call
 * site of that (a stack walk) for the first 10,000 requests after every start: a few percent of a bot turn.
 * Limits and errors are the same: over `maxBytes` is 413 BODY_TOO_LARGE, unparsable JSON 400 VALIDATION_FAILED.
 */
export function bodyParser(log: Logger, maxBytes: number, others: RequestHandler[]) {
  return (req: Request, res: Response, next: Next): void => {
    if (req.contentType() !== 'application/json') {
      const run = (i: number): void => {
        if (i >= others.length) return next();
        others[i](req, res, ((err?: unknown) => (err !== undefined && err !== null ? next(err as Error) : run(i + 1))) as Next);
      };
      return run(0);
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    const fail = (e: AppError) => {
      sendError(log, req, res, e);
      req.resume();
      next(false);
    };
    if (declared > maxBytes) return fail(new AppError('BODY_TOO_LARGE'));
    if (declared === 0) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        return fail(new AppError('BODY_TOO_LARGE'));
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      next(err);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') return next();
      try {
        req.body = JSON.parse(text);
      } catch {
        return fail(new AppError('VALIDATION_FAILED', 'The body is not valid JSON'));
      }
      next();
    });
  };
}
