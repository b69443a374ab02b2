import { lacksOrderNumber } from '../../dialogs/orderNumberMissing';

describe('no order number at hand (dialogs/orderNumberMissing.ts)', () => {
  test.each([
    "I don't have the order number",
    "can't find it",
    'I lost the confirmation email',
    'where do I find the number?',
    'no idea, sorry',
    'no tengo el número',
    'no lo encuentro',
    'he borrado el correo',
    'ni idea',
    // Typed without apostrophes, and other ways of saying it (outside test 28).
    'i dont remember the number',
    'I do not recall it',
    'i dont know my order number',
    'no idea what the number is',
    'forgot it',
    'I forgot the number',
    'dunno',
    'no me acuerdo del número',
    'no lo sé',
    'se me olvidó',
  ])('missing: %s', (text) => expect(lacksOrderNumber(text)).toBe(true));

  test.each(['12345', 'it is 55555', 'order #67890 please', 'es el 24680'])('a number: %s', (text) => expect(lacksOrderNumber(text)).toBe(false));
});
