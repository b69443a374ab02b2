import { lexiconSentiment } from '../../nlu/sentiment';
import { SENTIMENT_EVERYDAY_SET, SENTIMENT_GENDER_SET, SENTIMENT_SET } from '../../nlu/sentimentEval';

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

  // Review 21: feminine and plural forms scored 0 while the masculine scored, so women writing Spanish were
  // under-counted on sentiment charts, at_risk and escalation.
  test.each([
    ['furioso', 'furiosa', 'furiosos', 'furiosas'],
    ['decepcionado', 'decepcionada', 'decepcionados', 'decepcionadas'],
    ['contento', 'contenta', 'contentos', 'contentas'],
    ['molesto', 'molesta', 'molestos', 'molestas'],
    ['harto', 'harta', 'hartos', 'hartas'],
    ['enfadado', 'enfadada', 'enfadados', 'enfadadas'],
    ['satisfecho', 'satisfecha', 'satisfechos', 'satisfechas'],
    ['pésimo', 'pésima', 'pesimos', 'pésimas'],
  ])('Spanish: "estoy %s" scores as every gender and number of it, and is not neutral', (...forms) => {
    const scores = forms.map((f) => lexiconSentiment(`estoy ${f}`, 'es'));
    expect(Math.abs(scores[0])).toBeGreaterThan(0.3);
    for (const s of scores) expect(s).toBe(scores[0]);
    expect(lexiconSentiment(`no estoy ${forms[1]}`, 'es')).toBe(lexiconSentiment(`no estoy ${forms[0]}`, 'es'));
  });

  test('the gaps an outside tester found are negative; a greeting stays neutral', () => {
    expect(lexiconSentiment('El producto llegó roto y nadie me responde, fatal', 'es')).toBeLessThan(-0.5);
    expect(lexiconSentiment('ya estoy harta', 'es')).toBeLessThan(-0.5);
    expect(lexiconSentiment('the package never arrived and nobody answers', 'en')).toBeLessThan(-0.3);
    expect(lexiconSentiment('buenas tardes, quiero cambiar la dirección', 'es')).toBe(0);
    expect(lexiconSentiment('excelente servicio, muchas gracias', 'es')).toBeGreaterThan(0.5);
  });

  // An outside tester (session 22): these scored 0.00.
  test.each([
    ['el repartidor fue muy grosero conmigo', 'es'],
    ['no me llegó nada', 'es'],
    ['no me llego nada', 'es'],
    ['tardaron mucho', 'es'],
    ['the courier was rude', 'en'],
    ['nothing arrived', 'en'],
    ['took ages', 'en'],
  ])('an everyday complaint is negative: %s (%s)', (text, lang) => {
    expect(lexiconSentiment(text, lang)).toBeLessThan(-0.3);
  });

  // Outside test 26: these scored 0, so the trend and the unhappy-customer routing missed them. The tester's five
  // and our own phrasings of the same complaints, in both languages.
  test.each([
    ['you guys suck', 'en'],
    ["wait, you didn't solve my problem!", 'en'],
    ['it was order 12345, the box was crushed', 'en'],
    ['I got charged twice for my order', 'en'],
    ['me cobraron dos veces el pedido', 'es'],
    ['this shop sucked', 'en'],
    ['the parcel came smashed', 'en'],
    ['your card machine billed me twice', 'en'],
    ['the agent did not help, it is still not solved', 'en'],
    ['la caja venía aplastada', 'es'],
    ['el paquete llegó destrozado', 'es'],
    ['hay un doble cobro en mi tarjeta', 'es'],
    ['no me habéis resuelto nada', 'es'],
  ])('a shop complaint is negative: %s (%s)', (text, lang) => {
    expect(lexiconSentiment(text, lang)).toBeLessThan(-0.3);
  });

  test('"charged" and "solve" alone stay neutral; a problem we left unsolved reaches the escalation threshold', () => {
    expect(lexiconSentiment('was I charged for the shipping?', 'en')).toBe(0);
    expect(lexiconSentiment('can you solve it today?', 'en')).toBe(0);
    expect(lexiconSentiment('¿me cobraron el envío?', 'es')).toBe(0);
    expect(lexiconSentiment("you didn't solve my problem!", 'en')).toBeLessThanOrEqual(-0.6);
    // Money taken twice states a problem: above the threshold, so the payment answer comes before a person.
    expect(lexiconSentiment('I was charged twice', 'en')).toBeGreaterThan(-0.6);
  });

  test.each([...SENTIMENT_SET, ...SENTIMENT_GENDER_SET, ...SENTIMENT_EVERYDAY_SET])('labelled: %s (%s) → %d', (text, lang, gold) => {
    const s = lexiconSentiment(text, lang);
    expect(s > 0.05 ? 1 : s < -0.05 ? -1 : 0).toBe(gold);
  });
});
