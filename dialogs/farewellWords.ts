/**
 * Whether a message read as a goodbye says one in words. "see" alone (or beside an attachment link) was answered
 * "Goodbye! Write any time." (outside tester): the intent model learnt "see" from "see you later". Only a real farewell
 * ends the chat; anything else the model calls a goodbye was not understood.
 */
const L = '\\p{L}';
const FAREWELL = new RegExp(
  `(?<![${L}])(?:${[
    // English
    'bye+',
    'bye ?bye',
    'good ?bye',
    'good ?night',
    'farewell',
    'cheerio',
    'cya',
    'ttyl',
    'take care',
    'see (?:you|ya|u)',
    '(?:talk|speak|catch you|chat) (?:to you )?(?:later|soon)',
    // "later" only as the last word: "later delivery of 12345?" is a question.
    'later(?=[\s!.]*$)',
    'until next time',
    '(?:have|enjoy) a (?:nice|good|great|lovely) (?:day|evening|night|weekend|one)',
    "(?:i'?m|i am) (?:done|off|leaving)",
    "(?:that'?s|thats) (?:all|it|everything)",
    'nothing (?:else|more)',
    'all sorted',
    "(?:gotta|got to|have to|i'?ll|i will|i need to) go",
    'thanks for now',
    // Spanish
    'adi[oó]s',
    'chao',
    'chau',
    'hasta (?:luego|pronto|ma[ñn]ana|otra|la pr[oó]xima|siempre|la vista)',
    'nos vemos',
    'me despido',
    'me voy',
    'me tengo que ir',
    'hablamos (?:luego|pronto|otro d[ií]a)',
    'luego hablamos',
    'cu[ií]da(?:te|os|se)',
    'buenas noches',
    'que (?:tengas|teng[aá]is|tenga) (?:un )?(?:buen|buena)',
    'buen fin de semana',
    'eso (?:es|era) todo',
    'nada m[aá]s',
    'ya (?:est[aá]|termin[eé])',
    'todo listo',
  ].join('|')})(?![${L}])`,
  'iu',
);

export function saysFarewell(text: string): boolean {
  return FAREWELL.test(text.toLowerCase().replace(/[’`´]/g, "'"));
}
