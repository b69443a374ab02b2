import { words } from './yesNo';

/**
 * What a message about news and offers asks for, read from its words, not from the intent model (which took
 * "I want to cancel my newsletter subscription" for a subscription). A clear wish to stop is honoured at once; a
 * wish to receive is only ever a question back to the customer (ChangeConsentDialog asks for an explicit yes naming
 * purpose and channel). A negation alone is not a wish: customers who write "my package has not arrived" or "I'm not
 * getting the reset email" are asking for help, and once lost their marketing consent on it.
 */
export type ConsentWish = 'grant' | 'withdraw';

/** Verbs that stop something. Alone they are not about news and offers ("cancel order 55555", "stop, wrong address"). */
const STOP_WORDS = new Set([
  'cancel',
  'cancelling',
  'canceling',
  'stop',
  'stopping',
  'quit',
  'remove',
  'delete',
  'withdraw',
  'revoke',
  'leave',
  'end',
  'pause',
  'block',
  'cancelar',
  'cancela',
  'cancelo',
  'cancélame',
  'quitar',
  'quita',
  'quítame',
  'quitame',
  'sácame',
  'sacame',
  'eliminar',
  'elimina',
  'borrar',
  'borra',
  'bórrame',
  'dejar',
  'deja',
  'dejad',
  'parar',
  'parad',
  'pare',
  'basta',
  'revocar',
  'retirar',
]);
/** Words that say stopping news and offers in themselves. */
const OPT_OUT_WORDS = new Set([
  'unsubscribe',
  'unsubscribed',
  'unsub',
  'unsubscribing',
  'optout',
  'desuscribir',
  'desuscribirme',
  'desapuntar',
  'desapúntame',
  'desapuntarme',
]);
/**
 * Phrases that say stopping in themselves, whatever they stop: "opt out", "darme de baja", "stop sending", "stop
 * emailing me", "deja de enviarme", "dejad de mandar", "no me enviéis más". Customers say them about what we send.
 */
const OPT_OUT_RE =
  /\b(opt (me )?out|de baja|stop (sending|emailing|e-mailing|mailing|texting|messaging|spamming)|(deja|dejad|dejen|deje|dejar|dejéis|dejes) de (enviar|mandar|escribir)\w*|no me (envíes|envies|enviéis|envieis|envíen|envien|mandes|mandéis|mandeis|manden) más)\b/;
/** "I never asked to unsubscribe", "I don't want to unsubscribe", "no quiero darme de baja": not a wish to stop. */
const NEGATED_OPT_OUT_RE =
  /(^|\s)(not|never|don't|dont|didn't|didnt|do not|did not|no quiero|no pedí|no pedi|nunca pedí|nunca pedi|no he pedido)(\s+[^\s,.;:!?]+){0,3}\s+(unsubscrib|unsub\b|opt out|optout|darme de baja|darse de baja|desuscribir|desapuntar)/u;
const NEGATIONS = new Set(['no', 'not', "don't", 'dont', 'never', "doesn't", "didn't", 'without', 'nunca', 'ninguna', 'ningún', 'ninguno']);
/** What news and offers are called: a stop or a negation is about consent only when it names one of these. */
const MARKETING_WORDS = new Set([
  'newsletter',
  'newsletters',
  'offers',
  'offer',
  'promotions',
  'promotion',
  'promo',
  'promos',
  'marketing',
  'news',
  'deals',
  'mailing',
  'ads',
  'advertising',
  'spam',
  'emails',
  'mails',
  'subscription',
  'boletín',
  'boletin',
  'boletines',
  'ofertas',
  'promociones',
  'publicidad',
  'novedades',
  'suscripción',
  'suscripcion',
  'noticias',
  'correos',
]);
/**
 * Something that did not arrive is a complaint, not a wish to stop it: "I'm not receiving the reset email", "I didn't
 * get the tracking email", "no me llegan los SMS", "no he recibido el reembolso".
 */
const COMPLAINT_RE =
  /\b(not|never|n't|didn't|don't|doesn't|haven't|hasn't|no longer) (been |yet |even |any )?(receiv\w*|get|gets|getting|got|gotten|arriv\w*|come|came|coming|reach\w*|show\w* up)\b|\bno (me |nos |le )?(llega|llegan|llegó|llego|ha llegado|han llegado|he recibido|hemos recibido|recibo|recibí|recibi|recibimos)\b/;
/** "I don't want to miss them": a negation that asks to receive. */
const KEEP_RE = /\b(miss|missing|perder|perderme)\b/;
const GRANT_WORDS = new Set([
  'subscribe',
  'subscribed',
  'subscription',
  'sign',
  'join',
  'receive',
  'get',
  'send',
  'want',
  'like',
  'interested',
  'newsletter',
  'offers',
  'deals',
  'news',
  'promotions',
  'again',
  'suscribir',
  'suscribirme',
  'suscríbeme',
  'suscribeme',
  'apuntar',
  'apuntarme',
  'apúntame',
  'apuntame',
  'recibir',
  'quiero',
  'enviad',
  'mandad',
  'envíame',
  'enviame',
  'mándame',
  'boletín',
  'boletin',
  'ofertas',
  'novedades',
  'promociones',
  'otra',
  'nuevo',
]);

/** "darme de baja de la cuenta": leaving the account, not the list (an account deletion, asked and confirmed there). */
const ACCOUNT_WORDS = new Set(['cuenta', 'perfil', 'account', 'profile', 'usuario']);

/** An opt-out in so many words ("unsubscribe", "opt out", "darme de baja", "stop sending"), not of the account. */
function explicitOptOut(w: readonly string[]): boolean {
  if (w.some((x) => OPT_OUT_WORDS.has(x))) return true;
  const joined = ` ${w.join(' ')} `;
  if (!OPT_OUT_RE.test(joined)) return false;
  return !(/\bde baja\b/.test(joined) && w.some((x) => ACCOUNT_WORDS.has(x)) && !w.some((x) => MARKETING_WORDS.has(x)));
}

/**
 * 'withdraw' when the message asks to stop news and offers: an opt-out word ("unsubscribe", "opt out", "darme de
 * baja"), or a stop or a negation together with what news and offers are called ("cancel my newsletter", "no more
 * marketing emails", "no quiero recibir publicidad"); never a complaint that something did not arrive. 'grant' when
 * it only asks to receive; undefined when it says neither (the dialog then asks which, and changes nothing unasked).
 */
export function readConsentWish(text: string): ConsentWish | undefined {
  const w = words(text);
  const joined = ` ${w.join(' ')} `;
  // An explicit opt-out wins over a complaint in the same message ("I don't get why you send offers, unsubscribe me"):
  // withdrawing is always safe to honour at once. Unless it is itself negated ("I never asked to unsubscribe").
  const optOut = explicitOptOut(w) && !NEGATED_OPT_OUT_RE.test(text.toLowerCase().replace(/[’`]/g, "'"));
  if (optOut) return 'withdraw';
  if (COMPLAINT_RE.test(joined)) return undefined;
  const names = w.some((x) => MARKETING_WORDS.has(x)) || /\b(mailing list|lista de correo|e-?mails? from you)\b/.test(joined);
  // "take me off your mailing list": off a list is a stop too.
  const stops = w.some((x) => STOP_WORDS.has(x)) || /\b(no more|any more|anymore|ya no|no más|no mas|(take|get|remove|drop) (me )?off)\b/.test(joined);
  const negates = w.some((x) => NEGATIONS.has(x)) && !KEEP_RE.test(joined);
  if (names && (stops || negates)) return 'withdraw';
  if (w.some((x) => GRANT_WORDS.has(x))) return 'grant';
  return undefined;
}

/** Words that may stand beside a bare stop without saying what to stop: "no, stop", "please stop it", "para ya". */
/** Stops that alone name no object ("cancel" alone still goes to the model: it is mostly about an order). */
// "baja" alone (Spanish for leaving something: a list, an account, a contract) names nothing either.
const BARE_STOPS = new Set(['stop', 'stopping', 'quit', 'pause', 'enough', 'basta', 'para', 'parad', 'pare', 'parar', 'detente', 'déjalo', 'baja']);
const FILLER = new Set(['no', 'please', 'pls', 'por', 'favor', 'it', 'that', 'this', 'now', 'ya', 'just', 'ok', 'eso', 'esto', 'ahora']);

/**
 * "stop", "no, stop", "para ya": a stop that names nothing. It is no wish about news and offers (readConsentWish says
 * neither), and never a reason to offer them: the bot asks what to stop.
 */
export function isBareStop(text: string): boolean {
  const w = words(text);
  return w.some((x) => BARE_STOPS.has(x)) && w.every((x) => BARE_STOPS.has(x) || FILLER.has(x));
}

/** A stop or a refusal without a wish either way: never answered with an offer of news. */
export function soundsLikeStop(text: string): boolean {
  const w = words(text);
  return isBareStop(text) || w.some((x) => STOP_WORDS.has(x) || NEGATIONS.has(x));
}

/**
 * Whether a message to a chat the bot does not own (queued, held by a person, handed to a contact centre) withdraws
 * marketing consent: an explicit opt-out ("unsubscribe me", "darme de baja", "stop sending me offers"), or a stop of
 * something named as news and offers that the recognizer also reads as about consent. Never a guess.
 */
export function withdrawsConsent(text: string, intents: readonly string[]): boolean {
  if (readConsentWish(text) !== 'withdraw') return false;
  return explicitOptOut(words(text)) || intents.some((i) => i === 'consent.change' || i === 'newsletter.subscribe');
}
