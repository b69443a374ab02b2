/**
 * The number in a nameless customer's label ("Visitor 4821"): four digits from the profile's id (FNV-1a over its
 * UTF-16 units), the same in the console, transcripts and the audit log. The store keeps it beside each customer,
 * indexed (schema version 10 on both stores), so the transcripts' customer filter finds a visitor by the label people
 * saw; it is derived from the id alone, so a stored number and a label computed in a browser always agree. Four
 * digits collide: about one visitor in 9,000 shares another's number, and the filter finds all who share it.
 */
export function visitorNumber(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 1000 + (h % 9000);
}

/** The words the console writes before the number, per language (agent-console/web/i18n.ts `visitor`), lower case. */
const LABEL_WORDS = ['visitor', 'visitante'];

/**
 * The visitor number a customer filter's text names, if it reads as a visitor's label: "Visitor 6290", "visitor
 * 6290", "Visitante 6290", "#6290" or the bare "6290" (any case, spaces around). Anything else: undefined.
 */
export function visitorNumberQuery(text: string): number | undefined {
  const m = /^(?:([\p{L}]+)\s*)?#?(\d{4})$/u.exec(text.trim().toLowerCase());
  if (!m || (m[1] !== undefined && !LABEL_WORDS.includes(m[1]))) return undefined;
  const n = Number(m[2]);
  return n >= 1000 && n <= 9999 ? n : undefined;
}
