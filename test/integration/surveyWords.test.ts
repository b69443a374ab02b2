import type { ChannelServer } from '../helpers/channelServer';
import { appWithAgent } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import type { Staff } from '../helpers/consoleClient';
import type { RunningApp } from '../helpers/testApp';

/**
 * Outside tester, through /api/messages with real activities: a rating inside a sentence lost its number from the
 * stored comment ("I'd give it a , nobody…"), and a rating said in so many words after "thanks" had ended the survey
 * was not recorded. The customer's words are kept whole; such a rating counts while fresh, like a bare "4" does.
 */
describe('survey answers in the customer own words', () => {
  const ctx = appWithAgent();
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  beforeAll(() => ({ running, channel, agent } = ctx));

  async function closedChat(locale = 'en-US'): Promise<{ chat: Chat; closedId: string }> {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await running.app.services.handoff.agentMessage(agent.id, c.id, 'Hello, how can I help?');
    await running.app.services.handoff.close(agent.id, c.id);
    return { chat, closedId: c.id };
  }
  const thanked = /Thank you for your feedback|Gracias por tu opinión/;

  test.each([
    ['en-US', 'honestly I would give it a 2, the agent never answered my question', 2],
    ['en-US', 'my rating is 3 out of 5 because it took ages', 3],
    ['es-ES', 'le pongo un 2, nadie me resolvió nada', 2],
  ])('%s %j: the comment is the whole sentence, number included', async (locale, answer, score) => {
    const { chat, closedId } = await closedChat(locale);
    expect((await chat.say(answer)).replies[0]).toMatch(thanked);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score, comment: answer } });
  });

  test('a rating that opens the message keeps the words after it as the comment, as before', async () => {
    const { chat, closedId } = await closedChat();
    await chat.say('4 - quick and friendly');
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ satisfaction: { score: 4, comment: 'quick and friendly' } });
  });

  test.each([
    ['en-US', 'thanks!', 'oh and I would rate it a 2, the agent never fixed my login problem', 2],
    ['es-ES', '¡gracias!', 'ah, y le doy un 3, tardaron bastante', 3],
  ])('%s: after %j ended the survey, %j is recorded as the rating with its words', async (locale, first, later, score) => {
    const { chat, closedId } = await closedChat(locale);
    await chat.say(first);
    expect((await running.app.store.getConversation(closedId))!.satisfaction).toBeUndefined();
    expect((await chat.say(later)).replies[0]).toMatch(thanked);
    expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score, comment: later } });
  });
});
