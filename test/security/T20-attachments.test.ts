/**
 * T20: attachment safety, attacked from outside over real HTTP. Files are typed by their content (an HTML page
 * named .png and an SVG with script are refused), bounded while they stream (nothing kept, no temporary file),
 * their names stripped of paths and control characters, served inert (nosniff, attachment, sandboxing CSP) and only
 * to those who may see the chat (an agent who may not gets 403, audited, and no byte of it); multipart is read
 * nowhere else; a channel's file link is fetched only from trusted hosts, never through a redirect to another.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, type Staff } from '../helpers/consoleClient';
import { multipartBody, PNG, webChatUpload } from '../helpers/multipart';
import { request, startSecurityApp, Trap, webChatVisitor, type SecurityApp } from './helpers';

const MAX = 64 * 1024;

describe('T20 attachment safety', () => {
  let s: SecurityApp;
  let trap: Trap;
  let channel: ChannelServer;
  let files: http.Server;
  let filesUrl = '';
  let holder: Staff;
  let outsider: Staff;
  const sockets: Socket[] = [];

  // This process's temporary directory, its own: the check that a refused upload leaves no temporary file reads it,
  // and the shared /tmp gets files from every other process (Chromium's, other suites').
  const ownTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-t20-'));
  const tmpBeforeSuite = process.env.TMPDIR;
  beforeAll(async () => {
    process.env.TMPDIR = ownTmp;
    // Many visitors from one address here: the session and message limits are T25's matter.
    s = await startSecurityApp({ ATTACHMENT_MAX_BYTES: String(MAX), RATE_LIMIT_IP_WEBCHAT_SESSIONS: '500/600', RATE_LIMIT_IP_MESSAGES: '5000/60' });
    trap = await new Trap().start();
    channel = await new ChannelServer().start();
    // A trusted channel host (loopback, as a local channel is): a file, a redirect to the trap, an endless file.
    files = http.createServer((req, res) => {
      if (req.url === '/receipt.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else if (req.url === '/redirect') {
        res.writeHead(302, { location: `${trap.url}/stolen` });
        res.end();
      } else if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG);
        const more = () => {
          while (res.write(Buffer.alloc(16 * 1024, 0x41)));
        };
        res.on('drain', more);
        more();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    holder = await createStaff(s.app, { name: 'Holder', capacity: 100 });
    outsider = await createStaff(s.app, { name: 'Outsider' });
    sockets.push(await online(s.app, s.url, holder), await online(s.app, s.url, outsider));
  });
  afterAll(async () => {
    sockets.forEach((x) => x.disconnect());
    files.closeAllConnections();
    await new Promise<void>((r) => files.close(() => r()));
    await trap.stop();
    await channel.stop();
    await s.stop();
    if (tmpBeforeSuite === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBeforeSuite;
    fs.rmSync(ownTmp, { recursive: true, force: true });
  });

  async function heldChat() {
    const v = await webChatVisitor(s.url);
    expect((await v.say('I want to talk to a human')).status).toBe(200);
    const c = (await s.app.store.findConversationByChannel('webchat', v.conversationId))!;
    await s.app.services.handoff.claim(holder.id, c.id);
    return { v, c };
  }
  const upload = (v: { token: string; conversationId: string }, body: { raw: Buffer; type: string }) =>
    request(`${s.url}/v3/directline/conversations/${v.conversationId}/upload?userId=x`, {
      raw: body.raw,
      headers: { 'content-type': body.type, authorization: `Bearer ${v.token}` },
    });
  const tmpFiles = () => new Set(fs.readdirSync(ownTmp));
  /** Nothing of a refused upload is kept: no file, no message carrying it. */
  const expectNothingStored = async (conversationId: string, messagesBefore: number) => {
    expect(await s.app.store.listAttachments(conversationId)).toEqual([]);
    expect(await s.app.store.listMessages(conversationId)).toHaveLength(messagesBefore);
  };

  test.each([
    ['an HTML page named .png and declared image/png', 'receipt.png', 'image/png', '<!doctype html><html><script>fetch("/api/auth/me")</script></html>'],
    ['an SVG with script', 'logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'],
    ['XML with a leading BOM and spaces', 'data.txt', 'text/plain', '\uFEFF  <?xml version="1.0"?><x/>'],
    ['an executable named .pdf', 'invoice.pdf', 'application/pdf', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00])],
  ])('%s is refused by its content (415) with a sentence for the customer, nothing stored', async (_what, filename, type, data) => {
    const { v, c } = await heldChat();
    const before = (await s.app.store.listMessages(c.id)).length;
    const r = await upload(v, webChatUpload([{ filename, type, data: typeof data === 'string' ? Buffer.from(data) : data }], { locale: 'es-ES' }));
    expect(r.status).toBe(415);
    expect(r.body.error?.code).toBe('ATTACHMENT_TYPE_REFUSED');
    expect((r.body.error?.details as { customerMessage: string }).customerMessage).toMatch(/^Lo siento, no puedo aceptar ese tipo de archivo/);
    await expectNothingStored(c.id, before);
  });

  test('one refused file in an upload refuses the whole message: nothing stored', async () => {
    const { v, c } = await heldChat();
    const before = (await s.app.store.listMessages(c.id)).length;
    const r = await upload(
      v,
      webChatUpload([
        { filename: 'ok.png', data: PNG },
        { filename: 'bad.png', data: '<html></html>' },
      ]),
    );
    expect(r.status).toBe(415);
    await expectNothingStored(c.id, before);
  });

  test('more files than one message may carry are refused with a sentence naming the limit (not "did not arrive whole"), nothing stored', async () => {
    const { v, c } = await heldChat();
    const before = (await s.app.store.listMessages(c.id)).length;
    const eleven = Array.from({ length: 11 }, (_, i) => ({ filename: `p${i}.png`, data: PNG }));
    const r = await upload(v, webChatUpload(eleven));
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('ATTACHMENT_TOO_MANY');
    expect((r.body.error?.details as { customerMessage: string }).customerMessage).toMatch(/up to 10 files/);
    await expectNothingStored(c.id, before);
    // Ten are fine.
    expect((await upload(v, webChatUpload(eleven.slice(0, 10)))).status).toBe(200);
  });

  test('an oversized file is refused before it is read (declared length) and while it streams (chunked): 413, no temporary file, nothing stored', async () => {
    const { v, c } = await heldChat();
    const before = (await s.app.store.listMessages(c.id)).length;
    const tmpBefore = tmpFiles();
    const big = webChatUpload([{ filename: 'big.png', data: Buffer.concat([PNG, Buffer.alloc(4 * MAX, 0x41)]) }]);
    const declared = await upload(v, big);
    expect(declared.status).toBe(413);
    expect(declared.body.error?.code).toBe('ATTACHMENT_TOO_LARGE');
    expect((declared.body.error?.details as { customerMessage: string }).customerMessage).toMatch(/too large/);

    // Chunked, no length: the answer comes while the client is still sending, after at most the limit was read.
    const total = 64 * MAX;
    const streamed = await new Promise<{ status: number; sent: number; code?: string }>((resolve, reject) => {
      let sent = 0;
      let stopped = false;
      const req = http.request(`${s.url}/v3/directline/conversations/${v.conversationId}/upload`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': big.type, authorization: `Bearer ${v.token}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        stopped = true;
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, sent, code: (JSON.parse(text) as { error: { code: string } }).error.code }));
      });
      req.on('error', (err) => (stopped ? undefined : reject(err)));
      const head = big.raw.subarray(0, 400);
      req.write(head);
      sent += head.length;
      const pump = () => {
        while (!stopped && sent < total) {
          sent += 16 * 1024;
          if (!req.write(Buffer.alloc(16 * 1024, 0x41))) return void req.once('drain', pump);
        }
        if (!stopped) req.end();
      };
      pump();
    });
    expect(streamed).toMatchObject({ status: 413, code: 'ATTACHMENT_TOO_LARGE' });
    expect(streamed.sent).toBeLessThan(total);
    expect([...tmpFiles()].filter((f) => !tmpBefore.has(f))).toEqual([]);
    await expectNothingStored(c.id, before);
  });

  test('an upload somewhat over the limit, sent whole with its length as browsers do, gets its 413 and sentence (not a reset mid-upload), and the connection is usable again', async () => {
    const { v, c } = await heldChat();
    const before = (await s.app.store.listMessages(c.id)).length;
    // Far more than the socket buffers hold: the answer is decided while the client is still writing.
    const big = webChatUpload([{ filename: 'photo.png', data: Buffer.concat([PNG, Buffer.alloc(3 * MAX, 0x41)]) }]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: { raw: Buffer; type: string }) =>
      new Promise<{ status: number; code?: string; customerMessage?: string; socket: unknown }>((resolve, reject) => {
        const req = http.request(`${s.url}/v3/directline/conversations/${v.conversationId}/upload`, {
          method: 'POST',
          agent,
          headers: { 'content-type': body.type, 'content-length': body.raw.length, authorization: `Bearer ${v.token}` },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            const error = (JSON.parse(text) as { error?: { code: string; details?: { customerMessage?: string } } }).error;
            resolve({ status: res.statusCode ?? 0, code: error?.code, customerMessage: error?.details?.customerMessage, socket: req.socket });
          });
        });
        req.on('error', reject);
        // Written in pieces, as a browser streams a file.
        for (let at = 0; at < body.raw.length; at += 16 * 1024) req.write(body.raw.subarray(at, at + 16 * 1024));
        req.end();
      });
    try {
      const refused = await send(big);
      expect(refused).toMatchObject({ status: 413, code: 'ATTACHMENT_TOO_LARGE' });
      expect(refused.customerMessage).toMatch(/too large/);
      // The same connection then carries the customer's next, smaller upload.
      const next = await send(webChatUpload([{ filename: 'small.png', data: PNG }]));
      expect(next.status).toBe(200);
      expect(next.socket === refused.socket).toBe(true);
      expect(await s.app.store.listAttachments(c.id)).toHaveLength(1);
      expect((await s.app.store.listMessages(c.id)).length).toBeGreaterThan(before);
    } finally {
      agent.destroy();
    }
  });

  test.each([
    ['../../../etc/passwd.png', 'passwd.png'],
    ['..\\..\\windows\\system32\\evil.png', 'evil.png'],
    ['/tmp/x/\u0000nul\u0007.png', 'nul.png'],
    ['invoice\u202Egnp.exe', 'invoicegnp.exe.png'],
    ['page.html', 'page.html.png'],
    ['...', 'file.png'],
  ])('a path or control characters in the name (%j) are stripped: stored and served as %j', async (filename, expected) => {
    const { v, c } = await heldChat();
    expect((await upload(v, webChatUpload([{ filename, data: PNG }]))).status).toBe(200);
    const [record] = await s.app.store.listAttachments(c.id);
    expect(record.name).toBe(expected);
    const got = await fetch(`${s.url}/api/attachments/${record.id}`, { headers: { authorization: `Bearer ${holder.token}` } });
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="${expected}"; filename*=UTF-8''${encodeURIComponent(expected)}`);
  });

  test('text that mentions markup is served inert: text/plain, nosniff, attachment, sandboxing CSP', async () => {
    const { v, c } = await heldChat();
    expect((await upload(v, webChatUpload([{ filename: 'notes.html', type: 'text/html', data: 'see <script>alert(1)</script>' }]))).status).toBe(200);
    const [record] = await s.app.store.listAttachments(c.id);
    expect(record).toMatchObject({ contentType: 'text/plain', name: 'notes.html.txt' });
    const got = await fetch(`${s.url}/api/attachments/${record.id}?inline=1`, { headers: { authorization: `Bearer ${holder.token}` } });
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    // Never inline unless a raster image.
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  test('an agent who may not see the chat gets 403 and no byte of the file; the attempt is audited; no session gets 401', async () => {
    const { v, c } = await heldChat();
    const secret = Buffer.concat([PNG, Buffer.from('SECRET-CARD-5555')]);
    expect((await upload(v, webChatUpload([{ filename: 'card.png', data: secret }]))).status).toBe(200);
    const [record] = await s.app.store.listAttachments(c.id);
    const [message] = (await s.app.store.listMessages(c.id)).filter((m) => m.attachments.length);

    for (const path of [`/api/attachments/${record.id}`, `/api/conversations/${c.id}/messages/${message.seq}/attachments/0`]) {
      const denied = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${outsider.token}` } });
      expect(denied.status).toBe(403);
      const body = await denied.text();
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'ATTACHMENT_FORBIDDEN' } });
      expect(body).not.toContain('SECRET-CARD');
      expect(body).not.toContain(record.name);
      const anonymous = await fetch(`${s.url}${path}`);
      expect(anonymous.status).toBe(401);
    }
    const audit = await s.app.store.listAudit({ actorId: outsider.id });
    expect(audit.filter((e) => e.action === 'attachment.denied').map((e) => e.targetId)).toEqual([c.id, c.id]);
    // Nor can they send a file into it.
    const form = multipartBody([{ name: 'file', filename: 'x.png', data: PNG }]);
    const sent = await request(`${s.url}/api/conversations/${c.id}/attachments`, {
      raw: form.raw,
      headers: { 'content-type': form.type, authorization: `Bearer ${outsider.token}` },
    });
    expect(sent.status).toBe(403);
    expect(await s.app.store.listAttachments(c.id)).toHaveLength(1);
  });

  test('multipart is refused unread everywhere but the upload routes, which refuse it without a valid token', async () => {
    const { v, c } = await heldChat();
    const before = (await s.app.store.listMessages(c.id)).length;
    const body = webChatUpload([{ filename: 'a.png', data: PNG }]);
    for (const path of [`/v3/directline/conversations/${v.conversationId}/activities`, '/chat/session', '/api/messages', '/api/auth/login']) {
      const r = await request(`${s.url}${path}`, { raw: body.raw, headers: { 'content-type': body.type, authorization: `Bearer ${v.token}` } });
      expect([path, r.status]).toEqual([path, 415]);
    }
    const noToken = await request(`${s.url}/v3/directline/conversations/${v.conversationId}/upload`, { raw: body.raw, headers: { 'content-type': body.type } });
    expect(noToken.status).toBe(401);
    const other = await webChatVisitor(s.url);
    const wrongConversation = await request(`${s.url}/v3/directline/conversations/${v.conversationId}/upload`, {
      raw: body.raw,
      headers: { 'content-type': body.type, authorization: `Bearer ${other.token}` },
    });
    expect(wrongConversation.status).toBe(404);
    const agentUpload = await request(`${s.url}/api/conversations/${c.id}/attachments`, { raw: body.raw, headers: { 'content-type': body.type } });
    expect(agentUpload.status).toBe(401);
    await expectNothingStored(c.id, before);
  });

  test('a link a web chat client names in an activity is dropped, never stored or fetched', async () => {
    const { v, c } = await heldChat();
    const r = await request(`${s.url}/v3/directline/conversations/${v.conversationId}/activities`, {
      body: { type: 'message', text: 'look', attachments: [{ contentType: 'image/png', name: 'x.png', contentUrl: `${trap.url}/x.png` }] },
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(r.status).toBe(200);
    const last = (await s.app.store.listMessages(c.id)).find((m) => m.text === 'look')!;
    expect(last.attachments).toEqual([]);
    expect(trap.hits).toEqual([]);
  });

  describe("a Bot Framework channel's file links", () => {
    let n = 0;
    /** A customer on a channel whose message links these files; the holder takes the chat. */
    async function channelMessage(urls: string[]) {
      const conv = `t20-ch-${++n}`;
      await post(s.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}` }, text: 'I want to talk to a human', serviceUrl: channel.url }));
      const c = (await s.app.store.findConversationByChannel('test', conv))!;
      await s.app.services.handoff.claim(holder.id, c.id);
      const attachments = urls.map((contentUrl, i) => ({ contentType: 'image/png', name: `f${i}.png`, contentUrl }));
      expect(
        (await post(s.url, messageActivity({ conversation: { id: conv }, from: { id: `u-${conv}` }, text: 'files', attachments, serviceUrl: channel.url })))
          .status,
      ).toBe(200);
      const m = (await s.app.store.listMessages(c.id)).find((x) => x.text === 'files')!;
      return (i: number, who: Staff = holder) =>
        fetch(`${s.url}/api/conversations/${c.id}/messages/${m.seq}/attachments/${i}`, { headers: { authorization: `Bearer ${who.token}` } });
    }

    test('a file on a trusted host is fetched through the service and served inert', async () => {
      const get = await channelMessage([`${filesUrl}/receipt.png`]);
      const r = await get(0);
      expect(r.status).toBe(200);
      expect(Buffer.from(await r.arrayBuffer()).equals(PNG)).toBe(true);
      expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    });

    test('untrusted hosts, private addresses and a redirect from a trusted host to another are never fetched; the trap gets nothing', async () => {
      const get = await channelMessage([
        `${trap.url}/x.png`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.1/x.png',
        `${filesUrl}/redirect`,
        'file:///etc/passwd',
        `http://user:pw@127.0.0.1:${new URL(filesUrl).port}/receipt.png`,
      ]);
      for (let i = 0; i < 6; i++) {
        const r = await get(i);
        expect([i, r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([i, 502, 'ATTACHMENT_SOURCE_UNTRUSTED']);
      }
      expect(trap.hits).toEqual([]);
      expect(trap.connections).toBe(0);
    });

    test('a file that never ends is cut off at the limit (413); an agent who may not see the chat is refused before any fetch', async () => {
      const get = await channelMessage([`${filesUrl}/huge`]);
      const r = await get(0);
      expect(r.status).toBe(413);
      const denied = await get(0, outsider);
      expect(denied.status).toBe(403);
    });
  });
});
