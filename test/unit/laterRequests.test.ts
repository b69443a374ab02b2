import { asksDataCopy } from '../../dialogs/dataAccessRequest';
import { asksSomethingElse, reasonIn } from '../../dialogs/laterRequests';

describe('free-text answers, reasons in requests and data-copy requests', () => {
  test.each([
    ['what about my email change?', true],
    ['where is my other order?', true],
    ['and my phone number', true],
    ['¿y lo de mi correo?', true],
    ['it arrived damaged', false],
    ['the zipper broke, can I get my money?', false],
    ['too small', false],
    ['I just do not like the colour', false],
  ])('at a reason prompt, %j is something else: %s', (text, other) => expect(asksSomethingElse(text)).toBe(other));

  test.each([
    ['hi my order 67890 arrived broken and i want my money back', 'en', 'it arrived damaged'],
    ['refund 12345, it does not fit', 'en', 'wrong size'],
    ['the parcel never arrived, refund please', 'en', 'it never arrived'],
    ['quiero un reembolso, llegó roto', 'es', 'llegó dañado'],
    ['it is not broken, I just want a refund', 'en', undefined],
    ['I want a refund for order 12345', 'en', undefined],
  ])('the reason in %j (%s): %j', (text, language, reason) => expect(reasonIn(text, language)).toBe(reason));

  test.each([
    ['can i get a copy of all the data you hold on me (GDPR)?', true],
    ['send me my personal data please', true],
    ['what do you store about me?', true],
    ['quiero descargar mi información', true],
    ['¿qué datos tenéis sobre mí?', true],
    ['delete my data', false],
    ['borrad todos mis datos', false],
    ['send me the details of order 12345', false],
    ['change my personal details', false],
    ['how do you use my data?', false],
  ])('%j asks for a copy of the data: %s', (text, copy) => expect(asksDataCopy(text)).toBe(copy));
});
