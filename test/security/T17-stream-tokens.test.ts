/**
 * T17 (web chat streams): a Direct Line `streamUrl` carries a token of its own, and URLs end up in logs, proxies
 * and browser histories. The attack: replay a streamUrl the customer's page already opened, to read their chat.
 * It must open nothing (403 STREAM_TOKEN_USED), on the same instance and on another one sharing Redis, while the
 * customer's own reconnect (a new streamUrl asked for with the conversation token) resumes after their watermark.
 */
import { WebSocket } from 'ws';
import { say, startConversation, StreamClient, webChatSession } from '../helpers/directLineStream';
import { startSecurityApp, twoInstances, type SecurityApp } from './helpers';

jest.setTimeout(120_000);

const SECRET = 'stream-token-test-secret-0123456789abcdefXYZ';

/** Opens a WebSocket as an attacker would; resolves with what the server answered: opened, or status and code. */
function attempt(url: string): Promise<{ opened: boolean; status?: number; code?: string; pushed: string[] }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const pushed: string[] = [];
    ws.on('message', (d: Buffer) => pushed.push(d.toString('utf8')));
    ws.once('open', () => {
      // Whatever the server would push at once (the chat so far) arrives in the first moments.
      setTimeout(() => (ws.terminate(), resolve({ opened: true, pushed })), 500);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        ws.terminate();
        resolve({ opened: false, status: res.statusCode, code: (JSON.parse(body || '{}') as { error?: { code?: string } }).error?.code, pushed });
      });
    });
    ws.once('error', () => undefined);
  });
}

describe('T17 web chat stream URLs are single-use', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp({ SESSION_SECRET: SECRET });
  });
  afterAll(() => s.stop());

  test('a replayed streamUrl is refused with 403 STREAM_TOKEN_USED and reads nothing; the reconnect resumes', async () => {
    const v = await webChatSession(s.url);
    expect(await say(s.url, v, 'my secret word is pelican-4711')).toBe(200);
    const started = await startConversation(s.url, v);
    const streamUrl = started.body.streamUrl!;
    const page = await StreamClient.open(streamUrl);
    await page.until(() => page.texts().some((t) => t.includes('pelican-4711')), 'the chat so far');

    // The same URL again, while the page's stream is open and after it closed: nothing opens, nothing is pushed.
    const replay = await attempt(streamUrl);
    expect(replay).toMatchObject({ opened: false, status: 403, code: 'STREAM_TOKEN_USED', pushed: [] });
    const watermark = page.watermark!;
    await page.close();
    expect(await attempt(streamUrl)).toMatchObject({ opened: false, status: 403, code: 'STREAM_TOKEN_USED' });
    expect(s.logs.some((l) => l.code === 'STREAM_TOKEN_USED')).toBe(true);

    // Direct Line's reconnect: a new streamUrl for the conversation token, resuming after the page's watermark.
    expect(await say(s.url, v, 'and my address is 1 Main St')).toBe(200);
    const again = await startConversation(s.url, v, watermark);
    expect(again.status).toBe(200);
    expect(again.body.streamUrl).not.toBe(streamUrl);
    const resumed = await StreamClient.open(again.body.streamUrl!);
    await resumed.until(() => resumed.texts().includes('and my address is 1 Main St'), 'the message after the watermark');
    expect(resumed.texts().some((t) => t.includes('pelican-4711'))).toBe(false);
    await resumed.close();
  });

  test('two streamUrls asked for at once are two tokens: each opens once', async () => {
    const v = await webChatSession(s.url);
    const [a, b] = await Promise.all([startConversation(s.url, v), startConversation(s.url, v)]);
    expect(a.body.streamUrl).not.toBe(b.body.streamUrl);
    const results = await Promise.all([attempt(a.body.streamUrl!), attempt(a.body.streamUrl!), attempt(b.body.streamUrl!)]);
    // Of two simultaneous connects with one token, exactly one opens.
    expect(results.slice(0, 2).filter((r) => r.opened)).toHaveLength(1);
    expect(results.slice(0, 2).find((r) => !r.opened)).toMatchObject({ status: 403, code: 'STREAM_TOKEN_USED' });
    expect(results[2].opened).toBe(true);
  });
});

describe('T17 web chat stream URLs are single-use across instances (REDIS_URL)', () => {
  // Two instances behind one load balancer: the same secret and Redis (the stream check reads no store).
  const both = twoInstances({ SESSION_SECRET: SECRET });
  let a: SecurityApp;
  let b: SecurityApp;
  beforeAll(() => ({ a, b } = both));

  test('a streamUrl opened on one instance is refused on the other', async () => {
    const v = await webChatSession(a.url);
    const streamUrl = (await startConversation(a.url, v)).body.streamUrl!;
    const onB = streamUrl.replace(`:${a.port}/`, `:${b.port}/`);
    expect(onB).not.toBe(streamUrl);
    expect((await attempt(streamUrl)).opened).toBe(true);
    expect(await attempt(onB)).toMatchObject({ opened: false, status: 403, code: 'STREAM_TOKEN_USED' });

    // And the other way round: first use on B, replay on A.
    const second = (await startConversation(a.url, v)).body.streamUrl!;
    expect((await attempt(second.replace(`:${a.port}/`, `:${b.port}/`))).opened).toBe(true);
    expect(await attempt(second)).toMatchObject({ opened: false, status: 403, code: 'STREAM_TOKEN_USED' });
  });
});
