import { perIntentTable, requestMetrics, type JudgedRequest } from '../../nlu/evalMetrics';

const OOS = 'none';
const answer = (intent: string) => ({ kind: 'answer' as const, intent });
const clarify = (...options: string[]) => ({ kind: 'clarify' as const, options });
const unknown = { kind: 'unknown' as const };

/** Ten requests: six in scope (two intents), four out of scope. */
const ROWS: JudgedRequest[] = [
  { gold: 'order.track', predicted: 'order.track', decision: answer('order.track') },
  { gold: 'order.track', predicted: 'order.track', decision: clarify('order.track', 'delivery.options') },
  { gold: 'order.track', predicted: 'delivery.options', decision: answer('delivery.options') },
  { gold: 'order.track', predicted: 'delivery.options', decision: clarify('delivery.options', 'order.track') },
  { gold: 'refund.request', predicted: 'refund.policy', decision: clarify('refund.policy', 'payment.problem') },
  { gold: 'refund.request', predicted: OOS, decision: unknown },
  { gold: OOS, predicted: OOS, decision: unknown },
  { gold: OOS, predicted: OOS, decision: clarify('help') },
  { gold: OOS, predicted: 'help', decision: answer('help') },
  { gold: OOS, predicted: 'refund.policy', decision: unknown },
];

describe('requestMetrics', () => {
  const m = requestMetrics(ROWS, OOS);

  it('counts accuracy over in-scope requests and recall over out-of-scope ones', () => {
    expect([m.requests, m.inScope, m.outOfScope]).toEqual([10, 6, 4]);
    expect(m.accuracy).toBeCloseTo(2 / 6, 10);
    expect(m.oosRecall).toBeCloseTo(2 / 4, 10);
  });

  it("counts the policy's decisions: wrong answers (an out-of-scope request answered included), clarify, unknown", () => {
    expect(m.confidentWrong).toBeCloseTo(2 / 10, 10);
    expect(m.answeredRight).toBeCloseTo(1 / 6, 10);
    expect(m.clarify).toBeCloseTo(4 / 10, 10);
    expect(m.unknown).toBeCloseTo(3 / 10, 10);
    // Clarifying questions on in-scope requests: three, two of which offer the right intent.
    expect(m.clarifyOffersGold).toBeCloseTo(2 / 3, 10);
  });

  it('gives one row per gold label, sorted, with n, accuracy and the most frequent confusion', () => {
    expect(m.perIntent).toEqual([
      { intent: 'none', n: 4, accuracy: 0.5, confusedWith: { intent: 'help', count: 1 } },
      { intent: 'order.track', n: 4, accuracy: 0.5, confusedWith: { intent: 'delivery.options', count: 2 } },
      { intent: 'refund.request', n: 2, accuracy: 0, confusedWith: { intent: 'none', count: 1 } },
    ]);
  });

  it('has no confusion for an intent always right, and no recall without out-of-scope requests', () => {
    const only = requestMetrics([{ gold: 'thanks', predicted: 'thanks', decision: answer('thanks') }], OOS);
    expect(only.perIntent).toEqual([{ intent: 'thanks', n: 1, accuracy: 1 }]);
    expect([only.oosRecall, only.clarifyOffersGold, only.confidentWrong, only.answeredRight]).toEqual([null, null, 0, 1]);
  });

  it('prints the table', () => {
    expect(perIntentTable(m.perIntent)).toEqual([
      'intent            n  accuracy  most frequent confusion',
      'none              4    50.0 %  help (1)',
      'order.track       4    50.0 %  delivery.options (2)',
      'refund.request    2     0.0 %  none (1)',
    ]);
  });
});
