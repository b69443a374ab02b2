import { randomUUID } from 'node:crypto';
import { appWithAgent } from '../helpers/appWithChannel';
import { messageActivity, post } from '../helpers/activities';

/**
 * An activity with deliveryMode expectReplies and a serviceUrl the bot does not trust is accepted: the bot's replies
 * go back in the HTTP answer (the chat CLI relies on this). But nothing can reach that customer later, so an agent's
 * replies could never be delivered. An outside tester found such chats queued for agents all the same. Through
 * /api/messages with real activities: the customer is told up front that a person cannot reach them on this
 * connection and stays with the bot, which keeps answering; no agent is offered the chat.
 */
const UNTRUSTED = 'https://connector.unknown-channel.example.net/';

describe('expectReplies from an untrusted serviceUrl: no handoff nobody could answer', () => {
  const ctx = appWithAgent();
  const offers: unknown[] = [];
  beforeAll(() => void ctx.socket.on('queue:offer', (o: unknown) => offers.push(o)));

  test.each([
    ['en-US', 'I want to talk to a human', /cannot reach you on this connection/, 'where is my order 12345?'],
    ['es-ES', 'quiero hablar con una persona', /no puede contactarte por esta conexión/, '¿dónde está mi pedido 12345?'],
  ])('%s: an explicit request for a person is answered honestly and the bot goes on', async (locale, human, told, next) => {
    const conv = `untrusted-${randomUUID()}`;
    const ask = await post(ctx.running.url, messageActivity({ serviceUrl: UNTRUSTED, conversation: { id: conv }, locale, text: human }));
    expect(ask.status).toBe(200);
    expect(ask.replies.join(' | ')).toMatch(told);
    const stored = await ctx.running.app.store.findConversationByChannel('test', conv);
    expect(stored?.state).toBe('bot');
    expect((await ctx.running.app.services.handoff.queue()).map((c) => c.id)).not.toContain(stored!.id);
    expect(offers).toEqual([]);

    // Never silent: the bot keeps answering on this connection.
    const after = await post(ctx.running.url, messageActivity({ serviceUrl: UNTRUSTED, conversation: { id: conv }, locale, text: next }));
    expect(after.status).toBe(200);
    expect(after.replies.join(' | ')).toMatch(/12345/);
    expect((await ctx.running.app.store.findConversationByChannel('test', conv))?.state).toBe('bot');
  });

  test('the same request from a channel the bot trusts is queued for a person', async () => {
    const conv = `trusted-${randomUUID()}`;
    const r = await post(ctx.running.url, messageActivity({ serviceUrl: ctx.channel.url, conversation: { id: conv }, text: 'I want to talk to a human' }));
    expect(r.status).toBe(200);
    expect(r.replies.join(' | ')).not.toMatch(/cannot reach you on this connection/);
    expect((await ctx.running.app.store.findConversationByChannel('test', conv))?.state).not.toBe('bot');
  });
});
