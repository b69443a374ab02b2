import { words } from './yesNo';

/**
 * Which language the bot answers in. A conversation starts in the channel's locale, else the customer's explicit
 * choice (profile), else the language of a first message long and clear enough to tell, else the default; it then
 * keeps that language unless the customer asks for another one or clearly writes in another one. Short or mixed
 * messages ("ok", "order 12345", "refund por favor") never switch it: guessing from them answered one English
 * request in ten in Spanish.
 */
export const SUPPORTED = ['en', 'es'] as const;
export type Supported = (typeof SUPPORTED)[number];
export const DEFAULT_LANGUAGE: Supported = 'en';

/** Words that are common in one language and are not words of the other (so "no", "me", "a", "son" are in neither). */
const MARKERS: Record<Supported, Set<string>> = {
  en: new Set(
    'the is are am was were my your you i to of and with for from this that where what when how why can could would should will want need please have has had do does did not be been it its our we they there here order refund account password help hi hello thanks thank get got just which who some any about would like still yet already'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las una unos unas del al que y en mi mis tu tus su sus es está están estoy estás por para con sin dónde donde cómo cuándo cuando qué quiero necesito puedo puedes quiero hola gracias pedido pedidos cuenta contraseña envío devolución reembolso factura ayuda hay tengo tiene mío muy pero ya lo le les se nos también porque cuál cuánto todavía aún devolver cambiar recibir comprar pagar ofertas buenos buenas días tardes noches dinero paquete quisiera hablar ayúdame ayudame zapatos cobraron cobrado cobrar cobro cobros pago pagos pagué pague rechazado rechazada rechazo tarjeta veces dos devuelto devolución reembolsar cancelar anular seguimiento rastrear llegado llegó llega enviado envío correo factura cambio contraseña olvidé olvide acceder entrar cuenta baja darme dar dejad dejar deja enviarme mandarme correos boletín publicidad novedades promociones suscripción'.split(
      ' ',
    ),
  ),
};

/** Letters and marks that only Spanish uses among the supported languages. */
const SPANISH_ONLY = /[ñ¿¡]|[áéíóú]/i;

export interface LanguageEvidence {
  language: Supported;
  /** How many marker words of that language, and of the other one. */
  own: number;
  other: number;
}

/** The language a message is clearly written in, or undefined when it is too short or too mixed to tell. */
export function clearLanguage(text: string): Supported | undefined {
  // A turn reads the same text twice (the recognizer's hint, then the profile and the reply's language).
  if (text === clearOf.text) return clearOf.language;
  const language = readClearLanguage(text);
  clearOf.text = text;
  clearOf.language = language;
  return language;
}
const clearOf: { text?: string; language?: Supported } = {};

function readClearLanguage(text: string): Supported | undefined {
  const w = words(text);
  // Long and clear: at least three words, two markers of one language, and at least three times as many as of the other.
  if (w.length < 3) return undefined;
  let en = 0;
  let es = SPANISH_ONLY.test(text) ? 1 : 0;
  for (const x of w) {
    if (MARKERS.en.has(x)) en++;
    if (MARKERS.es.has(x)) es++;
  }
  if (en >= 2 && en >= 3 * es) return 'en';
  if (es >= 2 && es >= 3 * en) return 'es';
  return undefined;
}

/**
 * The language a short first message leans to: markers of one language and none of the other ("hola", "devolver
 * zapatos", "where is it"). Only used before a conversation has a language, and never settles it.
 */
export function leaningLanguage(text: string): Supported | undefined {
  const w = words(text);
  const en = w.filter((x) => MARKERS.en.has(x)).length;
  const es = w.filter((x) => MARKERS.es.has(x)).length + (SPANISH_ONLY.test(text) ? 1 : 0);
  if (es > 0 && en === 0) return 'es';
  if (en > 0 && es === 0) return 'en';
  return undefined;
}

export function supported(code: string | undefined): Supported | undefined {
  const two = code?.slice(0, 2).toLowerCase();
  return (SUPPORTED as readonly string[]).includes(two ?? '') ? (two as Supported) : undefined;
}

export interface LanguageInput {
  /** The language this conversation already speaks, if it was settled. */
  conversation?: string;
  /** The activity's locale from the channel. */
  channelLocale?: string;
  /** The customer's explicit choice ("answer in Spanish"), kept on the profile. */
  chosen?: string;
  text: string;
  /** clearLanguage(text), when the caller has it already. */
  clear?: Supported;
}

/** The language to answer this message in, and whether it is settled (to keep for the conversation). */
export function replyLanguage(i: LanguageInput): { language: Supported; settled: boolean } {
  const clear = 'clear' in i ? i.clear : clearLanguage(i.text);
  const current = supported(i.conversation);
  // After an explicit choice only another request ("answer in English") changes the language, not the words used.
  if (current) return { language: supported(i.chosen) === current ? current : (clear ?? current), settled: true };
  const start = supported(i.channelLocale) ?? supported(i.chosen) ?? clear;
  if (start) return { language: start, settled: true };
  // Too short to settle ("hola", "devolver zapatos"): answer in the language it leans to, and look again next message.
  return { language: leaningLanguage(i.text) ?? DEFAULT_LANGUAGE, settled: false };
}

/**
 * The language the recognizer reads a message in (its hint; the message's own function words still come first, see
 * nlpRecognizer.ts): the conversation's, else the policy's lean for a first message in the policy's order (the channel's
 * locale, the profile's explicit choice, a long and clear message, the markers of a short one); undefined when nothing
 * says, and the recognizer guesses. Once the profile's choice came before the channel's locale here, so the same
 * message was read in one language and answered in the other.
 */
export function recognitionHint(i: LanguageInput): Supported | undefined {
  return supported(i.conversation) ?? supported(i.channelLocale) ?? supported(i.chosen) ?? clearLanguage(i.text) ?? leaningLanguage(i.text);
}
