import type { Request, Response, Next } from 'restify';
import { z } from 'zod';
import { AppError, toAppError } from './errors';
import type { Logger } from './logger';

/** Wraps a restify handler (async or not): one place where errors become coded JSON answers. */
export function route(log: Logger, handler: (req: Request, res: Response) => Promise<void> | void) {
  return (req: Request, res: Response, next: Next): void => {
    const fail = (err: unknown) => {
      sendError(log, req, res, err);
      next(false);
    };
    // A synchronous handler's throw is answered like an async handler's rejection.
    let done: Promise<void> | void;
    try {
      done = handler(req, res);
    } catch (err) {
      return fail(err);
    }
    Promise.resolve(done).then(() => next(), fail);
  };
}

export function sendError(log: Logger, req: Request, res: Response, err: unknown): void {
  const e = toAppError(err);
  const line = { reqId: req.id?.(), code: e.code, path: req.path?.(), err: e.status >= 500 ? (e.cause ?? e) : undefined };
  if (e.status >= 500) log.error(line, e.message);
  else log.info(line, e.message);
  if (res.headersSent) return;
  const retry = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retry === 'number') res.setHeader('retry-after', String(retry));
  sendJson(res, { error: e.toJSON() }, e.status);
}

/**
 * A JSON answer written straight to node's response: restify's `res.json` looks up a formatter and goes through its
 * send path (a few percent of a web chat message's CPU) for what is one small body. The headers set before stay.
 */
export function sendJson(res: Response, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Parses a payload with a schema or throws VALIDATION_FAILED listing every problem. */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown, what = 'payload'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.output<S>;
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

/** Keys that reach an object's prototype when merged with Object.assign or a naive deep merge. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** A body in which one of PROTOTYPE_KEYS may stand as a key: written out, or with an escape (`"\\u005f_proto__"`). */
const MAY_NAME_PROTOTYPE = /__proto__|constructor|prototype|\\/;

/**
 * Request bodies are JSON or nothing: there is no multipart, form or text parsing anywhere (restify's body parser
 * wrote every multipart upload to the temporary directory, unauthenticated), except that a multipart body to one of
 * `multipartRoutes` is left unread for the route, which authenticates first and reads it with readMultipart. JSON is read here rather than by
 * restify's reader, which starts each body with the deprecated `new Buffer(0)` (Node checks its call site, a stack
 * walk, for the first 10,000 requests after a start). Over `maxBytes` is 413 BODY_TOO_LARGE, another content type
 * 415 BODY_UNSUPPORTED_TYPE, unparsable JSON or a prototype key (`__proto__`, `constructor`, `prototype`, in the
 * body or the query) 400 VALIDATION_FAILED.
 */
export function bodyParser(log: Logger, maxBytes: number, options: { multipartRoutes?: ReadonlySet<string> } = {}) {
  return (req: Request, res: Response, next: Next): void => {
    const fail = (e: AppError) => {
      sendError(log, req, res, e);
      req.resume();
      next(false);
    };
    const query = req.getQuery?.() ?? '';
    if (typeof query === 'string' && query !== '' && prototypeKeyInQuery(query)) {
      return fail(new AppError('VALIDATION_FAILED', 'prototype keys (__proto__, constructor, prototype) are refused'));
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    const hasBody = declared > 0 || (Number.isNaN(declared) && req.headers['transfer-encoding'] !== undefined);
    if (!hasBody) return next();
    // The upload routes read their multipart bodies themselves, after authenticating, with their own limit
    // (readMultipart); the body is left unread for them, and only for them.
    const routePath = (req.getRoute?.() as { path?: unknown } | undefined)?.path;
    if (req.contentType() === 'multipart/form-data' && typeof routePath === 'string' && options.multipartRoutes?.has(routePath)) return next();
    if (req.contentType() !== 'application/json') return fail(new AppError('BODY_UNSUPPORTED_TYPE'));
    if (declared > maxBytes) return fail(new AppError('BODY_TOO_LARGE'));
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
      // The client closed or reset the connection mid-body (Node's "aborted"): there is no one to answer and
      // nothing to keep; not a fault of ours (it was logged as INTERNAL and answered 500 to a closed socket).
      if (req.socket.destroyed || (err as { code?: string }).code === 'ECONNRESET') {
        log.info(
          { reqId: req.id?.(), path: req.path?.(), received: size, declared: Number.isNaN(declared) ? undefined : declared },
          'request body cut off by the client',
        );
        req.destroy();
        return next(false);
      }
      next(err);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') return next();
      let prototypeKey = false;
      try {
        // The reviver visits every value (about 2 % of a web chat message's CPU): only a body that can spell such a
        // key, by name or through an escape, needs it; any other parses the same without.
        req.body = MAY_NAME_PROTOTYPE.test(text)
          ? (JSON.parse(text, function (key: string, value: unknown) {
              if (PROTOTYPE_KEYS.has(key)) prototypeKey = true;
              return value;
            }) as unknown)
          : (JSON.parse(text) as unknown);
      } catch {
        return fail(new AppError('VALIDATION_FAILED', 'The body is not valid JSON'));
      }
      if (prototypeKey) {
        req.body = undefined;
        return fail(new AppError('VALIDATION_FAILED', 'prototype keys (__proto__, constructor, prototype) are refused'));
      }
      next();
    });
  };
}

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  /** The form field name. */
  name: string;
  /** The file name the client gave (untrusted: sanitize before any use). */
  filename?: string;
  data: Buffer;
}

/**
 * After refusing a body for its size: reads and throws away the rest of it, up to `cap` bytes, so that the client
 * (a browser streaming a file) finishes sending and reads the answer instead of a reset mid-upload; the connection
 * stays usable. A body declared or found larger than `cap` closes the connection instead.
 */
export function discardRest(req: Request, res: Response, cap: number): void {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > cap) return void res.setHeader('connection', 'close');
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > cap) req.socket.destroy();
  });
  req.resume();
}

/**
 * Reads a multipart/form-data body (RFC 7578) into memory, never to disk, refusing it while it streams: a declared
 * length over `maxBytes`, or more bytes than that arriving, is ATTACHMENT_TOO_LARGE at once (the rest is never
 * kept; the connection is closed after the answer). Only for routes that authenticated the caller first and were
 * named to bodyParser as multipart routes.
 */
export function readMultipart(req: Request, limits: { maxBytes: number; maxParts: number }): Promise<MultipartPart[]> {
  const type = String(req.headers['content-type'] ?? '');
  const boundary = /^multipart\/form-data;.*\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(type);
  if (!boundary) return Promise.reject(new AppError('ATTACHMENT_INVALID', 'expected multipart/form-data with a boundary'));
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limits.maxBytes) return Promise.reject(new AppError('ATTACHMENT_TOO_LARGE', undefined, { details: { maxBytes: limits.maxBytes } }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limits.maxBytes) {
        done = true;
        chunks.length = 0;
        req.removeListener('data', onData);
        return reject(new AppError('ATTACHMENT_TOO_LARGE', undefined, { details: { maxBytes: limits.maxBytes } }));
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(new AppError('ATTACHMENT_INVALID', 'the upload was interrupted', { cause: err }));
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(splitMultipart(Buffer.concat(chunks, size), boundary[1] ?? boundary[2], limits.maxParts));
      } catch (err) {
        reject(err instanceof Error ? err : new AppError('ATTACHMENT_INVALID'));
      }
    });
  });
}

function splitMultipart(body: Buffer, boundary: string, maxParts: number): MultipartPart[] {
  const invalid = (why: string) => new AppError('ATTACHMENT_INVALID', `malformed multipart body: ${why}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos !== 0 && pos !== -1 && body.subarray(0, pos).toString('latin1').trim() !== '') throw invalid('text before the first boundary');
  if (pos === -1) throw invalid('no boundary');
  const parts: MultipartPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // the closing delimiter
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw invalid('a boundary not followed by a line break');
    const headersEnd = body.indexOf('\r\n\r\n', pos + 2);
    if (headersEnd === -1 || headersEnd - pos > 8192) throw invalid('part headers');
    const headers = body.subarray(pos + 2, headersEnd).toString('utf8');
    const end = body.indexOf(next, headersEnd + 4);
    if (end === -1) throw invalid('a part without its closing boundary');
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1];
    const name = disposition && /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name) throw invalid('a part without a form-data name');
    const filename = disposition ? /\bfilename="([^"]*)"/i.exec(disposition)?.[1] : undefined;
    if (parts.length >= maxParts) throw new AppError('ATTACHMENT_TOO_MANY', `more than ${maxParts} parts`, { details: { maxParts } });
    parts.push({ name, filename, data: body.subarray(headersEnd + 4, end) });
    pos = end + 2;
  }
}

function prototypeKeyInQuery(query: string): boolean {
  try {
    for (const key of new URLSearchParams(query).keys()) {
      if (key.split(/[[\].]/).some((part) => PROTOTYPE_KEYS.has(part))) return true;
    }
    return false;
  } catch {
    return true;
  }
}

/**
 * The client's address: the peer, or, behind `trustProxy` reverse proxies, the address that many hops from the
 * right of X-Forwarded-For (each proxy appends the address it received the request from; anything further left
 * is what the client claimed and is never believed).
 */
export function clientAddress(
  req: { headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } },
  trustProxy: number,
): string {
  const peer = req.socket?.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return hops[hops.length - trustProxy] ?? hops[0] ?? peer;
}

/** Headers on every API answer: never sniffed into HTML, never cached (they carry personal data and tokens). */
export function apiHeaders(res: Response, httpsOnly: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  if (httpsOnly) res.setHeader('strict-transport-security', 'max-age=31536000');
}

/**
 * An ISO date (2026-11-01) or UTC time (2026-11-01T09:30:00Z) that exists on the calendar: Date.parse accepts
 * 2020-02-30 and quietly means March 1st.
 */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, 'must be an ISO date such as 2026-11-01 or 2026-11-01T09:30:00Z')
  .refine(isRealDate, 'is not a real date');

export function isRealDate(s: string): boolean {
  const [y, mo, d] = [Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return false;
  if (s.length === 10) return true;
  const [h, mi, sec] = [Number(s.slice(11, 13)), Number(s.slice(14, 16)), s.length > 17 ? Number(s.slice(17, 19)) : 0];
  return h < 24 && mi < 60 && sec < 60;
}
