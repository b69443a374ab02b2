import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Server as IoServer } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { GroupCommit } from '../store/sqlite/groupCommit';
import { listen, round, summary } from './benchKit';
import { Child } from './webchatHarness';

/**
 * The relay's floor (bench/relayBench.ts): what a customer → agent relay cannot go below on this machine, measured in
 * the same run, one sample after each relay, so the relay and its floor see the same disk and the same load:
 *
 * - `rtt`: a bare Socket.IO round trip (an acked event to a server that only acks);
 * - `durable`: the same round trip, acked once one small row is durable through the store's own group commit
 *   (store/sqlite/groupCommit.ts: the store's pragmas, WAL, synchronous full, fdatasync on libuv's thread pool), in a
 *   file of its own beside the relay server's: the round trip plus the durable write, nothing else;
 * - `fsync`: a bare fdatasync of a small append to a plain file in the same folder, timed in the server (from the
 *   call to its callback, so the thread pool's hand-off counts, as it does for the store).
 *
 * What the relay takes above `durable` is the product's own work: HTTP, the turn, the push.
 */
export interface FloorSample {
  rtt: number;
  durable: number;
  fsync: number;
}

/** A row about the size of a relayed message's (its text, ids, recognition), not a toy. */
const ROW = 'x'.repeat(300);

/** The server side, in its own process (`relayServer.js floor DIR`): answers `{url}`. */
export async function floorServer(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const store = new GroupCommit(path.join(dir, `floor-${process.pid}.sqlite`), { synchronous: 'full' });
  store.open();
  store.db.exec('CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)');
  const insert = store.db.prepare('INSERT INTO floor (at, body) VALUES (?, ?)');
  const file = path.join(dir, `floor-${process.pid}.append`);
  const fd = fs.openSync(file, 'a');
  const line = Buffer.from(`${ROW}\n`);
  const server = http.createServer();
  const io = new IoServer(server);
  io.on('connection', (s) => {
    s.on('ping', (x: number, ack: (x: number) => void) => ack(x));
    s.on('durable', (x: number, ack: (x: number) => void) => {
      store
        .tx(() => insert.run(Date.now(), ROW))
        .then(
          () => ack(x),
          () => ack(-1),
        );
    });
    s.on('fsync', (ack: (ms: number) => void) => {
      // The append reaches the page cache; the fdatasync alone is timed.
      fs.write(fd, line, (err) => {
        if (err) return ack(-1);
        const t = process.hrtime.bigint();
        fs.fdatasync(fd, (e) => ack(e ? -1 : Number(process.hrtime.bigint() - t) / 1e6));
      });
    });
  });
  return {
    url: await listen(server),
    close: async () => {
      await io.close();
      await store.close();
      fs.closeSync(fd);
    },
  };
}

/** The client side: the floor server of this build in its own process, sampled between relays. */
export class Floor {
  private constructor(
    private readonly server: Child,
    private readonly socket: Socket,
  ) {}

  static async start(dir: string): Promise<Floor> {
    const server = new Child('relayServer.js', ['floor', dir]);
    try {
      const { url } = JSON.parse(await server.line()) as { url: string };
      const socket = ioClient(url, { transports: ['websocket'] });
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const floor = new Floor(server, socket);
      // Unmeasured, as the relays' warm-up: the JIT, the WAL file's creation and its directory's fsync.
      for (let i = 0; i < 20; i++) await floor.take();
      return floor;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  /** One sample of each, one after the other (never overlapping a relay or each other). */
  async take(): Promise<FloorSample> {
    const timed = async (event: string): Promise<number> => {
      const t = process.hrtime.bigint();
      const r = (await this.socket.emitWithAck(event, 0)) as number;
      if (r < 0) throw new Error(`the floor server's ${event} failed`);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const rtt = await timed('ping');
    const durable = await timed('durable');
    const fsync = (await this.socket.emitWithAck('fsync')) as number;
    if (fsync < 0) throw new Error("the floor server's fdatasync failed");
    return { rtt, durable, fsync };
  }

  async stop(): Promise<void> {
    this.socket.disconnect();
    await this.server.stop();
  }
}

export type FloorSummary = Record<keyof FloorSample, ReturnType<typeof summary>>;

export function floorSummary(samples: readonly FloorSample[]): FloorSummary {
  return {
    rtt: summary(samples.map((s) => s.rtt)),
    durable: summary(samples.map((s) => s.durable)),
    fsync: summary(samples.map((s) => s.fsync)),
  };
}

/** `a - b` at each percentile: what the relay takes above its floor (not a percentile of differences). */
export function above(a: ReturnType<typeof summary>, b: ReturnType<typeof summary>): { p50: number; p95: number; p99: number } {
  return { p50: round(a.p50 - b.p50), p95: round(a.p95 - b.p95), p99: round(a.p99 - b.p99) };
}

export const pcts = (s: { p50: number; p95: number; p99: number }) => `${s.p50}/${s.p95}/${s.p99}`;
