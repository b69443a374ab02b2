/**
 * Payment card numbers in free text (PCI DSS: a full card number must never be stored where it can be read back).
 * A run of 13 to 19 digits, single spaces or dashes between digit groups allowed, that passes the Luhn check, is a
 * card number: order numbers (5 to 10 digits), phone numbers ("+34 600 000 000", 11 or 12 digits, or Luhn-invalid)
 * and most other long numbers are left as they are. Masking keeps the last four digits, the only part PCI allows to
 * show. Pure functions, no framework imports: the store's guard (store/guardedRecords.ts) and the bot turn read them.
 */

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

// Digits with single spaces or dashes between them, not inside a longer run of digits or a word ("A4111…", "…1111x").
const CANDIDATE = /(?<![\p{L}\p{N}])\d(?:[ -]?\d){12,22}(?![\p{L}\p{N}])/gu;

/** The Luhn (mod 10) check every payment card number passes (ISO/IEC 7812-1). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isCardNumber(digits: string): boolean {
  // All one digit ("0000 0000 0000 0000") passes Luhn but is a placeholder, not a card.
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && passesLuhn(digits) && !/^(\d)\1*$/.test(digits);
}

/**
 * The card number in a run of digit groups: the whole run, else the longest stretch of whole groups that is one
 * ("4111 1111 1111 1111 123" with its security code, "ref 77 4111…"), so a number beside a card does not hide it.
 */
function cardIn(run: string): { before: string; digits: string; after: string } | undefined {
  const whole = run.replace(/[ -]/g, '');
  if (isCardNumber(whole)) return { before: '', digits: whole, after: '' };
  const parts = run.split(/([ -])/);
  const groups = parts.filter((_, i) => i % 2 === 0);
  for (let size = groups.length - 1; size >= 1; size--)
    for (let from = 0; from + size <= groups.length; from++) {
      const digits = groups.slice(from, from + size).join('');
      if (digits.length < MIN_DIGITS || !isCardNumber(digits)) continue;
      return { before: parts.slice(0, from * 2).join(''), digits, after: parts.slice((from + size) * 2 - 1).join('') };
    }
  return undefined;
}

/** How a masked card reads: the last four digits only. */
export function maskedCard(lastFour: string): string {
  return `•••• •••• •••• ${lastFour}`;
}

export interface MaskedText {
  text: string;
  /** How many card numbers were hidden. */
  cards: number;
}

/** The text with every payment card number in it masked (see above); the same text when it holds none. */
export function maskPaymentCards(text: string): MaskedText {
  // Most messages have no run of 13 digits at all: nothing to scan.
  if (typeof text !== 'string' || !/\d{4}/.test(text)) return { text, cards: 0 };
  let cards = 0;
  const masked = text.replace(CANDIDATE, (run) => {
    const found = cardIn(run);
    if (!found) return run;
    cards++;
    return found.before + maskedCard(found.digits.slice(-4)) + found.after;
  });
  return { text: cards ? masked : text, cards };
}

/** Whether the text holds a payment card number. */
export function hasPaymentCard(text: string): boolean {
  return maskPaymentCards(text).cards > 0;
}
