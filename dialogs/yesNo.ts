/**
 * Reading a yes or a no, in English and Spanish, the way the prompt that asked reads it: never through the intent
 * model (which once read a bare "no" as a wish to withdraw consent). Only short answers count; anything longer is a
 * new request and goes back to the router, so an answer that is not clearly yes changes nothing.
 */
export type YesNo = 'yes' | 'no';

const YES = new Set([
  'yes',
  'yeah',
  'yea',
  'yep',
  'yup',
  'ya',
  'sure',
  'ok',
  'okay',
  'okey',
  'k',
  'y',
  'correct',
  'right',
  'confirm',
  'confirmed',
  'absolutely',
  'definitely',
  'affirmative',
  'si',
  'sí',
  'claro',
  'vale',
  'dale',
  'correcto',
  'exacto',
  'venga',
  'adelante',
  'confirmo',
  'afirmativo',
  'perfecto',
  // Mexican Spanish (outside tester 32, M12); "va" is also "goes" ("va bien"), so a yes only alone, like "y", "ya".
  'simón',
  'simon',
  'sip',
  'ándale',
  'andale',
  'órale',
  'orale',
  'va',
  '👍',
]);
/** Yes words that are other words too ("y" and, "ya" already, "va" goes): a yes only on their own. */
const YES_ALONE = new Set(['y', 'ya', 'va']);
const YES_PHRASES = ['of course', 'go ahead', 'do it', 'please do', 'por supuesto', 'de acuerdo', 'hazlo', 'desde luego'];
const NO = new Set([
  'no',
  'nope',
  'nah',
  'nay',
  'n',
  'not',
  "don't",
  'dont',
  'never',
  'negative',
  'nothing',
  'nunca',
  'tampoco',
  'negativo',
  'nada',
  'olvídalo',
  'olvidalo',
  'déjalo',
  'dejalo',
  'nein',
  'non',
  '👎',
]);
const NO_PHRASES = [
  'never mind',
  'nevermind',
  'no thanks',
  'no thank you',
  'not now',
  'not really',
  'no gracias',
  'ahora no',
  'para nada',
  'mejor no',
  'en absoluto',
  'de ninguna manera',
  'i changed my mind',
  'he cambiado de opinión',
  'he cambiado de opinion',
  "that's all",
  'that is all',
  "i'm good",
  "i'm fine",
  'all good',
  'eso es todo',
  'nada más',
  'nada mas',
  'estoy bien',
  'es todo',
];
/**
 * What may follow a bare no without making it a request ("not now", "no, I don't want that", "nothing else"): "I
 * don't remember my password" and "the parcel never came" name something, so they go to the router.
 */
const NO_TAIL = new Set([
  'want',
  'need',
  'sure',
  'now',
  'really',
  'else',
  'more',
  'today',
  'yet',
  'anymore',
  'way',
  'one',
  'quiero',
  'necesito',
  'más',
  'mas',
  'hoy',
  'seguro',
  'todavía',
  'todavia',
  'ya',
  'otra',
  'cosa',
  'idea',
  'clue',
  'sé',
  'se',
]);
/** Words that may surround a bare answer without making it a new request. */
const FILLER = new Set([
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'you',
  'thx',
  'ty',
  'por',
  'favor',
  'gracias',
  'muchas',
  'it',
  'that',
  'this',
  'is',
  'all',
  'fine',
  'just',
  'so',
  'well',
  'oh',
  'um',
  'uh',
  'hmm',
  'eso',
  'es',
  'todo',
  'lo',
  'the',
  'i',
  'am',
  "i'm",
  'im',
  'we',
  'are',
  'good',
  'bien',
  'estoy',
  'then',
  'entonces',
  'pues',
  'bueno',
  'vale',
  'ok',
  'okay',
  'go',
  'ahead',
  'do',
  'thing',
  'sir',
  'señor',
  'señora',
  'much',
  'very',
  'bye',
  'adiós',
  'adios',
  'chao',
  'gracias.',
  'for',
  'now',
  'más',
  'mas',
  'more',
  'nothing',
  'else',
  'anything',
  'nada',
]);

// A turn reads the same text's words in several places (language, consent, yes/no, human request): the last
// text's words are kept, readonly for callers. Not Object.freeze: V8's filter, some and join on a frozen array are
// several times slower (measured), which cost more than the split saved.
let lastText: string | undefined;
let lastWords: readonly string[] = [];

export function words(text: string): readonly string[] {
  if (text === lastText) return lastWords;
  lastWords = text
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .split(/[^\p{L}\p{N}'👍👎]+/u)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
  lastText = text;
  return lastWords;
}

/**
 * 'yes', 'no', or undefined when the text is not a bare answer (a new request, or both at once). Where only an
 * explicit yes may act (consent, a change that cannot be taken back), read with dialogs/explicitYes.ts instead.
 */
export function readYesNo(text: string | undefined): YesNo | undefined {
  // A turn asks this of the same message in several places (the pending answer, the router, the prompts' validators):
  // the last text's answer is kept, as words() keeps its words (the answer depends on the text alone).
  const t = text ?? '';
  if (t === yesNoText) return yesNo;
  yesNo = yesNoOf(t);
  yesNoText = t;
  return yesNo;
}

let yesNoText: string | undefined;
let yesNo: YesNo | undefined;

/** The phrases as readYesNo looks for them (between spaces), and their words: made once, not per call. */
const YES_PHRASES_PADDED = YES_PHRASES.map((p) => ` ${p} `);
const NO_PHRASES_PADDED = NO_PHRASES.map((p) => ` ${p} `);
const YES_PHRASE_WORDS = new Set(YES_PHRASES.flatMap((p) => p.split(' ')));
const NO_PHRASE_WORDS = new Set(NO_PHRASES.flatMap((p) => p.split(' ')));

function yesNoOf(text: string): YesNo | undefined {
  const w = words(text);
  if (w.length === 0 || w.length > 7) return undefined;
  const joined = ` ${w.join(' ')} `;
  const yesSet = YES;
  const hasNo = w.some((x) => NO.has(x)) || NO_PHRASES_PADDED.some((p) => joined.includes(p));
  // "y" and "ya" are also Spanish "and" and "already" ("¿y puedo devolverlo?"): a yes only on their own.
  const hasYes = (yesSet.has(w[0]) && !(w.length > 1 && YES_ALONE.has(w[0]))) || YES_PHRASES_PADDED.some((p) => joined.startsWith(p));
  // "sure, no problem" is not a refusal; everything else with a negation in it is not a yes.
  const noProblem = /\bno (problem|worries|problema)\b/.test(joined);
  if (hasYes && (!hasNo || noProblem)) {
    const rest = w.filter((x) => !yesSet.has(x) && !YES.has(x) && !FILLER.has(x) && !YES_PHRASE_WORDS.has(x));
    // "yes, cancel it", "sí, cancélalo": the confirmed action may be named again; more than that is a new request.
    return rest.length <= 2 ? 'yes' : undefined;
  }
  if (hasNo && !hasYes) {
    const rest = w.filter((x) => !NO.has(x) && !FILLER.has(x) && !NO_PHRASE_WORDS.has(x));
    return rest.length <= 2 && rest.every((x) => NO_TAIL.has(x)) ? 'no' : undefined;
  }
  return undefined;
}
