import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { WebSocket } from 'ws';
import { channelConversations } from '../../bot/supportBot';
import { WebChatStream } from '../../bot/webChatStream';
import { createLogger } from '../../core/logger';
import { SqliteStore } from '../../store/sqliteStore';
import { createStaff, online, request } from '../helpers/consoleClient';
import { say, startConversation, StreamClient, webChatSession, type WebChatSession } from '../helpers/directLineStream';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** Direct Line 3.0 streaming of the built-in web chat (bot/webChatStream.ts): real HTTP, real WebSocket clients. */
describe('web chat over a Direct Line stream', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ WEBCHAT_STREAM_KEEPALIVE_SECONDS: '1' });
  });
  afterAll(async () => {
    await running.stop();
  });

  async function open(s: WebChatSession, watermark?: string): Promise<StreamClient> {
    const started = await startConversation(running.url, s, watermark);
    expect(started.status).toBe(200);
    expect(started.body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${running.port}/v3/directline/conversations/${s.conversationId}/stream\\?t=`));
    return StreamClient.open(started.body.streamUrl!);
  }

  async function polled(s: WebChatSession, watermark: number | string = 0): Promise<{ id: string; text?: string }[]> {
    const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities?watermark=${watermark}`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    return ((await r.json()) as { activities: { id: string; text?: string }[] }).activities;
  }

  test("the bot's reply is pushed, after the customer's own message echoed with its clientActivityID", async () => {
    const s = await webChatSession(running.url);
    const stream = await open(s);
    expect(await say(running.url, s, 'where is my order 12345', 'client-1')).toBe(200);
    // An anonymous visitor is first asked to prove the order (orders belong to customers).
    await stream.until(() => stream.texts().some((t) => /e-mail address the order was placed with/.test(t)), 'the bot reply');
    const [echo, reply] = stream.activities;
    expect(echo).toMatchObject({
      type: 'message',
      text: 'where is my order 12345',
      from: { id: s.userId, role: 'user' },
      channelData: { clientActivityID: 'client-1' },
    });
    expect(reply).toMatchObject({ type: 'message', from: { id: 'bot', role: 'bot' } });
    // What the stream pushed is exactly what polling reads.
    expect(stream.activities.map((a) => a.id)).toEqual((await polled(s)).map((a) => a.id));
    await stream.close();
  });

  test("an agent's message after a handoff is pushed to the customer's stream", async () => {
    const s = await webChatSession(running.url);
    const stream = await open(s);
    await say(running.url, s, 'I want to talk to a human');
    const agent = await createStaff(running.app, { name: 'Streaming Agent' });
    const socket = await online(running.app, running.url, agent);
    try {
      const c = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
      expect((await request(socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
      expect((await request(socket, 'message:send', { conversationId: c.id, text: 'Hi, this is Ana from support.', clientMessageId: 'a1' })).ok).toBe(true);
      await stream.until(() => stream.texts().includes('Hi, this is Ana from support.'), "the agent's message");
      expect(stream.activities.find((a) => a.text === 'Hi, this is Ana from support.')).toMatchObject({ from: { id: 'bot', role: 'bot' } });
      expect(stream.activities.map((a) => a.id)).toEqual((await polled(s)).map((a) => a.id));
    } finally {
      socket.disconnect();
      await stream.close();
    }
  });

  test("in a chat an agent holds, the customer's message is pushed back as it was stored, without reading it back from the store", async () => {
    const s = await webChatSession(running.url);
    const stream = await open(s);
    await say(running.url, s, 'I want to talk to a human');
    const agent = await createStaff(running.app, { name: 'Held Chat Agent' });
    const socket = await online(running.app, running.url, agent);
    const reads = jest.spyOn(running.app.store, 'listMessages');
    try {
      const c = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
      expect((await request(socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
      expect((await request(socket, 'message:send', { conversationId: c.id, text: 'Hello, Mia here.', clientMessageId: 'h1' })).ok).toBe(true);
      await stream.until(() => stream.texts().includes('Hello, Mia here.'), "the agent's message");
      const storeId = c.id;
      // The stream's reads of this chat (after its watermark, a page at a time); the agent's message was one of them.
      const streamReads = () => reads.mock.calls.filter(([id, o]) => id === storeId && o?.limit !== undefined).length;
      const before = streamReads();
      for (const [i, text] of ['my parcel is late', 'it was due on monday', 'thanks for looking'].entries()) {
        expect(await say(running.url, s, text, `held-${i}`)).toBe(200);
        await stream.until(() => stream.activities.some((a) => a.channelData?.clientActivityID === `held-${i}`), `the echo of "${text}"`);
      }
      expect(streamReads()).toBe(before);
      // What was pushed is what polling reads, with the same watermark after the last message.
      const all = await polled(s);
      expect(stream.activities.map((a) => a.id)).toEqual(all.map((a) => a.id));
      const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities?watermark=0`, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      expect(stream.watermark).toBe(((await r.json()) as { watermark: string }).watermark);
    } finally {
      reads.mockRestore();
      socket.disconnect();
      await stream.close();
    }
  });

  test('a stream dropped and resumed with its watermark, again and again while the customer writes, loses and repeats nothing', async () => {
    const s = await webChatSession(running.url);
    let stream = await open(s);
    let mark: string | undefined;
    const seen: string[] = [];
    const questions = ['hello', 'what payment methods do you accept', 'how long does shipping take', 'what is your refund policy'];
    for (const [i, q] of questions.entries()) {
      expect(await say(running.url, s, q)).toBe(200);
      if (i % 2 === 0) {
        // The network drops the socket without a close handshake; the answer may be in flight or not yet read.
        stream.ws.terminate();
      } else {
        await stream.until(() => stream.texts().includes(q), `the echo of "${q}"`);
        await stream.close();
      }
      seen.push(...stream.activities.map((a) => a.id));
      mark = stream.watermark ?? mark;
      // Direct Line reconnects with GET /conversations/{id}?watermark= and opens the new streamUrl.
      stream = await open(s, mark ?? '0');
    }
    const all = await polled(s);
    await stream.until(() => seen.length + stream.activities.length >= all.length, 'every activity');
    seen.push(...stream.activities.map((a) => a.id));
    expect(seen).toEqual(all.map((a) => a.id));
    expect(all.filter((a) => questions.includes(a.text ?? '')).length).toBe(questions.length);
    await stream.close();
  });

  test('a reconnect asked after a given watermark pushes only what came after it', async () => {
    const s = await webChatSession(running.url);
    const first = await open(s);
    await say(running.url, s, 'hello');
    await first.until(() => first.activities.length >= 2, 'the greeting');
    const mark = first.watermark!;
    const before = first.activities.length;
    await first.close();
    await say(running.url, s, 'what is your refund policy');
    const resumed = await open(s, mark);
    const after = (await polled(s, mark)).map((a) => a.id);
    await resumed.until(() => resumed.activities.length >= after.length, 'the missed activities');
    expect(resumed.activities.map((a) => a.id)).toEqual(after);
    expect(resumed.activities[0].text).toBe('what is your refund policy');
    expect((await polled(s)).length).toBe(before + after.length);
    await resumed.close();
  });

  test('after a close, the follow-up conversation the customer starts by writing again is pushed on the same stream, and a resume follows it too', async () => {
    const s = await webChatSession(running.url);
    const stream = await open(s);
    await say(running.url, s, 'I want to talk to a human');
    const agent = await createStaff(running.app, { name: 'Closing Agent' });
    const socket = await online(running.app, running.url, agent);
    try {
      const first = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
      expect((await request(socket, 'conversation:claim', { conversationId: first.id })).ok).toBe(true);
      expect((await request(socket, 'message:send', { conversationId: first.id, text: 'Glad to help, bye!', clientMessageId: 'f1' })).ok).toBe(true);
      expect((await request(socket, 'conversation:close', { conversationId: first.id })).ok).toBe(true);
      await stream.until(() => stream.texts().includes('Glad to help, bye!'), "the agent's goodbye");
      // The rating the close asked for, then something new: a follow-up conversation with the bot.
      expect(await say(running.url, s, '5')).toBe(200);
      expect(await say(running.url, s, 'what is your refund policy', 'after-close')).toBe(200);
      const chain = await channelConversations(running.app.store, 'webchat', s.conversationId);
      expect(chain.map((c) => c.state)).toEqual(['closed', 'bot']);
      const all = await polled(s);
      expect(all.some((a) => a.text === 'what is your refund policy')).toBe(true);
      await stream.until(() => stream.activities.length >= all.length, 'every activity of both conversations');
      expect(stream.activities.map((a) => a.id)).toEqual(all.map((a) => a.id));
      expect(stream.activities.find((a) => a.text === 'what is your refund policy')).toMatchObject({ channelData: { clientActivityID: 'after-close' } });
      // Watermarks in the follow-up are polling's "1.seq", and a stream resumed from one continues there.
      const mark = stream.watermark!;
      expect(mark).toMatch(/^1\.\d+-[0-9a-f]{10}$/);
      await stream.close();
      expect(await say(running.url, s, 'how long does shipping take')).toBe(200);
      const resumed = await open(s, mark);
      const after = (await polled(s)).slice(all.length);
      expect(after[0]?.text).toBe('how long does shipping take');
      await resumed.until(() => resumed.activities.length >= after.length, 'what came after the watermark');
      expect(resumed.activities.map((a) => a.id)).toEqual(after.map((a) => a.id));
      await resumed.close();
      // A page reload opens a stream with no watermark: the whole chain, the follow-up included, with nothing
      // new written (an outside tester saw the history end at the closed conversation until the next message).
      const reloaded = await open(s);
      const whole = await polled(s);
      await reloaded.until(() => reloaded.activities.length >= whole.length, 'both conversations after a reload');
      expect(reloaded.activities.map((a) => a.id)).toEqual(whole.map((a) => a.id));
      expect(reloaded.watermark).toMatch(/^1\.\d+-[0-9a-f]{10}$/);
      await reloaded.close();
    } finally {
      socket.disconnect();
    }
  });

  test('a stream token for another conversation, a forged or a conversation token in its place, are refused before the upgrade', async () => {
    const a = await webChatSession(running.url);
    const b = await webChatSession(running.url);
    const urlA = (await startConversation(running.url, a)).body.streamUrl!;
    const statusOf = (url: string) =>
      StreamClient.open(url).then(
        (c) => (c.ws.terminate(), 101),
        (err: { status?: number }) => err.status,
      );
    // A's stream token on B's stream path: the same answer as a conversation that does not exist.
    expect(await statusOf(urlA.replace(a.conversationId, b.conversationId))).toBe(404);
    // A's token cannot even ask for B's streamUrl.
    expect(
      (await fetch(`${running.url}/v3/directline/conversations/${b.conversationId}?watermark=0`, { headers: { authorization: `Bearer ${a.token}` } })).status,
    ).toBe(404);
    const [base, token] = urlA.split('?t=');
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), c: b.conversationId })).toString('base64url');
    expect(await statusOf(`${base.replace(a.conversationId, b.conversationId)}?t=${forged}.${sig}`)).toBe(401);
    expect(await statusOf(`${base}?t=${a.token}`)).toBe(401);
    expect(await statusOf(base)).toBe(401);
    expect(await statusOf(urlA)).toBe(101);
  });

  test('Socket.IO still upgrades on its own path beside the stream', async () => {
    const socket = ioClient(running.url, { auth: { token: 'not-a-session' }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error & { data?: { code?: string } }>((resolve) => socket.once('connect_error', resolve));
    // The upgrade reached Socket.IO's middleware (an answer with our coded error, not a dropped socket).
    expect(err.data?.code).toBe('AUTH_INVALID');
    socket.close();
  });

  test('with WEBCHAT_STREAM=false no streamUrl is offered and the page polls', async () => {
    const off = await startTestApp({ WEBCHAT_STREAM: 'false' });
    try {
      const s = await webChatSession(off.url);
      const started = await startConversation(off.url, s);
      expect(started.status).toBe(200);
      expect(started.body.streamUrl).toBeUndefined();
    } finally {
      await off.stop();
    }
  });
});

/** The module alone on a plain HTTP server, where its counters can be read. */
describe('web chat stream bounds', () => {
  let dir: string;
  let store: SqliteStore;
  let server: http.Server;
  let stream: WebChatStream;
  let url: string;
  const CAP = 64 * 1024;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-stream-'));
    store = new SqliteStore(path.join(dir, 's.sqlite'), { synchronous: 'normal' });
    await store.init();
    server = http.createServer();
    stream = new WebChatStream(
      { store, secret: 'stream-test-secret-0123456789abcdef', log: createLogger('silent') },
      { keepAliveMs: 1000, maxBufferedBytes: CAP },
    );
    stream.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    stream.close();
    await new Promise((r) => server.close(r));
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function conversation(id: string) {
    const customer = await store.createCustomer({});
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'webchat',
      channelConversationId: id,
      customerId: customer.id,
      reference: { channelId: 'webchat', serviceUrl: url, conversation: { id } },
    });
    return conversation;
  }
  const streamUrl = (id: string, watermark = 0) =>
    stream.streamUrl(url, { conversationId: id, userId: `web-${id}`, exp: Math.floor(Date.now() / 1000) + 3600 }, watermark);

  test('a client that stops reading is cut at its keep-alive; the process never holds more than the cap and a frame for it, and the tab beside it gets everything', async () => {
    const c = await conversation('wc-stalled');
    const stalled = await StreamClient.open(streamUrl('wc-stalled'));
    const healthy = await StreamClient.open(streamUrl('wc-stalled'));
    await new Promise((r) => setTimeout(r, 50));
    expect(stream.stats().connections).toBe(2);
    (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    // About 8 MB, more than the kernel's socket buffers take, so the rest waits in the process.
    const N = 80;
    const text = 'x'.repeat(100_000);
    let maxBuffered = 0;
    for (let i = 0; i < N; i++) {
      await store.appendMessage({ conversationId: c.id, role: 'bot', text: `${i} ${text}` });
      stream.notify('wc-stalled');
      maxBuffered = Math.max(maxBuffered, stream.stats().bufferedBytes);
      await new Promise((r) => setImmediate(r));
    }
    await healthy.until(() => healthy.activities.length === N, 'every message on the healthy tab', 30_000);
    expect(healthy.activities.map((a) => a.text!.split(' ')[0])).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    // Per connection: the window plus the one frame that crossed it (here one 100 kB activity); two connections.
    expect(maxBuffered).toBeLessThanOrEqual(2 * (CAP + 101_000));
    // The stalled one misses its ping and is cut; the healthy one answers its pings and stays.
    while (stream.stats().connections > 1) await new Promise((r) => setTimeout(r, 50));
    expect(healthy.closed).toBeUndefined();
    expect(stream.stats().bufferedBytes).toBeLessThanOrEqual(CAP);
    (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await stalled.until(() => !!stalled.closed, 'the cut to reach the stalled client');
    expect(stalled.closed!.code).toBe(1006); // dropped, no close handshake behind the unread data
    expect(stalled.activities.length).toBeLessThan(N);
    await healthy.close();
  });

  test('an idle client that answers pings stays; an empty keep-alive from it is fine; a frame over the incoming limit closes it', async () => {
    await conversation('wc-idle');
    const idle = await StreamClient.open(streamUrl('wc-idle'));
    idle.ws.send('');
    // Several keep-alive intervals.
    await new Promise((r) => setTimeout(r, 2500));
    expect(idle.closed).toBeUndefined();
    idle.ws.send('x'.repeat(10_000));
    await idle.until(() => !!idle.closed, 'the close');
    expect(idle.closed!.code).toBe(1009);
  });

  test('a conversation keeps at most four streams: a fifth closes the oldest', async () => {
    await conversation('wc-tabs');
    const tabs: StreamClient[] = [];
    for (let i = 0; i < 5; i++) tabs.push(await StreamClient.open(streamUrl('wc-tabs')));
    await tabs[0].until(() => !!tabs[0].closed, 'the oldest to close');
    expect(tabs[0].closed!.code).toBe(1008);
    expect(tabs.slice(1).every((t) => t.ws.readyState === WebSocket.OPEN)).toBe(true);
    await Promise.all(tabs.map((t) => t.close()));
  });
});
