import { reportsAccountMisuse, reportsMissingParcel } from '../../dialogs/reportedProblems';

describe('problems reported in so many words (dialogs/reportedProblems.ts)', () => {
  test.each([
    "I didn't order this, someone used my account",
    'I think my account was hacked',
    'someone else must have logged in to my account',
    'there is a charge on my card which I never authorised',
    'I did not place this order',
    'unauthorized purchase on my account',
    'this looks like fraud',
    'alguien ha usado mi cuenta',
    'me han hackeado la cuenta',
    'no reconozco este cargo',
    'hay un pedido que yo no he hecho',
  ])('account misuse: %s', (text) => expect(reportsAccountMisuse(text)).toBe(true));

  test.each([
    'can someone help me with my account?',
    'I want to order this in blue',
    'how do I change my account e-mail?',
    'nobody used my account, I just forgot the password',
    '¿alguien puede ayudarme con mi cuenta?',
  ])('no misuse: %s', (text) => expect(reportsAccountMisuse(text)).toBe(false));

  test.each([
    'my package says delivered but I never got it',
    'the tracking shows delivered, nothing came',
    'it was marked as delivered but the parcel is not here',
    'pone que está entregado pero no me ha llegado',
    'aparece como entregado y no lo tengo',
  ])('missing parcel: %s', (text) => expect(reportsMissingParcel(text)).toBe(true));

  test.each([
    "I haven't received it yet, when will it be delivered?",
    'was order 12345 delivered?',
    'order 67890 was delivered, thanks, it is perfect',
    'I never got the confirmation e-mail',
    '¿cuándo me entregan el pedido? aún no ha llegado',
  ])('no missing parcel: %s', (text) => expect(reportsMissingParcel(text)).toBe(false));
});
