import { isQuestion } from './questionForm';

/**
 * "what do you do with my email address?", "how do you use my personal data?", "do you sell my phone number?", "¿qué
 * hacéis con mi correo?": a question about how the customer's data is used. Answered (how it is used, how to get a
 * copy or have it erased); nothing changes (an outside tester's was offered "Change my e-mail or phone"). English and
 * Spanish; a plain function of the text.
 */
const L = '\\p{L}';
const phrase = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'u');

/** What is done with it: used, kept, shared, sold, stored, needed for. */
const USE = phrase(
  [
    `what (?:do|will|did|does) (?:you|u|you guys|you people|y'all|your company|the company|your team) (?:do|use)|what happens (?:to|with)|what (?:is|are) (?:it|they) used for|what for|how (?:do|will|does) (?:you|the company) (?:use|store|keep|protect|handle|process)|why do you (?:need|want|ask for|keep|store)|(?:do|will|would) you (?:sell|share|give|pass|keep|store|use)|who (?:do you share|sees|can see|has access)|how long do you (?:keep|store)|where (?:do you (?:keep|store)|is (?:it|my \\w+) (?:kept|stored))|is (?:it|my \\w+) (?:safe|shared|sold)`,
    `qu[eé] (?:pasa|ocurre|sucede) con|qu[eé] (?:hac[eé]is|hacen|hac[eé]s|har[eé]is|har[aá]n) con|para qu[eé] (?:us[aá]is|usan|quer[eé]is|quieren|necesit[aá]is|necesitan|sirve|lo|la|los|las)|c[oó]mo (?:us[aá]is|usan|guard[aá]is|guardan|proteg[eé]is|protegen|trat[aá]is|tratan)|(?:vend[eé]is|venden|compart[ií]s|comparten|ced[eé]is|ceden|guard[aá]is|guardan)|qui[eé]n (?:ve|puede ver|tiene acceso)|cu[aá]nto tiempo (?:guard[aá]is|guardan)`,
  ].join('|'),
);
/** The customer's data: their e-mail, phone, address, details, personal data. */
const DATA = phrase(
  `(?:my|our) (?:e-?mail(?: address)?|email address|phone(?: number)?|number|address|details|data|information|info|personal \\w+)|personal (?:data|information|details)|(?:mi|mis|nuestro|nuestros) (?:correo(?: electr[oó]nico)?|e-?mail|tel[eé]fono|n[uú]mero|direcci[oó]n|datos(?: personales)?|informaci[oó]n)|datos personales|privacy|privacidad|gdpr|rgpd`,
);

/** Whether the message asks how the customer's data is used, kept or shared. */
export function asksDataUse(text: string): boolean {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  return isQuestion(t) && USE.test(t) && DATA.test(t);
}
