/**
 * T25 (typing): a customer's typing signal goes to the agent's console as it comes, so a flood of them is a
 * broadcast flood. The attack: post typing activities as fast as possible, from one conversation, from many
 * conversations of one address, and through Bot Framework. Past each budget: 429 RATE_LIMITED and nothing
 * broadcast; the customer's messages, which have budgets of their own, still go through.
 */
import type { Socket } from 'socket.io-client';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { request, startSecurityApp, until, webChatVisitor, type SecurityApp } from './helpers';

jest.setTimeout(120_000);

type Visitor = Awaited<ReturnType<typeof webChatVisitor>>;
const times = (n: number, what: string): string[] => Array.from({ length: n }, () => what);

describe('T25 typing floods', () => {
  let s: SecurityApp;
  let agent: Socket;
  /** Typing events the agent's console received, by store conversation id. */
  const typing = new Map<string, number>();
  const shown = new Set<string>();
  beforeAll(async () => {
    s = await startSecurityApp({
      RATE_LIMIT_CONVERSATION_TYPING: '5/600',
      RATE_LIMIT_IP_TYPING: '12/600',
      RATE_LIMIT_CONVERSATION_MESSAGES: '20/600',
      RATE_LIMIT_IP_MESSAGES: '100/600',
    });
    const staff = await createStaff(s.app, { capacity: 10 });
    agent = await online(s.app, s.url, staff);
    agent.on('typing', (p: { conversationId: string; from: string }) => {
      if (p.from === 'customer') typing.set(p.conversationId, (typing.get(p.conversationId) ?? 0) + 1);
    });
    agent.on('message:new', (p: { conversationId: string; message: { text: string } }) => shown.add(`${p.conversationId}|${p.message.text}`));
  });
  afterAll(async () => {
    agent?.disconnect();
    await s.stop();
  });

  /** A chat the agent holds (typing reaches agents only then): asked for a person, claimed. */
  const heldChat = async (channel: 'webchat' | 'test', id: string, ask_: () => Promise<unknown>): Promise<string> => {
    await ask_();
    let conversationId = '';
    await until(async () => {
      const c = await s.app.store.findConversationByChannel(channel, id);
      conversationId = c?.id ?? '';
      return c?.state === 'queued';
    });
    expect((await ask(agent, 'conversation:claim', { conversationId })).ok).toBe(true);
    return conversationId;
  };
  const typeOnce = (v: Visitor) =>
    request(`${s.url}/v3/directline/conversations/${v.conversationId}/activities`, {
      body: { type: 'typing', from: { id: v.userId } },
      headers: { authorization: `Bearer ${v.token}` },
    });
  /** After a message the agent sees, every typing event sent before it has arrived too (one socket, in order). */
  const settled = async (conversationId: string, text: string, send: () => Promise<{ status: number }>) => {
    expect((await send()).status).toBe(200);
    await until(() => shown.has(`${conversationId}|${text}`));
  };

  test('web chat: past the budget per conversation typing is refused with a code and not broadcast; messages still go', async () => {
    const v = await webChatVisitor(s.url);
    const conv = await heldChat('webchat', v.conversationId, () => v.say('talk to a human'));
    const answers: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await typeOnce(v);
      answers.push(r.status === 200 ? 'ok' : `${r.status} ${r.body.error?.code} ${(r.body.error?.details as { limit?: string })?.limit}`);
    }
    expect(answers).toEqual([...times(5, 'ok'), ...times(3, '429 RATE_LIMITED conversationTyping')]);
    await settled(conv, 'still here', () => v.say('still here'));
    expect(typing.get(conv)).toBe(5);
    // Nothing of the typing is stored either.
    expect((await s.app.store.listMessages(conv)).map((m) => m.text)).not.toContain('');
  });

  test('web chat: many conversations of one address share one typing budget', async () => {
    const visitors = [await webChatVisitor(s.url), await webChatVisitor(s.url), await webChatVisitor(s.url)];
    const convs: string[] = [];
    for (const v of visitors) convs.push(await heldChat('webchat', v.conversationId, () => v.say('talk to a human')));
    // The address has 12 for this window; the 8 attempts of the test above count, refused ones too: 4 left, shared
    // by three conversations that each have 5 of their own.
    let accepted = 0;
    const refused = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await typeOnce(visitors[i % 3]);
      if (r.status === 200) accepted++;
      else refused.add(`${r.status} ${r.body.error?.code} ${(r.body.error?.details as { limit?: string })?.limit}`);
    }
    expect(accepted).toBe(4);
    expect([...refused]).toEqual(['429 RATE_LIMITED ipTyping']);
    for (let i = 0; i < 3; i++) await settled(convs[i], `hello ${i}`, () => visitors[i].say(`hello ${i}`));
    expect(convs.reduce((n, c) => n + (typing.get(c) ?? 0), 0)).toBe(4);
  });

  test("a refused web chat message carries the sentence the page shows, in the customer's language; nothing stored", async () => {
    const v = await webChatVisitor(s.url, { locale: 'es-ES' });
    const long = await request(`${s.url}/v3/directline/conversations/${v.conversationId}/activities`, {
      body: { type: 'message', text: 'x'.repeat(10_001), locale: 'es-ES' },
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(long.status).toBe(413);
    expect(long.body.error).toMatchObject({ code: 'MESSAGE_TOO_LONG', details: { maxChars: 10_000 } });
    expect((long.body.error?.details as { customerMessage?: string }).customerMessage).toMatch(
      /^Lo siento, ese mensaje es demasiado largo: .*10\.000 caracteres/,
    );
    expect(await s.app.store.findConversationByChannel('webchat', v.conversationId)).toBeFalsy();
  });

  test('Bot Framework: typing activities on /api/messages have a budget per conversation; messages keep theirs', async () => {
    const id = 't25-bf-typing';
    const from = { id: 't25-bf-user' };
    const conv = await heldChat('test', id, () => post(s.url, messageActivity({ conversation: { id }, from, text: 'talk to a human' })));
    const statuses: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await post(s.url, messageActivity({ type: 'typing', text: undefined, conversation: { id }, from }));
      statuses.push(r.status === 200 ? 'ok' : `${r.status} ${r.body.error?.code}`);
    }
    expect(statuses).toEqual([...times(5, 'ok'), '429 RATE_LIMITED', '429 RATE_LIMITED']);
    await settled(conv, 'are you there', () => post(s.url, messageActivity({ conversation: { id }, from, text: 'are you there' })));
    expect(typing.get(conv)).toBe(5);
  });
});
