import { createStaff } from '../helpers/consoleClient';
import { say, startConversation, StreamClient, webChatSession } from '../helpers/directLineStream';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (wave 26): the web chat page greets with buttons ("Track my order", …) that it drew itself, so
 * transcripts started with the customer's press and never showed what they pressed it under. The page now draws the
 * server's greeting (its settings), and the conversation stores the same message, buttons and all, first, when the
 * visitor first writes; the page is never sent it again. Real HTTP, a real Direct Line stream.
 */
describe("the web chat page's greeting, stored", () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test('the greeting the page draws is stored first with its buttons, the press marked, and never sent to the page', async () => {
    const r = await fetch(`${running.url}/chat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locale: 'en-GB' }),
    });
    const session = (await r.json()) as { settings: { greetings: Record<string, { text: string; choices: string[] }> } };
    const drawn = session.settings.greetings.en;
    expect(drawn.text).toMatch(/^Hi! I am the support assistant\./);
    expect(drawn.choices).toEqual(['Track my order', 'I want a refund', 'Talk to a person']);
    expect(session.settings.greetings.es.choices).toEqual(['Seguir mi pedido', 'Quiero un reembolso', 'Hablar con una persona']);

    const s = await webChatSession(running.url);
    const started = await startConversation(running.url, s);
    const stream = await StreamClient.open(started.body.streamUrl!);
    try {
      expect(await say(running.url, s, 'Track my order')).toBe(200);
      await stream.until(() => stream.texts().some((x) => /order number/.test(x)), 'the answer');
      expect(stream.texts()).not.toContain(drawn.text);
    } finally {
      await stream.close();
    }
    const polled = (await (
      await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities?watermark=0`, { headers: { authorization: `Bearer ${s.token}` } })
    ).json()) as { activities: { text?: string }[] };
    expect(polled.activities.map((a) => a.text)).toEqual(['Track my order', expect.stringMatching(/order number/)]);

    const c = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
    const stored = (await running.app.store.listMessages(c.id)).filter((m) => m.kind === 'message');
    expect(stored.slice(0, 2).map((m) => [m.role, m.text, m.data?.suggestedActions])).toEqual([
      ['bot', drawn.text, drawn.choices.map((title) => ({ title, value: title }))],
      ['customer', 'Track my order', undefined],
    ]);

    const { token } = await createStaff(running.app, { role: 'supervisor' });
    const json = (await (
      await fetch(`${running.url}/api/transcripts/export?format=json&customer=${c.customerId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { conversations: { id: string; messages: { text: string; choices?: { title: string; picked: boolean }[] }[] }[] };
    const exported = json.conversations.find((x) => x.id === c.id)!;
    expect(exported.messages[0].choices?.map((x) => `${x.title}${x.picked ? ' *' : ''}`)).toEqual(['Track my order *', 'I want a refund', 'Talk to a person']);
  });

  test('only the first message of a conversation brings it, once', async () => {
    const s = await webChatSession(running.url);
    await startConversation(running.url, s);
    expect(await say(running.url, s, 'hello')).toBe(200);
    expect(await say(running.url, s, 'where is my order?')).toBe(200);
    const c = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
    const greetings = (await running.app.store.listMessages(c.id)).filter((m) => m.role === 'bot' && m.data?.greeting === true);
    expect(greetings).toHaveLength(1);
    expect(greetings[0].seq).toBe(1);
  });
});
