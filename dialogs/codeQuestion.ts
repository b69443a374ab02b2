/**
 * What a customer says at the one-time code question besides a code (dialogs/orderDialog.ts): asking for a new code,
 * or saying it has not come. Both are the customer still at the question, never a message the bot failed to read
 * (an outside tester's "can you resend it?" was counted as not understood and soon handed the chat to a person).
 * English and Spanish, as every reader of answers here. Plain functions of the text.
 */
import { readYesNo } from './yesNo';

/** "resend it", "send me a new one", "another code please", "reenvíamelo", "mándame otro código". */
const NEW_CODE = [
  /\bre-?send\b/,
  /\bsend\b.*\b(again|new|another|fresh|one more)\b/,
  /\b(new|another|fresh|different|second) (code|one)\b/,
  /\bone more code\b/,
  /\b(code|it|one) again\b/,
  /\breenv[ií]a/,
  /\breenviar/,
  /\bvuelv[eao]s? a (enviar|mandar)/,
  /\bvu[eé]lvel[oa] a (enviar|mandar)/,
  /\b(env[ií]a|manda)(me)?(lo)? (otra vez|de nuevo|otro)/,
  /\b(otro|nuevo) c[oó]digo/,
  /\bc[oó]digo nuevo/,
];
/** "don't send another one", "no me mandes otro": about a new code, and against it. */
const AGAINST = /\b(don'?t|do not|no need to|no hace falta|no me (mandes|env[ií]es|reenv[ií]es))\b/;

/** "I didn't get it", "nothing came", "where did you send it?", "no me ha llegado", "¿a qué correo?". */
const MISSING = [
  /\b(didn'?t|did not|haven'?t|have not|hasn'?t|has not|never|not|can'?t|cannot|couldn'?t|don'?t|do not)( \S+){0,2} (get|got|gotten|receive|received|arrive|arrived|come|came|see|seen|find|found|have|here|there)\b/,
  /\bno (code|e-?mail|mail|message)\b/,
  /\bnothing( \S+){0,2} (came|come|arrived|here|there)\b/,
  /\bstill waiting\b/,
  /\bnot in (my|the)\b/,
  /\bwhere\b.*\b(code|send|sent|it|email|e-mail|mail)\b/,
  /\b(which|what) (e-?mail|address|mail|inbox)\b/,
  /\bno (me )?(ha |han |he )?(llegado|llega|lleg[oó]|recibido|recib[ií]|veo|encuentro|aparece|tengo)/,
  /\bnada\b.*\bllegado/,
  /\bsigo esperando/,
  /\bd[oó]nde\b.*(c[oó]digo|enviado|mandado|enviaste|mandaste|correo)/,
  /\ba qu[eé] (correo|direcci[oó]n)/,
];

/** "let me check my inbox", "I'll wait", "déjame mirar": the customer goes to look; the code is awaited still. */
const WAITS = [
  /\b(i'?ll|i will|let me|i'?m going to|gonna) (wait|check|look|have a look|search)\b/,
  /\bespero\b/,
  /\bvoy a (mirar|buscar|ver|esperar)/,
  /\bd[eé]jame (mirar|ver|buscar|comprobar)/,
];

const lower = (text: string) => text.toLowerCase().replace(/[’`]/g, "'");

/** "got it", "I have it", "ya lo tengo", "ya me llegó": the code is there, about to be typed. */
const GOT_IT =
  /^(?:(?:ok|okay|yes|yeah|sí|si|vale)[\s,.!]+)?(?:i(?:'ve| have)? )?(?:got|have|received|see) it\b|^(?:(?:sí|si|vale)[\s,.!]+)?(?:ya )?(?:lo tengo|me (?:ha )?lleg[oó])\b/;

/** The customer asks for a new code to be sent. */
export function asksNewCode(text: string): boolean {
  const s = lower(text);
  return !AGAINST.test(s) && NEW_CODE.some((re) => re.test(s));
}

/** The customer says the code has not come, or asks where it went (and does not ask for a new one outright). */
export function missesCode(text: string): boolean {
  const s = lower(text);
  return !asksNewCode(text) && MISSING.some((re) => re.test(s));
}

/**
 * "yes", "yeah got it", "sí, ya lo tengo" at "I sent a code…, type it here": the customer means they will type it, not
 * that they answer anything (outside test 32, M5: a yes there left the question). The code is asked for again.
 */
export function promisesCode(text: string): boolean {
  return readYesNo(text) === 'yes' || GOT_IT.test(lower(text).trim());
}

/** The customer goes to look for the code, or waits for it. */
export function waitsForCode(text: string): boolean {
  const s = lower(text);
  return !asksNewCode(text) && WAITS.some((re) => re.test(s));
}

/** Codes that are not the one-time code: "send me a new discount code" is about a promotion. */
const OTHER_CODES = /\b(discount|promo\w*|coupon|voucher|gift|referral|tracking|descuento|promoci[oó]n|cup[oó]n|regalo|seguimiento)\b/;
/** The code named: "the code", "verification code", "el código". */
const CODE_WORD = /\b(code|c[oó]digo|verification|verificaci[oó]n)\b/;

/**
 * After the code question closed: asks for a new one-time code ("send me a new code", "resend the code", "I didn't get
 * the code, send another"). It must name the code, unless a verification is `pending` and the message is short
 * ("send another one", "resend it"): "my jacket is torn, send me a new one" asks for no code.
 */
export function asksCodeAgain(text: string, pending: boolean): boolean {
  const s = lower(text);
  if (OTHER_CODES.test(s) || !asksNewCode(text)) return false;
  return CODE_WORD.test(s) || (pending && s.trim().split(/\s+/).length <= 4);
}

/** After the code question closed: says the code has not come, naming it ("I never got the code"). */
export function missesCodeAgain(text: string): boolean {
  const s = lower(text);
  return !OTHER_CODES.test(s) && CODE_WORD.test(s) && missesCode(text);
}

/**
 * "actually never mind", "forget it", "cancel that", "olvídalo", "da igual": leaving the code question in so many words
 * (outside test 26: "actually never mind" was answered "Please type the 6-digit code"). Ends it as a "no" does.
 */
const STOPS =
  /^(?:(?:actually|no|oh|ok|okay|well|wait|bueno|vale|pues|no)[\s,.!]+)*(?:never ?mind|forget (?:it|that|about it)|cancel (?:that|it|this)|stop|olv[ií]d(?:alo|a eso|ate)|d[eé]jalo|da igual|no importa|d[eé]jalo estar)\b[\s,.!]*(?:thanks|thank you|gracias)?[\s.!]*$/;

export function stopsCode(text: string): boolean {
  return STOPS.test(lower(text).trim());
}
