import { messageActivity, post } from '../helpers/activities';
import type { ChannelServer } from '../helpers/channelServer';
import { appWithAgent } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import { createStaff, type Staff } from '../helpers/consoleClient';
import type { RunningApp } from '../helpers/testApp';

/**
 * What an outside tester found around the survey (issue #16 point 7), through /api/messages with real Bot Framework
 * activities (and Direct Line for web chat), in English and Spanish:
 * 1. a rating followed by a request ("3 - but I still need a refund for order 12345") lost the request;
 * 2. a bare word of feeling right after the rating ("terrible") opened a new chat queued as a complaint;
 * 3. a bare rating right after "thanks" had ended the survey ("4") opened a new chat the bot did not understand.
 */
describe('survey answers with more to them', () => {
  const ctx = appWithAgent();
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  beforeAll(() => ({ running, channel, agent } = ctx));

  /** A chat handed to the agent and closed by them: the survey is pending. Returns the chat and the closed id. */
  async function closedChat(locale: string): Promise<{ chat: Chat; closedId: string }> {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await running.app.services.handoff.agentMessage(agent.id, c.id, 'Hello, how can I help?');
    await running.app.services.handoff.close(agent.id, c.id);
    return { chat, closedId: c.id };
  }
  const said = async (conversationId: string) =>
    (await running.app.store.listMessages(conversationId, { limit: 100 })).filter((m) => m.role === 'customer').map((m) => m.text);
  const thanked = /Thank you for your feedback|Gracias por tu opinión/;
  const notUnderstood = /did not understand|no he entendido|No te he entendido/i;

  // A second outside pass (session 6): "0", "6" and "4.5" got a generic "did not understand".
  test.each([
    ['en-US', '0', /number from 1 to 5/],
    ['en-US', '6', /number from 1 to 5/],
    ['es-ES', '4,5', /número del 1 al 5/],
    ['en-US', '-1', /number from 1 to 5/],
  ])('%s %j at the survey: the scale is said again, the survey still waits, and a rating then counts', async (locale, answer, scale) => {
    const { chat, closedId } = await closedChat(locale);
    const turn = await chat.say(answer);
    expect(turn.replies.join(' | ')).toMatch(scale);
    expect(turn.replies.join(' | ')).not.toMatch(notUnderstood);
    const closed = await running.app.store.getConversation(closedId);
    expect(closed).toMatchObject({ state: 'closed' });
    expect(closed!.satisfaction).toBeUndefined();
    expect(closed!.tags).toContain('survey_pending');
    expect((await chat.say('4')).replies[0]).toMatch(thanked);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score: 4 } });
    expect((await chat.conversation()).id).toBe(closedId);
  });

  test.each([
    ['en-US', '3 - but I still need a refund for order 12345', 3, /refund/i],
    ['es-ES', '3, pero aún necesito el reembolso del pedido 12345', 3, /reembolso/i],
    ['en-US', '4, where is my order 12345', 4, /12345/],
    ['es-ES', '4, ¿dónde está mi pedido 12345?', 4, /12345/],
    ['en-US', '5, but how long does shipping take', 5, /working days/],
  ])('%s %j: rated on the closed chat, the request answered in a new one', async (locale, answer, score, answered) => {
    const { chat, closedId } = await closedChat(locale);
    const turn = await chat.say(answer);
    expect(turn.status).toBe(200);
    expect(turn.replies[0]).toMatch(thanked);
    // The bot's answer, or its question with the likely requests as buttons ("Request a refund").
    expect([...turn.replies.slice(1), ...turn.buttons].join(' | ')).toMatch(answered);
    expect(turn.replies.join(' | ')).not.toMatch(notUnderstood);
    const closed = await running.app.store.getConversation(closedId);
    expect(closed).toMatchObject({ state: 'closed', satisfaction: { score } });
    expect(closed!.satisfaction!.comment).toBeTruthy();
    expect(closed!.tags).not.toContain('survey_pending');
    expect((await said(closedId)).at(-1)).toBe(answer);
    const next = await chat.conversation();
    expect(next.id).not.toBe(closedId);
    expect(next).toMatchObject({ state: 'bot', customerId: closed!.customerId });
    expect(await said(next.id)).toEqual([answer]);
  });

  test.each([
    ['en-US', '2, the agent was slow', 2],
    ['es-ES', '2, el agente fue lento', 2],
    ['en-US', '1 - awful service', 1],
    ['en-US', '4, great service thanks', 4],
    ['es-ES', '2, tardaron mucho', 2],
  ])('%s %j: words about the chat stay the comment, nothing new starts', async (locale, answer, score) => {
    const { chat, closedId } = await closedChat(locale);
    const turn = await chat.say(answer);
    expect(turn.replies).toEqual([expect.stringMatching(thanked)]);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score } });
    expect((await chat.conversation()).id).toBe(closedId);
  });

  test.each([
    ['en-US', '2, the agent was slow', 'terrible', 'the agent was slow · terrible'],
    ['es-ES', '2, el agente fue lento', 'fatal', 'el agente fue lento · fatal'],
    ['en-US', '4', 'great', 'great'],
  ])('%s: %j then %j is more comment on the rating, not a new complaint', async (locale, answer, word, comment) => {
    const { chat, closedId } = await closedChat(locale);
    await chat.say(answer);
    const turn = await chat.say(word);
    expect(turn.replies).toEqual([expect.stringMatching(thanked)]);
    const closed = await running.app.store.getConversation(closedId);
    expect(closed).toMatchObject({ state: 'closed', satisfaction: { score: Number(answer[0]), comment } });
    expect((await chat.conversation()).id).toBe(closedId);
    expect(await said(closedId)).toEqual([expect.any(String), answer, word]);
    // A real request afterwards is still new business.
    await chat.say('I want to talk to a human');
    const next = await chat.conversation();
    expect(next.id).not.toBe(closedId);
    expect(next.state).toBe('queued');
  });

  test.each([
    ['en-US', 'thanks', '4', 4],
    ['en-US', 'no', '★★★★★', 5],
    ['en-US', 'thanks', 'terrible', 1],
    ['es-ES', 'gracias', '4', 4],
    ['es-ES', 'no', 'cuatro', 4],
    ['es-ES', 'gracias', 'genial', 5],
  ])('%s: %j ends the survey, then a bare %j rates the closed chat', async (locale, decline, rating, score) => {
    const { chat, closedId } = await closedChat(locale);
    await chat.say(decline);
    expect((await running.app.store.getConversation(closedId))!.tags).not.toContain('survey_pending');
    const turn = await chat.say(rating);
    expect(turn.replies).toEqual([expect.stringMatching(thanked)]);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score } });
    expect((await chat.conversation()).id).toBe(closedId);
    expect((await said(closedId)).slice(-2)).toEqual([decline, rating]);
  });

  test.each(['3', 'terrible'])('a retried %j after the survey ended is stored and rated once, and opens nothing new', async (text) => {
    const { chat, closedId } = await closedChat('en-US');
    await chat.say('thanks');
    const activity = messageActivity({ conversation: { id: chat.conversationId }, from: { id: chat.userId }, text, serviceUrl: channel.url });
    expect((await post(running.url, activity)).status).toBe(200);
    expect((await post(running.url, activity)).status).toBe(200);
    const events = (await running.app.store.listMessages(closedId)).filter((m) => m.kind === 'event' && m.data?.type === 'satisfaction');
    expect(events).toHaveLength(1);
    expect((await chat.conversation()).id).toBe(closedId);
    expect((await said(closedId)).filter((t) => t === text)).toHaveLength(1);
  });

  test('web chat: "2, the agent was slow", then "terrible" stays on the closed chat', async () => {
    const s = (await (await fetch(`${running.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      token: string;
      conversationId: string;
    };
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
    const send = async (text: string) => {
      const r = await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'message', text }),
      });
      expect(r.ok).toBe(true);
    };
    const read = async () =>
      (await (await fetch(`${running.url}/v3/directline/conversations/${s.conversationId}/activities`, { headers: auth })).json()) as {
        activities: { text: string }[];
      };
    await send('I want to talk to a human');
    const conv = (await running.app.store.findConversationByChannel('webchat', s.conversationId))!;
    await running.app.services.handoff.claim(agent.id, conv.id);
    await running.app.services.handoff.close(agent.id, conv.id);
    await send('2, the agent was slow');
    await send('terrible');
    const texts = (await read()).activities.map((a) => a.text);
    expect(texts.slice(-4)).toEqual(['2, the agent was slow', 'Thank you for your feedback!', 'terrible', 'Thank you for your feedback!']);
    expect(await running.app.store.findConversationByChannel('webchat', `${s.conversationId}#2`)).toBeNull();
    expect(await running.app.store.getConversation(conv.id)).toMatchObject({
      state: 'closed',
      satisfaction: { score: 2, comment: 'the agent was slow · terrible' },
    });
  });

  test('a rated chat with an afterthought still counts in handling time and the closed filter', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const { chat, closedId } = await closedChat('en-US');
    await chat.say('3 - but I still need a refund for order 12345');
    const to = new Date(Date.now() + 60_000).toISOString();
    const stats = await running.app.store.conversationStats({ from, to });
    expect(stats.times.handling.n).toBeGreaterThanOrEqual(1);
    const closed = await running.app.store.getConversation(closedId);
    const found = await running.app.store.searchTranscripts({ state: 'closed', customerId: closed!.customerId });
    expect(found.items.map((i) => i.conversation.id)).toEqual([closedId]);
  });

  // Review 21, an outside tester: the comment sent as its own message started a new chat ("Did you mean…") and landed
  // in "not understood"; while queued, "I love it" made the bot ask for a rating and the complaint sent next became 1★.
  test.each([
    ['en-US', '4', 'but it took too long to get an answer', 4],
    ['es-ES', '4', 'pero tardaron demasiado en contestar', 4],
    ['en-US', '2', 'the agent did not read what I wrote', 2],
  ])('%s: %j then the comment %j as its own message stays in the closed chat', async (locale, rating, comment, score) => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const { chat, closedId } = await closedChat(locale);
    await chat.say(rating);
    const turn = await chat.say(comment);
    expect(turn.replies).toEqual([expect.stringMatching(thanked)]);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score, comment } });
    expect((await chat.conversation()).id).toBe(closedId);
    expect((await said(closedId)).slice(-2)).toEqual([rating, comment]);
    const stats = await running.app.store.conversationStats({ from, to: new Date(Date.now() + 60_000).toISOString() });
    expect(stats.unrecognized.map((u) => u.text)).not.toContain(comment);
  });

  test.each([
    ['en-US', 'I love it, great service', 'The product arrived broken and nobody answers me, terrible'],
    ['es-ES', 'Me encanta, excelente servicio', 'El producto llegó roto y nadie me responde, fatal'],
  ])('%s: while queued, feedback asks for no rating, and a complaint is never a score', async (locale, praise, complaint) => {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const queued = await chat.conversation();
    expect(queued.state).toBe('queued');
    const turn = await chat.say(praise);
    expect(turn.replies.join(' | ')).not.toMatch(/1 \(bad\) to 5|de 1 \(mal\) a 5/);
    await chat.say(complaint);
    await chat.say(locale === 'es-ES' ? 'excelente servicio, muchas gracias' : 'excellent service, thank you');
    const after = await running.app.store.getConversation(queued.id);
    expect(after!.satisfaction).toBeUndefined();
    expect(await said(queued.id)).toEqual(expect.arrayContaining([praise, complaint]));
  });

  // Outside tester (session 22): after "5" and "thx", a changed score with a request ("wait actually, 3. and i still want
  // a refund for my order") was all appended to the comment: the score stayed 5 and no refund flow started.
  test.each([
    ['en-US', 'thx', 'wait actually, 3. and i still want a refund for my order', /refund/i],
    ['es-ES', 'gracias', 'espera, mejor un 3. y todavía quiero un reembolso de mi pedido', /reembolso/i],
  ])('%s: "5", %j, then %j: the score becomes 3 and the request is handled in a new chat', async (locale, thanks, text, topic) => {
    const { chat, closedId } = await closedChat(locale);
    await chat.say('5');
    await chat.say(thanks);
    const turn = await chat.say(text);
    expect(turn.replies[0]).toMatch(thanked);
    // Handled as a request: the model reads it as a refund request or status, and the bot asks which.
    expect([...turn.replies.slice(1), ...turn.lastButtons].join(' | ')).toMatch(topic);
    const closed = await running.app.store.getConversation(closedId);
    expect(closed).toMatchObject({ state: 'closed', satisfaction: { score: 3 } });
    expect(closed!.satisfaction!.comment ?? '').not.toMatch(topic);
    const next = await chat.conversation();
    expect(next.id).not.toBe(closedId);
    expect(await said(next.id)).toEqual([text]);
  });

  test.each([
    ['en-US', 'wait actually, 3', 3],
    ['es-ES', 'perdón, quise decir 4', 4],
  ])('%s: a changed score alone (%j) after the rating replaces it and opens nothing new', async (locale, text, score) => {
    const { chat, closedId } = await closedChat(locale);
    await chat.say('2, the agent was slow');
    expect((await chat.say(text)).replies).toEqual([expect.stringMatching(thanked)]);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score, comment: 'the agent was slow' } });
    expect((await chat.conversation()).id).toBe(closedId);
  });

  test('a request after the rating that the model reads as one of two business intents is a request, not comment', async () => {
    const { chat, closedId } = await closedChat('en-US');
    await chat.say('5');
    const turn = await chat.say('and i still want a refund for my order');
    expect([...turn.replies, ...turn.lastButtons].join(' | ')).toMatch(/refund/i);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score: 5 } });
    expect((await running.app.store.getConversation(closedId))!.satisfaction!.comment).toBeUndefined();
    expect((await chat.conversation()).id).not.toBe(closedId);
  });

  test('the dashboard\'s "none" bar counts what its not-understood list counts: survey answers are in neither (review 21)', async () => {
    const { chat } = await closedChat('en-US');
    await chat.say('4');
    // More words on the chat just rated are comment on it (outside32 M2), a survey answer too.
    await chat.say('blorpy wimwam');
    await new Chat(running, { locale: 'en-US' }).say('zorbly wimwam flux');
    const sup = await createStaff(running.app, { role: 'supervisor' });
    const day = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${running.url}/api/stats?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${sup.token}` } });
    const stats = (await res.json()) as { intents: { intent: string; count: number }[]; unrecognized: { text: string; count: number }[] };
    expect(stats.unrecognized.map((u) => u.text)).toContain('zorbly wimwam flux');
    expect(stats.unrecognized.map((u) => u.text)).not.toContain('4');
    expect(stats.unrecognized.map((u) => u.text)).not.toContain('blorpy wimwam');
    const none = stats.intents.find((i) => i.intent === 'none')?.count ?? 0;
    expect(none).toBe(stats.unrecognized.reduce((n, u) => n + u.count, 0));
  });
});
