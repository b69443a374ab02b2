import { asksCallBackMexico } from './callBackMexico';

/**
 * Messages about reaching the customer, read by their words before the intent model, which has no intent for them:
 * "can you call me later?" (read as a goodbye by "later"), "what's my email on file?" (read as a change of contact)
 * and "and my phone to +44 7700 900123" after a change (read as the opening hours by "phone").
 */
const L = '\\p{L}';
const phrase = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'iu');
const norm = (text: string) => text.toLowerCase().replace(/[’`´]/g, "'");

/** Asking to be phoned: "call me back", "can you call me later?", "¿me puedes llamar mañana?", "que me llamen". */
const CALL_BACK = phrase(
  [
    // "call me" only with what says when or how: "call me Maria" is a name (givenName.ts reads it first).
    `(?:call|ring|phone) (?:me|us)(?: back)?(?= *(?:$|[?!.,]|back|later|tomorrow|today|tonight|now|asap|soon|again|at|on|in|when|this|please|pls|instead|\\+?\\d[\\d\\s().-]{5,}\\d))`,
    `(?:can|could|will|would|pls|please)(?: (?:you|u|someone|somebody|anyone|your team|an agent|a person|one of you))?(?: please)? (?:call|ring|phone) me(?! (?:by|mr|mrs|ms|miss|dr|sir|madam|something|anything|that)(?![${L}]))`,
    `give me a (?:call|ring|phone call)|(?:get|have|ask) (?:someone|somebody|an agent|a person|your team) (?:to )?call me`,
    `call ?back|callback|(?:a|by) phone call|(?:i want|i'd like|i would like|i need) (?:a|to get a) call`,
    `(?:me (?:puedes|pod[eé]is|pueden|puede|podr[ií]as|podr[ií]ais|podr[ií]an|podr[ií]a) llamar|llamarme)(?! (?:por mi nombre|de usted|de t[uú]|se[ñn]or|se[ñn]ora|don|do[ñn]a)(?![${L}]))`,
    `(?:ll[aá]ma(?:me|dme)|ll[aá]me(?:me|nme))(?= *(?:$|[?!.,]|m[aá]s tarde|luego|ma[ñn]ana|despu[eé]s|ahora|por favor|al|a las|a este|esta|este|en|otra vez|\\+?\\d[\\d\\s().-]{5,}\\d))`,
    `me (?:llam[aá]is|llamas|llaman|llamar[aá]s|llamar[eé]is|llamar[aá]n|llamar[ií]ais)|que (?:alguien )?me llame(?:n|is)?|devolver(?:me)? la llamada|devolv[eé]is la llamada|devolvedme la llamada|una llamada|llamada telef[oó]nica`,
  ].join('|'),
);
/** "please don't call me", "no me llaméis": no request for a call. */
const DENIED_BEFORE = /(?:^|\s)(?:don't|dont|do not|never|no|not|nunca)(?:\s+\S+){0,2}\s*$/iu;

/** The customer asks us to phone them. */
export function asksCallBack(text: string): boolean {
  const t = norm(text);
  const m = CALL_BACK.exec(t) ?? asksCallBackMexico(t);
  return !!m && !DENIED_BEFORE.test(t.slice(0, m.index));
}

/** Which contact detail a message names as the customer's own. */
export type ContactKind = 'email' | 'phone' | 'any';

const MY = `my|mine|mi|mis|el m[ií]o`;
const EMAIL_WORD = `e-?mail(?: address)?|mail|email address|correo(?: electr[oó]nico)?|e-?mail|direcci[oó]n de correo`;
const PHONE_WORD = `phone(?: number)?|mobile(?: number)?|cell(?: number)?|number|tel[eé]fono|m[oó]vil|n[uú]mero(?: de tel[eé]fono)?`;
const CONTACT_WORD = `contact(?: details| info(?:rmation)?)?|datos de contacto`;
/** Asking what is kept: "what's my email on file?", "which phone do you have for me?", "¿cuál es mi correo registrado?". */
const ON_FILE = phrase(
  `what(?:'s| is| are| was)|which|do you (?:still )?have|have you got|cu[aá]l(?:es)? (?:es|era|son|tienes|ten[eé]is)|qu[eé] (?:correo|e-?mail|tel[eé]fono|m[oó]vil|n[uú]mero)|ten[eé]is|tienes`,
);
const FILE_WORDS = phrase(
  `on file|on record|you have|have you got|do you have|registered|saved|stored|in (?:my|the) account|on my account|for me|registrad[oa]s?|guardad[oa]s?|que (?:ten[eé]is|tienes|tenemos|aparece)|en (?:mi|la) cuenta|en el sistema|en vuestro sistema`,
);
const KIND_EMAIL = phrase(
  `(?:${MY}) (?:${EMAIL_WORD})|(?:${EMAIL_WORD})(?: address)? (?:you have|do you have|on file|registrad[oa]|guardad[oa]|(?:que )?ten[eé]is|(?:que )?tienes)`,
);
const KIND_PHONE = phrase(
  `(?:${MY}) (?:${PHONE_WORD})|(?:${PHONE_WORD}) (?:you have|do you have|on file|registrad[oa]|guardad[oa]|(?:que )?ten[eé]is|(?:que )?tienes)`,
);
const KIND_ANY = phrase(`(?:${MY}) (?:${CONTACT_WORD})|(?:${CONTACT_WORD}) (?:you have|do you have|on file|registrad[oa]s|guardad[oa]s|que ten[eé]is)`);
/** A change or a value in the message makes it a change, whatever it asks ("what's my email? change it to a@b.co"). */
const CHANGE = phrase(`change|update|replace|edit|correct|new|set|cambi${L}*|actuali[zc]${L}*|modific${L}*|nuevo|nueva`);
const VALUE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|\+?\d[\d\s().-]{6,18}\d/u;

/**
 * A question about the contact detail kept on file, which asks for no change: "what's my email on file?", "which phone
 * number do you have for me?", "¿qué correo tenéis registrado?". Undefined when it is no such question.
 */
export function asksContactOnFile(text: string): ContactKind | undefined {
  const t = norm(text);
  if (CHANGE.test(t) || VALUE.test(t)) return undefined;
  const kind: ContactKind | undefined = KIND_EMAIL.test(t) ? 'email' : KIND_PHONE.test(t) ? 'phone' : KIND_ANY.test(t) ? 'any' : undefined;
  if (!kind) return undefined;
  // Asking, not stating: a question word ("what's my email?"), or where it is kept ("tell me my email on file").
  return ON_FILE.test(t) || FILE_WORDS.test(t) ? kind : undefined;
}

/**
 * A contact change told in few words, the verb left out as in a follow-up: "and my phone to +44 7700 900123", "also my
 * email: ana@new.example", "y mi teléfono al +34 600 123 456". It names the customer's own e-mail or phone and gives a
 * new value; the contact-change flow (changeScope, then a yes to "Save …?") still decides.
 */
const FOLLOW_UP = new RegExp(
  `^\\s*(?<join>(?:and|also|plus|oh and|y|tambi[eé]n|adem[aá]s),? )?(?:${MY}) (?<fresh>new |nuevo |nueva )?(?:${EMAIL_WORD}|${PHONE_WORD})(?: (?:too|as well|also|tambi[eé]n))?(?: (?<link>to|is now|should be|now|ahora es|al|a|por)(?![${L}])| is| es|:)?`,
  'iu',
);
// A number with its country code or without ("07700 900123": the contact flow decides its country, or asks).
const CONTACT_VALUE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|\+\d[\d\s().-]{6,18}\d|\(?\d[\d\s().-]{5,18}\d/u;

/**
 * Only at the message's start, and only when it says it is another or a new one ("and …", "my new …", "… to …"):
 * "reset my password, my email is ana@example.com" gives an address for the request, no change.
 */
export function continuesContactChange(text: string): boolean {
  const t = norm(text);
  const m = FOLLOW_UP.exec(t);
  if (!m?.groups || !(m.groups.join || m.groups.fresh || m.groups.link)) return false;
  const value = CONTACT_VALUE.exec(t.slice(m[0].length));
  return !!value;
}
