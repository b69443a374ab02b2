/**
 * A request for a copy of one's personal data (GDPR art. 15, access and portability): "can I get a copy of all the data
 * you hold on me?", "what data do you have about me?", "quiero una copia de mis datos". The classifier has no intent for
 * it and offered "Delete my account" (outside tester, M1): a copy is never an erasure. Staff make the copy
 * (GET /api/customers/:id/export), so the request goes to a person, tagged, with no deletion offered.
 */
const EN_DATA = String.raw`(?:(?:my|personal)\s+(?:personal\s+)?(?:data|information|info)|every\s?thing\s+(?:(?:that\s+)?you\s+(?:hold|have|store|keep|know|collect(?:ed)?)|(?:that\s+)?is\s+(?:stored|kept|held))\s+(?:about|on|of)\s+me|(?:the\s+)?(?:data|information|info)\s+(?:(?:that\s+)?you\s+(?:hold|have|store|keep|collect(?:ed)?)\s+)?(?:about|on|of)\s+me)`;
const EN_COPY = new RegExp(
  String.raw`(?<![\p{L}])(?:` +
    // "a copy of my data", "download everything you store about me", "export my personal data"
    String.raw`(?:copy|copies|download|export|extract|access\s+to|request\s+for|report\s+of|file\s+with)\s+(?:of\s+)?(?:all\s+)?(?:of\s+)?${EN_DATA}` +
    // "send me my personal data", "give me all the data you hold on me", "see my data"
    String.raw`|(?:send|give|email|e-mail|mail|show)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?${EN_DATA}` +
    String.raw`|(?:see|view|get|obtain|receive)\s+(?:all\s+)?(?:of\s+)?(?:(?:my|the)\s+)?(?:data|information)\s+(?:(?:that\s+)?you\s+(?:hold|have|store|keep)\s+)?(?:about|on|of)\s+me` +
    // "what data do you have about me?", "what do you store about me?"
    String.raw`|what\s+(?:personal\s+)?(?:data|information|info)\s+(?:do|does|did)\s+(?:you|your\s+company|the\s+company)\s+(?:hold|have|store|keep|collect)` +
    String.raw`|what\s+do\s+you\s+(?:hold|have|store|keep|know)\s+(?:about|on)\s+me` +
    String.raw`|(?:subject\s+)?access\s+request|\bdsar\b|data\s+portability` +
    String.raw`)(?![\p{L}])`,
  'iu',
);
const ES_COPY = new RegExp(
  String.raw`(?<![\p{L}])(?:` +
    String.raw`(?:copia|descarga|descargar|exportar|exportaci[oó]n|acceso\s+a|acceder\s+a|ver|obtener|recibir)\s+(?:de\s+)?(?:todos\s+)?(?:los\s+|la\s+)?(?:mis?\s+)?(?:datos|informaci[oó]n)(?:\s+personales)?` +
    String.raw`|(?:env[ií]a(?:d|me|dme|rme)?|m[aá]nda(?:d|me|dme)|d[aá]me|dadme|p[aá]same)\s+(?:una\s+copia\s+de\s+)?(?:todos\s+)?(?:mis|los)\s+datos` +
    String.raw`|qu[eé]\s+(?:datos|informaci[oó]n)\s+(?:personales\s+)?(?:ten[eé]is|tienen|tienes|guard[aá]is|guardan|almacen[aá]is|almacenan|hay)` +
    String.raw`|(?:todo\s+)?lo\s+que\s+(?:ten[eé]is|tienen|guard[aá]is|guardan|sab[eé]is|saben)\s+(?:de|sobre)\s+m[ií]` +
    String.raw`|derecho\s+de\s+acceso|portabilidad` +
    String.raw`)(?![\p{L}])`,
  'iu',
);
/** Erasure words: "delete my data" is the deletion flow's, never a copy. */
const ERASURE = /(?<![\p{L}])(?:delete|erase|remove|wipe|forget|destroy|borra[rd]?|borr[eé]is|eliminar?|elimin[eé]is|suprimir|olvidad)(?![\p{L}])/iu;

export function asksDataCopy(text: string): boolean {
  if (ERASURE.test(text)) return false;
  return EN_COPY.test(text) || ES_COPY.test(text);
}
