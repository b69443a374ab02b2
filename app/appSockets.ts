import type { Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { ConsoleGateway } from '../agent-console/server/consoleGateway';
import { registerInboxGateway } from '../agent-console/server/inboxGateway';
import { registerLiveGateway } from '../agent-console/server/liveGateway';
import type { LiveClientToServerEvents, LiveServerToClientEvents } from '../agent-console/server/liveProtocol';
import type { InboxClientToServerEvents, InboxServerToClientEvents } from '../agent-console/server/inboxProtocol';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../agent-console/server/protocol';
import { installSocketGuards } from '../agent-console/server/socketGuards';
import { WebChatStream } from '../bot/webChatStream';
import { applySocketBackpressure } from '../agent-console/server/socketBackpressure';
import type { AppParts } from './appServices';

/** The console's Socket.IO server: the gateway's and the inbox's events (protocol.ts, inboxProtocol.ts). */
export type ConsoleIoServer = IoServer<
  ClientToServerEvents & InboxClientToServerEvents & LiveClientToServerEvents,
  ServerToClientEvents & InboxServerToClientEvents & LiveServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** One console request: room for the longest message in UTF-8 (4 bytes a character at most) and its envelope, bytes. */
const socketMaxBytes = (maxMessageChars: number) => Math.max(64 * 1024, maxMessageChars * 4 + 4096);

/**
 * The console's Socket.IO side on the HTTP server: guards first (origin, handshake, per-socket limits), back
 * pressure, then the gateway, the inbox and live collaboration. The web chat stream upgrades on its own path.
 */
export function buildSockets(config: Config, log: Logger, parts: AppParts, httpServer: HttpServer, stream: WebChatStream | undefined) {
  const { store, shared, limits, auth, handoff, events, profiles, review } = parts;
  const io: ConsoleIoServer = new IoServer(httpServer, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: socketMaxBytes(config.maxMessageChars),
    // Several instances: WebSocket only (the console's own transport), so one connection stays on one instance for
    // its life and no load balancer needs sticky sessions; a long-polling client would be spread over instances.
    ...(shared.ioAdapter ? { adapter: shared.ioAdapter, transports: ['websocket' as const] } : {}),
  });
  // Before the gateway's own middleware and handlers: origin, handshake and per-socket limits come first.
  installSocketGuards(io, {
    limits,
    log,
    trustProxy: config.trustProxy,
    maxMessageChars: config.maxMessageChars,
    publicOrigin: config.publicUrl ? new URL(config.publicUrl).origin : undefined,
    allowedOrigins: config.console.allowedOrigins,
  });
  // The guards above already compared the Origin with scheme; the gateway's own check must also accept PUBLIC_URL's.
  const consoleOrigins = [...config.console.allowedOrigins, ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])];
  applySocketBackpressure(io, { maxBufferedBytes: config.streams.consoleMaxBufferedBytes, log });
  stream?.attach(httpServer); // upgrades on /v3/directline/conversations/:id/stream; Socket.IO keeps /socket.io
  const gateway = new ConsoleGateway(io, {
    store,
    auth,
    handoff,
    events,
    profiles,
    review,
    log,
    allowedOrigins: consoleOrigins,
    shared,
    sessionCheckSeconds: config.console.sessionCheckSeconds,
  });
  gateway.start();
  registerInboxGateway(io, { store, handoff, log, offerTimeoutSeconds: config.handoff.offerTimeoutSeconds, maxMessageChars: config.maxMessageChars });
  const live = registerLiveGateway(io, { store, handoff, events, review, log });
  const stop = () => {
    gateway.stop();
    live.stop();
  };
  return { io, stop };
}
