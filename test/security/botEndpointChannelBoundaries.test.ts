import { messageActivity, post } from '../helpers/activities';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Fresh-eyes finding 6, tried from outside against /api/messages in unauthenticated dev mode: the Bot Framework
 * endpoint never touches the in-process web chat's conversations (they belong to the web chat endpoint), a stored
 * serviceUrl is never rewritten by an activity that does not prove it comes from that channel, an IPv6 loopback
 * serviceUrl is answered consistently, and an impossible timestamp is a 400 before anything is stored.
 */
describe('Bot Framework endpoint: channel boundaries', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  /** A real web chat visitor: a session through the web chat endpoint, and one message. */
  async function webChat(): Promise<{ conversationId: string; userId: string }> {
    const r = await fetch(`${running.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBeLessThan(300);
    const s = (await r.json()) as { conversationId: string; token: string; userId?: string };
    const sent = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ type: 'message', from: { id: s.userId ?? 'ignored' }, text: 'hello' }),
    });
    expect(sent.status).toBeLessThan(300);
    return { conversationId: s.conversationId, userId: s.userId ?? '' };
  }

  test("an activity naming a web chat conversation is refused and stores nothing; the conversation's reference is untouched", async () => {
    const wc = await webChat();
    const before = (await running.app.store.findConversationByChannel('webchat', wc.conversationId))!;
    expect(before).toBeTruthy();
    const messagesBefore = (await running.app.store.listMessages(before.id)).length;
    for (const serviceUrl of ['http://127.0.0.1:9/elsewhere/', `${running.url}/webchat/connector`]) {
      const r = await post(
        running.url,
        messageActivity({
          channelId: 'webchat',
          conversation: { id: wc.conversationId },
          from: { id: wc.userId || 'visitor' },
          serviceUrl,
          text: 'injected text',
        }),
      );
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('BOT_CHANNEL_FORBIDDEN');
    }
    const after = (await running.app.store.findConversationByChannel('webchat', wc.conversationId))!;
    expect(after.reference.serviceUrl).toBe(before.reference.serviceUrl);
    const texts = (await running.app.store.listMessages(before.id)).map((m) => m.text);
    expect(texts).toHaveLength(messagesBefore);
    expect(texts).not.toContain('injected text');
  });

  test('an unauthenticated later activity never rewrites a conversation’s stored serviceUrl', async () => {
    const conv = `move-${Date.now()}`;
    expect((await post(running.url, messageActivity({ conversation: { id: conv }, serviceUrl: 'http://127.0.0.1:9/first/' }))).status).toBe(200);
    const first = (await running.app.store.findConversationByChannel('test', conv))!;
    expect((await post(running.url, messageActivity({ conversation: { id: conv }, serviceUrl: 'http://127.0.0.1:9/second/' }))).status).toBe(200);
    expect((await running.app.store.getConversation(first.id))!.reference.serviceUrl).toBe('http://127.0.0.1:9/first/');
  });

  test('an IPv6 literal serviceUrl (which the connector cannot reach) is refused with a coded 400 before anything is stored', async () => {
    const conv = `v6-${Date.now()}`;
    const r = await post(
      running.url,
      messageActivity({ conversation: { id: conv }, serviceUrl: 'http://[::1]:4187/', deliveryMode: undefined, text: 'hi there' }),
    );
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('BOT_ACTIVITY_INVALID');
    expect(r.body.error?.message).toMatch(/IPv6 address literal/);
    expect(await running.app.store.findConversationByChannel('test', conv)).toBeNull();
  });

  test('an impossible timestamp (2020-02-30) is a 400 and stores nothing', async () => {
    const conv = `ts-${Date.now()}`;
    const r = await post(running.url, messageActivity({ conversation: { id: conv }, timestamp: '2020-02-30T10:00:00.000Z' }));
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('BOT_ACTIVITY_INVALID');
    expect(await running.app.store.findConversationByChannel('test', conv)).toBeNull();
    // A real one with Bot Framework's seven decimals and an offset is fine.
    const ok = await post(running.url, messageActivity({ conversation: { id: `${conv}-ok` }, timestamp: '2020-02-28T10:00:00.1234567+01:00' }));
    expect(ok.status).toBe(200);
  });
});
