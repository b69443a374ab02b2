import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { onStdinLine, wallMs } from './benchHttp';

/**
 * Child process of the benchmark: console sockets as agents' browsers hold them. Reads a spec file
 * `[{ token, join?: conversationIds, stall?: true, greet?: conversationIds }]`, connects every socket, joins what it
 * is told, then stops reading on the stalled ones (their TCP socket is paused: a frozen tab, a dead network). Prints
 * "half K" when half are connected and, on "more", "connected N" when all are;
 * on "greet R" each agent answers every chat of its `greet` list once (`message:send`, as the console sends a reply),
 * R a second in all, the agents taking turns, and prints "greeted N failures";
 * times every `message:new` whose activity id starts with `<wall ms>-`; on "report" prints one JSON line with the
 * delivery latencies of the healthy sockets and what happened to the stalled ones; exits on "stop".
 * Arguments: url specFile.
 */
interface Spec {
  token: string;
  join?: string[];
  stall?: boolean;
  greet?: string[];
}

const GREETING = "Hello, I'm here to help you now. What can I do for you?";

async function main(): Promise<void> {
  const [url, specFile] = [process.argv[2], process.argv[3]];
  const specs = JSON.parse(fs.readFileSync(specFile, 'utf8')) as Spec[];
  const latencies: number[] = [];
  const stalled: { pausedAt?: number; disconnectedAfterMs?: number; reason?: string; received: number }[] = [];
  const sockets: Socket[] = [];
  const greetings: { s: Socket; conversationId: string }[][] = [];
  const open = async (spec: Spec) => {
    const s = io(url, { auth: { token: spec.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    if (spec.greet?.length) greetings.push(spec.greet.map((conversationId) => ({ s, conversationId })));
    await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
    for (const conversationId of spec.join ?? []) {
      const r = (await s.timeout(30_000).emitWithAck('conversation:join', { conversationId })) as { ok: boolean; error?: unknown };
      if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r.error)}`);
    }
    if (spec.stall) {
      const st: (typeof stalled)[number] = { received: 0 };
      stalled.push(st);
      s.on('message:new', () => st.received++);
      s.on('disconnect', (reason) => {
        st.reason = reason;
        st.disconnectedAfterMs = st.pausedAt ? Math.round(wallMs() - st.pausedAt) : undefined;
      });
      (s.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } }).transport.ws._socket.pause();
      st.pausedAt = wallMs();
      return;
    }
    s.on('message:new', (p: { message: { activityId?: string } }) => {
      const m = /^(\d+\.\d+)-/.exec(p.message.activityId ?? '');
      if (m) latencies.push(wallMs() - Number(m[1]));
    });
  };
  // The agents in turn (one chat of each, then the next of each), paced: a burst of thousands of replies would be
  // a load of its own, and no agent goes over the console's message rate (RATE_LIMIT_SOCKET_MESSAGES).
  const greet = async (perSecond: number) => {
    const order = Array.from({ length: Math.max(0, ...greetings.map((g) => g.length)) }, (_, i) =>
      greetings.flatMap((g) => (i < g.length ? [g[i]] : [])),
    ).flat();
    const start = wallMs();
    let failures = 0;
    const inFlight = new Set<Promise<void>>();
    for (const [i, { s, conversationId }] of order.entries()) {
      const due = start + (i * 1000) / perSecond;
      if (due > wallMs()) await new Promise((r) => setTimeout(r, due - wallMs()));
      while (inFlight.size >= 64) await Promise.race(inFlight);
      const p = (
        s.timeout(30_000).emitWithAck('message:send', { conversationId, text: GREETING, clientMessageId: `greeting-${conversationId}` }) as Promise<{
          ok: boolean;
        }>
      )
        .then(
          (r) => void (r.ok || failures++),
          () => void failures++,
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    process.stdout.write(`greeted ${order.length - failures} ${failures}\n`);
  };
  const commands: Record<string, (arg?: string) => void> = {
    greet: (perSecond) => void greet(Number(perSecond) || 250),
    report: () => process.stdout.write(`${JSON.stringify({ latencies, stalled })}\n`),
    stop: () => {
      sockets.forEach((s) => s.disconnect());
      process.exit(0);
    },
  };
  onStdinLine((line) => {
    const [name, arg] = line.split(' ');
    commands[name]?.(arg);
  });
  // Half, then on "more" the rest, so the server's memory per socket is read between two counts.
  const half = Math.floor(specs.length / 2);
  for (let i = 0; i < half; i += 50) await Promise.all(specs.slice(i, Math.min(i + 50, half)).map(open));
  process.stdout.write(`half ${sockets.length}\n`);
  await new Promise<void>((r) => (commands.more = () => r()));
  for (let i = half; i < specs.length; i += 50) await Promise.all(specs.slice(i, i + 50).map(open));
  process.stdout.write(`connected ${sockets.length}\n`);
}

void main();
