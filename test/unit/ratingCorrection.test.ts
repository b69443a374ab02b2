import { parseRatingCorrection } from '../../dialogs/ratingParser';

/** A customer changing the score they just gave, and the look-alikes that are no change of score. */
describe('parseRatingCorrection', () => {
  test.each([
    ['wait actually, 3. and i still want a refund for my order', 3, 'and i still want a refund for my order'],
    ['wait actually, 3', 3, undefined],
    ['sorry I meant 2, and where is my order', 2, 'and where is my order'],
    ['actually make it a 2', 2, undefined],
    ['oh wait, 4 stars', 4, undefined],
    ['espera, mejor un 3. y todavía quiero un reembolso de mi pedido', 3, 'y todavía quiero un reembolso de mi pedido'],
    ['perdón, quise decir 4', 4, undefined],
  ])('%j changes the score to %d', (text, score, comment) => {
    expect(parseRatingCorrection(text)).toEqual({ score, comment });
  });

  test.each([
    '3',
    'I need 2 refunds',
    'wait, I need a refund for order 12345',
    'actually 2 items are missing',
    'actually, -1',
    'wait 30 minutes',
    'sorry, 3 of my orders are late',
  ])('%j is no change of score', (text) => {
    expect(parseRatingCorrection(text)).toBeUndefined();
  });
});
