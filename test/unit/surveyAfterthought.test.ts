import { readAfterthought, SURVEY_AFTERTHOUGHT_MS } from '../../bot/closedTurn';
import { parseBareRating } from '../../dialogs/ratingParser';
import type { Conversation } from '../../models/records';

/** What a message right after a survey was answered or turned down means (issue #16 point 7). */
describe('a bare rating: nothing but the rating itself', () => {
  test.each([
    ['4', 4, false],
    ['4/5', 4, false],
    ['4 stars', 4, false],
    ['4 de 5', 4, false],
    ['8 out of 10', 4, false],
    ['★★★★', 4, false],
    ['four', 4, false],
    ['cuatro', 4, false],
    ['terrible', 1, true],
    ['Terrible!', 1, true],
    ['fatal', 1, true],
    ['genial', 5, true],
    ['not bad', 3, true],
    ['muy bueno', 5, true],
  ])('%j → %d', (text, score, verdict) => {
    expect(parseBareRating(text)).toMatchObject({ score, verdict });
  });

  test.each([
    '4, where is my order 12345',
    'terrible delivery times on order 12345',
    'hello',
    'no',
    'order 4',
    'I waited 3 hours',
    'the agent was terrible with me',
  ])('%j is not bare', (text) => {
    expect(parseBareRating(text)).toBeUndefined();
  });
});

describe('an afterthought to a closed chat', () => {
  const at = '2026-11-30T08:00:00.000Z';
  const closed = (satisfaction?: Conversation['satisfaction']) => ({ updatedAt: at, tags: [], satisfaction }) as unknown as Conversation;
  const soon = Date.parse(at) + 60_000;
  const later = Date.parse(at) + SURVEY_AFTERTHOUGHT_MS + 1;

  test('after the survey was turned down, a bare rating rates the chat', () => {
    expect(readAfterthought(closed(), '4', soon, false)).toEqual({ kind: 'rating', score: 4, comment: undefined });
    expect(readAfterthought(closed(), 'genial', soon, false)).toEqual({ kind: 'rating', score: 5, comment: 'genial' });
  });

  test('after a rating, a bare word of feeling is a remark on it; a number or more words is not', () => {
    const rated = closed({ score: 2, comment: 'the agent was slow', at });
    expect(readAfterthought(rated, 'terrible', soon, false)).toEqual({ kind: 'remark', comment: 'terrible' });
    expect(readAfterthought(rated, '5', soon, false)).toBeUndefined();
    expect(readAfterthought(rated, 'terrible, where is my order 12345', soon, true)).toBeUndefined();
  });

  test('after a rating, a comment sent as its own message is a remark on it, unless it asks for something (review 21)', () => {
    const rated = closed({ score: 4, at });
    expect(readAfterthought(rated, 'but it took too long to get an answer', soon, false)).toEqual({
      kind: 'remark',
      comment: 'but it took too long to get an answer',
    });
    expect(readAfterthought(rated, 'I still need a refund for order 12345', soon, true)).toBeUndefined();
    expect(readAfterthought(closed(), 'but it took too long to get an answer', soon, false)).toBeUndefined();
    expect(readAfterthought(rated, 'but it took too long to get an answer', later, false)).toBeUndefined();
  });

  test('once the window has passed, it is new business', () => {
    expect(readAfterthought(closed(), '4', later, false)).toBeUndefined();
    expect(readAfterthought(closed({ score: 2, at }), 'terrible', later, false)).toBeUndefined();
  });
});
