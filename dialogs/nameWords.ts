/**
 * Words that follow "I'm" or "soy" without being a name (dialogs/givenName.ts): what a customer says about their
 * state, role or origin ("I'm angry", "soy cliente", "soy de Madrid"). Framework-free, lower case, compared on the
 * word as typed lowered. A word missing here is still caught by its form (looksLikeWord) or left to the model when
 * more words follow it; a name wrongly listed only means the model reads that introduction.
 */
const ENGLISH = [
  // Articles, negations, degree words and pronouns: "I'm a customer", "I'm not happy", "I'm still waiting", "I'm so done".
  ...'a an the not no never still so very really just only also too quite pretty rather kind sort all always already almost even totally'.split(' '),
  ...'is this that it he she they we you me my your his her its our their who what how why when where which one someone somebody something'.split(' '),
  // Places, times and prepositions: "I'm from Spain", "I'm in London", "I'm back", "I'm here".
  ...'here there back home away out off up down over in on at from with of to for about into by as like through outside inside'.split(' '),
  // States and feelings, the common short ones (longer ones are caught by their endings).
  ...'done sure sorry ok okay alright fine good great well bad new old ready lost sick ill mad sad glad happy unhappy upset angry cross'.split(' '),
  ...'afraid able unable aware alone busy calm certain free full hungry thirsty late early lucky nervous proud right wrong safe scared'.split(' '),
  ...'serious tired stuck finished fed confused annoyed furious livid broke desperate worried frustrated disappointed cold hot'.split(' '),
  ...'pregnant blind deaf disabled elderly retired unemployed lonely silly stupid dumb tired curious impatient patient'.split(' '),
  // Who they are to the shop: "I'm the account holder", "I am an existing customer", "I'm human".
  ...'customer client member user guest owner holder buyer seller student teacher parent mother father mom mum dad wife husband'.split(' '),
  ...'son daughter friend neighbour neighbor human person people robot premium vip gold silver platinum regular loyal existing returning'.split(' '),
  // Nationalities and languages ("I'm Spanish" is no name, and no choice of language either).
  ...'english spanish british american mexican canadian irish scottish welsh french german italian portuguese dutch chinese japanese'.split(' '),
  ...'indian european african australian brazilian argentinian colombian russian polish latino latina'.split(' '),
  // Verbs an "I am" is followed by: "I'm gonna…", "I am able…", "I am calling…" (-ing is caught by its ending).
  ...'gonna wanna about going'.split(' '),
];

const SPANISH = [
  // Pronouns, articles and degree words: "soy yo otra vez", "soy el titular", "soy un cliente", "soy muy paciente".
  ...'yo tú tu usted él el ella ella la los las lo un una unos unas muy tan más mas menos bastante algo alguien nadie otro otra mismo misma'.split(' '),
  ...'ese esa este esta aquel aquella quien quién que qué'.split(' '),
  // Places and prepositions: "soy de Madrid", "soy de aquí", "soy de fuera".
  ...'de del al en con por para sin desde aquí aqui allí alli ahí ahi fuera'.split(' '),
  // Who they are to the shop, and their situation.
  ...'cliente clienta socio socia usuario usuaria miembro titular dueño dueña propietario propietaria comprador compradora estudiante'.split(' '),
  ...'madre padre mamá mamá papá hijo hija esposa esposo marido mujer amigo amiga vecino vecina humano humana persona robot empresa'.split(' '),
  ...'particular profesional autónomo autonomo autónoma autonoma premium vip oro plata habitual fiel nuevo nueva nuevos nuevas'.split(' '),
  ...'antiguo antigua viejo vieja mayor menor joven'.split(' '),
  // States and feelings, the common ones (participles in -ado/-ido are caught by their endings).
  ...'bueno buena malo mala feliz triste capaz incapaz consciente tonto tonta idiota torpe celiaco celíaco diabético diabetico'.split(' '),
  ...'diabética diabetica alérgico alergico alérgica alergica sordo sorda ciego ciega paciente impaciente'.split(' '),
  // Nationalities ("soy español" neither names anyone nor says which language to answer in).
  ...'español española espanol espanola inglés ingles inglesa francés frances francesa alemán aleman alemana italiano italiana'.split(' '),
  ...'portugués portugues portuguesa mexicano mexicana argentino colombiano colombiana chileno chilena peruano peruana'.split(' '),
  ...'venezolano venezolana cubano cubana americano americana europeo europea latino extranjero extranjera'.split(' '),
];

export const NOT_A_NAME = new Set([...ENGLISH, ...SPANISH]);

/**
 * Endings of words that are no names when written in lower case: English -ing, -ed, -ful, -ous, -less, -able,
 * -ible, -ive, -ish, -ese ("waiting", "disappointed", "Spanish"); Spanish participles and adjectives in -ado, -ada,
 * -ido, -ida, -oso, -osa, -ente, -ante, -ble ("cansado", "jubilada", "paciente", "amable"). Short words are spared
 * ("Fred", "Ida", "Rosa"); names with such endings written in lower case ("alfred", "vicente") are left to the model.
 */
const WORD_ENDINGS = /^\p{L}{2,}(?:ing|ed|ful|ous|less|able|ible|ive|ish|ese|ado|ada|ido|ida|oso|osa|ente|ante|ble)$/u;

/** English negated adjectives: "unsure", "uncertain", "unemployed". */
const NEGATED = /^un\p{L}{4,}$/u;

/** Whether a word, as typed in lower case (or shouted), is more likely a word of the language than a name. */
export function looksLikeWord(word: string): boolean {
  // Each part of a joined word counts: "leaving-goodbye".
  return word
    .toLowerCase()
    .split(/[-'’]/)
    .some((w) => NOT_A_NAME.has(w) || /\d/.test(w) || NEGATED.test(w) || (w.length >= 5 && WORD_ENDINGS.test(w) && !/fred$/.test(w)));
}
