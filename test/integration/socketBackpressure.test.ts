import type { Socket } from 'socket.io-client';
import type { Message } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { connected, createStaff, online, request } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** The raw TCP socket under a socket.io-client WebSocket transport (engine.io-client on `ws`). */
function tcpOf(s: Socket): { pause(): void; resume(): void } {
  return (s.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } }).transport.ws._socket;
}

/** A console socket that stops reading is disconnected when its queue passes the cap; the others never wait. */
describe('console socket back-pressure', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    running = await startTestApp({ CONSOLE_SOCKET_MAX_BUFFER_BYTES: String(256 * 1024) });
    channel = await new ChannelServer().start();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  test('a stalled agent socket is cut while messages keep flowing; a supervisor watching the chat gets every one; the agent resyncs by sequence number', async () => {
    const agent = await createStaff(running.app, { name: 'Stalled Agent' });
    const sup = await createStaff(running.app, { role: 'supervisor', name: 'Watching Supervisor' });
    const sa = await online(running.app, running.url, agent);
    const ss = await online(running.app, running.url, sup);
    sockets.push(sa, ss);
    const conv = 'bp-1';
    await post(
      running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: 'cust-bp' },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    const c = (await running.app.store.findConversationByChannel('test', conv))!;
    expect((await request(sa, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    expect((await request(ss, 'conversation:join', { conversationId: c.id })).ok).toBe(true);
    const held = (await running.app.store.getConversation(c.id))!;
    const firstSeq = (await running.app.store.listMessages(c.id)).at(-1)!.seq;

    const toSupervisor: number[] = [];
    ss.on('message:new', (p: { message: Message }) => p.message.conversationId === c.id && toSupervisor.push(p.message.seq));
    const toAgent: number[] = [];
    sa.on('message:new', (p: { message: Message }) => p.message.conversationId === c.id && toAgent.push(p.message.seq));
    const serverSide = [...running.app.io.sockets.sockets.values()].find((s) => (s.data as { userId?: string }).userId === agent.id)!;
    const cut = new Promise<string>((resolve) => serverSide.once('disconnect', resolve));

    tcpOf(sa).pause();
    // Long customer messages, stored then relayed as the bot relays them: about 12 MB, more than the kernel's
    // socket buffers take, so the rest queues in the process behind the stalled socket.
    const N = 120;
    for (let i = 0; i < N; i++) {
      const { message } = await running.app.store.appendMessage({ conversationId: c.id, role: 'customer', text: `${i} ${'y'.repeat(100_000)}` });
      running.app.services.handoff.relayCustomerMessage(held, message);
      await new Promise((r) => setImmediate(r));
    }
    const expected = Array.from({ length: N }, (_, i) => firstSeq + 1 + i);
    while (toSupervisor.length < N) await new Promise((r) => setTimeout(r, 50));
    expect(toSupervisor).toEqual(expected);
    // The stalled socket was dropped by the cap, not by the ping timeout (a 45 s wait on default settings).
    expect(await cut).toBe('forced close');
    expect(ss.connected).toBe(true);

    // The agent's client reads again, sees the drop, reconnects and asks for what it missed, as the console does.
    tcpOf(sa).resume();
    await new Promise<void>((resolve) => sa.once('disconnect', () => resolve()));
    await connected(sa);
    const last = toAgent.length ? Math.max(...toAgent) : firstSeq;
    const synced = await request<{ messages: Message[] }>(sa, 'sync', { cursors: { [c.id]: last } });
    expect(synced.ok).toBe(true);
    const all = [...new Set([...toAgent, ...synced.data!.messages.map((m) => m.seq)])].sort((a, b) => a - b);
    expect(all.filter((s) => s > firstSeq)).toEqual(expected);
    expect(toAgent.length).toBeLessThan(N);
  });
});
