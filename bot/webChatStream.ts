import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Config } from '../core/config';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Message } from '../models/records';
import type { Store } from '../store/store';
import { followUpId } from './supportBot';
import { WEBCHAT_CHANNEL } from './supportAdapter';
import { toActivity, type AttachmentUrl } from './webChatActivities';
import { memoryUsedTokens, type UsedTokens } from '../cluster/sharedState';
import { StreamTokens } from './webChatStreamTokens';
import { formatWatermark } from './webChatWatermark';
import { isPageGreeting } from './webchat/webChatGreeting';

/**
 * Direct Line 3.0 streaming for the built-in web chat: the conversation start and reconnect answers carry a
 * `streamUrl`; the client opens a WebSocket to it and the server pushes ActivitySet frames
 * (`{"activities":[…],"watermark":"N"}`) as messages are stored. Clients still post their activities over HTTP.
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-receive-activities
 *
 * The store is the buffer, not the socket: a connection remembers only the last sequence number it sent, and on
 * news it reads the store after it and writes frames while its queued bytes stay under the cap (the window); past
 * it, it waits until the last frame left the process. A slow client therefore holds at most the cap plus one frame
 * of memory, a new message is never lost (it is read from the store whenever the connection catches up), and a
 * dropped client resumes from its watermark. A client that stops reading is closed at its next keep-alive visit:
 * the ping sits behind what it does not read, so no pong comes back.
 */
export interface WebChatStreamOptions {
  /** Ping interval, milliseconds; a connection that has not answered the previous ping by the next is closed. */
  keepAliveMs: number;
  /** Bytes a connection may have queued in the process (not yet taken by the kernel); past it, writing waits. */
  maxBufferedBytes: number;
  /** Open streams in the process; beyond it a new stream is refused with 503 (the page then polls). */
  maxConnections: number;
}

export const WEB_CHAT_STREAM_DEFAULTS: WebChatStreamOptions = Object.freeze({
  keepAliveMs: 30_000, // Direct Line clients send their own empty message every 20 s
  maxBufferedBytes: 256 * 1024, // the window; one activity may exceed it alone (request bodies are capped at 256 KB)
  maxConnections: 20_000,
});

const MAX_INCOMING_BYTES = 4096; // clients only send empty keep-alives; anything bigger closes the stream (1009)
const FRAME_BYTES = 64 * 1024; // an activity set is cut into frames of about this size; one activity may exceed it
const PAGE = 200; // messages read from the store per pass
const PER_CONVERSATION = 4; // streams per conversation (one per tab); beyond it the oldest is closed
const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream(?:\?|$)/;

/** What the web chat channel (bot/webChatChannel.ts) calls. */
export interface WebChatStreamHook {
  /** The `streamUrl` for a conversation start or reconnect; `watermark` is the client's query value, if any. */
  streamUrl(baseUrl: string, token: { conversationId: string; userId: string; exp: number }, watermark: unknown): string;
  /**
   * A message was stored for this web chat conversation (channel conversation id); `posted`: the activity id of the
   * customer's message whose post this news answers (see WebChatStream.stored).
   */
  notify(conversationId: string, posted?: string): void;
}

interface Connection {
  readonly ws: WebSocket;
  readonly conversationId: string;
  readonly userId: string;
  /** The conversation token's expiry, epoch ms: the stream closes then. */
  readonly until: number;
  /** The last sequence number pushed (or the client's watermark), in the conversation `followUp` of the chain. */
  watermark: number;
  /**
   * Which stored conversation of the channel conversation the stream is in: 0 the first, n its n-th follow-up (a
   * customer writing again after a close), as polling numbers them (watermark "n.seq", bot/webChatChannel.ts).
   */
  followUp: number;
  storeId?: string;
  alive: boolean;
  pumping: boolean;
  again: boolean;
  /**
   * Until the first pump found the end of the chain: a stream opened on an older conversation (no watermark, after a
   * page reload) looks for follow-ups at once, not only when news wakes it.
   */
  catchingUp: boolean;
  bucket: number;
  /**
   * The stream's conversation's newest message as stored and durable (told by `stored`), until a pump passes it: the
   * news of its post writes it without reading it back from the store.
   */
  recent?: Message;
  /** Rejects the awaited frame write when the connection closes. */
  abort?: () => void;
}

const CONNECTION = Symbol('connection');
type Tagged = WebSocket & { [CONNECTION]?: Connection };

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function onPong(this: Tagged): void {
  const c = this[CONNECTION];
  if (c) c.alive = true;
}

export class WebChatStream implements WebChatStreamHook {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES, clientTracking: false, perMessageDeflate: false });
  private readonly tokens: StreamTokens;
  private readonly byConversation = new Map<string, Set<Connection>>();
  /** Connections by keep-alive slot: one slot is visited per tick, so pings are spread over the interval. */
  private readonly buckets: Set<Connection>[];
  private readonly tickMs: number;
  private timer?: NodeJS.Timeout;
  private tick = 0;
  private count = 0;
  private nextBucket = 0;
  private closed = false;
  private server?: HttpServer;
  private readonly options: WebChatStreamOptions;
  private readonly usedTokens: UsedTokens;
  /** Signed links to the files messages carry (set by the composition root); absent, files are left out. */
  attachmentUrl?: AttachmentUrl;
  /**
   * Told when a stored conversation's first stream here opens and its last one here closes (set by the composition
   * root: a queued customer whose streams all closed may have gone, handoff/customerAway.ts).
   */
  presence?: { opened(conversationId: string): Promise<unknown>; closed(conversationId: string): Promise<unknown> };

  constructor(
    private readonly d: {
      store: Store;
      secret: string;
      log: Logger;
      /** Shared across instances (REDIS_URL); absent: this process's. */ usedTokens?: UsedTokens;
    },
    options: Partial<WebChatStreamOptions> = {},
  ) {
    this.options = { ...WEB_CHAT_STREAM_DEFAULTS, ...options };
    this.usedTokens = d.usedTokens ?? memoryUsedTokens();
    this.tokens = new StreamTokens(d.secret);
    this.tickMs = Math.min(1000, this.options.keepAliveMs);
    this.buckets = Array.from({ length: Math.max(1, Math.round(this.options.keepAliveMs / this.tickMs)) }, () => new Set<Connection>());
  }

  /** The stream the configuration asks for, or none (WEBCHAT_STREAM=false: pages poll). */
  static fromConfig(config: Config, store: Store, log: Logger, usedTokens?: UsedTokens): WebChatStream | undefined {
    const s = config.streams;
    if (!s.webChat) return undefined;
    return new WebChatStream(
      { store, secret: config.session.secret, log, usedTokens },
      { keepAliveMs: s.webChatKeepAliveSeconds * 1000, maxBufferedBytes: s.webChatMaxBufferedBytes, maxConnections: s.webChatMaxConnections },
    );
  }

  /** Handles upgrades on the stream path; every other upgrade (Socket.IO's /socket.io) is left to its owner. */
  attach(server: HttpServer): void {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.timer = setInterval(() => this.keepAlive(), this.tickMs);
    this.timer.unref();
  }

  streamUrl(baseUrl: string, t: { conversationId: string; userId: string; exp: number }, watermark: unknown): string {
    // "seq", or "n.seq" once the chat went on in its n-th follow-up: the same watermarks polling hands out.
    const mark = /^(?:(\d{1,4})\.)?(\d{1,15})$/.exec(typeof watermark === 'string' || typeof watermark === 'number' ? String(watermark) : '0');
    const token = this.tokens.issue({
      conversationId: t.conversationId,
      userId: t.userId,
      watermark: mark ? Number(mark[2]) : 0,
      followUp: mark ? Number(mark[1] ?? 0) : 0,
      until: t.exp,
    });
    return `${baseUrl.replace(/^http/, 'ws')}/v3/directline/conversations/${encodeURIComponent(t.conversationId)}/stream?t=${token}`;
  }

  notify(conversationId: string, posted?: string): void {
    const set = this.byConversation.get(conversationId);
    if (set) for (const c of set) void this.pump(c, posted);
  }

  /**
   * A message of a web chat conversation is stored and durable (the handoff's `message.created`: a customer's message
   * in a chat a person holds or that waits in the queue). The customer's post that stored it notifies with its
   * activity id (`notify(id, posted)`); a stream that is just before it in the chain then writes it as it is, instead
   * of reading the store after its watermark for the message it was just told. Any other news reads the store.
   */
  stored(conversation: { id: string; channelId: string; channelConversationId: string }, message: Message): void {
    if (conversation.channelId !== WEBCHAT_CHANNEL) return;
    // A follow-up conversation's channel id is the first one's with "#n" (followUpId); its streams are under the first.
    const set = this.byConversation.get(conversation.channelConversationId.replace(/#\d+$/, ''));
    if (set) for (const c of set) if (c.storeId === conversation.id && message.seq > c.watermark) c.recent = message;
  }

  /**
   * An agent is typing: one typing activity to the conversation's open streams, as it happens (typing is not stored,
   * so a page that is not connected now simply does not see it). A stream that is not keeping up skips it.
   */
  typing(conversationId: string): void {
    const set = this.byConversation.get(conversationId);
    if (!set) return;
    const frame = JSON.stringify({
      activities: [
        {
          type: 'typing',
          id: `typing-${Date.now()}`,
          timestamp: new Date().toISOString(),
          channelId: WEBCHAT_CHANNEL,
          from: { id: 'bot', name: 'Agent', role: 'bot' },
        },
      ],
    });
    for (const c of set) {
      if (c.ws.readyState !== WebSocket.OPEN || c.ws.bufferedAmount > this.options.maxBufferedBytes) continue;
      c.ws.send(frame, () => undefined);
    }
  }

  /** News may have been missed (the shared notifier was away): every stream reads the store after its watermark. */
  notifyAll(): void {
    for (const id of this.byConversation.keys()) this.notify(id);
  }

  stats(): { connections: number; conversations: number; bufferedBytes: number } {
    let bufferedBytes = 0;
    for (const set of this.byConversation.values()) for (const c of set) bufferedBytes += c.ws.bufferedAmount;
    return { connections: this.count, conversations: this.byConversation.size, bufferedBytes };
  }

  /** Closes every stream (clients reconnect to the next process) and stops the keep-alive. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.server?.off('upgrade', this.onUpgrade);
    for (const set of this.byConversation.values()) {
      for (const c of set) {
        c.ws.close(1001, 'server shutting down');
        c.ws.terminate(); // the close frame is already written; nothing may hold the HTTP server open
      }
    }
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const m = STREAM_PATH.exec(req.url ?? '');
    if (m) void this.upgrade(req, socket, head, m[1]);
  };

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pathConversation: string): Promise<void> {
    const gone = () => socket.destroy(); // a client gone while its token is checked
    socket.on('error', gone);
    try {
      if (this.closed) throw new AppError('STREAM_LIMIT', 'the server is shutting down');
      const grant = this.tokens.verify(new URL(req.url ?? '', 'http://stream').searchParams.get('t'));
      // The same answer for someone else's conversation and a missing one, as over HTTP.
      if (grant.conversationId !== safeDecode(pathConversation)) throw new AppError('NOT_FOUND');
      if (this.count >= this.options.maxConnections) throw new AppError('STREAM_LIMIT');
      // One stream per token, across instances: a streamUrl copied from a log, a proxy or a history opens nothing.
      // The page's reconnect asks for a new one (GET /v3/directline/conversations/:id?watermark=).
      if (!(await this.usedTokens.claim(grant.id, grant.expiresAt))) throw new AppError('STREAM_TOKEN_USED');
      if (this.closed) throw new AppError('STREAM_LIMIT', 'the server is shutting down');
      if (socket.destroyed) return;
      socket.off('error', gone); // the WebSocket handles its socket's errors from here
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, grant));
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500 && e.code !== 'STREAM_LIMIT') this.d.log.error({ err: e.cause ?? e }, 'web chat stream upgrade failed');
      else this.d.log.info({ code: e.code }, 'web chat stream refused');
      const body = JSON.stringify({ error: e.toJSON() });
      if (socket.destroyed) return;
      socket.end(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
  }

  private open(ws: WebSocket, g: { conversationId: string; userId: string; watermark: number; followUp?: number; until: number }): void {
    if (this.closed) return void ws.terminate();
    const c: Connection = {
      ws,
      conversationId: g.conversationId,
      userId: g.userId,
      until: g.until * 1000,
      watermark: g.watermark,
      followUp: g.followUp ?? 0,
      alive: true,
      pumping: false,
      catchingUp: true,
      again: false,
      bucket: this.nextBucket++ % this.buckets.length,
    };
    (ws as Tagged)[CONNECTION] = c;
    let set = this.byConversation.get(c.conversationId);
    if (!set) this.byConversation.set(c.conversationId, (set = new Set()));
    set.add(c);
    this.buckets[c.bucket].add(c);
    this.count++;
    if (set.size > PER_CONVERSATION) set.values().next().value!.ws.close(1008, 'superseded by a newer stream');
    ws.on('pong', onPong);
    ws.on('message', onPong); // Direct Line clients send an empty message as their own keep-alive
    ws.on('error', () => ws.terminate()); // e.g. a frame over maxPayload; 'close' follows
    ws.once('close', () => this.remove(c));
    void this.pump(c);
  }

  private remove(c: Connection): void {
    const set = this.byConversation.get(c.conversationId);
    if (!set?.delete(c)) return;
    if (!set.size) this.byConversation.delete(c.conversationId);
    this.buckets[c.bucket].delete(c);
    this.count--;
    c.abort?.();
    if (!set.size && c.storeId && !this.closed) this.tell('closed', c.storeId);
  }

  private tell(what: 'opened' | 'closed', conversationId: string): void {
    this.presence?.[what](conversationId).catch((err: unknown) => this.d.log.warn({ err, conversationId }, `web chat stream ${what}: not recorded`));
  }

  /** One reader per connection; news while it reads makes it read again, so nothing stored is skipped. */
  private async pump(c: Connection, posted?: string): Promise<void> {
    if (c.pumping) return void (c.again = true);
    c.pumping = true;
    try {
      // The news of a customer's post, and the stream just before that message: written as stored, with no read. The
      // news is that message's own (its post's), so it tells of nothing else; any other message stored brings news of
      // its own, which reads the store.
      const told = c.recent;
      if (posted !== undefined && told?.activityId === posted && told.seq === c.watermark + 1 && c.storeId && !c.catchingUp) {
        c.recent = undefined;
        for (const frame of this.frames([told], c.userId, c.followUp, c.storeId)) {
          const full = this.write(c, frame);
          if (full) await full;
        }
        c.watermark = told.seq;
        if (!c.again) return;
      }
      do {
        c.again = false;
        if (c.ws.readyState !== WebSocket.OPEN) return;
        if (!c.storeId) {
          const conv = await this.d.store.findConversationByChannel(WEBCHAT_CHANNEL, followUpId(c.conversationId, c.followUp + 1));
          if (!conv) return; // no message yet: the first one notifies
          c.storeId = conv.id;
          this.tell('opened', conv.id);
        }
        const messages = await this.d.store.listMessages(c.storeId, { afterSeq: c.watermark, limit: PAGE });
        if (!messages.length) {
          // Nothing new here: the customer may have written again after a close, which went on in a follow-up
          // conversation (bot/supportBot.ts); the stream follows it, from its first message.
          const next = await this.d.store.findConversationByChannel(WEBCHAT_CHANNEL, followUpId(c.conversationId, c.followUp + 2));
          if (next) {
            c.followUp++;
            c.storeId = next.id;
            c.watermark = 0;
            c.again = true;
            // Its customer is here (a page reopened on the first chat's start comes this way): a gone follow-up
            // chat was once left gone until they wrote.
            this.tell('opened', next.id);
          } else if ((await this.d.store.findConversationByChannel(WEBCHAT_CHANNEL, followUpId(c.conversationId, c.followUp + 1)))?.id !== c.storeId) {
            // The conversation was erased while the chat was open (its channel key replaced): what the customer
            // writes next goes on in a new one, numbered from 1, which the stream follows from its start.
            c.followUp = 0;
            c.storeId = undefined;
            c.watermark = 0;
            c.again = true;
          } else c.catchingUp = false;
          continue;
        }
        if (messages.length === PAGE || c.catchingUp) c.again = true;
        if (c.recent && c.recent.seq <= messages[messages.length - 1].seq) c.recent = undefined;
        for (const frame of this.frames(messages, c.userId, c.followUp, c.storeId)) {
          const full = this.write(c, frame);
          if (full) await full;
        }
        c.watermark = messages[messages.length - 1].seq;
      } while (c.again);
    } catch (err) {
      if (c.ws.readyState === WebSocket.OPEN) {
        this.d.log.warn({ err, conversationId: c.conversationId }, 'web chat stream failed; the client reconnects from its watermark');
        c.ws.close(1011, 'stream failed');
      }
    } finally {
      c.pumping = false;
    }
  }

  /** Activity sets of about FRAME_BYTES, each with the watermark of its last message, as polling gives (bot/webChatWatermark.ts). */
  private *frames(messages: Awaited<ReturnType<Store['listMessages']>>, userId: string, followUp: number, storeId: string): Generator<string> {
    let parts: string[] = [];
    let size = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (m.kind === 'message' && !isPageGreeting(m)) {
        const a = JSON.stringify(toActivity(m, userId, this.attachmentUrl));
        parts.push(a);
        size += a.length + 1;
      }
      // Messages other agents' tools see (notes, events) advance the watermark without being pushed.
      if (parts.length && (size >= FRAME_BYTES || i === messages.length - 1)) {
        yield `{"activities":[${parts.join(',')}],"watermark":"${formatWatermark(followUp, m.seq, storeId)}"}`;
        parts = [];
        size = 0;
      }
    }
  }

  /** Writes a frame; past the window, returns a promise that settles once this frame left the process. */
  private write(c: Connection, frame: string): Promise<void> | undefined {
    const { ws } = c;
    if (ws.readyState !== WebSocket.OPEN) throw new Error('closed');
    const sent = new Promise<void>((resolve, reject) => {
      c.abort = () => reject(new Error('closed'));
      ws.send(frame, (err) => (err ? reject(err) : resolve()));
    });
    sent.catch(() => undefined); // awaited only when the window is full; a close settles it either way
    return ws.bufferedAmount > this.options.maxBufferedBytes ? sent : undefined;
  }

  private cut(c: Connection): void {
    this.d.log.info({ conversationId: c.conversationId, bufferedBytes: c.ws.bufferedAmount }, 'web chat stream closed: no answer to the keep-alive ping');
    c.ws.terminate(); // a close frame would only queue behind what the client is not reading
  }

  /** Visits one slot: closes the silent (or stalled: the ping waits behind what they do not read) and the expired, pings the rest. */
  private keepAlive(): void {
    const now = Date.now();
    const slot = this.buckets[this.tick++ % this.buckets.length];
    for (const c of slot) {
      if (!c.alive) this.cut(c);
      else if (now >= c.until) c.ws.close(1008, 'token expired');
      else {
        c.alive = false;
        c.ws.ping();
      }
    }
  }
}
