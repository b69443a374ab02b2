import type restify from 'restify';
import type { AuthContext, AuthService } from '../auth/authService';
import { canonicalUrl } from './endpoints';

/** How long a download link works, seconds. */
const TICKET_SECONDS = 60;

/**
 * A link a plain browser download can follow: the export's path with the validated query, and a ticket bound to
 * exactly that URL for this session (never the session token in a URL).
 */
export function downloadLink(auth: AuthService, ctx: AuthContext, path: string, query: Record<string, string>): { url: string; expiresInSeconds: number } {
  const url = canonicalUrl(path, query);
  return { url: `${url}&ticket=${encodeURIComponent(auth.ticketFor(ctx, url, TICKET_SECONDS))}`, expiresInSeconds: TICKET_SECONDS };
}

export const contentTypeOf = (format: 'csv' | 'json') => (format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');

/**
 * Streams chunks with backpressure; stops when the client goes away. The first chunk is produced before the
 * 200 goes out, so a store that fails at once gets a coded error; one that fails later breaks the transfer
 * (the client sees an incomplete download, never a file that looks whole).
 */
export async function stream(res: restify.Response, type: string, filename: string, chunks: AsyncIterable<string>): Promise<void> {
  const it = chunks[Symbol.asyncIterator]();
  let next = await it.next();
  res.writeHead(200, {
    'content-type': type,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  try {
    for (; !next.done; next = await it.next()) {
      if (res.destroyed) {
        await it.return?.();
        return;
      }
      if (!res.write(next.value)) {
        await new Promise<void>((resolve) => {
          const done = () => (res.off('drain', done), res.off('close', done), resolve());
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    res.end();
  } catch (err) {
    res.destroy(err as Error);
    throw err;
  }
}
