import { WHATSAPP_WORDS } from './consentChannel';
import { spellOptOut } from './optOutTypos';

/**
 * Which channels a message about news and offers names, and what it wants for each (outside tester, H: one channel
 * became "stop all marketing"): "I'd like offers by SMS but not email" withdrew everywhere, "stop texting me offers
 * but keep the emails coming" too. The message is read clause by clause ("but", "pero", "and", commas): a clause that
 * stops names channels to withdraw, one that asks to receive names channels to ask about, one that keeps or denies
 * ("keep the emails", "not email", "no por correo") names channels never changed. Accents and common typos are
 * ignored. Pure words, no framework imports.
 */
export type ScopeChannel = 'email' | 'sms' | 'whatsapp' | 'telegram' | 'here';

export interface ConsentScope {
  /** The message's main verb: stopping offers or receiving them; undefined when it says neither. */
  wish: 'stop' | 'receive' | undefined;
  /** Channels to withdraw. Empty: none named (an unqualified opt-out applies everywhere, as before). */
  stop: ScopeChannel[];
  /** Channels asked to receive on (each needs its own explicit yes). */
  want: ScopeChannel[];
  /** Channels kept or denied: never withdrawn, never asked about. */
  untouched: ScopeChannel[];
}

const B = '(?<![a-z0-9])';
const E = '(?![a-z0-9])';
const CHANNELS: readonly [ScopeChannel, RegExp][] = [
  ['email', new RegExp(`${B}(?:e ?-?mails?|emials?|emails?|emal|imeil|mails?|correos?(?: electronicos?)?|gmail)${E}`)],
  ['sms', new RegExp(`${B}(?:sms(?:'?s|es)?|texts?|texting|textos?|text messages?|mensajes? de texto|mensajitos?)${E}`)],
  ['whatsapp', new RegExp(`${B}(?:${WHATSAPP_WORDS})${E}`)],
  ['telegram', new RegExp(`${B}telegra[mn]${E}`)],
  ['here', new RegExp(`${B}(?:here|this chat|in the chat|in chat|aqui|por aqui|este chat|el chat|en el chat)${E}`)],
];

/** Where a message turns: punctuation and conjunctions; each part is judged on its own words. */
const TURN = new RegExp(`[,;.!?]+|${B}(?:but|and|also|except|however|though|although|while|pero|sino|y|excepto|salvo|aunque|tambien|ademas)${E}`);

/** "don't stop the emails", "no pares los correos": a negated stop keeps. */
const KEEP_NOT_STOP = new RegExp(`${B}(?:don'?t|do not|dont|never|no) (?:stop|cancel|remove|pares|parar|quites|canceles|dejes de)${E}`);
const STOP = new RegExp(
  [
    `unsub\\w*`,
    `opt (?:me )?out`,
    `stop\\w*`,
    `cancel\\w*`,
    `remove`,
    `take me off`,
    `withdraw`,
    `block`,
    `no more`,
    `any ?more`,
    `(?:don'?t|do not|dont|no longer) (?:want|wanna|need|like|send|text|email|e-mail|mail|message)`,
    `not interested`,
    `(?:dar|da|dame|darme|de) (?:de )?baja`,
    `desuscrib\\w*`,
    `desapunta\\w*`,
    `no (?:me )?(?:quiero|deseo|interesa\\w*|mand\\w*|envi\\w*|escrib\\w*)`,
    `ya no`,
    `no mas`,
    `(?:deja|dejad|dejen|deje|dejar|dejes|para|parad|paren|parar) de`,
    `quit\\w*`,
    `saca\\w*`,
    `basta`,
  ].join('|'),
);
const KEEP = new RegExp(
  `${B}(?:keep|continue|still|everything else|all the rest|the rest|sigue\\w*|segui\\w*|continu\\w*|manten\\w*|todo lo demas|lo demas|el resto)${E}|^(?:yes|si) (?:by|on|via|through|to|por|en|al|a)${E}`,
);
const RECEIVE = new RegExp(
  [
    `${B}(?:i'?d like|id like|i would (?:like|love)|i want|i wanna|want to|receive|get|subscribe\\w*|sign (?:me )?up|send me|quiero|quisiera|me gustaria|recibir|suscrib\\w*|apunta\\w*|mandad?me|enviad?me)${E}`,
    // "send them on WhatsApp instead", "mejor por whatsapp", "mándamelas por correo": the channel preferred after a
    // stop is one wanted, never one more to withdraw (outside tester 32, H2).
    `${B}(?:send (?:them|those|it)|(?:mand|envi)(?:a|e|en|ad)(?:me)?(?:las|los)|instead|rather|mejor(?! no)|prefiero|preferiria|en (?:vez|lugar|su lugar))${E}`,
  ].join('|'),
);
/** A clause that only denies: "not email", "but not by SMS", "no por correo", "ni por whatsapp". */
const DENY = new RegExp(`^(?:(?:please|thanks|por favor) )?(?:not|no|nor|never|without|ni|nunca|sin|menos)${E}`);
/** Words that make a clause about news and offers even without a channel ("unsubscribe me", "no quiero publicidad"). */
const NEWS = new RegExp(
  `${B}(?:unsub\\w*|opt out|mailing|lista de correos?|newsletters?|offers?|promo\\w*|marketing|news|deals|ads|advertising|spam|baja|desuscrib\\w*|boletin\\w*|ofertas?|publicidad|novedades|noticias|suscri\\w*)${E}`,
);

/** STOP as whole words: built once (it was built for every clause of every message read). */
const STOP_WORD = new RegExp(`${B}(?:${STOP.source})${E}`);

type Stance = 'stop' | 'receive' | 'keep' | 'deny';

function stanceOf(part: string): Stance | undefined {
  if (KEEP_NOT_STOP.test(part)) return 'keep';
  if (STOP_WORD.test(part)) return 'stop';
  if (KEEP.test(part)) return 'keep';
  if (RECEIVE.test(part)) return 'receive';
  if (DENY.test(part)) return 'deny';
  return undefined;
}

/** Lower case, accents and curly quotes gone: "¿Podéis dejar de mandarme SMS?" → "podeis dejar de mandarme sms". */
function normalise(text: string): string {
  return spellOptOut(text)
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’`´]/g, "'")
    .replace(/[¿¡"()]/g, ' ')
    .replace(/\s+/g, ' ');
}

/**
 * E-mail as the name of what we send, not a channel chosen: "opt me out of your marketing emails", "sácame de vuestra
 * lista de correo", "correos de publicidad". Such an opt-out is unqualified and applies everywhere, as always.
 */
const MARKETING_MAIL = new RegExp(
  [
    `${B}(?:marketing|promotional|promo|advertising|advert|offers?|deals?|newsletter|sales|spam|publicity)(?: e ?-?mails?| mails?| mailings?)${E}`,
    `${B}mailing(?: list)?s?${E}`,
    `${B}lista (?:de )?(?:correos?|mails?|e-?mails?)${E}`,
    `${B}(?:correos?|e-?mails?|mails?) (?:de |con )?(?:publicidad|promociones|ofertas|marketing|propaganda|publicitarios|promocionales|comerciales)${E}`,
    `${B}e-?mails? (?:with|of|about) (?:offers|promotions|deals)${E}`,
  ].join('|'),
  'g',
);

function channelsIn(part: string): ScopeChannel[] {
  const named = part.replace(MARKETING_MAIL, ' ');
  return CHANNELS.filter(([, re]) => re.test(named)).map(([c]) => c);
}

/** "how many offer emails will I get?", "¿cuándo llegan?": a question is no request to receive. */
const QUESTION = new RegExp(
  `\\?|^(?:how|what|when|why|which|who|where|can|could|do|does|is|are|will|would you|cuant\\w*|como|que|cuando|por que|donde|puedo|podeis|puedes|se puede)${E}`,
);

export function readConsentScope(text: string): ConsentScope {
  return scopeOf(normalise(text));
}

/** readConsentScope of a text already normalised. */
function scopeOf(normalised: string): ConsentScope {
  const parts = normalised
    .split(TURN)
    .map((p) => p?.trim())
    .filter((p): p is string => !!p);
  const stop = new Set<ScopeChannel>();
  const want = new Set<ScopeChannel>();
  const untouched = new Set<ScopeChannel>();
  let wish: ConsentScope['wish'];
  let previous: Stance | undefined;
  for (const part of parts) {
    const own = stanceOf(part);
    // "stop SMS and WhatsApp": a part with no verb of its own goes on with the one before; a bare denial never does.
    const stance = own ?? (previous === 'deny' ? undefined : previous);
    const named = channelsIn(part);
    if ((stance === 'stop' || stance === 'receive') && wish === undefined && (named.length > 0 || NEWS.test(part))) wish = stance;
    for (const c of named) (stance === 'stop' ? stop : stance === 'receive' ? want : stance ? untouched : new Set<ScopeChannel>()).add(c);
    if (own) previous = own;
  }
  // Never more than was asked: a channel also kept or denied is neither withdrawn nor asked about.
  for (const c of untouched) {
    stop.delete(c);
    want.delete(c);
  }
  for (const c of stop) want.delete(c);
  return { wish, stop: [...stop], want: [...want], untouched: [...untouched] };
}

/** The channel id a scope channel stands for ('here': the chat's own). */
export function scopeChannelId(c: ScopeChannel, chatChannelId: string): string {
  return c === 'here' ? chatChannelId : c;
}

/**
 * An opt-in request on named channels: its main verb wants them ("I'd like offers by SMS but not email", "quiero
 * recibir promociones por whatsapp pero no por correo"), and it stops nothing by name. Asked per channel, never a
 * withdrawal, whatever negation it carries.
 */
export function optsInOnNamedChannels(text: string): boolean {
  if (text === optInText) return optIn;
  const normalised = normalise(text);
  const s = scopeOf(normalised);
  const n = normalised.trim();
  // "quiero cambiar mi correo": a contact, not offers; only a message naming news and offers is an opt-in.
  optIn = s.wish === 'receive' && s.want.length > 0 && s.stop.length === 0 && NEWS.test(n) && !QUESTION.test(n);
  optInText = text;
  return optIn;
}

// A turn's router asks this of the message itself and again through readConsentWish: the last text's answer is kept
// (the answer depends on the text alone), as words() keeps the last text's words.
let optInText: string | undefined;
let optIn = false;

/**
 * The channel ids an opt-out withdraws when it names channels ("stop texting me offers but keep the emails coming":
 * ['sms']); undefined when it names none, and then it applies everywhere ('*'), as an unqualified opt-out always has.
 */
export function withdrawnChannels(text: string, chatChannelId: string): string[] | undefined {
  const s = readConsentScope(text);
  if (s.wish !== 'stop' || s.stop.length === 0) return undefined;
  return [...new Set(s.stop.map((c) => scopeChannelId(c, chatChannelId)))];
}

/**
 * The channel ids a withdrawal still wants ("stop the SMS offers, send them on WhatsApp instead": ['whatsapp']):
 * offered back with the grant question, never withdrawn. Empty when the message stops nothing or wants nothing.
 */
export function wantedBesideStop(text: string, chatChannelId: string): string[] {
  const s = readConsentScope(text);
  if (s.wish !== 'stop') return [];
  return [...new Set(s.want.map((c) => scopeChannelId(c, chatChannelId)))];
}

/** "SMS and WhatsApp", "SMS y WhatsApp": channel names for a confirmation. */
export function listChannels(names: readonly string[], language: string | undefined): string {
  if (names.length < 2) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${language === 'es' ? 'y' : 'and'} ${names.at(-1)}`;
}
