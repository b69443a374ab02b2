import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import type { ChannelServer } from '../helpers/channelServer';
import { appWithAgent } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import type { Staff } from '../helpers/consoleClient';
import { ratedHandoff } from '../helpers/journeys';
import type { RunningApp } from '../helpers/testApp';

/**
 * Must hold: the rating and its comment belong to the closed conversation (it stays closed, so handling time and the
 * closed filter count it); words, stars and digits in both languages are understood; a customer writing later starts
 * a new conversation linked to the same profile.
 */
describe('surveys that do not reopen', () => {
  const ctx = appWithAgent();
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  let socket: Socket;
  beforeAll(() => ({ running, channel, agent, socket } = ctx));

  /** A chat handed to the agent and closed by them: the survey is pending. */
  async function closedChat(locale = 'en-US'): Promise<Chat> {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await running.app.services.handoff.agentMessage(agent.id, c.id, 'Hello, how can I help?');
    await running.app.services.handoff.close(agent.id, c.id);
    return chat;
  }

  test('a rated chat stays closed: its handling time is counted and the closed filter finds it', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const rated = await ratedHandoff(running, channel, socket, {
      conv: 'rated-1',
      customerName: 'Rita Rated',
      lines: ['hello'],
      agentReply: 'Done, anything else?',
      rating: 4,
    });
    expect(rated).toMatchObject({ state: 'closed', satisfaction: { score: 4, comment: 'thanks' } });
    expect(rated.tags).not.toContain('survey_pending');
    const to = new Date(Date.now() + 60_000).toISOString();
    const stats = await running.app.store.conversationStats({ from, to });
    expect(stats.times.handling.n).toBeGreaterThanOrEqual(1);
    expect(stats.times.handling.p50).not.toBeNull();
    const closed = await running.app.store.searchTranscripts({ state: 'closed', customerId: rated.customerId });
    expect(closed.items.map((i) => i.conversation.id)).toEqual([rated.id]);
  });

  test.each([
    ['5 very helpful', 'en-US', 5, 'very helpful'],
    ['great', 'en-US', 5, 'great'],
    ['terrible', 'en-US', 1, 'terrible'],
    ['★★★', 'en-US', 3, undefined],
    ['4/5', 'en-US', 4, undefined],
    ['genial', 'es-ES', 5, 'genial'],
    ['fatal', 'es-ES', 1, 'fatal'],
    ['cuatro', 'es-ES', 4, undefined],
    ['2, tardaron mucho', 'es-ES', 2, 'tardaron mucho'],
  ])('the survey answer %j is a rating of the closed chat (%s)', async (answer, locale, score, comment) => {
    const chat = await closedChat(locale);
    const closedId = (await chat.conversation()).id;
    const turn = await chat.say(answer);
    expect(turn.replies.join(' ')).toMatch(/Thank you for your feedback|Gracias por tu opinión/);
    const c = await running.app.store.getConversation(closedId);
    expect(c).toMatchObject({ state: 'closed', satisfaction: comment === undefined ? { score } : { score, comment } });
    expect((await chat.conversation()).id).toBe(closedId);
  });

  test('"no" to the survey, and "no" or "thanks" after it, close politely and change nothing', async () => {
    const chat = await closedChat();
    const closedId = (await chat.conversation()).id;
    const consentBefore = (await chat.customer()).consent;
    expect((await chat.say('no')).replies.join(' ')).toMatch(/No problem/);
    expect((await chat.say('no thanks')).replies.length).toBe(1);
    expect((await chat.say('thanks')).replies.length).toBe(1);
    const c = (await running.app.store.getConversation(closedId))!;
    expect(c.state).toBe('closed');
    expect(c.satisfaction).toBeUndefined();
    expect(c.tags).not.toContain('survey_pending');
    expect((await chat.conversation()).id).toBe(closedId);
    expect((await chat.customer()).consent).toEqual(consentBefore);
  });

  test('writing later starts a new conversation for the same profile; the rated one keeps its rating and state', async () => {
    const chat = await closedChat();
    const closed = await chat.conversation();
    await chat.say('5');
    const later = await chat.say('how long does shipping take');
    expect(later.replies.join(' ')).toMatch(/3-5 working days/);
    const next = await chat.conversation();
    expect(next.id).not.toBe(closed.id);
    expect(next).toMatchObject({ state: 'bot', customerId: closed.customerId, channelConversationId: `${chat.conversationId}#2` });
    expect(await running.app.store.getConversation(closed.id)).toMatchObject({ state: 'closed', satisfaction: { score: 5 } });
    const messages = await running.app.store.listMessages(next.id);
    expect(messages.map((m) => [m.role, m.kind, m.role === 'system' ? m.data : m.text.slice(0, 20)])).toEqual([
      ['system', 'event', { type: 'follows', conversationId: closed.id }],
      ['customer', 'message', 'how long does shippi'],
      ['bot', 'message', 'Standard delivery ta'],
    ]);
    const mine = await running.app.store.listConversations({ customerId: closed.customerId });
    expect(mine.map((c) => c.id).sort()).toEqual([closed.id, next.id].sort());
    // And the new one can be handed over and closed in turn, without touching the first.
    await chat.say('I want to talk to a human');
    expect((await chat.conversation()).id).toBe(next.id);
    expect((await chat.conversation()).state).toBe('queued');
  });

  test('web chat: the follow-up conversation reads on in the same Direct Line conversation', async () => {
    const s = (await (await fetch(`${running.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      token: string;
      conversationId: string;
    };
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
    const send = (text: string) =>
      fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'message', text }),
      });
    const read = async (watermark?: string) =>
      (await (
        await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, { headers: auth })
      ).json()) as { activities: { text: string }[]; watermark: string };
    await send('I want to talk to a human');
    const conv = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
    await running.app.services.handoff.claim(agent.id, conv.id);
    await running.app.services.handoff.close(agent.id, conv.id);
    await send('4');
    const first = await read();
    expect(first.activities.map((a) => a.text)).toEqual(expect.arrayContaining(['I want to talk to a human', 'Thank you for your feedback!']));
    await send('how long does shipping take');
    const next = await read(first.watermark);
    expect(next.activities.map((a) => a.text)).toEqual(['how long does shipping take', expect.stringMatching(/3-5 working days/)]);
    expect(next.watermark).toMatch(/^1\.\d+-[0-9a-f]{10}$/);
    expect((await read(next.watermark)).activities).toEqual([]);
    expect((await read()).activities.length).toBe(first.activities.length + 2);
  });

  test('a retried survey answer is stored once', async () => {
    const chat = await closedChat();
    const c = await chat.conversation();
    const activity = messageActivity({ conversation: { id: chat.conversationId }, from: { id: chat.userId }, text: '3', serviceUrl: channel.url });
    await post(running.url, activity);
    await post(running.url, activity);
    const ratings = (await running.app.store.listMessages(c.id)).filter((m) => m.kind === 'event' && m.data?.type === 'satisfaction');
    expect(ratings).toHaveLength(1);
    // The retry is the same answer again, not new business in a new conversation.
    expect((await chat.conversation()).id).toBe(c.id);
  });
});
