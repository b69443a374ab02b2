import { messageActivity, post } from '../helpers/activities';
import { createStaff } from '../helpers/consoleClient';
import { Chat } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (wave 26): the customer answered "Did you mean: …" by typing the button's number ("2") instead of
 * pressing it; the bot took it as that option, but the transcript exports did not mark the pick. Where the bot takes a
 * number for a button, a number marks it as a press does. Bot Framework activities over real HTTP, exports over HTTP.
 */
const UNSURE = 'there is something wrong with my parcel';

describe('a button picked by its number is marked in transcripts', () => {
  let running: RunningApp;
  beforeAll(async () => {
    const close = [
      { intent: 'order.track', score: 0.48 },
      { intent: 'order.cancel', score: 0.42 },
      { intent: 'refund.request', score: 0.33 },
    ];
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), { [UNSURE]: { intent: 'order.track', score: 0.48, alternatives: close } });
    running = await startTestApp({}, { recognizer });
  });
  afterAll(async () => running.stop());

  async function exported(conversationId: string, customerId: string): Promise<{ csv: string[][]; json: string[][] }> {
    const { token } = await createStaff(running.app, { role: 'supervisor' });
    const get = async (format: string) =>
      (await fetch(`${running.url}/api/transcripts/export?format=${format}&customer=${customerId}`, { headers: { authorization: `Bearer ${token}` } })).text();
    const json = JSON.parse(await get('json')) as { conversations: { id: string; messages: { choices?: { title: string; picked: boolean }[] }[] }[] };
    const conversation = json.conversations.find((c) => c.id === conversationId)!;
    const lines = (await get('csv'))
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    const col = (name: string) => lines[0].indexOf(name);
    return {
      csv: lines.filter((r) => r[col('conversation_id')] === conversationId && r[col('choices')] !== '').map((r) => [r[col('choices')], r[col('picked')]]),
      json: conversation.messages.filter((m) => m.choices).map((m) => m.choices!.map((c) => `${c.title}${c.picked ? ' *' : ''}`)),
    };
  }

  test('"2" at the clarifying question: the second option, run by the bot and marked in both exports', async () => {
    const chat = new Chat(running);
    const asked = await chat.say(UNSURE);
    expect(asked.buttons).toEqual(['Track my order', 'Cancel an order', 'Request a refund', 'None of these']);
    expect((await chat.say('2')).replies.join(' ')).toMatch(/order number/);
    const conversation = await chat.conversation();
    const { csv, json } = await exported(conversation.id, conversation.customerId);
    expect(json).toEqual([['Track my order', 'Cancel an order *', 'Request a refund', 'None of these']]);
    expect(csv).toEqual([['Track my order | Cancel an order | Request a refund | None of these', 'Cancel an order']]);
  });

  test('"the third one" marks the third; "4" (None of these has no number) marks nothing', async () => {
    const third = new Chat(running);
    await third.say(UNSURE);
    await third.say('the third one');
    const c3 = await third.conversation();
    expect((await exported(c3.id, c3.customerId)).json).toEqual([['Track my order', 'Cancel an order', 'Request a refund *', 'None of these']]);

    const fourth = new Chat(running);
    await fourth.say(UNSURE);
    await fourth.say('4');
    const c4 = await fourth.conversation();
    expect((await exported(c4.id, c4.customerId)).json[0]).toEqual(['Track my order', 'Cancel an order', 'Request a refund', 'None of these']);
  });

  test('the number is ours: the activity the channel gets carries no trace of it', async () => {
    const r = await post(running.url, messageActivity({ text: UNSURE, locale: 'en-US' }));
    const acts = (r.body?.activities ?? []).filter((a) => a.type === 'message');
    expect(acts.at(-1)?.suggestedActions?.actions).toHaveLength(4);
    expect(JSON.stringify(acts)).not.toMatch(/crmNumberedChoices/);
  });
});
