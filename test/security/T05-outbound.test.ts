/**
 * T05: the bot sends only to service URLs it trusts. botbuilder attaches the bot's own token to whatever
 * serviceUrl a conversation carries, so each attack tries to make that URL the attacker's host (a trap server on
 * another loopback address) and checks the trap received nothing at all, while the customer's and agent's
 * messages are still stored.
 */
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { request, startSecurityApp, Trap, until, webChatVisitor, type SecurityApp } from './helpers';

const KEY = 'listening-tool-key-0123456789';
const CREDENTIALS = {
  MicrosoftAppId: '00000000-0000-0000-0000-0000000000b0',
  MicrosoftAppPassword: 'not-a-real-secret-but-long-enough',
  PUBLIC_URL: 'https://bot.example',
};

describe.each([
  ['without credentials, without PUBLIC_URL (local use)', {}],
  ['with Bot Framework credentials and PUBLIC_URL', CREDENTIALS],
])('T05 outbound only to trusted service URLs, %s', (_name, env) => {
  let s: SecurityApp;
  let trap: Trap;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    trap = await new Trap().start();
    s = await startSecurityApp({ ...env, MENTIONS_API_KEY: KEY });
  });
  afterAll(async () => {
    sockets.forEach((x) => x.disconnect());
    await s.stop();
    await trap.stop();
  });
  afterEach(() => {
    expect(trap.connections).toBe(0);
    expect(trap.hits).toEqual([]);
  });

  test('a web chat message with Host: <attacker> is answered, stored, and its service URL is still our own', async () => {
    const visitor = await webChatVisitor(s.url);
    const r = await visitor.say('where is my order 12345', { host: trap.host, 'x-forwarded-host': trap.host });
    expect(r.status).toBe(200);
    const conv = (await s.app.store.findConversationByChannel('webchat', visitor.conversationId))!;
    expect(conv.reference.serviceUrl).toBe(`${'PUBLIC_URL' in env ? CREDENTIALS.PUBLIC_URL : s.url}/webchat/connector`);
    const stored = await s.app.store.listMessages(conv.id);
    // The page's greeting first (stored with its buttons for transcripts), then the message and its answer.
    expect(stored.map((m) => (m.data?.greeting ? 'greeting' : m.role))).toEqual(['greeting', 'customer', 'bot']);
  });

  test('after a Host attack, every bot and agent message of that chat stays in-process; none reaches the attacker', async () => {
    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent);
    sockets.push(socket);
    const visitor = await webChatVisitor(s.url);
    expect((await visitor.say('hello', { host: trap.host })).status).toBe(200);
    expect((await visitor.say('I want to talk to a human', { host: trap.host })).status).toBe(200);
    const conv = (await s.app.store.findConversationByChannel('webchat', visitor.conversationId))!;
    await until(async () => (await s.app.store.getConversation(conv.id))?.state === 'queued');
    expect((await ask(socket, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);
    const sent = await ask(socket, 'message:send', { conversationId: conv.id, text: 'Hi, I am here to help', clientMessageId: 'm1' });
    expect(sent.ok).toBe(true);
    const texts = (await s.app.store.listMessages(conv.id)).filter((m) => m.kind === 'message').map((m) => m.text);
    expect(texts).toContain('Hi, I am here to help');
    // The page reads it from the store, as it reads every bot message.
    const page = await request(`${s.url}/v3/directline/conversations/${visitor.conversationId}/activities`, {
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    expect(page.body.activities!.map((a) => a.text)).toContain('Hi, I am here to help');
  });

  test("a social mention whose url is the attacker's page is answered through the social port, never by HTTP", async () => {
    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent);
    sockets.push(socket);
    const r = await request(`${s.url}/api/mentions`, {
      headers: { 'x-api-key': KEY },
      body: { network: 'x', handle: '@loud', text: 'Terrible service, my order never arrived. Worst shop ever!', reach: 500_000, url: `${trap.url}/status/1` },
    });
    expect(r.status).toBe(201);
    const conv = (await s.app.store.getConversation(r.body.conversationId!))!;
    expect(conv.reference.serviceUrl).toBe('');
    expect((await ask(socket, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);
    expect((await ask(socket, 'message:send', { conversationId: conv.id, text: 'Sorry to hear that, we are on it', clientMessageId: 'm1' })).ok).toBe(true);
    // Recorded for a person to post on the network (the claim notice and the reply), without personal data.
    const pending = await s.app.store.listAudit({ action: 'social.reply_pending', targetId: conv.id });
    expect(pending).toHaveLength(2);
    expect(JSON.stringify(pending)).not.toContain('loud');
  });

  test('a stored reference pointing at the attacker (an old record) is refused at send time: coded, logged, stored, not sent', async () => {
    // expectReplies sends nothing to the serviceUrl, so the activity is accepted; its reference is kept.
    const accepted = await post(
      s.url,
      messageActivity({ conversation: { id: 't05-stored' }, from: { id: 't05-user' }, text: 'I want to talk to a human', serviceUrl: `${trap.url}/` }),
    );
    if ('MicrosoftAppId' in env) {
      // With credentials nothing unauthenticated gets in at all; plant the record the way an old version wrote it.
      expect(accepted.status).toBe(401);
      const customer = await s.app.store.createCustomer({});
      const { conversation } = await s.app.store.getOrCreateConversation({
        channelId: 'test',
        channelConversationId: 't05-stored',
        customerId: customer.id,
        reference: { channelId: 'test', serviceUrl: `${trap.url}/`, conversation: { id: 't05-stored' } },
      });
      await s.app.services.handoff.escalate(conversation.id, { reason: 'customer_asked', detail: 'test', priorityBoost: 0 });
    } else {
      expect(accepted.status).toBe(200);
      // Nobody could write back on it, so the bot keeps the chat (test/integration/untrustedExpectReplies.test.ts);
      // an old version queued it all the same.
      const kept = (await s.app.store.findConversationByChannel('test', 't05-stored'))!;
      expect(kept.state).toBe('bot');
      await s.app.services.handoff.escalate(kept.id, { reason: 'customer_asked', detail: 'test', priorityBoost: 0 });
    }
    const conv = (await s.app.store.findConversationByChannel('test', 't05-stored'))!;
    expect(conv.state).toBe('queued');
    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent);
    sockets.push(socket);
    expect((await ask(socket, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);
    const sent = await ask(socket, 'message:send', { conversationId: conv.id, text: 'card number please', clientMessageId: 'm1' });
    expect(sent.error?.code).toBe('HANDOFF_DELIVERY_FAILED');
    expect((await s.app.store.listMessages(conv.id)).some((m) => m.role === 'agent' && m.text === 'card number please')).toBe(true);
    expect(s.logs.some((l) => l.code === 'OUTBOUND_URL_UNTRUSTED' && l.target === trap.url)).toBe(true);
  });

  test('an outbound message from the REST API to such a customer is refused with HANDOFF_DELIVERY_FAILED', async () => {
    const lead = await createStaff(s.app, { role: 'supervisor' });
    const conv = (await s.app.store.findConversationByChannel('test', 't05-stored'))!;
    const r = await request(`${s.url}/api/customers/${conv.customerId}/messages`, {
      headers: { authorization: `Bearer ${lead.token}` },
      body: { text: 'Your order shipped', purpose: 'service' },
    });
    expect(r.status).toBe(502);
    expect(r.body.error?.code).toBe('HANDOFF_DELIVERY_FAILED');
  });

  test.each([
    ["the attacker's host", (t: Trap) => `${t.url}/`],
    ['a trusted name dressed up with userinfo', (t: Trap) => `https://smba.trafficmanager.net@${t.host}/`],
    ['a trusted name as a subdomain of the attacker', (t: Trap) => `http://smba.trafficmanager.net.${t.host}/`],
    ['plain http to a Bot Framework host', () => 'http://webchat.botframework.com/'],
  ])('an activity whose serviceUrl is %s is refused before anything is stored', async (_what, target) => {
    const id = `t05-${Math.random()}`;
    const r = await post(s.url, messageActivity({ conversation: { id }, text: 'hello', serviceUrl: target(trap), deliveryMode: undefined }));
    // With credentials the token check comes first (no token: 401); either way nothing is stored or sent.
    expect(r.status).toBe('MicrosoftAppId' in env ? 401 : 403);
    if (!('MicrosoftAppId' in env)) expect(r.body.error?.code).toBe('OUTBOUND_URL_UNTRUSTED');
    expect(await s.app.store.findConversationByChannel('test', id)).toBeNull();
  });
});
