import http from 'node:http';
import path from 'node:path';
import { Server as IoServer } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { agentsOnline, appOn, channelPost, listen, section, summary, type BenchSink } from './benchKit';

/**
 * `npm run bench` section "relay": 200 conversations held by 67 agents, customer → agent socket and agent → channel
 * callback, beside a bare Socket.IO round trip on the same machine.
 */
export async function relayLatency({ dir, rows, results }: BenchSink): Promise<void> {
  section('handoff relay, 200 conversations held by agents');
  // Baseline: a bare Socket.IO round trip on the same machine.
  const bare = http.createServer();
  const bareIo = new IoServer(bare);
  bareIo.on('connection', (s) => s.on('ping', (x: number, ack: (x: number) => void) => ack(x)));
  const bareUrl = await listen(bare);
  const c = ioClient(bareUrl, { transports: ['websocket'] });
  await new Promise<void>((r) => c.once('connect', () => r()));
  const rtt: number[] = [];
  for (let i = 0; i < 600; i++) {
    const t = process.hrtime.bigint();
    await c.emitWithAck('ping', i);
    rtt.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  c.disconnect();
  void bareIo.close();

  // A local channel that receives what the connector sends to serviceUrl.
  const waiting = new Map<string, (t: bigint) => void>();
  const channel = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const a = JSON.parse(body || '{}') as { text?: string };
      waiting.get(String(a.text))?.(process.hrtime.bigint());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"x"}');
    });
  });
  const channelUrl = await listen(channel);
  const { app, url } = await appOn(dir, { DATABASE_URL: path.join(dir, 'relay.sqlite') });
  const agents = await agentsOnline(app, url, 67, 'bench');
  const post = channelPost(url, channelUrl);
  const held: { conv: string; id: string; agent: (typeof agents)[number] }[] = [];
  for (let i = 0; i < 200; i++) {
    const conv = `relay-${i}`;
    await post(conv, 'talk to a human');
    const c2 = await app.store.findConversationByChannel('bench', conv);
    const agent = agents[i % agents.length];
    const r = (await agent.socket.emitWithAck('conversation:claim', { conversationId: c2!.id })) as { ok: boolean; error?: unknown };
    if (!r.ok) throw new Error(`claim failed: ${JSON.stringify(r.error)}`);
    held.push({ conv, id: c2!.id, agent });
  }
  const inbound: number[] = [];
  const outbound: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const h of held) {
      const text = `status please ${round}`;
      const t = process.hrtime.bigint();
      const seen = new Promise<bigint>((resolve) => {
        const fn = (p: { conversationId: string; message: { text: string } }) => {
          if (p.conversationId === h.id && p.message.text === text) {
            h.agent.socket.off('message:new', fn);
            resolve(process.hrtime.bigint());
          }
        };
        h.agent.socket.on('message:new', fn);
      });
      await post(h.conv, text);
      inbound.push(Number((await seen) - t) / 1e6);
      const reply = `reply ${h.conv} ${round}`;
      const delivered = new Promise<bigint>((resolve) => waiting.set(reply, resolve));
      const t2 = process.hrtime.bigint();
      await h.agent.socket.emitWithAck('message:send', { conversationId: h.id, text: reply, clientMessageId: `${h.conv}-${round}` });
      outbound.push(Number((await delivered) - t2) / 1e6);
    }
  }
  agents.forEach((a) => a.socket.disconnect());
  await app.close();
  channel.close();
  bare.close();
  const r = { customerToAgent: summary(inbound), agentToChannel: summary(outbound), bareSocketIoRoundTrip: summary(rtt) };
  rows.push([
    'relay customer → agent socket ms p50/p99',
    `${r.customerToAgent.p50}/${r.customerToAgent.p99}`,
    `bare Socket.IO RTT ${r.bareSocketIoRoundTrip.p50}/${r.bareSocketIoRoundTrip.p99}`,
  ]);
  rows.push(['relay agent → channel callback ms p50/p99', `${r.agentToChannel.p50}/${r.agentToChannel.p99}`, 'same baseline']);
  results.relay = r;
}
