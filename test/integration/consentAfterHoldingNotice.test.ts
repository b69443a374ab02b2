import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { appWithAgent } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import { request } from '../helpers/consoleClient';

/**
 * Outside tester: an agent holds the chat and has not answered for AGENT_REPLY_TIMEOUT_SECONDS, then clicks Grant
 * (socket `customer:consent`). The customer's unclear answer got the holding notice and the question again, and
 * their "yes" to that question was then ignored: the notice between counted as something else asked. Real socket,
 * real Bot Framework activities; the notice asks nothing, so the yes answers the question asked last.
 */
const marketing = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');

describe('a yes to staff consent question after a holding notice', () => {
  const ctx = appWithAgent({ AGENT_REPLY_TIMEOUT_SECONDS: '1' });

  async function heldAndAsked() {
    const chat = new Chat(ctx.running, { serviceUrl: ctx.channel.url });
    await chat.say('can a real person help me please');
    const c = await chat.conversation();
    expect((await request(ctx.socket, 'conversation:claim', { conversationId: c.id })).ok).toBe(true);
    // The agent stays silent past the reply timeout (1 s here): the customer's next message gets the holding notice.
    await new Promise((r) => setTimeout(r, 1100));
    const customer = await chat.customer();
    const asked = await request(ctx.socket, 'customer:consent', { customerId: customer.id, purpose: 'marketing', channel: 'test', granted: true });
    expect(asked.ok).toBe(true);
    const texts = async () => (await ctx.running.app.store.listMessages(c.id)).map((m) => m.text);
    return { chat, texts };
  }

  test('unclear, then the notice and the question asked again in plain words, then "yes": granted and said so', async () => {
    const { chat, texts } = await heldAndAsked();
    const unclear = await chat.say('fine I suppose');
    expect(unclear.replies.join(' ')).toMatch(/I need a clear answer to change anything: do you want to receive .* Please answer "yes" or "no"/);
    expect(await texts()).toEqual(expect.arrayContaining([expect.stringMatching(/has reached Staff \d+/)]));
    expect(marketing(await chat.customer())).toBe(false);
    const yes = await chat.say('yes');
    expect(yes.replies.join(' ')).toMatch(/Done: you will receive/);
    expect(marketing(await chat.customer())).toBe(true);
  });

  test('a clear yes straight after the notice (to staff question itself) grants too', async () => {
    const { chat, texts } = await heldAndAsked();
    await chat.say('hello? anyone there');
    expect(await texts()).toEqual(expect.arrayContaining([expect.stringMatching(/has reached Staff \d+/)]));
    expect((await chat.say('yes please')).replies.join(' ')).toMatch(/Done: you will receive/);
    expect(marketing(await chat.customer())).toBe(true);
  });

  test('something the agent says after the question is still what a later yes answers: nothing granted', async () => {
    const { chat } = await heldAndAsked();
    const c = await chat.conversation();
    expect((await request(ctx.socket, 'message:send', { conversationId: c.id, text: 'Shall I close your ticket?', clientMessageId: `q-${c.id}` })).ok).toBe(
      true,
    );
    await chat.say('yes');
    expect(marketing(await chat.customer())).toBe(false);
  });
});
