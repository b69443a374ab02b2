import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedActivity {
  conversationId: string;
  activity: { type: string; text?: string; name?: string; [k: string]: unknown };
}

/**
 * A local Bot Framework channel: receives what the connector sends to serviceUrl
 * (POST /v3/conversations/{id}/activities[/{replyToId}]) and answers like a channel does.
 */
export class ChannelServer {
  readonly received: ReceivedActivity[] = [];
  private server!: http.Server;
  private waiters: { pred: (a: ReceivedActivity) => boolean; resolve: (a: ReceivedActivity) => void }[] = [];
  url = '';
  /** While set, every activity is refused with this HTTP status (a channel that is down or refuses the bot). */
  refuseWith: number | undefined;
  /** While set, every activity is held unanswered (a channel that never answers); see pending and recover(). */
  hang = false;
  /** Requests held by hang, in arrival order. */
  readonly pending: ReceivedActivity[] = [];
  private held: (() => void)[] = [];

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const m = req.url?.match(/^\/v3\/conversations\/([^/]+)\/activities/);
        if (req.method !== 'POST' || !m) {
          // restify patches http.ServerResponse globally: writeHead does not return res, so no chaining.
          res.writeHead(404);
          res.end();
          return;
        }
        if (this.hang) {
          this.pending.push({ conversationId: decodeURIComponent(m[1]), activity: JSON.parse(body || '{}') as ReceivedActivity['activity'] });
          // Never answered while hanging; recover() answers it 403, which the connector does not retry (its caller gave up long ago).
          this.held.push(() => {
            res.writeHead(403);
            res.end();
          });
          return;
        }
        if (this.refuseWith !== undefined) {
          res.writeHead(this.refuseWith, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Refused', message: 'refused by the test channel' } }));
          return;
        }
        const entry = { conversationId: decodeURIComponent(m[1]), activity: JSON.parse(body || '{}') as ReceivedActivity['activity'] };
        this.received.push(entry);
        this.waiters = this.waiters.filter((w) => (w.pred(entry) ? (w.resolve(entry), false) : true));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `ch-${this.received.length}` }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  texts(conversationId: string): string[] {
    return this.received.filter((r) => r.conversationId === conversationId && r.activity.type === 'message').map((r) => String(r.activity.text ?? ''));
  }

  /** Resolves with the first activity (already received or future) matching pred. */
  waitFor(pred: (a: ReceivedActivity) => boolean): Promise<ReceivedActivity> {
    const found = this.received.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  waitForText(conversationId: string, re: RegExp): Promise<ReceivedActivity> {
    return this.waitFor((a) => a.conversationId === conversationId && a.activity.type === 'message' && re.test(String(a.activity.text ?? '')));
  }

  /** Ends hang mode: held requests are answered 403 (not retried), later ones are taken. */
  recover(): void {
    this.hang = false;
    this.held.splice(0).forEach((answer) => answer());
  }

  async stop(): Promise<void> {
    this.held.splice(0).forEach((answer) => answer());
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
