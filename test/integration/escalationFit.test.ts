import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Must hold: an explicit request for a person wins wherever it stands in a message (the quick part answered first);
 * important customers with a routine question are answered and offered a person, not handed over; help shows what
 * the bot can do without resetting the not-understood count; deleting an account is only ever handed over after a yes.
 */
describe('escalation that fits', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterAll(async () => running.stop());

  test.each([
    ['I need a human please, my card was charged twice', 'en-US', /charged twice.*5 days/],
    ['my card was charged twice, I want to talk to a person', 'en-US', /charged twice.*5 days/],
    ['Can I speak to an agent? I was charged twice for one order', 'en-US', undefined],
    ['where is my order 12345? put me through to a real person', 'en-US', undefined],
    ['necesito hablar con una persona, me han cobrado dos veces', 'es-ES', /cobramos dos veces/],
    ['me cobraron dos veces y quiero hablar con un agente', 'es-ES', undefined],
  ])('a mixed message is queued: %j', async (text, locale, quick) => {
    const chat = new Chat(running, { locale });
    const turn = await chat.say(text);
    expect(turn.replies.join(' | ')).toMatch(/No agent is online|no hay agentes conectados/);
    if (quick) expect(turn.replies.join(' | ')).toMatch(quick);
    expect(await chat.conversation()).toMatchObject({ state: 'queued', handoffReason: 'customer_asked' });
  });

  test("a VIP's routine question is answered, with an offer of a person; taking it queues them first", async () => {
    const chat = new Chat(running);
    await chat.say('hello');
    const c = await chat.customer();
    await running.app.services.profiles.update(c.id, () => ({
      lifetimeValue: 9000,
      contacts: [...c.contacts, { type: 'email', value: 'ana@example.com', verified: true, source: 'import', addedAt: new Date().toISOString() }],
    }));
    expect((await chat.customer()).segments).toContain('vip');
    const order = await chat.say('where is my order 12345');
    expect(order.replies.join(' | ')).toMatch(/12345 has shipped with DHL.*talk to a person from our team as well\?/);
    expect(order.buttons).toEqual(['Talk to a person']);
    expect((await chat.conversation()).state).toBe('bot');
    // Offered once per conversation.
    const faq = await chat.say('how long does shipping take');
    expect(faq.replies.join(' | ')).toMatch(/3-5 working days/);
    expect(faq.replies.join(' | ')).not.toMatch(/as well\?/);
    const regular = new Chat(running);
    await regular.say('I want to talk to a human');
    await chat.say('Talk to a person');
    const queue = await running.app.services.handoff.queue();
    expect(queue[0].id).toBe((await chat.conversation()).id);
  });

  test('help shows what the bot can do as buttons and does not reset the not-understood count', async () => {
    const chat = new Chat(running);
    expect((await chat.say('flibber jabber')).replies.join(' ')).toMatch(/did not understand/);
    const help = await chat.say('help');
    expect(help.buttons).toEqual(['Track my order', 'Cancel an order', 'Request a refund', 'Return an item', 'Reset my password', 'Talk to a person']);
    const second = await chat.say('blorp zizzle');
    expect(second.replies.join(' ')).toMatch(/No agent is online/);
    expect(await chat.conversation()).toMatchObject({ state: 'queued', handoffReason: 'not_understood' });
  });

  test('an answered question between two misunderstandings resets the count', async () => {
    const chat = new Chat(running);
    await chat.say('flibber jabber');
    await chat.say('how long does shipping take');
    expect((await chat.say('blorp zizzle')).replies.join(' ')).toMatch(/did not understand/);
    expect((await chat.conversation()).state).toBe('bot');
  });

  test('deleting an account: a "no" keeps the customer with the bot; a "yes" hands over to a person', async () => {
    const chat = new Chat(running);
    expect((await chat.say('delete my account')).replies.join(' ')).toMatch(/delete your account and your data\?/);
    expect((await chat.say('no')).replies.join(' ')).toMatch(/account stays as it is/);
    expect((await chat.conversation()).state).toBe('bot');
    await chat.say('delete my account');
    expect((await chat.say('yes')).replies.join(' ')).toMatch(/No agent is online/);
    expect(await chat.conversation()).toMatchObject({ state: 'queued', handoffReason: 'policy_intent' });
  });

  test('a complaint still goes straight to a person', async () => {
    const chat = new Chat(running);
    await chat.say('I want to complain');
    expect(await chat.conversation()).toMatchObject({ state: 'queued', handoffReason: 'policy_intent' });
  });

  test('"I forgot my PIN, help me get back in" is not queued for a person', async () => {
    const chat = new Chat(running);
    const turn = await chat.say('I forgot my PIN, help me get back in');
    expect(turn.replies.length).toBeGreaterThan(0);
    expect((await chat.conversation()).state).toBe('bot');
  });
});
