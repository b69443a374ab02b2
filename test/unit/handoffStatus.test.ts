import { HandoffEvents, type HandoffEventMap } from '../../handoff/handoffEvents';
import { CONVERSATION_STATES, TRANSITIONS, botMayAnswer, canTransition, ownerOf, transition } from '../../handoff/handoffStatus';
import type { Conversation, ConversationState } from '../../models/records';
import { SqliteStore } from '../../store/sqliteStore';

// The full table, written out once more by hand: every pair is either allowed or not.
const ALLOWED = new Set([
  'bot>queued',
  'bot>external',
  'bot>closed',
  'queued>queued', // its customer left or came back (handoff/customerAway.ts)
  'queued>agent',
  'queued>bot',
  'queued>closed',
  'agent>agent',
  'agent>queued',
  'agent>bot',
  'agent>closed',
  'external>bot',
  'external>closed',
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

describe('transition() runs the table: every pair of states against a real (in-memory) store', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = new SqliteStore(':memory:');
    await store.init();
  });
  afterAll(() => store.close());

  let n = 0;
  /** A conversation in `state`; an agent's chat is held by agent-1. */
  async function inState(state: ConversationState): Promise<Conversation> {
    const customer = await store.createCustomer({});
    const id = `pair-${++n}`;
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: id,
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'x', conversation: { id } },
      state: state === 'agent' ? 'queued' : state,
    });
    if (state !== 'agent') return conversation;
    const r = await store.claimConversation({ conversationId: conversation.id, agentId: 'agent-1', fromStates: ['queued'], maxActive: 100 });
    if (!r.ok) throw new Error('setup');
    return r.conversation;
  }

  const pairs: [ConversationState, ConversationState][] = [];
  for (const from of CONVERSATION_STATES) for (const to of CONVERSATION_STATES) pairs.push([from, to]);

  test.each(pairs)('%s → %s', async (from, to) => {
    const before = await inState(from);
    const events = new HandoffEvents();
    const changed: HandoffEventMap['conversation.changed'][] = [];
    events.on('conversation.changed', (e) => changed.push(e));
    const r = await transition(store, events, {
      conversationId: before.id,
      to,
      cause: 'claimed',
      agent: { id: 'agent-2', maxActive: 100 },
      actorId: 'actor-1',
    });
    const after = (await store.getConversation(before.id))!;
    const messages = await store.listMessages(before.id);
    if (ALLOWED.has(`${from}>${to}`)) {
      expect(r.ok).toBe(true);
      expect(after).toMatchObject({ state: to, agentId: to === 'agent' ? 'agent-2' : null, version: before.version + 1 });
      expect(messages.map((m) => [m.kind, m.authorId, m.data])).toEqual([
        [
          'event',
          'actor-1',
          {
            type: 'state',
            from,
            to,
            cause: 'claimed',
            ...(to === 'agent' ? { agentId: 'agent-2' } : {}),
            ...(from === 'agent' ? { previousAgentId: 'agent-1' } : {}),
          },
        ],
      ]);
      expect(changed.map((e) => [e.previous.state, e.conversation.state, e.cause])).toEqual([[from, to, 'claimed']]);
    } else {
      expect(r).toMatchObject({ ok: false, reason: 'state' });
      expect(after).toEqual(before);
      expect(messages).toEqual([]);
      expect(changed).toEqual([]);
    }
  });

  test('a caller narrows the table and names the owner; a refusal writes nothing', async () => {
    const held = await inState('agent');
    const events = new HandoffEvents();
    expect(await transition(store, events, { conversationId: held.id, to: 'bot', cause: 'returned', expectedAgentId: 'someone-else' })).toMatchObject({
      ok: false,
      reason: 'owner',
    });
    expect(await transition(store, events, { conversationId: held.id, to: 'queued', cause: 'escalated', from: ['bot'] })).toMatchObject({
      ok: false,
      reason: 'state',
    });
    expect(await transition(store, events, { conversationId: 'missing', to: 'queued', cause: 'escalated' })).toEqual({
      ok: false,
      reason: 'not_found',
      current: null,
    });
    const full = await inState('queued');
    expect(await transition(store, events, { conversationId: full.id, to: 'agent', cause: 'claimed', agent: { id: 'agent-1', maxActive: 1 } })).toMatchObject({
      ok: false,
      reason: 'capacity',
    });
    expect(await store.getConversation(held.id)).toEqual(held);
    expect(await store.listMessages(held.id)).toEqual([]);
  });
});
