import { hasPaymentCard, maskPaymentCards, passesLuhn } from '../../models/paymentCards';

describe('payment card numbers in text (models/paymentCards.ts)', () => {
  test.each([
    // The tester's
    ['¿sigue ahí alguien? mi tarjeta 4111 1111 1111 1111', '¿sigue ahí alguien? mi tarjeta •••• •••• •••• 1111'],
    // Ours: dashes, no separators, 15-digit Amex, a security code or a reference beside the card.
    ['card 5555-5555-5555-4444 please', 'card •••• •••• •••• 4444 please'],
    ['4012888888881881', '•••• •••• •••• 1881'],
    ['amex 3782 822463 10005.', 'amex •••• •••• •••• 0005.'],
    ['4111111111111111 123', '•••• •••• •••• 1111 123'],
    ['ref 77 4111 1111 1111 1111 thanks', 'ref 77 •••• •••• •••• 1111 thanks'],
    ['two: 4111111111111111 and 5555555555554444', 'two: •••• •••• •••• 1111 and •••• •••• •••• 4444'],
  ])('masked, last four kept: %j', (text, masked) => {
    const out = maskPaymentCards(text);
    expect(out.text).toBe(masked);
    expect(out.cards).toBeGreaterThan(0);
    expect(out.text).not.toMatch(/\d{5}.*\d{4}$|4111 1111|41111111/);
  });

  test.each([
    'where is order 12345?',
    'my order 1234567890 and my phone +34 600 000 000',
    'call me on +44 7700 900123',
    // Luhn-invalid: a long reference, a mistyped card
    '4111 1111 1111 1112',
    'tracking 1234567890123',
    // Placeholders and numbers inside words
    '0000 0000 0000 0000',
    'code AB4111111111111111',
    '',
  ])('left as it is: %j', (text) => {
    expect(maskPaymentCards(text)).toEqual({ text, cards: 0 });
    expect(hasPaymentCard(text)).toBe(false);
  });

  test('the Luhn check', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});
