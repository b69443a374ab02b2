import type { ChannelServer } from '../helpers/channelServer';
import { appWithAgent } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import type { Staff } from '../helpers/consoleClient';
import type { RunningApp } from '../helpers/testApp';

/**
 * A survey answer that also asks for a person ("3, and I want to talk to someone"), found by an outside tester (issue
 * #16): the rating was kept on the closed chat but its words were not, and the new conversation held only that one
 * message. Now the closed chat keeps the rating and the words that gave it (and stays closed); the request for a person
 * queues a new conversation of the same profile that carries the customer's words, for the agent who takes it.
 * Through /api/messages with real Bot Framework activities, in English and Spanish.
 */
const ROWS: [locale: string, answer: string, score: number][] = [
  ['en-US', '3, and I want to talk to someone', 3],
  ['en-US', '5 stars, but I need a human for another question', 5],
  ['en-US', '1 - awful, let me speak to a manager', 1],
  ['es-ES', '3, y quiero hablar con una persona', 3],
  ['es-ES', '4, pero necesito hablar con un agente', 4],
  ['es-ES', '1 - fatal, quiero hablar con un encargado', 1],
];

describe('a survey answer with a rating and a request for a person', () => {
  const ctx = appWithAgent();
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  beforeAll(() => ({ running, channel, agent } = ctx));

  const said = async (conversationId: string) =>
    (await running.app.store.listMessages(conversationId, { limit: 100 })).filter((m) => m.role === 'customer').map((m) => m.text);

  test.each(ROWS)('%s %j: rated on the closed chat, a new chat queued with the words', async (locale, answer, score) => {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    const first = locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human';
    await chat.say(first);
    const closed = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, closed.id);
    await running.app.services.handoff.agentMessage(agent.id, closed.id, 'Hello, how can I help?');
    await running.app.services.handoff.close(agent.id, closed.id);

    const turn = await chat.say(answer);
    expect(turn.status).toBe(200);
    expect(turn.replies.join(' | ')).toMatch(/queue|cola/);
    // The closed chat: its rating, and the words that gave it, and still closed (handling time counts it).
    const after = await running.app.store.getConversation(closed.id);
    expect(after).toMatchObject({ state: 'closed', satisfaction: { score } });
    expect(after!.tags).not.toContain('survey_pending');
    expect(await said(closed.id)).toEqual([first, answer]);
    // The new chat: the same profile, queued for a person, with the customer's words for whoever takes it.
    const next = await chat.conversation();
    expect(next.id).not.toBe(closed.id);
    expect(next).toMatchObject({ state: 'queued', customerId: closed.customerId });
    expect(await said(next.id)).toEqual([answer]);
    // The agent can take it and sees the words.
    await running.app.services.handoff.claim(agent.id, next.id);
    expect((await running.app.store.getConversation(next.id))?.state).toBe('agent');
  });
});
