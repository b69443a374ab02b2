import { optOutSpelling, spellOptOut } from '../../dialogs/optOutTypos';

/** Misspelled opt-outs read as opt-outs (outside tester 32, M3); nothing else is touched. */
describe('optOutSpelling', () => {
  test.each([
    ['unsubscirbe', 'unsubscribe'],
    ['unsusbcribe', 'unsubscribe'],
    ['unsubcribe', 'unsubscribe'],
    ['unsuscribe', 'unsubscribe'],
    ['Unsubscibe', 'unsubscribe'],
    ['desuscrbirme', 'desuscribirme'],
    ['desucribir', 'desuscribir'],
  ])('%s → %s', (word, meant) => expect(optOutSpelling(word)).toBe(meant));

  test.each(['unsubscribe', 'unsubscribed', 'desuscríbete', 'subscribe', 'subscription', 'understand', 'unsubtle', 'description', 'unsuitable'])(
    'left alone: %s',
    (word) => expect(optOutSpelling(word)).toBeUndefined(),
  );

  test('in a sentence, only the misspelled word changes', () => {
    expect(spellOptOut('unsubscirbe me frm ur emials')).toBe('unsubscribe me frm ur emials');
    expect(spellOptOut('please subscribe me to the newsletter')).toBe('please subscribe me to the newsletter');
  });
});
