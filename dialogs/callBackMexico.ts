/**
 * Asking to be phoned in Mexican Spanish, where "marcar" and "hablar (por teléfono)" are to call and "al rato" is later:
 * "¿me pueden marcar al rato?", "márcame al cel", "¿me regresan la llamada?". Read by words, like the rest of
 * contactAsks.ts (the intent model has no intent for calls; "al rato" alone once read as a goodbye). Our own phrasings.
 */
const L = '\\p{L}';
/** What may follow "marcar" for it to mean a call (not "marcar el pedido como urgente"). */
const WHEN_OR_WHERE = [
  '$',
  '[?!.,]',
  'al rato',
  'm[aá]s (?:al )?rato',
  'm[aá]s tarde',
  'luego',
  'ma[ñn]ana',
  'hoy',
  'ahorita',
  'ahora',
  'despu[eé]s',
  '(?:en|por) la (?:tarde|ma[ñn]ana|noche)',
  'por favor',
  'porfa',
  'a las',
  'a (?:este|mi|un|otro) (?:n[uú]mero|cel|celular|tel[eé]fono)',
  'al (?:cel|celular|n[uú]mero|tel[eé]fono|fijo)',
  'por tel[eé]fono',
  'otra vez',
  'de nuevo',
  '(?:al |a )?\\+?\\d[\\d\\s().-]{5,}\\d',
].join('|');
const MARCAR =
  '(?:me (?:puedes|pueden|puede|podr[ií]as|podr[ií]an|podr[ií]a|pod[eé]is|podr[ií]ais) marcar|marcarme|m[aá]rcame|m[aá]rqueme|m[aá]rquenme|' +
  'me (?:marcas|marcan|marca|marcar[aá]s|marcar[aá]n)|que (?:alguien )?me marquen?)';
const PHONE_TALK =
  '(?:me (?:puedes|pueden|puede|podr[ií]as|podr[ií]an) hablar|h[aá]blame|h[aá]bleme|h[aá]blenme|me (?:hablas|hablan|hablar[aá]n)|que (?:alguien )?me hablen?) ' +
  '(?:por tel[eé]fono|al (?:cel|celular|tel[eé]fono|fijo))';
const RETURN_CALL = '(?:regr[eé]s(?:a|e|en|as|an|ar)(?:me)?|devu[eé]lv(?:e|a|an)(?:me)?|me regres(?:as|an|[aá]s|ar[aá]n)) la llamada|(?:un )?telefonazo';
const CALL_BACK_MX = new RegExp(`(?<![${L}])(?:${MARCAR}(?= *(?:${WHEN_OR_WHERE}))|${PHONE_TALK}|${RETURN_CALL})(?![${L}])`, 'iu');

/** The customer asks us to phone them, in Mexican words (contactAsks.ts reads the rest and what denies it). */
export function asksCallBackMexico(text: string): RegExpExecArray | null {
  return CALL_BACK_MX.exec(text);
}
