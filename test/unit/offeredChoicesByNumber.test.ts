import { choiceByNumber, offeredChoices } from '../../models/offeredChoices';
import type { Message } from '../../models/records';

/** A number picks a button only where the bot took numbers for it (the stored message says how many). */
describe('offeredChoices: picks by number', () => {
  let seq = 0;
  const msg = (role: Message['role'], text: string, data?: Record<string, unknown>): Message => ({
    id: `m${++seq}`,
    conversationId: 'c',
    seq,
    role,
    kind: 'message',
    text,
    attachments: [],
    createdAt: '2026-12-01T10:00:00.000Z',
    ...(data ? { data } : {}),
  });
  const buttons = (titles: string[], numbered?: number) => ({
    suggestedActions: titles.map((title) => ({ title, value: title })),
    ...(numbered ? { numberedChoices: numbered } : {}),
  });
  const picks = (messages: Message[]) => [...offeredChoices(messages).values()].map((cs) => cs.map((c) => `${c.title}${c.picked ? ' *' : ''}`));

  test.each([
    ['2', ['A', 'B *', 'C', 'None']],
    [' #2. ', ['A', 'B *', 'C', 'None']],
    ['la segunda', ['A', 'B *', 'C', 'None']],
    ['the 1st one', ['A *', 'B', 'C', 'None']],
    ['4', ['A', 'B', 'C', 'None']],
    ['22', ['A', 'B', 'C', 'None']],
  ])('%j after a question taking numbers for its first three', (said, expected) => {
    seq = 0;
    expect(picks([msg('bot', 'Did you mean:', buttons(['A', 'B', 'C', 'None'], 3)), msg('customer', said)])).toEqual([expected]);
  });

  test('buttons the bot took no number for: "2" picks nothing (it may be a rating or an answer of its own)', () => {
    seq = 0;
    expect(picks([msg('bot', 'Shall I?', buttons(['Yes', 'No'])), msg('customer', '2')])).toEqual([['Yes', 'No']]);
  });

  test('choiceByNumber counts from 0 within the numbered buttons', () => {
    expect([choiceByNumber('1', 2), choiceByNumber('2', 2), choiceByNumber('3', 2), choiceByNumber('0', 3), choiceByNumber('third', 3)]).toEqual([
      0, 1, -1, -1, 2,
    ]);
  });
});
