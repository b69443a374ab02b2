import { offeredChoices, storedChoices } from '../../models/offeredChoices';
import type { Message } from '../../models/records';
import { visitorNumber, visitorNumberQuery } from '../../models/visitorLabel';

test('visitor numbers are the ones the console showed before they were stored (FNV-1a of the id, 1000–9999)', () => {
  // Computed by the console's own function before it moved to models/ (agent-console/web/format.ts at aa3c39a).
  expect(['web-3f2a9c', 'c1', '0b9e4c8e-2f1d-4c3a-9a57-1d2e3f4a5b6c', 'Ñandú-ü'].map(visitorNumber)).toEqual([7720, 3657, 9969, 8956]);
});

test.each([
  ['Visitor 6290', 6290],
  ['visitor 6290', 6290],
  ['  VISITOR   6290 ', 6290],
  ['Visitor6290', 6290],
  ['Visitante 6290', 6290],
  ['6290', 6290],
  ['#6290', 6290],
  ['Visitor 0999', undefined],
  ['Visitor 62900', undefined],
  ['629', undefined],
  ['Vistor 6290', undefined],
  ['Ana 6290', undefined],
  ['Visitor', undefined],
  ['6290 visitor', undefined],
])('%j names visitor number %j', (text, n) => {
  expect(visitorNumberQuery(text)).toBe(n);
});

describe('the choices a bot message offered, and the pick', () => {
  let seq = 0;
  const msg = (role: Message['role'], text: string, extra: Partial<Message> = {}): Message => ({
    id: `m${++seq}`,
    conversationId: 'c',
    seq,
    role,
    kind: 'message',
    text,
    attachments: [],
    createdAt: '2026-11-30T10:00:00.000Z',
    ...extra,
  });
  const buttons = (...titles: string[]) => ({ data: { suggestedActions: titles.map((title) => ({ title, value: title })) } });
  const picks = (messages: Message[]) => [...offeredChoices(messages)].map(([s, cs]) => [s, cs.map((c) => `${c.title}${c.picked ? ' *' : ''}`)]);

  test('pressed or typed, any case: the next customer message picks; nothing said, nothing picked', () => {
    seq = 0;
    const t = [
      msg('customer', 'I have a problem with my order'),
      msg('bot', 'Did you mean:', buttons('Track my order', 'Request a refund', 'None of these')),
      msg('customer', '  request A REFUND '),
      msg('bot', 'Shall I?', buttons('Yes', 'No')),
    ];
    expect(picks(t)).toEqual([
      [2, ['Track my order', 'Request a refund *', 'None of these']],
      [4, ['Yes', 'No']],
    ]);
  });

  test("a value other than the title picks by value; other words pick nothing; the bot's next message closes the offer", () => {
    seq = 0;
    const t = [
      msg('bot', 'Which?', { data: { suggestedActions: [{ title: 'Cancel order 12345', value: 'cancel 12345' }, { title: 'No' }] } }),
      msg('customer', 'cancel 12345'),
      msg('bot', 'Did you mean:', buttons('A', 'B')),
      msg('customer', 'the first one'),
      msg('bot', 'Again:', buttons('A', 'B')),
      msg('bot', 'Anything else?'),
      msg('customer', 'A'),
    ];
    expect(picks(t)).toEqual([
      [1, ['Cancel order 12345 *', 'No']],
      [3, ['A', 'B']],
      [5, ['A', 'B']],
    ]);
  });

  test('notes and state events between do not matter; customers and agents offer nothing; messages stored before buttons were kept show none', () => {
    seq = 0;
    const t = [
      msg('bot', 'Pick:', buttons('Yes', 'No')),
      msg('agent', 'internal', { kind: 'note' }),
      msg('system', '', { kind: 'event', data: { type: 'state' } }),
      msg('customer', 'yes'),
      msg('customer', 'x', buttons('Yes')),
      msg('agent', 'y', buttons('Yes')),
      msg('bot', 'Did you mean: (stored before 2026-11-29)'),
    ];
    expect(picks(t)).toEqual([[1, ['Yes *', 'No']]]);
    expect(storedChoices(t[6])).toEqual([]);
  });
});
