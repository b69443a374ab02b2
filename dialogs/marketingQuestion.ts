/**
 * Questions about news and offers that change nothing, and what a message asks beside an opt-out. The intent model
 * knows subscribing and opting out only, so "how often do you send it?" was read as a no to the consent question,
 * then as a return or delivery times; read here by its words, it is answered and never touches consent.
 */
import { readNamedChannel, type NamedChannel } from './consentChannel';
import { spellOptOut } from './optOutTypos';
import { isQuestion } from './questionForm';

const L = '\\p{L}';
const phrase = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'u');

/** How often, how many: the frequency of what we send. */
const FREQUENCY = phrase(
  [
    'how often|how frequent(?:ly)?|how regularly|how many (?:[\\p{L}-]+ ){0,2}(?:e-?mails?|mails|messages|newsletters|offers|times)|(?:daily|weekly|monthly) or (?:daily|weekly|monthly)|every (?:day|week|month)\\?|once a (?:day|week|month)\\?|frequency',
    'cada cu[aá]nto|con qu[eé] frecuencia|frecuencia|cu[aá]ntos (?:correos|mensajes|e-?mails|boletines)|cu[aá]ntas (?:veces|ofertas|newsletters)|(?:diario|semanal|mensual) o (?:diario|semanal|mensual)|(?:todos los d[ií]as|cada d[ií]a|cada semana|una vez (?:al|por) (?:d[ií]a|semana|mes))\\?',
  ].join('|'),
);
/** Naming what is sent, when no consent question is pending to say it. */
const MARKETING = phrase(
  'newsletters?|news|offers?|promo(?:tion)?(?:al|s)?|marketing|deals|e-?mails|mails|hear from you|bolet[ií]n(?:es)?|novedades|ofertas|promociones|publicidad|correos|mensajes|noticias',
);
/** Something else that comes by mail: "how many emails about my order will I get". */
const OTHER = phrase('orders?|parcels?|deliver(?:y|ies)|shipping|refunds?|invoices?|codes?|pedidos?|paquetes?|env[ií]os?|reembolsos?|facturas?|c[oó]digos?');

/**
 * "how often do you send it?" at the consent question (`atConsentQuestion`), or "how often do you send the
 * newsletter?" anywhere: a question about how often news and offers come.
 */
export function asksMarketingFrequency(text: string, atConsentQuestion = false): boolean {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  if (!FREQUENCY.test(t)) return false;
  if (atConsentQuestion) return true;
  return MARKETING.test(t) && !OTHER.test(t);
}

/** Opting out named without what: "unsubscribe me", "darme de baja". */
const OPT_OUT = phrase(`unsubscrib${L}*|unsub|opt(?:ed|ing)? (?:me )?out|de baja|desuscrib${L}*|desapunt${L}*`);

/** Where a message turns to another request: "…, and where is my order", "… y además saber…", "also …". */
const ANOTHER = /\s+(?:and also|and|also|plus|as well as|y además|y tambi[eé]n|además|tambi[eé]n|y)\s+/iu;
const LEADING = /^(?:and also|and|also|plus|anyway|y además|y tambi[eé]n|además|tambi[eé]n|y|oh|ah)\s+/iu;
/**
 * A polite wrapper around the request ("can you tell me where order 12345 is", "quiero saber dónde está…"): a fragment
 * cut from a longer message reads more clearly to the recognizer without it.
 */
const WRAPPER =
  /^(?:please |pls )?(?:can|could|would) you (?:please )?(?:tell me|let me know|check)|^(?:please )?(?:tell me|let me know)|^i(?:'d| would) like to know|^i (?:want|need) to know|^(?:me )?(?:puedes|podr[ií]as|pod[eé]is|podr[ií]ais) decir(?:me)?|^(?:me )?dec[ií]s|^me dices|^(?:dime|decidme)|^(?:quiero|quisiera|necesito) saber|^saber/iu;

/**
 * What a message asks beside withdrawing consent ("where is order 12345? also please stop the marketing emails" →
 * "where is order 12345"): its clauses, also split at "and"/"y", without those that name the opt-out or news and
 * offers ("cancel order 12345 and unsubscribe me" keeps the cancel: it names neither). Empty when the opt-out is all it says.
 */
export function besideOptOut(text: string): string {
  return clauses(text)
    .filter((part) => part.split(/\s+/).length >= 2 && !namesOptOut(part))
    .join('. ');
}

/**
 * The clauses of a longer message that speak of news and offers ("where is my order 12345? and please stop the sms
 * promos" → "please stop the sms promos"), to be read on their own: the whole message reads as its other request to
 * the recognizer, and the opt-out was once dropped (outside tester 32, H4). Undefined when no clause does, or all do.
 */
export function optOutPart(text: string): string | undefined {
  const parts = clauses(text);
  const about = parts.filter(namesOptOut);
  return about.length > 0 && about.length < parts.length ? about.join('. ') : undefined;
}

function clauses(text: string): string[] {
  return text
    .split(/(?<=[.?!;])\s+|[¿¡]/u)
    .flatMap((s) => s.split(ANOTHER))
    .map((part) => part.replace(LEADING, '').trim().replace(WRAPPER, '').trim())
    .filter(Boolean);
}

const namesOptOut = (part: string) => MARKETING.test(part.toLowerCase()) || OPT_OUT.test(spellOptOut(part).toLowerCase());

/** What is sent to those who said yes, named narrowly ("e-mails" alone may be order e-mails). */
const OFFERS = phrase(
  'newsletters?|news|offers?|promo(?:tion)?(?:al|s)?|marketing|deals|discounts?|bolet[ií]n(?:es)?|novedades|ofertas|promociones|publicidad|descuentos',
);
/** Getting them: "can I get…", "do you send…", "¿puedo recibir…?", "¿me podéis mandar…?". */
const RECEIVE = phrase(`get|receive|send|sign (?:me )?up|subscribe|recib${L}*|env[ií]${L}*|mand${L}*|apunt${L}*|suscrib${L}*`);

/**
 * "can I get offers by SMS?", "do you send promotions on WhatsApp?", "¿puedo recibir ofertas por SMS?": a question
 * about receiving news and offers on a channel it names. The channel, to explain and ask about (consent is granted
 * only on an explicit yes to that question); undefined otherwise.
 */
export function asksMarketingOn(text: string): NamedChannel | undefined {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  // "how many offer emails will I get?" asks how often (asksMarketingFrequency), not whether.
  if (!isQuestion(t) || FREQUENCY.test(t) || !OFFERS.test(t) || !RECEIVE.test(t) || OTHER.test(t) || OPT_OUT.test(t)) return undefined;
  return readNamedChannel(t);
}

/** Being signed up, asked about: "am I subscribed", "what am I signed up for", "¿estoy suscrito?", "¿qué ofertas recibo?". */
const SIGNED_UP = phrase(
  [
    `signed up|subscribed|registered|opted[ -]in|on (?:your|the) (?:[\\p{L}-]+ )?list|(?:do|am) i (?:get|getting|receive|receiving)|my (?:marketing |consent )?(?:subscriptions?|preferences|consents?|settings)`,
    `(?:estoy|sigo) (?:suscrit[oa]|apuntad[oa]|inscrit[oa]|dad[oa] de alta|en (?:vuestra|la|su|tu) lista)|(?:recibo|me llegan|me mand[aá]is|me env[ií]ais)|mis (?:suscripciones|preferencias)`,
  ].join('|'),
);
/** What is asked about without naming offers: "what am I signed up for?", "¿a qué estoy suscrito?". */
const SIGNED_UP_TO_WHAT = phrase(
  `what am i (?:signed up|subscribed|registered) (?:for|to)|a qu[eé] estoy (?:suscrit|apuntad)[oa]s?|subscriptions|suscripciones|preferences|preferencias`,
);
/** "what offers do I get if I sign up?": about signing up, not where one stands. */
const SUPPOSING = phrase(`if|si me|si te|si os`);

/**
 * "what offers am I signed up for?", "am I on your mailing list?", "¿estoy suscrito a vuestras ofertas?": where the
 * customer stands on news and offers, asked (outside tester 32, M1: it was answered with a question about this chat).
 * Answered channel by channel from the profile; nothing changes.
 */
export function asksMarketingState(text: string): boolean {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  if (!(isQuestion(t) || /^am i(?![\p{L}])/u.test(t)) || !SIGNED_UP.test(t) || SUPPOSING.test(t) || OPT_OUT.test(spellOptOut(t)) || OTHER.test(t)) return false;
  return OFFERS.test(t) || SIGNED_UP_TO_WHAT.test(t) || /(?<![\p{L}])(?:mailing list|lista de correo|newsletter|bolet[ií]n)(?![\p{L}])/u.test(t);
}
