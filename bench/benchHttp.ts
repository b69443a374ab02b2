import http from 'node:http';

/**
 * A bounded HTTP client for the load generators: Node's fetch opens a connection per concurrent request without
 * limit, and ten thousand simulated customers would then hold ten thousand sockets of the server besides their
 * streams. This agent keeps at most `maxSockets` connections alive and queues the rest.
 */
export function httpClient(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const once = (method: string, url: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent,
          headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    /** One retry on a connection error: a kept-alive socket the server closed meanwhile (the requests used here are idempotent). */
    async request(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
      try {
        return await once(method, url, headers, body);
      } catch {
        return once(method, url, headers, body);
      }
    },
    close: () => agent.destroy(),
  };
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes of one machine. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** Lines from a child's stdin, one callback each. */
export function onStdinLine(fn: (line: string) => void): void {
  let buf = '';
  process.stdin.on('data', (d) => {
    buf += String(d);
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) fn(line);
    }
  });
}
