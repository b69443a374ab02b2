/**
 * A web chat POST whose body breaks off (a Content-Length larger than what is sent, then the client closes or resets
 * the connection): answered through the coded error path or just closed, nothing stored, nothing logged as a server
 * fault, and the server serves the next message as before.
 */
import net from 'node:net';
import { startSecurityApp, until, webChatVisitor, type SecurityApp } from './helpers';

describe('a web chat POST whose body breaks off', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp();
  });
  afterAll(async () => {
    await s.stop();
  });

  /** Sends the head and part of a body declared longer, then ends it as `how` says; resolves with what came back. */
  const truncated = (conversationId: string, token: string, how: 'end' | 'reset') =>
    new Promise<string>((resolve) => {
      const body = JSON.stringify({ type: 'message', text: 'truncated hello that must not be stored' });
      const socket = net.connect(s.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += String(d)));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(answer));
      socket.write(
        `POST /v3/directline/conversations/${conversationId}/activities HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n${body.slice(0, 20)}`,
        () =>
          // Let the server read the head and the part first.
          setTimeout(() => (how === 'end' ? socket.end() : socket.resetAndDestroy()), 100),
      );
    });

  test.each(['end', 'reset'] as const)('closed (%s) mid-body: nothing stored, no server fault, the next message served', async (how) => {
    const v = await webChatVisitor(s.url);
    const logsBefore = s.logs.length;
    const answer = await truncated(v.conversationId, v.token, how);
    // Either no answer at all, or a coded one; never a 5xx.
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    // Let the server see the close and run whatever it runs for it.
    await new Promise((r) => setTimeout(r, 200));
    const faults = s.logs.slice(logsBefore).filter((l) => Number(l.level) >= 50);
    expect(faults).toEqual([]);
    const conv = await s.app.store.findConversationByChannel('webchat', v.conversationId);
    const stored = conv ? await s.app.store.listMessages(conv.id) : [];
    expect(stored.map((m) => m.text).filter((t) => t.includes('truncated'))).toEqual([]);
    // The server is healthy: the same visitor's next message is taken.
    const r = await v.say('hello after the broken one');
    expect(r.status).toBe(200);
    await until(async () => {
      const c = await s.app.store.findConversationByChannel('webchat', v.conversationId);
      return !!c && (await s.app.store.listMessages(c.id)).some((m) => m.text === 'hello after the broken one');
    });
  });
});
