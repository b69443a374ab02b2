import { channelConversations } from '../../bot/supportBot';
import { createStaff } from '../helpers/consoleClient';
import { say, startConversation, StreamClient, webChatSession, type WebChatSession } from '../helpers/directLineStream';
import { startTestApp, type RunningApp } from '../helpers/testApp';

interface Polled {
  activities: { id: string; text?: string; from: { role?: string } }[];
  watermark: string;
}

/**
 * Found from outside: an admin erased a customer while their web chat was open; the customer wrote again, the bot's
 * answer went into a new conversation numbered from 1, and the page, polling or streaming with its old watermark (4),
 * skipped it: the customer saw silence. Real HTTP polling and a real Direct Line WebSocket stream.
 */
describe('web chat erased while open', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ WEBCHAT_STREAM_KEEPALIVE_SECONDS: '1' });
  });
  afterAll(async () => {
    await running.stop();
  });

  const poll = async (s: WebChatSession, watermark?: string): Promise<Polled> => {
    const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(r.status).toBe(200);
    return (await r.json()) as Polled;
  };
  /** A chat of a few messages, then (once the page has read it) erased by an admin through the API. */
  const chatThenErase = async (s: WebChatSession, read: () => Promise<unknown> = () => Promise.resolve()) => {
    expect(await say(running.url, s, 'what is your refund policy')).toBe(200);
    expect(await say(running.url, s, 'how long does shipping take')).toBe(200);
    const [c] = await channelConversations(running.app.store, 'webchat', s.conversationId);
    expect(c.lastSeq).toBeGreaterThanOrEqual(4);
    await read();
    const admin = await createStaff(running.app, { role: 'admin' });
    const r = await fetch(`${running.url}/api/customers/${c.customerId}/erase`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.status).toBe(200);
  };
  const botAnswers = (p: Polled) => p.activities.filter((a) => a.from.role === 'bot');

  test('a polling page with its old watermark gets the bot’s answer to what the customer writes after the erasure', async () => {
    const s = await webChatSession(running.url);
    let old = '';
    await chatThenErase(s, async () => {
      old = (await poll(s)).watermark; // the page's place: it read everything
    });
    expect((await poll(s, old)).activities).toEqual([]); // the erased conversation is no longer this chat's
    expect(await say(running.url, s, 'hello? what happened to my chat', 'after-erase')).toBe(200);
    for (const mark of ['4', old, '2.3']) {
      const next = await poll(s, mark);
      expect(next.activities[0]).toMatchObject({ text: 'hello? what happened to my chat' });
      expect(botAnswers(next).length).toBeGreaterThan(0);
      // And the watermark it gets moves on from there: nothing again, nothing skipped.
      expect((await poll(s, next.watermark)).activities).toEqual([]);
    }
  });

  test('a polling page with the tagged watermark of the erased conversation is not left skipping the new one, however long it grows', async () => {
    const s = await webChatSession(running.url);
    expect(await say(running.url, s, 'what is your refund policy')).toBe(200);
    const seen = await poll(s);
    await chatThenErase(s);
    // The new conversation grows past the old watermark's number before the page polls again.
    for (const text of ['hello? what happened to my chat', 'anyone there', 'what is your refund policy']) expect(await say(running.url, s, text)).toBe(200);
    const [fresh] = await channelConversations(running.app.store, 'webchat', s.conversationId);
    expect(fresh.lastSeq).toBeGreaterThan(Number(seen.watermark.split('-')[0]));
    const next = await poll(s, seen.watermark);
    expect(next.activities.filter((a) => a.from.role !== 'bot').map((a) => a.text)).toEqual([
      'hello? what happened to my chat',
      'anyone there',
      'what is your refund policy',
    ]);
  });

  test('an open stream follows the chat into the conversation after the erasure, and a resume from its old watermark too', async () => {
    const s = await webChatSession(running.url);
    const started = await startConversation(running.url, s);
    const stream = await StreamClient.open(started.body.streamUrl!);
    try {
      await chatThenErase(s, () =>
        stream.until(() => stream.texts().includes('how long does shipping take') && stream.activities.at(-1)!.from.role === 'bot', 'the chat before'),
      );
      const old = stream.watermark!;
      const pushed = stream.activities.length;
      expect(await say(running.url, s, 'hello? what happened to my chat', 'after-erase')).toBe(200);
      const all = (await poll(s)).activities;
      expect(all[0]).toMatchObject({ text: 'hello? what happened to my chat' });
      await stream.until(() => stream.activities.length >= pushed + all.length, 'the answer after the erasure');
      expect(stream.activities.slice(pushed).map((a) => a.id)).toEqual(all.map((a) => a.id));
      // A client that reconnects with the watermark it had before the erasure gets the new conversation too.
      const again = await startConversation(running.url, s, old);
      const resumed = await StreamClient.open(again.body.streamUrl!);
      try {
        await resumed.until(() => resumed.activities.length >= all.length, 'the new conversation on a resume');
        expect(resumed.activities.map((a) => a.id)).toEqual(all.map((a) => a.id));
      } finally {
        await resumed.close();
      }
    } finally {
      await stream.close();
    }
  });
});
