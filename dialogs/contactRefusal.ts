import { readYesNo } from './yesNo';

/**
 * Declining to give a contact detail the bot asked for ("I'd rather not give my email", "prefiero no dar mi correo",
 * "skip that"): read by its words at the questions that ask for one (a new e-mail or phone, the e-mail an order was
 * placed with, an e-mail to answer to). The intent model has no such intent: it read them as changing a contact or
 * as nothing, and the question was asked again and again. A message that carries an address is an answer, never a
 * refusal.
 */
const L = '\\p{L}';
const phrase = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'u');

const GIVE_EN = '(?:give|giving|share|sharing|provide|providing|say|tell|type|send|leave|hand over|disclose)';
const GIVE_ES =
  '(?:dar|darte|daros|darle|darlo|darla|decir|decirte|deciros|decirlo|compartir|compartirlo|compartirla|facilitar|facilitarte|proporcionar|poner|escribir|mandar|enviar)';

const REFUSAL = phrase(
  [
    // English: preference, unwillingness, and "skip it"
    `(?:i'?d|i would) rather not|i'?d prefer not|i prefer not|prefer not to|rather not say`,
    `(?:don't|dont|do not|won't|wont|will not|not going to|not gonna|never) (?:want to |wanna |like to |feel like )?${GIVE_EN}`,
    `not comfortable (?:giving|sharing|with that)|uncomfortable (?:giving|sharing)|keep (?:it|that|this|my [${L}-]+) (?:private|to myself)`,
    `none of your business|no thanks|no,? thank you|no way|skip (?:it|that|this)|let'?s skip|pass on (?:that|this)|not now|not today`,
    `i don'?t have (?:one|an? e-?mail|a phone)|no e-?mail|no (?:phone|number)|without (?:giving )?(?:my )?(?:e-?mail|number|phone)`,
    // Spanish
    `prefiero no|preferir[ií]a no|mejor no|no (?:me )?(?:quiero|voy a|pienso|deseo|me apetece|me gusta) ${GIVE_ES}`,
    `no (?:te|os|le|les)? ?(?:lo |la )?(?:voy a|quiero|pienso) ${GIVE_ES}`,
    `no (?:te |os )?(?:lo |la )?(?:doy|comparto|digo|pongo)|no gracias|paso de (?:dar|eso|darlo)|ni hablar|sin (?:dar )?(?:mi )?(?:correo|email|tel[eé]fono|n[uú]mero)`,
    `no tengo (?:correo|email|e-mail|tel[eé]fono)|prefiero mantener(?:lo|la)? (?:en )?privad[oa]`,
  ].join('|'),
);

/** An e-mail address or an international number: the answer itself (contactDetailsDialog.ts reads which). */
const GIVES_CONTACT = /@|\+\d/;

export function refusesContact(text: string): boolean {
  if (GIVES_CONTACT.test(text)) return false;
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  return readYesNo(t) === 'no' || REFUSAL.test(t);
}
