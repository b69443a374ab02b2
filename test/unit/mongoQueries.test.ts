import mongoose from 'mongoose';
import { registerModels } from '../../models/mongoSchemas';
import { conversationFilter, slotGuard } from '../../store/mongo/mongoConversations';
import { t } from '../../store/mongo/mongoContext';
import { byKey, customerDoc, customerMessageUpdate, customerUpdate } from '../../store/mongo/mongoCustomers';
import { corpusKeys } from '../../store/mongo/mongoRecords';
import { nameFilter, phraseFilter, visitorFilter } from '../../store/mongo/mongoReview';
import { visitorNumber } from '../../models/visitorLabel';
import { buildCustomer, mergeCustomer } from '../../store/recordBuilders';
import { namePrefixes, nameWords, searchForm, searchTerms } from '../../store/searchText';

/**
 * The MongoDB engine cannot run here (no server); these are the parts of its queries that do not need one: what
 * its phrase filter keeps (the regular expression over the search form that follows $text), and the smallest
 * update it sends for a changed customer.
 */
describe('MongoDB phrase filter', () => {
  const texts = ["I can't log in", 'I read a blog inside the app', 'Order 123-456 arrived', 'first line\nsecond line', 'e mail me', 'Please update my e-mail'];
  test.each([
    ['log in', ["I can't log in"]],
    ["can't log in", ["I can't log in"]],
    ['e-mail', ['e mail me', 'Please update my e-mail']],
    ['123-456', ['Order 123-456 arrived']],
    ['line second', ['first line\nsecond line']],
    ['second first', ['first line\nsecond line']],
    ['"second first"', []],
    ['"second line"', ['first line\nsecond line']],
    ['"log in" can\'t', ["I can't log in"]],
    ['in the', []],
    ['blog', ['I read a blog inside the app']],
    ['lo', []],
  ])('%j keeps %j', (query, expected) => {
    const terms = searchTerms(query);
    const { $text, searchText } = phraseFilter(terms, 2900);
    // $text narrows by the longest term; the expression needs every term (review 21: words in any order).
    expect($text.$search).toBe(`"${[...terms].sort((a, b) => b.length - a.length)[0].join(' ')}"`);
    expect(texts.filter((t) => searchText.test(searchForm(t)))).toEqual(expected);
  });
});

describe('MongoDB customer name filter', () => {
  const names = ['Ana Gómez', 'ANABEL ruiz', 'Mariana López', 'José Ángel', ''];
  // MongoDB's semantics for a regular expression on an array field: some element matches; $and: every clause does.
  const keeps = (query: string) => {
    const filter = nameFilter(namePrefixes(query));
    return names.filter((n) => filter.$and.every((clause) => nameWords(n).some((w) => clause.nameWords.test(w))));
  };
  test.each([
    ['ana', ['Ana Gómez', 'ANABEL ruiz']],
    ['Ana Gó', ['Ana Gómez']],
    ['gomez ANA', ['Ana Gómez']],
    ['angel', ['José Ángel']],
    ['na', []],
  ])('%j keeps %j', (query, expected) => {
    expect(keeps(query)).toEqual(expected);
  });

  test('every prefix is an anchored, escaped expression that sanitizeFilter leaves as it is', () => {
    const filter = nameFilter(['a.b', 'c']);
    expect(filter.$and.map((c) => c.nameWords.source)).toEqual(['^a\\.b', '^c']);
    expect(filter.$and.every((c) => c.nameWords.flags === '')).toBe(true);
    expect(mongoose.sanitizeFilter(nameFilter(['ana']))).toEqual(nameFilter(['ana']));
  });
});

describe('MongoDB customer update', () => {
  test('an update of the record sets only the fields it changed', () => {
    const base = { ...buildCustomer({ displayName: 'Ana', recentSentiment: [0.1, 0.2] }), version: 7 };
    const next = mergeCustomer(base, { recentSentiment: [0.1, 0.2, 0.3], lastSeenAt: '2026-02-01T00:00:00.000Z', segments: ['at_risk'] });
    const update = customerUpdate(base, next);
    expect(update.$set).toEqual({
      version: 8,
      'doc.version': 8,
      'doc.recentSentiment': [0.1, 0.2, 0.3],
      'doc.lastSeenAt': '2026-02-01T00:00:00.000Z',
      'doc.segments': ['at_risk'],
      segments: ['at_risk'],
    });
  });

  test('identity keys and contacts are rewritten only when identities or contacts change', () => {
    const base = buildCustomer({ identities: [{ channelId: 'web', userId: 'u1', verified: true, addedAt: 'x' }] });
    const renamed = customerUpdate(base, mergeCustomer(base, { displayName: 'B' }));
    // A new name rewrites the words the customer filter finds them by; an erased (blank) name leaves none.
    expect(Object.keys(renamed.$set).sort()).toEqual(['doc.displayName', 'doc.version', 'nameWords', 'version']);
    expect(renamed.$set.nameWords).toEqual(['b']);
    expect(customerUpdate(base, mergeCustomer(base, { displayName: '' })).$set.nameWords).toEqual([]);
    const withEmail = customerUpdate(
      base,
      mergeCustomer(base, { contacts: [{ type: 'email', value: 'A@Example.com', verified: true, source: 'agent', addedAt: 'x' }] }),
    );
    expect(withEmail.$set).toMatchObject({ keys: ['channel:web:u1', 'email:a@example.com'], contacts: ['email:a@example.com'] });
  });
});

describe('MongoDB filters pass sanitizeFilter and strictQuery unchanged (cast as the driver would receive them)', () => {
  // A connection never opened: models cast queries without a server.
  const conn = mongoose.createConnection();
  conn.set('sanitizeFilter', true);
  conn.set('strictQuery', true);
  const m = registerModels(conn);
  const cast = (q: { _castConditions(): void; error(): unknown; getFilter(): unknown }) => {
    q._castConditions();
    // What the driver serializes (symbol keys such as mongoose's "trusted" mark are not).
    return { error: q.error(), filter: structuredClone(q.getFilter()) };
  };
  type Castable = Parameters<typeof cast>[0];

  test('a lookup by identity key keeps the partial index filter expression', () => {
    expect(cast(m.Customer.findOne(byKey('email:a@example.com')) as unknown as Castable)).toEqual({
      error: undefined,
      filter: { keys: 'email:a@example.com', 'keys.0': { $exists: true } },
    });
  });

  test('the phrase filter keeps $text and the whole-word expression', () => {
    const { error, filter } = cast(m.Message.find(phraseFilter([['log', 'in']], 2900)) as unknown as Castable);
    expect(error).toBeUndefined();
    expect(filter).toEqual({ searchPeriod: 2900, $text: { $search: '"log in"' }, searchText: /^(?=.*(?:^| )log in(?: |$))/u });
  });

  test('one text index, prefixed by the week every phrase filter names by equality (as MongoDB requires of a prefix)', () => {
    const text = m.Message.schema.indexes().filter(([keys]) => Object.values(keys).includes('text'));
    expect(text.map(([keys]) => keys)).toEqual([{ searchPeriod: 1, searchText: 'text' }]);
    expect(Object.keys(phraseFilter([['a']], 1))[0]).toBe('searchPeriod');
  });

  test("a visitor's label is an equality on the stored number, kept by strictQuery, served by an index that leads with it", () => {
    // strictQuery drops a field the schema does not declare, and the filter would then match every customer.
    expect(cast(m.Customer.find(visitorFilter(6290)) as unknown as Castable)).toEqual({ error: undefined, filter: { visitorNumber: 6290 } });
    expect(m.Customer.schema.indexes().some(([keys]) => Object.keys(keys)[0] === 'visitorNumber')).toBe(true);
    // Every write of a whole customer carries it, from the id; a rename leaves it alone.
    const c = buildCustomer({ displayName: '' });
    expect(customerDoc(c).visitorNumber).toBe(visitorNumber(c.id));
    expect(customerUpdate(c, mergeCustomer(c, { displayName: 'Ana' })).$set).not.toHaveProperty('visitorNumber');
  });

  test('the capacity guard keeps its array-length condition', () => {
    expect(cast(m.AgentSlots.updateOne(slotGuard('agent-1', 'c1', 3), { $push: { conversations: 'c1' } }) as unknown as Castable)).toEqual({
      error: undefined,
      filter: { _id: 'agent-1', conversations: { $ne: 'c1' }, 'conversations.2': { $exists: false } },
    });
  });

  test("an agent's conditional append and a set-once write keep their conditions: state, owner, and the field absent (null matches a missing field)", () => {
    const filter = conversationFilter('c1', { states: ['agent'], agentId: 'ann', absent: ['firstAgentReplyAt'] });
    expect(cast(m.Conversation.updateOne({ ...filter, lastSeq: 4 }, {}) as unknown as Castable)).toEqual({
      error: undefined,
      filter: { _id: 'c1', state: { $in: ['agent'] }, agentId: 'ann', 'doc.firstAgentReplyAt': null, lastSeq: 4 },
    });
  });

  test('corpus additions are removed by an $in over their text keys (a bare $in would be refused as a value to compare)', () => {
    expect(cast(m.CorpusAddition.deleteMany(corpusKeys(['a', 'b'])) as unknown as Castable)).toEqual({
      error: undefined,
      filter: { textKey: { $in: ['a', 'b'] } },
    });
  });

  test('the dashboard rollup marks and claims keep their operators', () => {
    expect(cast(m.Conversation.find({ rollupMarks: t({ $exists: true }) }) as unknown as Castable)).toEqual({
      error: undefined,
      filter: { rollupMarks: { $exists: true } },
    });
    expect(cast(m.DayRollup.findOneAndUpdate({ _id: '2026-01-01', stale: true, claimedUntil: t({ $not: { $gte: 5 } }) }, {}) as unknown as Castable)).toEqual({
      error: undefined,
      filter: { _id: '2026-01-01', stale: true, claimedUntil: { $not: { $gte: 5 } } },
    });
  });

  test("a customer's message pushes its point onto the history beside the record, trimmed by $slice; reads of the record leave the history out", () => {
    const q = m.Customer.updateOne(
      { _id: 'c1', version: 3 },
      customerMessageUpdate({
        expectedVersion: 3,
        point: { at: '2026-01-01T00:00:00.000Z', score: -0.5, conversationId: 'k1' },
        keepSentiment: 200,
        recentSentiment: [0.1, -0.5],
        at: '2026-01-01T00:00:00.000Z',
        newConversation: false,
        engagementScore: 40,
      }),
    ) as unknown as { _castUpdate(u: unknown): Record<string, Record<string, unknown>>; getUpdate(): unknown };
    // strict mode drops an update of a path the schema does not declare: the history must be declared, points plain.
    const update = JSON.parse(JSON.stringify(q._castUpdate(q.getUpdate()))) as Record<string, Record<string, unknown>>;
    expect(update.$push).toEqual({ sentiment: { $each: [{ at: '2026-01-01T00:00:00.000Z', score: -0.5, conversationId: 'k1' }], $slice: -200 } });
    expect(update.$set['doc.recentSentiment']).toEqual([0.1, -0.5]);
    expect(customerDoc(buildCustomer({})) as object).not.toHaveProperty('sentiment');
    expect(m.Customer.schema.path('sentiment')).toBeDefined();
  });

  test('an operator object that got past the guards would be compared as a value, not obeyed', () => {
    expect(cast(m.User.findOne({ email: { $ne: null } }) as unknown as Castable).filter).toEqual({ email: { $eq: { $ne: null } } });
  });
});
