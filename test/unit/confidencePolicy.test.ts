import { decide, DEFAULT_CONFIDENCE } from '../../nlu/confidencePolicy';
import { OUT_OF_SCOPE, type Alternative, type Recognition } from '../../nlu/recognizer';

const rec = (intent: string, score: number, alternatives?: Alternative[]): Recognition => ({
  text: 'x',
  intent,
  score,
  entities: [],
  sentiment: 0,
  language: 'en',
  alternatives,
});
const policy = { answerAt: 0.7, clarifyAt: 0.2, margin: 0.3 };

describe('decide', () => {
  test.each([
    [
      'sure and clearly ahead',
      rec('order.track', 0.8, [
        { intent: 'order.track', score: 0.8 },
        { intent: 'delivery.options', score: 0.1 },
      ]),
      { kind: 'answer', intent: 'order.track' },
    ],
    [
      'sure but the runner-up is close',
      rec('order.track', 0.7, [
        { intent: 'order.track', score: 0.7 },
        { intent: 'delivery.options', score: 0.45 },
      ]),
      { kind: 'clarify', options: ['order.track', 'delivery.options'] },
    ],
    [
      'unsure: the likely ones are offered',
      rec('refund.policy', 0.5, [
        { intent: 'refund.policy', score: 0.5 },
        { intent: 'refund.request', score: 0.3 },
        { intent: 'return.request', score: 0.1 },
      ]),
      { kind: 'clarify', options: ['refund.policy', 'refund.request'] },
    ],
    [
      'nothing fits',
      rec('help', 0.15, [
        { intent: 'help', score: 0.15 },
        { intent: 'greeting', score: 0.1 },
      ]),
      { kind: 'unknown' },
    ],
    [
      'out of scope, nothing close',
      rec(OUT_OF_SCOPE, 0.8, [
        { intent: OUT_OF_SCOPE, score: 0.8 },
        { intent: 'help', score: 0.1 },
      ]),
      { kind: 'unknown' },
    ],
    [
      'out of scope, an intent close',
      rec(OUT_OF_SCOPE, 0.45, [
        { intent: OUT_OF_SCOPE, score: 0.45 },
        { intent: 'order.track', score: 0.4 },
      ]),
      { kind: 'clarify', options: ['order.track'] },
    ],
    ['no alternatives: the intent and score alone', rec('thanks', 0.9), { kind: 'answer', intent: 'thanks' }],
  ])('%s', (_name, r, expected) => {
    expect(decide(r, policy)).toEqual(expected);
  });

  it('ships a policy whose thresholds are in order', () => {
    expect(DEFAULT_CONFIDENCE.clarifyAt).toBeLessThan(DEFAULT_CONFIDENCE.answerAt);
    expect(Object.isFrozen(DEFAULT_CONFIDENCE)).toBe(true);
  });
});
