import { Chat } from '../helpers/chat';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Must hold: when unsure, ask. Close top intents or a middling score → a short question with the likely options as
 * buttons (localized) and "None of these"; a pick runs that intent and counts as understood, "None of these" counts as
 * not understood. Nothing fits → the best FAQ article and "Did this answer your question?" before counting a failure.
 * The recognizer is scripted for these borderline texts (its real scores for them depend on the corpus).
 */
const CLOSE = 'I have a problem with my order';
const CLOSE_ES = 'tengo un problema con mi pedido';
const MIDDLING = 'something about my parcel';
const NOTHING_FITS = 'my headlamp stopped working after a month';
const NOTHING_AT_ALL = 'zorp blibber wuzzle';

describe('ask when unsure', () => {
  let running: RunningApp;
  beforeAll(async () => {
    const close = [
      { intent: 'order.track', score: 0.48 },
      { intent: 'order.cancel', score: 0.42 },
      { intent: 'refund.request', score: 0.33 },
    ];
    const recognizer = new ScriptedRecognizer(await sharedRecognizer(), {
      [CLOSE]: { intent: 'order.track', score: 0.48, alternatives: close },
      [CLOSE_ES]: { intent: 'order.track', score: 0.48, alternatives: close, language: 'es' },
      // Without alternatives (a recognizer that cannot rank): a middling score alone asks about its one intent.
      [MIDDLING]: { intent: 'order.track', score: 0.45 },
      [NOTHING_FITS]: { intent: 'none', score: 0.05 },
      [NOTHING_AT_ALL]: { intent: 'none', score: 0.05 },
    });
    running = await startTestApp({}, { recognizer });
    for (const u of await running.app.store.listUsers()) await running.app.store.updateUser(u.id, { presence: 'offline' });
  });
  afterAll(async () => running.stop());

  test('close top intents: a question with the likely options as buttons, and "None of these"', async () => {
    const chat = new Chat(running);
    const turn = await chat.say(CLOSE);
    expect(turn.replies).toEqual(['I want to be sure I understood. Did you mean:']);
    expect(turn.buttons).toEqual(['Track my order', 'Cancel an order', 'Request a refund', 'None of these']);
  });

  test('in Spanish, with Spanish labels', async () => {
    const chat = new Chat(running, { locale: 'es-ES' });
    const turn = await chat.say(CLOSE_ES);
    expect(turn.replies).toEqual(['Quiero asegurarme de entenderte. ¿Te refieres a:']);
    expect(turn.buttons).toEqual(['Seguir mi pedido', 'Cancelar un pedido', 'Pedir un reembolso', 'Ninguna de estas']);
    expect((await chat.say('Seguir mi pedido')).replies.join(' ')).toMatch(/número de pedido/);
  });

  test('a pick runs that intent and counts as understood', async () => {
    const chat = new Chat(running);
    await chat.say(NOTHING_AT_ALL); // one not understood
    await chat.say(CLOSE);
    expect((await chat.say('Track my order')).replies.join(' ')).toMatch(/order number/);
    expect((await chat.say('12345')).replies.join(' ')).toMatch(/e-mail address the order was placed with/);
    expect((await chat.say('ana@example.com')).replies.join(' ')).toMatch(/12345 has shipped/);
    // The pick reset the count: one more misunderstanding is not yet a handoff.
    expect((await chat.say(NOTHING_AT_ALL)).replies.join(' ')).toMatch(/did not understand/);
    expect((await chat.conversation()).state).toBe('bot');
  });

  test('a pick by number works too', async () => {
    const chat = new Chat(running);
    await chat.say(CLOSE);
    expect((await chat.say('2')).replies.join(' ')).toMatch(/order number/);
  });

  test('"None of these" counts as not understood; twice is a handoff', async () => {
    const chat = new Chat(running);
    await chat.say(CLOSE);
    expect((await chat.say('None of these')).replies.join(' ')).toMatch(/did not understand/);
    await chat.say(CLOSE);
    expect((await chat.say('None of these')).replies.join(' ')).toMatch(/No agent is online/);
    expect(await chat.conversation()).toMatchObject({ state: 'queued', handoffReason: 'not_understood' });
  });

  test('something else typed instead of a pick is a new request', async () => {
    const chat = new Chat(running);
    await chat.say(CLOSE);
    expect((await chat.say('how long does shipping take')).replies.join(' ')).toMatch(/3-5 working days/);
  });

  test('a middling score without alternatives asks about its one intent', async () => {
    const chat = new Chat(running);
    const turn = await chat.say(MIDDLING);
    expect(turn.buttons).toEqual(['Track my order', 'None of these']);
  });

  test('nothing fits: the best FAQ article and "Did this answer your question?"; yes is an answer', async () => {
    const chat = new Chat(running);
    const turn = await chat.say(NOTHING_FITS);
    expect(turn.replies.join(' | ')).toMatch(/2-year warranty.* \| Did this answer your question\?/);
    expect(turn.buttons).toEqual(['Yes', 'No']);
    expect((await chat.say('yes')).replies.join(' ')).toMatch(/Glad it helped! Anything else\?/);
    // "Anything else?" → "no" closes politely.
    expect((await chat.say('no')).replies.join(' ')).toMatch(/Thank you for chatting with us/);
  });

  test('an article that did not help counts as not understood, before the handoff that follows a second failure', async () => {
    const chat = new Chat(running);
    await chat.say(NOTHING_FITS);
    expect((await chat.say('no')).replies.join(' ')).toMatch(/did not understand/);
    expect((await chat.conversation()).state).toBe('bot');
    expect((await chat.say(NOTHING_AT_ALL)).replies.join(' ')).toMatch(/No agent is online/);
  });
});
