import { decideEscalation, DEFAULT_ESCALATION_POLICY, offerPerson } from '../../handoff/escalationPolicy';
import type { Customer } from '../../models/records';
import type { Recognition } from '../../nlu/recognizer';

const customer = (over: Partial<Customer> = {}): Customer => ({
  id: 'c1',
  identities: [],
  contacts: [],
  preferences: {},
  consent: [],
  recentSentiment: [],
  engagement: { conversations: 1, messages: 1, score: 0 },
  reach: { followers: 0, score: 0 },
  lifetimeValue: 0,
  segments: [],
  tags: [],
  attributes: {},
  firstSeenAt: 'x',
  lastSeenAt: 'x',
  version: 1,
  ...over,
});
const rec = (over: Partial<Recognition> = {}): Recognition => ({
  text: 'hello',
  intent: 'order.track',
  score: 1,
  entities: [],
  sentiment: 0,
  language: 'en',
  ...over,
});

describe('escalation triggers and the reason the agent sees', () => {
  test.each([
    ['asks for a person (English)', { recognition: rec({ intent: 'human.request', text: 'talk to a human' }) }, 'customer_asked', /asked for a person/],
    [
      'asks for a person (Spanish)',
      { recognition: rec({ intent: 'human.request', text: 'quiero hablar con una persona', language: 'es' }) },
      'customer_asked',
      /quiero hablar/,
    ],
    ['not understood N times', { failures: 2, recognition: rec({ intent: 'none' }) }, 'not_understood', /2 turns in a row/],
    ['strongly negative', { recognition: rec({ sentiment: -0.9 }) }, 'negative_sentiment', /-0\.90/],
    ['sentiment falling fast', { recognition: rec({ sentiment: -0.3 }), recentSentiment: [0.6, 0.7] }, 'negative_sentiment', /fell from 0\.65 to -0\.30/],
    // Important customers go to a person sooner when the bot does not understand them (a routine question is answered).
    [
      'VIP segment, not understood once',
      { failures: 1, recognition: rec({ intent: 'none' }), customer: customer({ segments: ['vip'] }) },
      'important_customer',
      /segment vip, 1 turn not understood/,
    ],
    [
      'high reach, not understood once',
      { failures: 1, recognition: rec({ intent: 'none' }), customer: customer({ reach: { followers: 50_000, score: 90 } }) },
      'important_customer',
      /50000 followers/,
    ],
    [
      'high lifetime value, not understood once',
      { failures: 1, recognition: rec({ intent: 'none' }), customer: customer({ lifetimeValue: 9000 }) },
      'important_customer',
      /lifetime value 9000/,
    ],
    ['an always-human intent', { recognition: rec({ intent: 'complaint' }) }, 'policy_intent', /complaint/],
  ])('%s', (_name, over, reason, detail) => {
    const d = decideEscalation(Object.assign({ recognition: rec(), failures: 0, customer: customer(), recentSentiment: [] as number[] }, over));
    expect(d?.reason).toBe(reason);
    expect(d?.detail).toMatch(detail);
  });

  test('no trigger: the bot goes on; an important customer saying hello is not escalated yet', () => {
    expect(decideEscalation({ recognition: rec(), failures: 1, customer: customer(), recentSentiment: [0.1] })).toBeNull();
    expect(
      decideEscalation({ recognition: rec({ intent: 'greeting' }), failures: 0, customer: customer({ segments: ['vip'] }), recentSentiment: [] }),
    ).toBeNull();
  });

  test('an important customer with a routine question is answered and offered a person, never handed over', () => {
    const vip = customer({ segments: ['vip'] });
    expect(decideEscalation({ recognition: rec({ intent: 'order.track' }), failures: 0, customer: vip, recentSentiment: [] })).toBeNull();
    expect(offerPerson(vip, 'order.track')).toBe('segment vip');
    expect(offerPerson(vip, 'greeting')).toBeUndefined();
    expect(offerPerson(customer(), 'order.track')).toBeUndefined();
  });

  test('deleting an account goes to people only after the customer confirmed it in the dialog', () => {
    expect(DEFAULT_ESCALATION_POLICY.alwaysHumanIntents).toContain('account.delete');
    expect(decideEscalation({ recognition: rec({ intent: 'account.delete' }), failures: 0, customer: customer(), recentSentiment: [] })).toBeNull();
  });

  test('important customers get a higher queue priority', () => {
    const normal = decideEscalation({ recognition: rec({ intent: 'human.request' }), failures: 0, customer: customer(), recentSentiment: [] });
    const vip = decideEscalation({
      recognition: rec({ intent: 'human.request' }),
      failures: 0,
      customer: customer({ segments: ['vip'] }),
      recentSentiment: [],
    });
    expect(vip!.priorityBoost).toBeGreaterThan(normal!.priorityBoost);
    expect(DEFAULT_ESCALATION_POLICY.failuresBeforeHandoff).toBe(2);
  });
});
