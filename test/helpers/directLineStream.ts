import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

export interface WebChatSession {
  token: string;
  conversationId: string;
  userId: string;
}

export interface StreamActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  channelData?: { clientActivityID?: string };
}

/** A visitor as the page makes one (POST /chat/session). */
export async function webChatSession(url: string): Promise<WebChatSession> {
  const r = await fetch(`${url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (r.status !== 200) throw new Error(`session ${r.status}`);
  return (await r.json()) as WebChatSession;
}

/** Starts (no watermark: POST) or reconnects (GET ?watermark=) as Direct Line clients do; returns the answer. */
export async function startConversation(
  url: string,
  s: WebChatSession,
  watermark?: string,
): Promise<{ status: number; body: { conversationId: string; token: string; streamUrl?: string } }> {
  const r =
    watermark === undefined
      ? await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` } })
      : await fetch(`${url}/v3/directline/conversations/${s.conversationId}?watermark=${watermark}`, { headers: { authorization: `Bearer ${s.token}` } });
  return { status: r.status, body: (await r.json()) as never };
}

/** Posts a message as Web Chat does (with a clientActivityID); resolves with the HTTP status. */
export async function say(url: string, s: WebChatSession, text: string, clientActivityID: string = randomUUID()): Promise<number> {
  const r = await fetch(`${url}/v3/directline/conversations/${s.conversationId}/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
    body: JSON.stringify({ type: 'message', text, from: { id: s.userId }, channelData: { clientActivityID } }),
  });
  await r.arrayBuffer();
  return r.status;
}

/** A Direct Line stream client: collects the pushed activity sets and the last watermark. */
export class StreamClient {
  readonly activities: StreamActivity[] = [];
  readonly watermarks: string[] = [];
  emptyFrames = 0;
  closed?: { code: number; reason: string };
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
      if (!text) this.emptyFrames++;
      else {
        const set = JSON.parse(text) as { activities: StreamActivity[]; watermark?: string };
        this.activities.push(...set.activities);
        if (set.watermark) this.watermarks.push(set.watermark);
      }
      this.waiters.splice(0).forEach((w) => w());
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  /** Opens the stream; rejects with the HTTP status when the server refuses the upgrade. */
  static open(streamUrl: string): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(streamUrl);
      ws.once('open', () => resolve(new StreamClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode }));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  get watermark(): string | undefined {
    return this.watermarks[this.watermarks.length - 1];
  }

  texts(): string[] {
    return this.activities.map((a) => a.text ?? '');
  }

  /** Resolves when pred holds (checked after every frame), or rejects after ms. */
  async until(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.texts())}${this.closed ? `, closed ${this.closed.code}` : ''}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}
