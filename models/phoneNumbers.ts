/**
 * Phone numbers as customers type them at home ("07700 900123", "600 123 456", "(415) 555-0132"), made E.164
 * (ITU-T E.164: "+", country code, national significant number) for one country: its calling code, the trunk prefix
 * dialled before the number at home and left out of the international form, and the lengths its national numbers
 * have. A number that does not fit its country is not guessed at: the bot asks for it with its country code.
 *
 * Only the countries below: where the service is used. A region outside them decides nothing, as if none were known.
 */
interface PhoneRegion {
  /** Country calling code, digits. */
  code: string;
  /** Dialled before a national number at home and dropped in E.164 ("0" in the UK, "1" in the NANP); none where kept. */
  trunk?: string;
  /** Lengths of the national significant number, digits. */
  lengths: readonly number[];
  /** What the national significant number starts with, where that tells a number from something else. */
  first?: RegExp;
}

const NANP: PhoneRegion = { code: '1', trunk: '1', lengths: [10], first: /^[2-9]\d{2}[2-9]/ };

export const PHONE_REGIONS: Readonly<Record<string, PhoneRegion>> = {
  GB: { code: '44', trunk: '0', lengths: [9, 10], first: /^[1-9]/ },
  IE: { code: '353', trunk: '0', lengths: [7, 8, 9], first: /^[1-9]/ },
  ES: { code: '34', lengths: [9], first: /^[6-9]/ },
  PT: { code: '351', lengths: [9], first: /^[29]/ },
  FR: { code: '33', trunk: '0', lengths: [9], first: /^[1-9]/ },
  BE: { code: '32', trunk: '0', lengths: [8, 9], first: /^[1-9]/ },
  NL: { code: '31', trunk: '0', lengths: [9], first: /^[1-9]/ },
  DE: { code: '49', trunk: '0', lengths: [6, 7, 8, 9, 10, 11, 12, 13], first: /^[1-9]/ },
  MX: { code: '52', lengths: [10], first: /^[1-9]/ },
  AU: { code: '61', trunk: '0', lengths: [9], first: /^[2-478]/ },
  US: NANP,
  CA: NANP,
};

/** An ISO 3166-1 alpha-2 code this module knows, upper case; undefined otherwise. */
export function phoneRegion(code: unknown): string | undefined {
  if (typeof code !== 'string') return undefined;
  const upper = code.trim().toUpperCase();
  return Object.hasOwn(PHONE_REGIONS, upper) ? upper : undefined;
}

/** The region of a BCP 47 locale ("en-GB" → GB, "es-419" → none), when it is a country this module knows. */
export function localeRegion(locale: string | undefined): string | undefined {
  const region = locale?.split(/[-_]/).find((part, i) => i > 0 && /^[A-Za-z]{2}$/.test(part));
  return phoneRegion(region);
}

/**
 * The country a local number belongs to, most particular first: the one on the customer's profile (the CRM's
 * `country` attribute), the region of the channel's locale ("en-GB"), the company's default (DEFAULT_PHONE_REGION).
 * Undefined when none is known: the number is then asked for with its country code.
 */
export function decidePhoneRegion(o: { profileCountry?: unknown; channelLocale?: string; defaultRegion?: string }): string | undefined {
  return phoneRegion(o.profileCountry) ?? localeRegion(o.channelLocale) ?? phoneRegion(o.defaultRegion);
}

/** A number in its national form, made E.164 for the region; undefined when it is not a number of that region. */
export function nationalToE164(typed: string, region: string): string | undefined {
  const r = PHONE_REGIONS[region];
  if (!r) return undefined;
  let digits = typed.replace(/\D/g, '');
  // No national number starts with its trunk prefix (`first`), so a leading one is the prefix; one written without
  // it ("7700 900123") is a national number all the same.
  if (r.trunk && digits.startsWith(r.trunk) && r.lengths.includes(digits.length - r.trunk.length)) digits = digits.slice(r.trunk.length);
  if (!r.lengths.includes(digits.length)) return undefined;
  if (r.first && !r.first.test(digits)) return undefined;
  return `+${r.code}${digits}`;
}
