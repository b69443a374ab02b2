/**
 * LOW 1: web chat conversations polling in parallel (Direct Line GET activities) through keep-alive agents saw
 * ECONNRESET now and then. The cause was ours: Node's server closes a connection idle for 5 s (its default
 * keepAliveTimeout), while a client's agent keeps an idle connection for reuse longer than that (a Node agent made
 * with `keepAlive: true` and no `timeout` keeps it until the server closes it, browsers keep theirs for minutes);
 * a poll written on a connection at the moment the server closes it is reset. The server now keeps idle
 * connections longer than any such gap between polls, so reuse never meets a server-side close.
 */
import net from 'node:net';
import { startSecurityApp, webChatVisitor, type SecurityApp } from './helpers';

describe('web chat polling on kept-alive connections', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp();
  });
  afterAll(async () => {
    await s.stop();
  });

  test('a connection idle between two polls longer than Node’s 5 s default is still served, not closed under the client', async () => {
    const v = await webChatVisitor(s.url);
    const socket = net.connect(s.port, '127.0.0.1');
    let received = '';
    let closedByServer = false;
    socket.on('data', (d) => (received += String(d)));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => undefined);
    const poll = () =>
      socket.write(`GET /v3/directline/conversations/${v.conversationId}/activities HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${v.token}\r\n\r\n`);
    const answers = () => received.match(/HTTP\/1\.1 200 /g)?.length ?? 0;
    poll();
    for (let i = 0; i < 100 && answers() < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toMatch(/^keep-alive: timeout=(\d+)/im);
    const hinted = Number(/^keep-alive: timeout=(\d+)/im.exec(received)![1]);
    expect(hinted).toBeGreaterThanOrEqual(60);
    // The gap a 60-conversation load left on some of its pooled connections: past Node's default 5 s.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(closedByServer).toBe(false);
    poll();
    for (let i = 0; i < 400 && answers() < 2 && !closedByServer; i++) await new Promise((r) => setTimeout(r, 20));
    expect([answers(), closedByServer]).toEqual([2, false]);
    socket.destroy();
  }, 30_000);
});
