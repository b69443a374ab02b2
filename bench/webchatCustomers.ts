import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { WebSocket } from 'ws';
import { httpClient, onStdinLine, wallMs } from './benchHttp';

/**
 * Child process of the benchmark: N web chat customers as the page makes them (a session, a Direct Line
 * conversation start, a WebSocket to its streamUrl). Connects half, prints "half K", and on "more" the rest (the
 * server's memory is read at both points, so what it spends once is not counted per connection); then writes their
 * ids to a file and prints "connected N failures"; on
 * "go" each customer posts one message every intervalMs for `seconds` (evenly spread phases, on one fixed schedule), its clientActivityID
 * (the stored activity id the agent sees) starting with its send time `<wall ms>-` so the agent side can time the
 * delivery; then prints one JSON line with the post and stream-echo latencies; exits on "stop".
 *
 * The texts hold no digits and no date words: those send the recognizer into node-nlp's entity extraction, which
 * costs tens of milliseconds to a second per message on this machine and would make these sections measure it
 * (the bot section measures turns); a 20 KB text is ordinary words.
 * Arguments: url count intervalMs seconds bigEvery sessionsFile. Every bigEvery-th message is 20 KB (0: none).
 */
interface Customer {
  conversationId: string;
  userId: string;
  token: string;
  ws?: WebSocket;
  /** clientActivityID → send time, until the stream echoes it. */
  pending: Map<string, number>;
}

async function main(): Promise<void> {
  const [url, count, intervalMs, seconds, bigEvery, sessionsFile] = [
    process.argv[2],
    Number(process.argv[3]),
    Number(process.argv[4]),
    Number(process.argv[5]),
    Number(process.argv[6]),
    process.argv[7],
  ];
  const http = httpClient(128);
  const customers: Customer[] = [];
  const echo: number[] = [];
  let streamErrors = 0;
  let closedStreams = 0;
  let connectFailures = 0;
  // Commands from the benchmark: more, go, stop (registered first, so none is missed while connecting).
  const commands: Record<string, () => void> = {};
  onStdinLine((line) => commands[line]?.());

  const connect = async (): Promise<void> => {
    const s = JSON.parse((await http.request('POST', `${url}/chat/session`, {}, '{}')).body) as { token: string; conversationId: string; userId: string };
    const started = JSON.parse((await http.request('POST', `${url}/v3/directline/conversations`, { authorization: `Bearer ${s.token}` })).body) as {
      token: string;
      streamUrl: string;
    };
    const c: Customer = { conversationId: s.conversationId, userId: s.userId, token: started.token, pending: new Map() };
    const ws = new WebSocket(started.streamUrl, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
    ws.on('message', (data) => {
      const set = JSON.parse((data as Buffer).toString()) as { activities: { channelData?: { clientActivityID?: string } }[] };
      const at = wallMs();
      for (const a of set.activities) {
        const id = a.channelData?.clientActivityID;
        const sent = id && c.pending.get(id);
        if (sent) {
          echo.push(at - sent);
          c.pending.delete(id);
        }
      }
    });
    ws.on('error', () => streamErrors++);
    ws.on('close', () => closedStreams++);
    c.ws = ws;
    customers.push(c);
  };
  const connectUpTo = async (n: number) => {
    for (let i = customers.length + connectFailures; i < n; i += 100) {
      const batch = await Promise.allSettled(Array.from({ length: Math.min(100, n - i) }, connect));
      connectFailures += batch.filter((r) => r.status === 'rejected').length;
    }
  };
  const moreAsked = new Promise<void>((r) => (commands.more = r));
  await connectUpTo(Math.floor(count / 2));
  process.stdout.write(`half ${customers.length}\n`);
  await moreAsked;
  await connectUpTo(count);
  fs.writeFileSync(sessionsFile, JSON.stringify(customers.map((c) => ({ conversationId: c.conversationId, userId: c.userId }))));
  process.stdout.write(`connected ${customers.length} ${connectFailures}\n`);

  const post: number[] = [];
  let sent = 0;
  let failures = 0;
  const TEXTS = [
    'my parcel is late, can you check please',
    'the item arrived broken',
    'can I change the delivery address',
    'thanks, that helps a lot',
    'is there any news about my refund',
    'the size is wrong, what should I do',
  ];
  const sentence = 'my parcel did not arrive and I am still waiting for the delivery, please tell me what happened to it. ';
  const big = sentence.repeat(Math.ceil(20_000 / sentence.length)).slice(0, 20_000);
  const send = async (c: Customer) => {
    const n = sent++;
    const t = wallMs();
    const id = `${t.toFixed(3)}-${randomUUID()}`;
    const text = bigEvery > 0 && n % bigEvery === bigEvery - 1 ? big : TEXTS[n % TEXTS.length];
    c.pending.set(id, t);
    try {
      const r = await http.request(
        'POST',
        `${url}/v3/directline/conversations/${c.conversationId}/activities`,
        { authorization: `Bearer ${c.token}` },
        JSON.stringify({ type: 'message', text, from: { id: c.userId }, channelData: { clientActivityID: id } }),
      );
      if (r.status !== 200) failures++;
      post.push(wallMs() - t);
    } catch {
      failures++;
    }
  };

  commands.stop = () => {
    customers.forEach((c) => c.ws?.terminate());
    http.close();
    process.exit(0);
  };
  commands.go = () => {
    const start = wallMs();
    const end = start + seconds * 1000;
    const inFlight: Promise<void>[] = [];
    // One schedule for all: customer i's k-th message is due at start + (k + i / count) × interval, phases spread
    // evenly, so the rate is count / interval from the first second. Due times are fixed in advance: a customer timer
    // re-armed after each send (10,000 of them) drifted by this process's lateness, and the customers late together
    // stayed together, in bursts the server met as queues.
    const n = customers.length;
    let j = 0;
    const due = (k: number) => start + (Math.floor(k / n) + (k % n) / n) * intervalMs;
    const tick = () => {
      const now = wallMs();
      for (; due(j) <= now && due(j) < end; j++) inFlight.push(send(customers[j % n]));
      if (n && due(j) < end) setTimeout(tick, Math.max(1, due(j) - now));
    };
    tick();
    const report = async () => {
      // Answers still missing 20 s after the last send count as failures (the report must not wait for a backlog).
      await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 20_000))]);
      await new Promise((r) => setTimeout(r, 1000)); // the last echoes
      const unechoed = customers.reduce((a, c) => a + c.pending.size, 0);
      const unanswered = sent - failures - post.length;
      process.stdout.write(
        `${JSON.stringify({ sent, failures: failures + unanswered, unanswered, post, echo, unechoed, streamErrors, closedStreams, seconds: (wallMs() - start) / 1000 })}\n`,
      );
    };
    setTimeout(() => void report(), seconds * 1000 + 50);
  };
}

void main();
