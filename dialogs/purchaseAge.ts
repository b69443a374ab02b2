/**
 * When the customer says they bought the item: "I bought it 2 months ago", "ordered three weeks ago", "got it last
 * month", "lo compré hace 2 meses", "hace una semana". In a return or refund it is the answer the return window needs,
 * not a failed order number (an outside tester's "I bought it 2 months ago" got "That does not look like an order
 * number"). English and Spanish; a plain function of the text.
 */

export interface PurchaseAge {
  /** About how long ago, in days (a month is 30, a year 365). */
  days: number;
  /** The words that said it ("2 months ago", "hace 2 meses"), to say back. */
  said: string;
}

// prettier-ignore
const NUMBER_WORDS: Record<string, number> = {
  'a couple': 2, 'a few': 3, 'un par': 2, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  couple: 2, few: 3, several: 4,
  un: 1, una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, once: 11, doce: 12, par: 2, unos: 3, unas: 3, varios: 4, varias: 4,
};
const UNIT_DAYS: [RegExp, number][] = [
  [/^(?:days?|d[ií]as?)$/u, 1],
  [/^(?:weeks?|semanas?)$/u, 7],
  [/^(?:months?|mes|meses)$/u, 30],
  [/^(?:years?|a[nñ]os?)$/u, 365],
];

// Longest first: "a couple" before "a".
const AMOUNT = `(\\d{1,3}|${Object.keys(NUMBER_WORDS)
  .sort((x, y) => y.length - x.length)
  .join('|')})(?: of)?`;
const UNIT = 'days?|weeks?|months?|years?|d[ií]as?|semanas?|mes|meses|a[nñ]os?';
/** "2 months ago", "a couple of weeks ago", "hace 2 meses", "hace un par de semanas". */
const AGO = new RegExp(
  `(?<![\\p{L}\\d])(?:${AMOUNT}\\s+(${UNIT})\\s+ago|hace\\s+(?:m[aá]s de |casi |unos |unas )?${AMOUNT}(?: de)?\\s+(${UNIT}))(?![\\p{L}])`,
  'u',
);
/** "last month", "el mes pasado", "yesterday", "ayer". */
const LAST: [RegExp, number][] = [
  [/(?<![\p{L}])(?:yesterday|ayer)(?![\p{L}])/u, 1],
  [/(?<![\p{L}])(?:last week|la semana pasada)(?![\p{L}])/u, 7],
  [/(?<![\p{L}])(?:last month|el mes pasado)(?![\p{L}])/u, 30],
  [/(?<![\p{L}])(?:last year|el a[nñ]o pasado)(?![\p{L}])/u, 365],
];
/** Saying it was bought: the verb must be there ("2 months ago it broke" is no purchase date). */
const BOUGHT =
  /(?<![\p{L}])(?:bought|buy|purchased?|ordered|order(?:ed)? (?:was )?placed|got (?:it|them|this|these)|received|arrived|delivered|compr[eéaoó]\p{L}*|ped[ií]\p{L}*|recib[ií]\p{L}*|lleg[oó]|me (?:lo|la|los|las) (?:entregaron|trajeron))(?![\p{L}])/u;

/** How long ago the customer says they bought (or got) the item; undefined when the message does not say. */
export function purchaseAge(text: string): PurchaseAge | undefined {
  const s = text.toLowerCase().replace(/[’`´]/g, "'");
  if (!BOUGHT.test(s)) return undefined;
  const m = AGO.exec(s);
  if (m) {
    const amount = m[1] ?? m[3];
    const unit = m[2] ?? m[4];
    const n = /^\d+$/.test(amount) ? Number(amount) : NUMBER_WORDS[amount];
    const perUnit = UNIT_DAYS.find(([re]) => re.test(unit))?.[1];
    if (n === undefined || perUnit === undefined) return undefined;
    return { days: n * perUnit, said: m[0].trim() };
  }
  for (const [re, days] of LAST) {
    const l = re.exec(s);
    if (l) return { days, said: l[0] };
  }
  return undefined;
}
