/**
 * Whether a message read as a contact change (the contact.change intent) names one in words: a change verb ("change
 * my number to…", "update my email"), a new contact value (an e-mail address, a phone number), or a contact named as
 * a contact ("my email", "phone number", "my new number", "correo", "teléfono"). "number" alone is not one: "i dont
 * remember the number" at the order number question once started a contact change (outside tester) because the intent
 * model reads "number" as a phone. Without any of these the intent model's guess is not acted on.
 */
const L = '\\p{L}';
const words = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'iu');

const VERB = words(
  `change|changing|changed|update|updating|replace|edit|correct|fix|new|wrong|old|outdated|different|cambi${L}*|actuali[zc]${L}*|modific${L}*|correg${L}*|corrij${L}*|nuev[oa]|antigu[oa]|equivocad[oa]|incorrect[oa]`,
);
const CONTACT_WORD = words(
  `e-?mail(?: address)?|mail address|phone(?: number)?|mobile(?: number)?|cell(?: ?phone)?(?: number)?|telephone|contact(?: details| info(?:rmation)?)?|correo(?: electr[oó]nico)?|tel[eé]fono|m[oó]vil|celular|contacto|datos de contacto`,
);
const VALUE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|\+?\d[\d\s().-]{6,18}\d/u;
/** "my number", "mi número" with a change word beside it: "change my number to…", "my new number is…". */
const NUMBER = words(`numbers?|n[uú]meros?`);

export function namesContactChange(text: string): boolean {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  if (VALUE.test(t) || CONTACT_WORD.test(t)) return true;
  return NUMBER.test(t) && VERB.test(t);
}
