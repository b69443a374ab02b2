import { createStaff, online, request } from '../helpers/consoleClient';
import { say, startConversation, webChatSession, type WebChatSession } from '../helpers/directLineStream';
import { startTestApp, type RunningApp } from '../helpers/testApp';

interface Polled {
  activities: { type: string; id: string; text?: string; from: { id: string; role?: string } }[];
  watermark: string;
}

/** An agent's typing reaches a web chat page that polls (Direct Line's fallback): real HTTP, a real console socket. */
describe('agent typing on a polling web chat page', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ WEBCHAT_STREAM: 'false' });
  });
  afterAll(async () => {
    await running.stop();
  });

  const poll = async (s: WebChatSession, watermark = '0'): Promise<Polled> => {
    const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities?watermark=${watermark}`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(r.status).toBe(200);
    return (await r.json()) as Polled;
  };

  test('a poll carries one typing activity while the agent types, outside the watermark, never stored; a reply ends it', async () => {
    const s = await webChatSession(running.url);
    expect((await startConversation(running.url, s)).body.streamUrl).toBeUndefined();
    expect(await say(running.url, s, 'I want to talk to a human')).toBe(200);
    const agent = await createStaff(running.app, { name: 'Polly Agent' });
    const socket = await online(running.app, running.url, agent);
    try {
      const c = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
      expect((await request(socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
      const before = await poll(s);
      expect(before.activities.some((a) => a.type === 'typing')).toBe(false);
      const stored = (await running.app.store.listMessages(c.id)).length;

      expect((await request(socket, 'typing:start', { conversationId: c.id })).ok).toBe(true);
      // The news reaches the channel after the ack (the notifier is asynchronous): poll until it shows.
      let typed = await poll(s, before.watermark);
      while (!typed.activities.length) typed = await poll(s, before.watermark);
      expect(typed.activities).toHaveLength(1);
      expect(typed.activities[0]).toMatchObject({ type: 'typing', from: { id: 'bot', role: 'bot' } });
      expect(typed.watermark).toBe(before.watermark);
      // Every poll meanwhile carries the same one (same id), and nothing was stored for it.
      expect((await poll(s, before.watermark)).activities.map((a) => a.id)).toEqual([typed.activities[0].id]);
      expect(await running.app.store.listMessages(c.id)).toHaveLength(stored);

      // The agent's message ends it: the next poll has the message and no typing.
      expect((await request(socket, 'message:send', { conversationId: c.id, text: 'Here I am.', clientMessageId: 'p1' })).ok).toBe(true);
      const after = await poll(s, before.watermark);
      expect(after.activities.map((a) => a.type)).toEqual(['message']);
      expect(after.activities[0].text).toBe('Here I am.');
      expect((await poll(s, after.watermark)).activities).toEqual([]);
    } finally {
      socket.disconnect();
    }
  });
});
