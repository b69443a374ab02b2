import { say as webChatSay, webChatSession } from '../helpers/directLineStream';
import { say } from '../helpers/activities';
import { startTestApp, type RunningApp } from '../helpers/testApp';

const INVISIBLE = ['\u200b', '\u200d\u200c', '\ufeff', ' \u2060 \u00ad '];

/**
 * Found from outside: a customer message of only invisible characters (zero-width space or joiner, BOM…) was
 * stored as written and, sent a few times, queued the chat for a person, while agents are refused the same text. It
 * is an empty message: answered as one, stored empty, never counted as not understood, never relayed or queued.
 */
describe('a customer message of only invisible characters', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test('over /api/messages: each is answered as an empty message, stored empty, and the chat stays with the bot', async () => {
    for (const text of INVISIBLE) {
      const r = await say(running.url, 'invisible-1', text);
      expect(r.status).toBe(200);
      expect(r.replies.join('\n')).toMatch(/empty message/);
    }
    const c = (await running.app.store.findConversationByChannel('test', 'invisible-1'))!;
    expect(c.state).toBe('bot');
    const customer = (await running.app.store.listMessages(c.id)).filter((m) => m.role === 'customer');
    expect(customer.map((m) => m.text)).toEqual(INVISIBLE.map(() => ''));
  });

  test('in a queued chat: nothing reaches the queue, the customer is told it was empty', async () => {
    const asked = await say(running.url, 'invisible-2', 'I want to talk to a human');
    expect(asked.status).toBe(200);
    const c = (await running.app.store.findConversationByChannel('test', 'invisible-2'))!;
    expect(c.state).toBe('queued');
    const r = await say(running.url, 'invisible-2', '\u200b\u200b');
    expect(r.replies.join('\n')).toMatch(/empty message/);
    const last = (await running.app.store.listMessages(c.id)).filter((m) => m.role === 'customer').at(-1)!;
    expect(last.text).toBe('');
  });

  test('over the web chat (Direct Line): the answer is the empty-message one', async () => {
    const s = await webChatSession(running.url);
    expect(await webChatSay(running.url, s, '\u200b\ufeff')).toBe(200);
    const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, { headers: { authorization: `Bearer ${s.token}` } });
    const { activities } = (await r.json()) as { activities: { text?: string; from: { role?: string } }[] };
    expect(activities.filter((a) => a.from.role === 'bot').map((a) => a.text)).toEqual([expect.stringMatching(/empty message/)]);
  });
});
