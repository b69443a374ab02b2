import { readYesNo, words } from './yesNo';

/**
 * The one reader of an explicit yes, for answers that grant or change something the customer owns (consent;
 * destructive confirmations may share it). Unlike readYesNo it has a third reading: an answer to the question that
 * is neither a clear yes nor a clear no ("ok", "yeah whatever", "I guess", "sí, pero no me mandéis spam"). The
 * asker asks again on it and never acts: unclear means no change.
 *
 * - 'yes': a yes word or phrase, optionally with politeness or the action named again, and nothing that hedges,
 *   dismisses, mocks or attaches a condition.
 * - 'no': a plain refusal (readYesNo's no).
 * - 'unclear': an answer, but not a clear one.
 * - undefined: not an answer at all (a new request), which the asker hands back to the router.
 * `naming`: words that name the action asked about, which may follow the yes ("yes, cancel it", "sí, las ofertas").
 */
export type ExplicitAnswer = 'yes' | 'no' | 'unclear';

/**
 * Words that make a yes explicit. "sure" and "sure thing" are a clear yes in English ("sure thing" is an emphatic
 * yes, not a shrug); "ok", "okay", "k", "vale", "dale" and 👍 are acknowledgements, not agreement to something named.
 */
const EXPLICIT_YES = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'confirm',
  'confirmed',
  'absolutely',
  'definitely',
  'si',
  'sí',
  'claro',
  'confirmo',
  'afirmativo',
]);
const EXPLICIT_YES_PHRASES = [
  'of course',
  'please do',
  'go ahead',
  'do it',
  'por supuesto',
  'desde luego',
  'claro que sí',
  'claro que si',
  'sí quiero',
  'si quiero',
];
/** Acknowledgements that agree with nothing in particular: an answer, but not the yes a grant needs. */
const SOFT_YES = new Set([
  ...['ok', 'okay', 'okey', 'k', 'kk', 'vale', 'dale', 'venga', 'bueno', 'fine', 'alright', 'right', 'perfecto', '👍'],
  // Mexican Spanish yeses (M12): answers, asked again in so many words before anything is granted ("va" stays out:
  // it is "goes" as often as a yes).
  ...['simón', 'simon', 'sip', 'ándale', 'andale', 'órale', 'orale'],
]);
const NEGATIONS = new Set(['no', 'not', "don't", 'dont', 'never', 'nunca', 'nada', 'ni', 'nope']);
/** "claro que no", "of course not": a yes word that introduces a refusal. */
const EMPHATIC_NO = /^(claro|por supuesto|desde luego|of course|definitely|absolutely|hell) (que )?(no|not|nunca)\b/;
/** Politeness and the action named again, which may surround an explicit yes. */
const POLITE = new Set([
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'you',
  'thx',
  'por',
  'favor',
  'gracias',
  'muchas',
  'i',
  'do',
  'want',
  'would',
  'like',
  'that',
  'it',
  'them',
  'thing',
  'subscribe',
  'me',
  'sign',
  'up',
  'quiero',
  'me',
  'suscríbeme',
  'suscribeme',
  'apúntame',
  'apuntame',
  'que',
  'sí',
  'si',
  'lo',
  'las',
  'los',
  'hazlo',
]);
/**
 * Hedges, shrugs, sarcasm markers and conditions: an answer carrying any of them is not a clear yes, whatever else it
 * says ("yeah whatever", "I guess", "if you must", "meh", "sure… 🙄", "yes but no spam", "sí, pero sin spam").
 */
const HEDGE_WORDS = new Set([
  'whatever',
  'whatevs',
  'meh',
  'guess',
  'suppose',
  'maybe',
  'perhaps',
  'probably',
  'dunno',
  'idk',
  'must',
  'fine',
  'lol',
  'lmao',
  'rofl',
  'sarcasm',
  'but',
  'unless',
  'except',
  'only',
  'if',
  'though',
  'although',
  'quizás',
  'quizas',
  'quizá',
  'quiza',
  'igual',
  'supongo',
  'pero',
  'aunque',
  'salvo',
  'excepto',
  'solo',
  'sólo',
  'sin',
  'lo',
  'que',
  'sea',
  'bah',
  'pff',
  'pfff',
  'jaja',
  'jajaja',
  'xd',
  '🙄',
  '😒',
  '🤷',
]);
const HEDGE_PHRASES = [
  'i guess',
  'i suppose',
  'if you must',
  'if you insist',
  'if i have to',
  'not sure',
  'i think so',
  'kind of',
  'sort of',
  'as you wish',
  'fine whatever',
  'lo que sea',
  'si insistes',
  'si no queda otra',
  'me da igual',
  'da igual',
  'no sé',
  'no se',
  'yo que sé',
  'supongo que',
  'creo que sí',
  'creo que si',
  'tal vez',
  'a lo mejor',
  'como quieras',
];
/** "/s", "yeah right", "sure jan", "..." trailing a yes: written sarcasm. */
const SARCASM = /(^|\s)\/s\b|\byeah,? right\b|\bsure,? jan\b|\boh,? sure\b|\bya,? claro\b|…|\.\.\.|[🙄😒🤷]/u;

function hedged(text: string, w: readonly string[]): boolean {
  const joined = ` ${w.join(' ')} `;
  return SARCASM.test(text.toLowerCase()) || HEDGE_PHRASES.some((p) => joined.includes(` ${p} `)) || w.some((x) => HEDGE_WORDS.has(x) && !POLITE.has(x));
}

/** Whether a message hedges, shrugs, mocks or attaches a condition ("…, but less often", "I guess"). */
export function isHedged(text: string): boolean {
  return hedged(text, words(text));
}

/** How an answer to a question that grants or changes something reads: see ExplicitAnswer. */
export function readExplicitYes(text: string | undefined, options: { naming?: readonly string[] } = {}): ExplicitAnswer | undefined {
  const raw = text ?? '';
  const w = words(raw);
  if (w.length === 0 || w.length > 10) return undefined;
  const joined = ` ${w.join(' ')} `;
  if (EMPHATIC_NO.test(w.join(' '))) return 'no';
  const naming = new Set(options.naming ?? []);
  const yesWord = w.some((x) => EXPLICIT_YES.has(x)) || EXPLICIT_YES_PHRASES.some((p) => joined.includes(` ${p} `));
  const softWord = w.some((x) => SOFT_YES.has(x));
  const plain = readYesNo(raw);
  if (yesWord || softWord) {
    // A yes with a no in it ("sí, pero no me mandéis spam", "yes no"), a hedge, sarcasm or a condition: unclear.
    if (hedged(raw, w)) return 'unclear';
    if (w.some((x) => NEGATIONS.has(x)) && !/ no (problem|worries|problema) /.test(joined)) return 'unclear';
    const rest = w.filter(
      (x) => !EXPLICIT_YES.has(x) && !SOFT_YES.has(x) && !POLITE.has(x) && !naming.has(x) && !EXPLICIT_YES_PHRASES.some((p) => p.split(' ').includes(x)),
    );
    if (rest.length > 2) return plain === undefined ? undefined : 'unclear';
    return yesWord && rest.length === 0 ? 'yes' : 'unclear';
  }
  // "I guess", "meh", "if you must", "whatever", "not sure", "no sé": no yes word, but plainly an answer to the question.
  if (w.length <= 5 && hedged(raw, w)) return 'unclear';
  return plain === 'no' ? 'no' : undefined;
}
