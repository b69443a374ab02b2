import { loadConfig } from '../../core/config';
import { isAppError } from '../../core/errors';
import { decidePhoneRegion, localeRegion, nationalToE164 } from '../../models/phoneNumbers';
import { extractContact } from '../../dialogs/contactDetailsDialog';

describe('phone numbers typed at home, made E.164 for their country', () => {
  test.each([
    ['07700 900123', 'GB', '+447700900123'],
    ['7700 900123', 'GB', '+447700900123'],
    ['(020) 7946 0958', 'GB', '+442079460958'],
    ['600 123 456', 'ES', '+34600123456'],
    ['(415) 555-0132', 'US', '+14155550132'],
    ['1 415 555 0132', 'US', '+14155550132'],
    ['030 1234567', 'DE', '+49301234567'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['0412 345 678', 'AU', '+61412345678'],
  ])('%s in %s is %s', (typed, region, e164) => expect(nationalToE164(typed, region)).toBe(e164));

  test.each([
    ['07700 900123', 'US'],
    ['07700 900123', 'ES'],
    ['0770 09', 'GB'],
    ['123 456 789', 'ES'],
    ['07700 900123', 'XX'],
  ])('%s is no number of %s', (typed, region) => expect(nationalToE164(typed, region)).toBeUndefined());

  test('the country: the profile first, then the locale, then the company default; none when none is known', () => {
    expect(decidePhoneRegion({ profileCountry: 'es', channelLocale: 'en-GB', defaultRegion: 'US' })).toBe('ES');
    expect(decidePhoneRegion({ profileCountry: 'Narnia', channelLocale: 'en-GB', defaultRegion: 'US' })).toBe('GB');
    expect(decidePhoneRegion({ channelLocale: 'en', defaultRegion: 'IE' })).toBe('IE');
    expect(decidePhoneRegion({ channelLocale: 'es-419' })).toBeUndefined();
    expect([localeRegion('en_GB'), localeRegion('zh-Hant-TW'), localeRegion(undefined)]).toEqual(['GB', undefined, undefined]);
  });

  test('the contact reader: local numbers placed by the region, unplaced without one, the international forms as before', () => {
    expect(extractContact('and my phone to 07700 900123', 'GB')).toEqual({ type: 'phone', value: '+447700900123' });
    expect(extractContact('and my phone to 07700 900123')).toEqual({ type: 'unplaced', typed: '07700 900123' });
    expect(extractContact('and my phone to 07700 900123', 'US')).toEqual({ type: 'unplaced', typed: '07700 900123' });
    expect(extractContact('0044 7700 900123')).toEqual({ type: 'phone', value: '+447700900123' });
    expect(extractContact('+44 7700 900123', 'ES')).toEqual({ type: 'phone', value: '+447700900123' });
    expect(extractContact('my number is 12345', 'GB')).toBeUndefined();
    expect(extractContact('ana@new.example and 07700 900123', 'GB')).toEqual({ type: 'email', value: 'ana@new.example' });
  });
});

describe('DEFAULT_PHONE_REGION', () => {
  test('a country this service knows, upper-cased; absent by default; anything else refused with the list', () => {
    expect(loadConfig({ DEFAULT_PHONE_REGION: ' gb ' }).defaultPhoneRegion).toBe('GB');
    expect(loadConfig({}).defaultPhoneRegion).toBeUndefined();
    let err: unknown;
    try {
      loadConfig({ DEFAULT_PHONE_REGION: 'UK' });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as { details: string[] }).details).toEqual([expect.stringMatching(/^DEFAULT_PHONE_REGION.*one of GB, IE, ES/)]);
  });
});
