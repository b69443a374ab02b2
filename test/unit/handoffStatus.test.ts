import { CONVERSATION_STATES, TRANSITIONS, botMayAnswer, canTransition, ownerOf } from '../../handoff/handoffStatus';
import type { ConversationState } from '../../models/records';

// The full table, written out once more by hand: every pair is either allowed or not.
const ALLOWED = new Set([
  'bot>queued', 'bot>external', 'bot>closed',
  'queued>agent', 'queued>bot', 'queued>closed',
  'agent>agent', 'agent>queued', 'agent>bot', 'agent>closed',
  'external>bot', 'external>closed',
  'closed>bot',
]);

describe('conversation state machine', () => {
  const pairs: [ConversationState, ConversationState][] = [];
  for (const from of CONVERSATION_STATES) for (const to of CONVERSATION_STATES) pairs.push([from, to]);

  test.each(pairs)('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
  });

  test('the table names only known states', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CONVERSATION_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(CONVERSATION_STATES).toContain(t);
  });

  test('exactly one owner per state; the bot speaks only when it owns the chat (or it was closed)', () => {
    expect(CONVERSATION_STATES.map(ownerOf)).toEqual(['bot', 'nobody', 'agent', 'external', 'nobody']);
    expect(CONVERSATION_STATES.filter(botMayAnswer)).toEqual(['bot', 'closed']);
  });
});
