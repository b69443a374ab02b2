import { keepsAsIs, keepsPart } from '../../dialogs/dialogResult';

/** Keeping, at a question about changing something, is a no (dialogs/dialogResult.ts keepsAsIs). */
describe('keeping as an answer to a change', () => {
  test.each([
    'keep it',
    'no actually keep it',
    'oh no wait, I would like to keep it',
    'hmm I think I want to keep them after all',
    'sure, but can I keep the gloves?',
    'mejor quiero quedármelo',
    'no, prefiero mantenerlo',
    'no lo canceles',
    'vale, pero ¿me puedo quedar con los guantes?',
  ])('%j keeps', (text) => expect(keepsAsIs(text)).toBe(true));

  test.each([
    "yes, I don't want to keep it",
    'cancel it, no need to keep it',
    'no quiero quedármelo, cancélalo',
    'yes and keep me posted',
    "I'd rather not keep it",
    'yes',
    'cancel it',
    'I want to keep my order, but also I have a long story to tell you about the delivery last week',
  ])('%j does not keep', (text) => expect(keepsAsIs(text)).toBe(false));

  test('part of the order kept, or the whole', () => {
    expect(keepsPart('yes, but can I keep the socks?')).toBe(true);
    expect(keepsPart('ok pero me quiero quedar con los guantes')).toBe(true);
    expect(keepsPart('wait, keep the order please')).toBe(false);
    expect(keepsPart('keep it')).toBe(false);
  });
});
