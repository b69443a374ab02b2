import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type restify from 'restify';
import { route } from '../../core/http';
import type { Logger } from '../../core/logger';

/**
 * The Web Chat script for /chat, made light: the package's minimal bundle (1.9 MB instead of 3.9 MB: no
 * Adaptive Cards, markdown or speech, which this bot does not send), compressed once in the background with
 * brotli and gzip (412 KB and 483 KB on the wire), revalidated by ETag and cached by the browser for a day.
 */
// The package's exports map hides package.json; find its folder from the main entry.
const MAIN = require.resolve('botframework-webchat');
const BUNDLE = path.join(MAIN.slice(0, MAIN.lastIndexOf('botframework-webchat') + 'botframework-webchat'.length), 'dist', 'webchat-minimal.js');
const MAX_AGE_SECONDS = 86_400;

export function registerWebChatBundle(server: restify.Server, log: Logger): void {
  const body = fs.readFileSync(BUNDLE);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const encoded: { br?: Buffer; gzip?: Buffer } = {};
  // In libuv's thread pool, not on the event loop; until each is ready the script goes out uncompressed.
  promisify(zlib.brotliCompress)(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).then(
    (b) => (encoded.br = b),
    (err) => log.warn({ err }, 'web chat bundle: brotli failed, serving gzip or identity'),
  );
  promisify(zlib.gzip)(body, { level: 9 }).then(
    (b) => (encoded.gzip = b),
    (err) => log.warn({ err }, 'web chat bundle: gzip failed, serving identity'),
  );

  server.get(
    '/chat/webchat.js',
    route(log, (req, res) => {
      res.setHeader('content-type', 'application/javascript; charset=utf-8');
      res.setHeader('cache-control', `public, max-age=${MAX_AGE_SECONDS}`);
      res.setHeader('etag', etag);
      res.setHeader('vary', 'accept-encoding');
      res.setHeader('x-content-type-options', 'nosniff');
      if (req.header('if-none-match') === etag) {
        res.writeHead(304);
        res.end();
        return;
      }
      const accepts = String(req.header('accept-encoding') ?? '');
      const encoding = encoded.br && /\bbr\b/.test(accepts) ? 'br' : encoded.gzip && /\bgzip\b/.test(accepts) ? 'gzip' : undefined;
      if (encoding) res.setHeader('content-encoding', encoding);
      const out = encoding ? encoded[encoding]! : body;
      res.setHeader('content-length', String(out.length));
      res.writeHead(200);
      res.end(out);
    }),
  );
}
