import type { ChannelServer } from '../helpers/channelServer';
import { appWithAgent } from '../helpers/appWithChannel';
import { Chat, type Turn } from '../helpers/chat';
import type { Staff } from '../helpers/consoleClient';
import type { RunningApp } from '../helpers/testApp';

/**
 * An outside tester (session 24, through /api/messages with real activities): a Spanish "I don't want a person" was
 * queued for one; a question about the return or refund policy got "What is your order number?"; after the closing
 * survey a new request was thanked for as feedback, and a rating given while the survey was open was lost. The
 * tester's sentences first in each table, then variants of ours.
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const QUEUED = /No agent is online|in the queue|no hay agentes conectados|en la cola/i;
const ORDER_NUMBER = /What is your order number|Cuál es tu número de pedido/;
// The contact article (its hours follow BUSINESS_HOURS: test/unit/businessHoursText.test.ts).
const HOURS = /Our team answers in this chat|Nuestro equipo responde en este chat/;
const THANKED = /Thank you for your feedback|Gracias por tu opinión/;
const NOT_UNDERSTOOD = /did not understand|no te he entendido/i;

describe('refusals of a person, policy questions and the survey (outside tester, session 24)', () => {
  const ctx = appWithAgent();
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  beforeAll(() => ({ running, channel, agent } = ctx));

  test.each([
    // The tester's
    ['es-ES', 'no quiero un agente, solo dime el horario', HOURS],
    ['es-ES', 'no quiero hablar con nadie, solo dime el horario', HOURS],
    ['en-US', "I don't want to talk to anyone, just tell me your opening hours", HOURS],
    // Ours
    ['es-ES', 'no necesito hablar con un agente, solo quiero saber el horario', HOURS],
    ['es-ES', 'no quiero un agente', /En qué te puedo ayudar/],
    ['es-ES', 'no hace falta un agente', /En qué te puedo ayudar/],
  ])('%s %j: no person, and what else it asks is answered', async (locale, text, answer) => {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    const turn = await chat.say(text);
    expect({ text, said: said(turn) }).toEqual({ text, said: expect.stringMatching(answer) as unknown });
    expect(said(turn)).not.toMatch(QUEUED);
    expect((await chat.conversation()).state).toBe('bot');
  });

  test.each([
    ['es-ES', 'quiero hablar con un agente'],
    ['es-ES', 'no, quiero hablar con una persona'],
    ['en-US', 'I want to talk to a person'],
  ])('%s %j is still a request for a person', async (locale, text) => {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    expect(said(await chat.say(text))).toMatch(QUEUED);
    expect((await chat.conversation()).state).toBe('queued');
  });

  test.each([
    // The tester's
    ['es-ES', 'no necesito una persona, ¿cuál es la política de devoluciones?', /devoluciones son gratis/],
    ['en-US', "I don't need an agent, just tell me the return policy", /Returns are free/],
    ['en-US', 'how long does a refund take', /5-10 working days/],
    // Ours
    ['en-US', 'what is your return policy?', /Returns are free/],
    ['en-US', 'I just want to know your return policy', /Returns are free/],
    ['es-ES', '¿cuánto tarda un reembolso?', /5 a 10 días|5-10 días/],
  ])('%s %j: the policy, not "What is your order number?", and no person', async (locale, text, policy) => {
    const chat = new Chat(running, { locale, serviceUrl: channel.url });
    const turn = await chat.say(text);
    expect({ text, said: said(turn) }).toEqual({ text, said: expect.stringMatching(policy) as unknown });
    expect(said(turn)).not.toMatch(ORDER_NUMBER);
    expect(said(turn)).not.toMatch(QUEUED);
  });

  test('a refund of one\'s own is still its status: "how long will my refund for order 12345 take?"', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url });
    expect(said(await chat.say('how long will my refund for order 12345 take?'))).toMatch(/order 12345/);
  });

  describe('after the closing survey', () => {
    /** A chat handed to the agent and closed by them: the survey is pending. */
    async function closedChat(locale: string): Promise<{ chat: Chat; closedId: string }> {
      const chat = new Chat(running, { locale, serviceUrl: channel.url });
      await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
      const c = await chat.conversation();
      await running.app.services.handoff.claim(agent.id, c.id);
      await running.app.services.handoff.agentMessage(agent.id, c.id, 'Hello, how can I help?');
      await running.app.services.handoff.close(agent.id, c.id);
      return { chat, closedId: c.id };
    }

    test.each([
      // The tester's
      ['en-US', '4 but it took too long', 4, 'wait, I have another question about order 12345', /12345|order/i],
      // Ours
      // The recognizer is unsure of these: the bot asks back, as it does with any unsure request.
      ['en-US', '5', 5, 'also I have a question about 67890', /67890|Did you mean/],
      ['es-ES', '3, tardaron mucho', 3, 'otra cosa, el pedido 12345', /12345|Te refieres/],
      ['en-US', '5', 5, 'one more question: where is order 67890', /67890/],
    ])('%s: rated %j, then %j is a new request, handled as one', async (locale, rating, score, request, handled) => {
      const { chat, closedId } = await closedChat(locale);
      expect(said(await chat.say(rating))).toMatch(THANKED);
      const turn = await chat.say(request);
      expect(said(turn)).not.toMatch(THANKED);
      // Answered, or asked about with the likely requests as buttons.
      expect([...turn.replies, ...turn.buttons].join(' | ')).toMatch(handled);
      const closed = await running.app.store.getConversation(closedId);
      expect(closed).toMatchObject({ state: 'closed', satisfaction: { score } });
      expect(closed!.satisfaction!.comment ?? '').not.toContain(request);
      expect((await chat.conversation()).id).not.toBe(closedId);
    });

    test.each([
      // The tester's
      ['en-US', 'I love it', 'thanks!', '5', 5],
      // Ours
      ['en-US', 'loved it, very friendly', 'thank you', '4', 4],
      ['es-ES', 'me encantó', 'gracias', '5', 5],
    ])('%s: %j at the survey keeps it open; after %j, %j still rates the closed chat', async (locale, feeling, thanks, score, value) => {
      const { chat, closedId } = await closedChat(locale);
      const first = await chat.say(feeling);
      expect(said(first)).not.toMatch(NOT_UNDERSTOOD);
      expect(said(first)).toMatch(/1 \(bad\) to 5|1 \(mal\) a 5/);
      expect((await chat.conversation()).id).toBe(closedId);
      await chat.say(thanks);
      const rated = await chat.say(score);
      expect(said(rated)).toMatch(THANKED);
      expect(said(rated)).not.toMatch(NOT_UNDERSTOOD);
      expect(await running.app.store.getConversation(closedId)).toMatchObject({ state: 'closed', satisfaction: { score: value } });
      expect((await chat.conversation()).id).toBe(closedId);
    });

    test('"I love it" then a number at once rates it', async () => {
      const { chat, closedId } = await closedChat('en-US');
      await chat.say('I love it');
      expect(said(await chat.say('5'))).toMatch(THANKED);
      expect(await running.app.store.getConversation(closedId)).toMatchObject({ satisfaction: { score: 5 } });
    });
  });
});
