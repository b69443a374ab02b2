import { namesContactChange } from '../../dialogs/contactChangeWords';

describe('a contact change named in words (dialogs/contactChangeWords.ts)', () => {
  test.each([
    'change my number to +34 600 000 000',
    'update my email',
    'my new number is 07700 900123',
    'ana@example.com is my new address',
    'I want to change my phone number',
    'cambia mi número',
    'quiero actualizar mi correo',
    'my number is wrong',
  ])('names one: %j', (text) => expect(namesContactChange(text)).toBe(true));

  test.each([
    // The tester's
    'i dont remember the number',
    // Ours
    'no idea what the number is',
    "I don't know the number",
    'what number?',
    'no me acuerdo del número',
  ])('names none: %j', (text) => expect(namesContactChange(text)).toBe(false));
});
