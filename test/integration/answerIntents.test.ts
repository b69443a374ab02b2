import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (wave 29): answers to the bot's own questions were stored with the model's guess at an intent ("yes"
 * confirming a return or a contact change as newsletter.subscribe, a code as order.track, "sí" as delivery.options), so
 * the dashboard counted newsletter.subscribe 10 times for 3 messages about it. A message taken as the answer to a
 * pending question is stored without an intent; a new request keeps its own. Real activities, real HTTP on port 0.
 */
describe('answers to the bot’s questions carry no intent', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    running = await startTestApp({ DEMO_ACCOUNTS: 'true', VERIFY_OUTBOX_FILE: outbox.file });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });

  const said = (turn: { replies: string[] }) => turn.replies.join(' ');
  async function customerMessages(chat: Chat) {
    return (await running.app.store.listMessages((await chat.conversation()).id, { limit: 50 })).filter((m) => m.role === 'customer');
  }
  async function stats(): Promise<{ intents: { intent: string; count: number }[] }> {
    const lead = (await createStaff(running.app, { role: 'supervisor' })).token;
    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${running.url}/api/stats?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${lead}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as never;
  }

  test('a return confirmed with a code and "yes", and a phone change confirmed: only the requests carry intents', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say('I want to return order 67890');
    await chat.say('ben@example.com');
    const code = outbox.lastCode('ben@example.com');
    expect(said(await chat.say(code))).toMatch(/67890/);
    await chat.say('yes');
    const phone = new Chat(running, { locale: 'en-US' });
    await phone.say('I want to change my phone number');
    await phone.say('+44 7700 900125');
    await phone.say('yes');
    expect((await phone.customer()).contacts.map((c) => c.value)).toContain('+447700900125');

    const returned = await customerMessages(chat);
    expect(returned.map((m) => [m.text, m.intent])).toEqual([
      ['I want to return order 67890', 'return.request'],
      ['ben@example.com', undefined],
      [code, undefined],
      ['yes', undefined],
    ]);
    const changed = await customerMessages(phone);
    expect(changed.map((m) => m.intent)).toEqual(['contact.change', undefined, undefined]);
    const s = await stats();
    expect(s.intents.find((i) => i.intent === 'newsletter.subscribe')).toBeUndefined();
    expect(s.intents.find((i) => i.intent === 'order.track')).toBeUndefined();
    expect(s.intents.find((i) => i.intent === 'return.request')?.count).toBe(1);
  });

  test('es: "sí" at a confirmation is an answer; a "yes" nobody asked for keeps what the model read', async () => {
    const chat = new Chat(running, { locale: 'es-ES' });
    await chat.say('quiero cambiar mi correo');
    await chat.say('nuevo29@example.com');
    await chat.say('sí');
    expect((await chat.customer()).contacts.map((c) => c.value)).toContain('nuevo29@example.com');
    const stored = await customerMessages(chat);
    expect(stored.map((m) => m.intent)).toEqual(['contact.change', undefined, undefined]);

    const unasked = new Chat(running, { locale: 'en-US' });
    await unasked.say('yes');
    const [alone] = await customerMessages(unasked);
    expect(alone.intent).toEqual(expect.any(String));
  });
});
