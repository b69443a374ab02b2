import { decide } from '../../nlu/confidencePolicy';
import type { NlpRecognizer } from '../../nlu/nlpRecognizer';
import { OUT_OF_SCOPE } from '../../nlu/recognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';

/** The recognizer trained on the shipped corpus, as the bot uses it. */
describe('NlpRecognizer on the shipped corpus', () => {
  let recognizer: NlpRecognizer;
  // Training, when the cached model is for another corpus, takes a while on a busy machine.
  beforeAll(async () => {
    recognizer = await sharedRecognizer();
  }, 300_000);

  it('answers a text it has seen with the same recognition, each caller with its own copy', async () => {
    const first = await recognizer.recognize('my order 12345 never came, I want a refund', { language: 'en' });
    const snapshot = structuredClone(first);
    first.entities.length = 0;
    first.alternatives![0].score = -1;
    first.intent = 'changed';
    expect(await recognizer.recognize('my order 12345 never came, I want a refund', { language: 'en' })).toEqual(snapshot);
    expect(snapshot.entities).toEqual([{ type: 'orderNumber', text: '12345', value: '12345' }]);
  });

  it('extracts no entities when the caller needs none (a chat a person holds), and keeps that answer apart from the full one', async () => {
    const text = 'I was charged $40 twice on 3 March for order 12345';
    const bare = await recognizer.recognize(text, { language: 'en', entities: false });
    expect(bare.entities).toEqual([]);
    const full = await recognizer.recognize(text, { language: 'en' });
    expect(full.entities.map((e) => e.type)).toEqual(expect.arrayContaining(['amount', 'orderNumber']));
    // Same classification either way: only the extraction is skipped.
    expect({ intent: bare.intent, score: bare.score, sentiment: bare.sentiment }).toEqual({
      intent: full.intent,
      score: full.score,
      sentiment: full.sentiment,
    });
  });

  test.each([
    ['where is my order 12345', 'en'],
    ['I forgot my PIN, help me get back in', 'en'],
    ['what is the capital of France', 'en'],
    ['flibber jabber', 'en'],
    ['quiero un reembolso del pedido 67890', 'es'],
  ])('ranks at most three alternatives, best first, on the scale of the score: %s', async (text, language) => {
    const r = await recognizer.recognize(text, { language });
    const alts = r.alternatives!;
    expect(alts.length).toBeGreaterThan(0);
    expect(alts.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < alts.length; i++) expect(alts[i].score).toBeLessThanOrEqual(alts[i - 1].score);
    expect(new Set(alts.map((a) => a.intent)).size).toBe(alts.length);
    // The top alternative is the recognized intent, unless its score fell under the out-of-scope threshold.
    if (r.intent !== OUT_OF_SCOPE) expect(alts[0]).toEqual({ intent: r.intent, score: r.score });
    else expect(alts[0].score).toBe(r.score);
  });

  // Issue 16: phrasings outside the first corpus, now in it; the policy should answer them, not ask.
  test.each([
    ['I forgot my PIN, help me get back in', 'password.recover'],
    ['I want to cancel my newsletter subscription', 'consent.change'],
    ['where can I unsubscribe from the newsletter?', 'consent.change'],
  ])('%s → %s', async (text, intent) => {
    const r = await recognizer.recognize(text, { language: 'en' });
    expect(decide(r)).toEqual({ kind: 'answer', intent });
  });

  test('an unsupported shop request is not answered with an intent', async () => {
    const r = await recognizer.recognize('I want to place an order', { language: 'en' });
    expect(decide(r).kind).not.toBe('answer');
  });
});
