import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import type { AttachmentRecord, Message } from '../../models/records';
import { createStaff, nextEvent, online, type Staff } from '../helpers/consoleClient';
import { multipartBody, PDF, PNG, webChatUpload } from '../helpers/multipart';
import { request, startSecurityApp, webChatVisitor, type SecurityApp } from '../security/helpers';

interface Activity {
  type: string;
  text?: string;
  from: { role: string };
  attachments?: { contentType: string; name: string; contentUrl: string }[];
  channelData?: { clientActivityID?: string };
}

/** Files both ways over real HTTP: the web chat's upload, the agent's download and send, the customer's signed links. */
describe('attachments', () => {
  let s: SecurityApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    s = await startSecurityApp();
  });
  afterAll(async () => {
    sockets.forEach((x) => x.disconnect());
    await s.stop();
  });

  const activities = async (v: { token: string; conversationId: string }) =>
    (
      await request(`${s.url}/v3/directline/conversations/${v.conversationId}/activities?watermark=0`, {
        headers: { authorization: `Bearer ${v.token}` },
      })
    ).body.activities as unknown as Activity[];

  const upload = (v: { token: string; conversationId: string }, body: { raw: Buffer; type: string }, headers: Record<string, string> = {}) =>
    request(`${s.url}/v3/directline/conversations/${v.conversationId}/upload?userId=x`, {
      raw: body.raw,
      headers: { 'content-type': body.type, authorization: `Bearer ${v.token}`, ...headers },
    });

  /** A web chat customer whose chat an agent holds. */
  async function heldChat(agent: Staff) {
    const v = await webChatVisitor(s.url);
    expect((await v.say('I want to talk to a human')).status).toBe(200);
    const c = (await s.app.store.findConversationByChannel('webchat', v.conversationId))!;
    expect(c.state).toBe('queued');
    await s.app.services.handoff.claim(agent.id, c.id);
    return { v, c };
  }

  test('a customer uploads a PNG: stored with its record, shown back through a signed link, downloadable by the agent', async () => {
    const agent = await createStaff(s.app, { name: 'Alma' });
    sockets.push(await online(s.app, s.url, agent));
    const { v, c } = await heldChat(agent);
    const seen = nextEvent<{ message: Message }>(agent.socket!, 'message:new', (p) => p.message.attachments.length > 0);
    const r = await upload(v, webChatUpload([{ filename: '../../etc/receipt.png', type: 'image/png', data: PNG }], { text: 'my receipt' }));
    expect(r.status).toBe(200);

    const [record] = await s.app.store.listAttachments(c.id);
    expect(record).toMatchObject<Partial<AttachmentRecord>>({
      conversationId: c.id,
      name: 'receipt.png',
      contentType: 'image/png',
      size: PNG.length,
      uploader: { role: 'customer', id: v.userId },
    });
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    const message = (await seen).message;
    expect(message).toMatchObject({ seq: record.messageSeq, text: 'my receipt', attachments: [{ contentType: 'image/png', name: 'receipt.png' }] });

    // The page reads the message back with a signed link it can load in an <img>.
    const mine = (await activities(v)).find((a) => a.from.role === 'user' && a.attachments)!;
    const link = mine.attachments![0].contentUrl;
    expect(link).toMatch(new RegExp(`^${s.url}/attachments/${record.id}\\?exp=\\d+&sig=`));
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="receipt.png"/);
    // A link with another signature, or another file's id under this signature, is refused.
    expect((await fetch(link.replace(/sig=.*/, 'sig=forged'))).status).toBe(403);
    expect((await fetch(link.replace(record.id, 'someotherid123'))).status).toBe(403);

    // The agent holding the chat downloads it; a preview is inline because it is a raster image.
    const got = await fetch(`${s.url}/api/attachments/${record.id}?inline=1`, { headers: { authorization: `Bearer ${agent.token}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
  });

  test('the agent sends a PDF: the customer reads it through a signed link; a supervisor download is audited', async () => {
    const agent = await createStaff(s.app, { name: 'Bruno' });
    const lead = await createStaff(s.app, { role: 'supervisor', name: 'Sara' });
    sockets.push(await online(s.app, s.url, agent));
    const { v, c } = await heldChat(agent);
    const form = multipartBody([
      { name: 'file', filename: 'Invoice 2026.pdf', type: 'application/pdf', data: PDF },
      { name: 'text', data: 'Here is your invoice' },
      { name: 'clientMessageId', data: 'm-1' },
    ]);
    const sent = await request(`${s.url}/api/conversations/${c.id}/attachments`, {
      raw: form.raw,
      headers: { 'content-type': form.type, authorization: `Bearer ${agent.token}` },
    });
    expect(sent.status).toBe(200);
    const [record] = await s.app.store.listAttachments(c.id);
    expect(record).toMatchObject({ name: 'Invoice 2026.pdf', contentType: 'application/pdf', uploader: { role: 'agent', id: agent.id } });

    const fromAgent = (await activities(v)).find((a) => a.from.role === 'bot' && a.attachments)!;
    expect(fromAgent.text).toBe('Here is your invoice');
    const file = await fetch(fromAgent.attachments![0].contentUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="Invoice 2026.pdf"; filename*=UTF-8''Invoice%202026.pdf`);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);

    // The same clientMessageId again is stored and sent once.
    const again = await request(`${s.url}/api/conversations/${c.id}/attachments`, {
      raw: form.raw,
      headers: { 'content-type': form.type, authorization: `Bearer ${agent.token}` },
    });
    expect(again.status).toBe(200);
    expect(await s.app.store.listAttachments(c.id)).toHaveLength(1);
    expect((await s.app.store.listMessages(c.id)).filter((m) => m.attachments.length)).toHaveLength(1);

    const read = await fetch(`${s.url}/api/attachments/${record.id}`, { headers: { authorization: `Bearer ${lead.token}` } });
    expect(read.status).toBe(200);
    const audit = await s.app.store.listAudit({ actorId: lead.id });
    expect(audit.map((e) => e.action)).toContain('attachment.download');
  });

  test("an agent's file reaches a Bot Framework channel as an attachment whose contentUrl is a signed, expiring link", async () => {
    const channel = await new ChannelServer().start();
    try {
      const agent = await createStaff(s.app);
      sockets.push(await online(s.app, s.url, agent));
      await post(
        s.url,
        messageActivity({ conversation: { id: 'att-bf-1' }, from: { id: 'bf-user' }, text: 'I want to talk to a human', serviceUrl: channel.url }),
      );
      const c = (await s.app.store.findConversationByChannel('test', 'att-bf-1'))!;
      await s.app.services.handoff.claim(agent.id, c.id);
      const form = multipartBody([{ name: 'file', filename: 'label.png', data: PNG }]);
      const sent = await request(`${s.url}/api/conversations/${c.id}/attachments`, {
        raw: form.raw,
        headers: { 'content-type': form.type, authorization: `Bearer ${agent.token}` },
      });
      expect(sent.status).toBe(200);
      const got = await channel.waitFor((a) => a.conversationId === 'att-bf-1' && Array.isArray(a.activity.attachments));
      const [attachment] = got.activity.attachments as { contentType: string; name: string; contentUrl: string }[];
      expect(attachment).toMatchObject({ contentType: 'image/png', name: 'label.png' });
      expect(attachment.contentUrl).toMatch(new RegExp(`^${s.url}/attachments/[\\w-]+\\?exp=\\d+&sig=`));
      const file = await fetch(attachment.contentUrl);
      expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    } finally {
      await channel.stop();
    }
  });

  test('retention and erasure remove the files with their conversation', async () => {
    const agent = await createStaff(s.app);
    sockets.push(await online(s.app, s.url, agent));
    const { v, c } = await heldChat(agent);
    expect((await upload(v, webChatUpload([{ filename: 'notes.txt', data: 'order 12345 arrived broken' }]))).status).toBe(200);
    expect(await s.app.store.listAttachments(c.id)).toHaveLength(1);
    await s.app.services.privacy.erase(c.customerId, agent.id);
    expect(await s.app.store.listAttachments(c.id)).toEqual([]);
  });
});
