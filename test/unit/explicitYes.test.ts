import { readExplicitYes } from '../../dialogs/explicitYes';

/** The explicit-yes reader for answers that grant or change something (consent): unclear means ask again, never act. */
describe('an explicit yes, read where the answer grants something', () => {
  test.each([
    ['yes', 'yes'],
    ['Yes please', 'yes'],
    ['yep', 'yes'],
    ['sure', 'yes'],
    // "sure thing" is an emphatic yes in English, not a shrug.
    ['sure thing', 'yes'],
    ['of course', 'yes'],
    ['definitely', 'yes'],
    ['sí', 'yes'],
    ['sí, por favor', 'yes'],
    ['claro que sí', 'yes'],
    ['por supuesto', 'yes'],
    ['sí quiero', 'yes'],
    ['ok', 'unclear'],
    ['vale', 'unclear'],
    ['👍', 'unclear'],
    ['fine', 'unclear'],
    ['yeah whatever', 'unclear'],
    ['whatever', 'unclear'],
    ['I guess', 'unclear'],
    ['I guess so', 'unclear'],
    ['if you must', 'unclear'],
    ['meh', 'unclear'],
    ['sure... 🙄', 'unclear'],
    ['yeah right', 'unclear'],
    ['yes /s', 'unclear'],
    ['not sure', 'unclear'],
    ['no sé', 'unclear'],
    ['lo que sea', 'unclear'],
    ['si, pero no me mandéis spam', 'unclear'],
    ['yes, but no spam', 'unclear'],
    ['yes no', 'unclear'],
    ['no', 'no'],
    ['nope', 'no'],
    ['no gracias', 'no'],
    ['claro que no', 'no'],
    ['of course not', 'no'],
    ['¿y puedo devolverlo?', undefined],
    ['where is my order 12345', undefined],
    ['', undefined],
  ])('%j → %s', (text, expected) => {
    expect(readExplicitYes(text)).toBe(expected);
  });

  test('words naming the action may follow the yes; others make it a new request', () => {
    expect(readExplicitYes('yes, cancel the order', { naming: ['cancel', 'order', 'the'] })).toBe('yes');
    expect(readExplicitYes('yes, cancel the order')).toBe('unclear');
    expect(readExplicitYes('yes and also where is my refund for order 67890')).toBeUndefined();
  });
});
