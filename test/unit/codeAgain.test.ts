import { asksCodeAgain, missesCodeAgain } from '../../dialogs/codeQuestion';

/** After the code question closed, only words about the one-time code start a verification again (dialogs/codeAgain.ts). */
describe('asking for the code again, outside the code question', () => {
  test.each([
    'send me a new code',
    'resend the code',
    "I didn't get the code, send another",
    'can you send the code again?',
    'mándame otro código',
    'reenvíame el código',
  ])('%j asks for a new code, pending or not', (text) => {
    expect(asksCodeAgain(text, false)).toBe(true);
    expect(asksCodeAgain(text, true)).toBe(true);
  });

  test.each(['send another one', 'resend it'])('%j asks for it only while a verification is pending', (text) => {
    expect(asksCodeAgain(text, true)).toBe(true);
    expect(asksCodeAgain(text, false)).toBe(false);
  });

  test.each([
    'send me a new discount code',
    'my jacket is torn, can you send me a new one',
    'resend the gift voucher code',
    "don't send another code",
    'what is the code for free shipping',
  ])('%j is no ask for the one-time code', (text) => {
    expect(asksCodeAgain(text, true)).toBe(false);
  });

  test('"I never got the code" names the code; "I never got my parcel" does not', () => {
    expect(missesCodeAgain('I never got the code')).toBe(true);
    expect(missesCodeAgain('no me ha llegado el código')).toBe(true);
    expect(missesCodeAgain('I never got my parcel')).toBe(false);
    expect(missesCodeAgain("I didn't get the discount code")).toBe(false);
  });
});
