import type { Customer } from '../../models/records';
import { askCustomerConsent } from '../../bot/consentTurn';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * Staff's "Grant" makes the bot ask the customer (issue #16). An outside tester found the question never expired:
 * a "yes" days later, maybe to another question, granted consent. Through /api/messages with real activities: the
 * question lapses after CONSENT_ASK_HOURS, and only a yes in that chat with nothing said to the customer since the
 * question answers it.
 */
const marketing = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');

describe('a consent question staff asked expires, and only a yes to it answers it', () => {
  // The app's clock (AppDeps.clock: sessions, web chat tokens, consent questions), moved instead of waiting a day.
  let skew = 0;
  const ctx = appWithChannel({ CONSENT_ASK_HOURS: '24' }, async () => ({ recognizer: await sharedRecognizer(), clock: () => Date.now() + skew }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));
  afterEach(() => (skew = 0));

  /** A customer with an agent, asked by that agent's "Grant". */
  async function asked(locale = 'en-US') {
    const staff = await createStaff(running.app, { capacity: 1_000_000 });
    const agent = { id: staff.id, role: 'agent' as const };
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(locale === 'es-ES' ? 'quiero hablar con una persona' : 'I want to talk to a human');
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    const customer = await chat.customer();
    await askCustomerConsent({ ...running.app.services, store: running.app.store }, agent, customer.id, 'marketing', 'test');
    return { chat, customer, agent, conversation: c };
  }

  test('a yes within the day grants; the question records when it lapses', async () => {
    const { chat, customer } = await asked();
    const ask = ProfileService.consentAsk(await running.app.services.profiles.get(customer.id), Date.now())!;
    expect(Date.parse(ask.expiresAt) - Date.parse(ask.at)).toBe(24 * 3600 * 1000);
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(true);
  });

  test.each([
    ['en-US', 'yes'],
    ['es-ES', 'sí'],
  ])('%s: a %j after the question expired grants nothing and is not read as an answer', async (locale, yes) => {
    const { chat, conversation } = await asked(locale);
    skew = 25 * 3600 * 1000;
    await chat.say(yes);
    expect(marketing(await chat.customer())).toBe(false);
    const answers = await running.app.store.listAudit({ action: 'customer.consent_answer' });
    expect(answers.map((a) => a.targetId)).not.toContain(conversation.customerId);
  });

  test('a yes after the agent asked something else is the answer to that, not to the consent question', async () => {
    const { chat, agent, conversation } = await asked();
    await running.app.services.handoff.agentMessage(agent.id, conversation.id, 'Should I also send you a new charger?');
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(false);
  });

  test("in a chat the bot holds, a yes to the bot's next question is no consent", async () => {
    const staff = await createStaff(running.app, { role: 'supervisor' });
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await chat.say('hello');
    const customer = await chat.customer();
    await askCustomerConsent({ ...running.app.services, store: running.app.store }, { id: staff.id, role: 'supervisor' }, customer.id, 'marketing', 'test');
    // The customer asks something else; the bot asks back; "yes" answers the bot.
    const turn = await chat.say('cancel my order 12345');
    expect(turn.replies.length).toBeGreaterThan(0);
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(false);
  });

  test('a customer message that is no answer leaves the question standing; the yes that follows answers it', async () => {
    const { chat } = await asked();
    await chat.say('are you there');
    expect(marketing(await chat.customer())).toBe(false);
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(true);
  });

  test('an unclear answer ("ok") is asked again once, and a clear yes to the repeated question grants', async () => {
    const { chat, conversation } = await asked();
    const questions = async () =>
      (await running.app.store.listMessages(conversation.id)).filter((m) =>
        /^(Our team would like to ask|I need a clear answer to change anything)/.test(m.text),
      ).length;
    await chat.say('ok');
    expect(await questions()).toBe(2);
    expect(marketing(await chat.customer())).toBe(false);
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(true);
  });

  test('unclear twice ("yeah whatever", "I guess") ends the question with nothing changed; a later yes grants nothing', async () => {
    const { chat, conversation } = await asked();
    const texts = async () => (await running.app.store.listMessages(conversation.id)).map((m) => m.text);
    await chat.say('yeah whatever');
    await chat.say('I guess');
    expect((await texts()).filter((t) => /^(Our team would like to ask|I need a clear answer to change anything)/.test(t))).toHaveLength(2);
    expect(await texts()).toContain('OK, I changed nothing about news and offers.');
    expect(ProfileService.consentAsk(await chat.customer(), Date.now())).toBeUndefined();
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(false);
  });

  test('a yes in a later conversation (the asked one was closed) grants nothing', async () => {
    const { chat, agent, conversation } = await asked();
    await running.app.services.handoff.close(agent.id, conversation.id);
    await chat.say('hello again');
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(false);
  });
});
