/**
 * Problems a customer reports in so many words that no intent of the model stands for, and that a guess must never
 * answer: an account used by someone else (once offered "Track my order") and a parcel shown as delivered that never
 * came (once answered "Order 67890 was delivered." and nothing more). Both go to a person, read by their words.
 */
const L = '\\p{L}';
const phrase = (alternatives: string[]) => new RegExp(`(?<![${L}])(?:${alternatives.join('|')})(?![${L}])`, 'iu');

const fold = (text: string) =>
  text
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');

/** Someone else in the account or paying with it, an order the customer never placed, fraud named. */
const MISUSE = phrase([
  // "someone used my account", "somebody else has logged into my account", "a stranger got into my account"
  '(?:someone|somebody|some one|a stranger|another person|a hacker|someone else|somebody else)(?: else)? (?:has |had |must have |might have |may have )?(?:used|accessed|logged (?:in|into|on)(?: to)?|got into|gotten into|broke into|hacked(?: into)?|taken over|took over|is using|been using|ordered (?:with|from|on|through)|placed (?:an )?orders? (?:with|from|on|through)) (?:in |into |to )?my (?:account|card|profile|login|details)',
  'my (?:account|profile|login|card)(?: details)? (?:was|has been|got|is|have been|might have been|may have been)(?: been)? (?:hacked|compromised|stolen|taken over|breached|used by (?:someone|somebody|a stranger))',
  'hacked my (?:account|profile|card)',
  "i (?:did not|didn't|never|did n't) (?:place|make|authori[sz]e|put in)(?: this| that| these| those| an| the| any)? (?:order|purchase|payment|charge)s?",
  "(?:orders?|purchases?|charges?|payments?)(?: [\\p{L}']+){0,4} (?:that |which )?i (?:did not|didn't|never) (?:place|make|made|placed|authori[sz]e|authori[sz]ed|order|ordered)",
  'unauthori[sz]ed (?:orders?|purchases?|charges?|payments?|logins?|access|use)',
  'fraud(?:ulent)?',
  'identity theft',
  // "alguien ha usado mi cuenta", "alguien entró en mi cuenta", "me han hackeado la cuenta"
  'alguien (?:ha |habra |ha podido )?(?:usado|uso|utilizado|utilizo|entrado|entro|accedido|accedio|hackeado|hackeo|pirateado|pirateo|esta usando|esta utilizando|pidio con|ha pedido con|compro con|ha comprado con) (?:en |a |con )?mi (?:cuenta|tarjeta|perfil)',
  'me (?:han |habran )?(?:hackeado|pirateado|robado|usurpado) (?:la|mi) (?:cuenta|tarjeta|identidad)',
  'mi (?:cuenta|tarjeta|perfil) (?:ha sido |fue |esta )?(?:hackead[oa]|piratead[oa]|robad[oa]|comprometid[oa]|usad[oa] por otr[oa])',
  'yo no (?:he )?(?:hice|hecho|realice|realizado|pedi|pedido|compre|comprado|autorice|autorizado) (?:este|ese|esos|estos|aquel|el|ningun|un)? ?(?:pedido|compra|cargo|pago)s?',
  '(?:un |este |ese )?(?:pedido|compra|cargo|pago)s? que (?:yo )?no (?:he )?(?:hice|hecho|realice|realizado|pedi|pedido|compre|comprado|autorice|autorizado)',
  'no reconozco (?:este|ese|estos|esos|el|los|un|unos) (?:pedido|compra|cargo|pago)s?',
  '(?:pedido|compra|cargo|pago)s? (?:no autorizad[oa]s?|fraudulent[oa]s?)',
  'fraude',
  'suplantacion de identidad',
]);

/** A customer reporting misuse of their account or card: a security problem for a person, never order tracking. */
export function reportsAccountMisuse(text: string): boolean {
  return MISUSE.test(fold(text));
}

/** The shop or carrier says delivered: "tracking says delivered", "it shows as delivered", "pone entregado". */
const SAID_DELIVERED = phrase([
  '(?:says|say|said|shows|show|showed|showing|marked|marks|listed|status|tracking|supposedly|apparently|claims?|claimed|was|been) (?:it |it was |it is |it has been |as |to be |that it was |that it has been )?delivered',
  '(?:pone|dice|decia|aparece|figura|marca|consta|indica|sale|salia|fue|ha sido|esta|estaba|como|supuestamente) (?:que |como |que esta |que fue |que ha sido )?entregad[oa]',
]);
/** …but it is not here: "never got it", "haven't received it", "nothing arrived", "no me ha llegado". */
const NOT_HERE = phrase([
  "(?:never|not|didn't|did not|haven't|have not|hasn't|has not|havent|didnt|nobody|no one|never actually|still haven't|still have not) (?:ever )?(?:got|gotten|get|received|receive|arrived|arrive|come|came|delivered|here|seen|see|had|have)",
  "(?:it's|it is|its|parcel is|package is|nothing is|nothing's) (?:not |nowhere )?(?:here|anywhere|to be found)",
  '(?:nothing|no parcel|no package|no box) (?:arrived|came|here|was (?:left|delivered))',
  "(?:can't|cannot|can not|couldn't) find (?:it|the (?:parcel|package|box))",
  'missing',
  'no (?:me )?(?:ha |han )?(?:llegado|llego|llegaron|recibido|recibi|entregado|entregaron|dejado|dejaron)',
  'nunca (?:me )?(?:llego|llegaron|lo recibi|la recibi|lo he recibido|recibi)',
  'no (?:lo|la|los|las) (?:tengo|he recibido|recibi|encuentro|veo)',
  'no (?:esta|hay nada|hay ningun paquete)',
  '(?:no ha llegado|no llego) nada',
]);

/** A parcel shown as delivered that the customer does not have: a missing parcel, not a question about status. */
export function reportsMissingParcel(text: string): boolean {
  const t = fold(text);
  return SAID_DELIVERED.test(t) && NOT_HERE.test(t);
}

export type ReportedProblem = 'account_misuse' | 'missing_parcel';

/** Which of these problems the text reports, if any (misuse first: an order never placed is no missing parcel). */
export function reportedProblem(text: string): ReportedProblem | undefined {
  if (reportsAccountMisuse(text)) return 'account_misuse';
  return reportsMissingParcel(text) ? 'missing_parcel' : undefined;
}
