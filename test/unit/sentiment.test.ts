import { lexiconSentiment } from '../../nlu/sentiment';

describe('sentiment lexicon with negation and intensifiers', () => {
  test.each([
    ['this is terrible', 'en', 'negative'],
    ['not good at all', 'en', 'negative'],
    ["this isn't bad", 'en', 'positive'],
    ['very very happy, thanks', 'en', 'positive'],
    ['my order never arrived. Worst shop ever!', 'en', 'negative'],
    ['where is my order', 'en', 'neutral'],
    ['no estoy contento', 'es', 'negative'],
    ['el servicio es pésimo', 'es', 'negative'],
    ['genial, muchas gracias', 'es', 'positive'],
  ])('%s → %s', (text, lang, expected) => {
    const s = lexiconSentiment(text, lang);
    expect(s > 0.05 ? 'positive' : s < -0.05 ? 'negative' : 'neutral').toBe(expected);
  });

  test('intensifiers make it stronger; scores stay within -1…1', () => {
    expect(lexiconSentiment('very disappointed', 'en')).toBeLessThan(lexiconSentiment('disappointed', 'en'));
    expect(lexiconSentiment('terrible awful horrible worst hate!!!', 'en')).toBeGreaterThanOrEqual(-1);
  });
});
