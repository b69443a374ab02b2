import type { Server as IoServer } from 'socket.io';
import type { Logger } from '../../core/logger';

/**
 * A per-socket cap on what Socket.IO queues for one console client. Engine.io hands a socket's packets to its
 * transport one batch at a time and keeps the rest in the socket's write buffer until the batch has left the
 * process; a client that stops reading (a frozen tab, a dead network that TCP has not noticed yet) never lets
 * the batch leave, and the buffer would grow with every message to its rooms until the ping timeout (up to 45 s).
 * Past the cap the socket is cut at once: its memory is released, the others never wait for it, and the client
 * resyncs by sequence number when it reconnects (`sync`, agent-console/PROTOCOL.md).
 *
 * Only packets queued while the transport is busy count, so one large answer to a healthy client (a long
 * history) is never mistaken for a stall.
 */
export interface SocketBackpressureOptions {
  /** Bytes (string length of the encoded packets) queued behind a busy transport before the socket is cut. */
  maxBufferedBytes: number;
  log: Logger;
  /** Called when a socket is cut (tests and the benchmark count them). */
  onCut?: (info: { id: string; bufferedBytes: number; packets: number }) => void;
}

interface Packet {
  data?: unknown;
}

interface EngineSocket {
  id: string;
  writeBuffer: Packet[];
  transport: { writable: boolean; name: string; socket?: { terminate?: () => void } };
  on(event: 'packetCreate', fn: (p: Packet) => void): void;
  on(event: 'flush', fn: () => void): void;
  on(event: 'close', fn: () => void): void;
  close(discard?: boolean): void;
}

function size(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data && typeof (data as ArrayBufferLike).byteLength === 'number') return (data as ArrayBufferLike).byteLength;
  return 0;
}

/** Applies the cap to every connection of `io` from now on; returns a function that stops applying it. */
export function applySocketBackpressure(io: IoServer, o: SocketBackpressureOptions): () => void {
  const onConnection = (conn: EngineSocket) => {
    let queued = 0;
    let cut = false;
    conn.on('packetCreate', (p) => {
      // A writable transport takes the packet at once (flush follows synchronously); only a busy one queues it.
      if (cut || conn.transport.writable) return;
      queued += size(p.data);
      if (queued <= o.maxBufferedBytes) return;
      cut = true;
      const info = { id: conn.id, bufferedBytes: queued, packets: conn.writeBuffer.length + 1 };
      o.log.info(info, 'console socket cut: client not reading');
      o.onCut?.(info);
      // Closed without waiting for the buffer to drain (the socket disconnects with "forced close"); the WebSocket is
      // dropped too, since its close handshake would wait 30 s behind what the client is not reading.
      conn.close(true);
      conn.transport.socket?.terminate?.();
    });
    conn.on('flush', () => void (queued = 0));
  };
  io.engine.on('connection', onConnection);
  return () => void io.engine.off('connection', onConnection);
}
