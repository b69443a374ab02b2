import { changeStance, stanceOf, wordPattern } from './changeScope';
import { optsInOnNamedChannels } from './consentScope';
import { isHedged } from './explicitYes';
import { spellOptOut } from './optOutTypos';
import { words } from './yesNo';

/**
 * What a message about news and offers asks for, read from its words, not from the intent model (which took
 * "I want to cancel my newsletter subscription" for a subscription). A clear wish to stop is honoured at once; a
 * wish to receive is only ever a question back to the customer (ChangeConsentDialog asks for an explicit yes naming
 * purpose and channel). A negation alone is not a wish: customers who write "my package has not arrived" or "I'm not
 * getting the reset email" are asking for help, and once lost their marketing consent on it. 'keep': the message
 * speaks of news and offers without asking to stop them ("I don't want to stop the newsletter", "why did my offers
 * stop? I didn't unsubscribe", "I don't mind the offers"): nothing changes, the customer is told where they stand.
 * 'question': the message asks whether or how one stops them, or what stopping does ("can I unsubscribe?", "¿cómo me
 * doy de baja?", "would unsubscribing also stop my order updates?"): answered, with the opt-out one tap away; a
 * question is no request, and nothing changes.
 */
export type ConsentWish = 'grant' | 'withdraw' | 'keep' | 'question';

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
/** "I don't want to miss them", "I don't mind the offers", "no me molestan": a negation that keeps receiving. */
const KEEP_RE = /\b(miss|missing|perder|perderme|molesta|molestan)\b|\b(don't|dont|do not|not) mind\b/;
/** "I'd like to receive…", "I would love…": a wish to receive, not liking what already comes. */
const WOULD_LIKE = /\b(i'd|id|i would|we'd|we would|would) (like|love)\b/g;
/** Liking what we send ("I like getting your offers", "me gusta el boletín"), unless it is itself negated. */
const LIKES = wordPattern('like|likes|love|enjoy|enjoying|happy with|gusta|gustan|encanta|encantan');
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
  if (w.some((x) => OPT_OUT_WORDS.has(x) || /^(?:unsubscrib|desuscrib|desapunt)/.test(x))) return true;
  const joined = ` ${w.join(' ')} `;
  if (!OPT_OUT_RE.test(joined)) return false;
  return !(/\bde baja\b/.test(joined) && w.some((x) => ACCOUNT_WORDS.has(x)) && !w.some((x) => MARKETING_WORDS.has(x)));
}

/** The message names news and offers ("newsletter", "publicidad", "your mailing list"). */
function namesNews(w: readonly string[], joined: string): boolean {
  return w.some((x) => MARKETING_WORDS.has(x)) || /\b(mailing list|lista de correo|e-?mails? from you)\b/.test(joined);
}

/**
 * 'withdraw' when the message asks to stop news and offers: an opt-out word ("unsubscribe", "opt out", "darme de
 * baja"), or a stop or a negation together with what news and offers are called ("cancel my newsletter", "no more
 * marketing emails", "no quiero recibir publicidad"); never a complaint that something did not arrive. 'grant' when
 * it only asks to receive; undefined when it says neither (the dialog then asks which, and changes nothing unasked).
 */
export function readConsentWish(text: string): ConsentWish | undefined {
  // The router, asksAboutOptOut and withdrawsConsent read the same message in one turn: its answer is kept (it depends
  // on the text alone), as words() keeps the last text's words.
  if (text === wishText) return wish;
  wish = consentWishOf(spellOptOut(text));
  wishText = text;
  return wish;
}

let wishText: string | undefined;
let wish: ConsentWish | undefined;

function consentWishOf(text: string): ConsentWish | undefined {
  const w = words(text);
  const joined = ` ${w.join(' ')} `;
  const names = namesNews(w, joined);
  // Every stop in the message, each judged in its clause (changeScope.ts): one asked is a wish to stop; all of them
  // denied ("I never asked to unsubscribe", "no quiero darme de baja") or asked about ("why did my offers stop?") is not.
  const stop = changeStance(text, 'optOut');
  if (stop === 'negated' || stop === 'status') return names || explicitOptOut(w) ? 'keep' : undefined;
  // "can I unsubscribe?", "where can I unsubscribe?", "¿se puede dejar de recibir publicidad?": every stop in it is
  // asked about, none asked for (these once withdrew consent at once).
  if (stop === 'question') return names || explicitOptOut(w) ? 'question' : undefined;
  // "I'd like offers by SMS but not email", "quiero promociones por whatsapp pero no por correo": wanting them on a
  // channel is an opt-in, asked per channel; its "not" names a channel left out, never a withdrawal (consentScope.ts).
  if (!explicitOptOut(w) && optsInOnNamedChannels(text)) return 'grant';
  // An explicit opt-out wins over a complaint in the same message ("I don't get why you send offers, unsubscribe me"):
  // withdrawing is always safe to honour at once.
  if (explicitOptOut(w)) return 'withdraw';
  if (COMPLAINT_RE.test(joined)) return undefined;
  // "take me off your mailing list": off a list is a stop too.
  const stops =
    stop !== undefined ||
    w.some((x) => STOP_WORDS.has(x)) ||
    /\b(no more|any more|anymore|ya no|no más|no mas|(take|get|remove|drop) (me )?off)\b/.test(joined);
  if (names && stops) return 'withdraw';
  // "I like getting your offers", "I don't mind the offers": liking them is no stop, whatever negation it carries.
  if (names && (KEEP_RE.test(joined) || stanceOf(joined.replace(WOULD_LIKE, 'want'), LIKES) === 'asked')) return 'keep';
  // "I don't want any offers", "no quiero recibir publicidad": a refusal of what we send.
  if (names && w.some((x) => NEGATIONS.has(x))) return 'withdraw';
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
  text = spellOptOut(text);
  const w = words(text);
  return isBareStop(text) || explicitOptOut(w) || w.some((x) => STOP_WORDS.has(x) || NEGATIONS.has(x));
}

/**
 * Whether a message to a chat the bot does not own (queued, held by a person, handed to a contact centre) withdraws
 * marketing consent: an explicit opt-out ("unsubscribe me", "darme de baja", "stop sending me offers"), or a stop of
 * something named as news and offers that the recognizer also reads as about consent. Never a guess.
 */
export function withdrawsConsent(text: string, intents: readonly string[]): boolean {
  text = spellOptOut(text);
  // readConsentWish withdraws only on an opt-out in so many words or with news and offers named: every other message
  // (most of those a held chat relays) is answered here without reading its clauses.
  const w = words(text);
  const optOut = explicitOptOut(w);
  if (!optOut && !namesNews(w, ` ${w.join(' ')} `)) return false;
  if (readConsentWish(text) !== 'withdraw') return false;
  return optOut || intents.some((i) => i === 'consent.change' || i === 'newsletter.subscribe');
}

/**
 * A question about opting out that the router answers as one (the consent dialog's how-to and a one-tap button): an
 * opt-out asked about in so many words ("can I unsubscribe?", "¿cómo me doy de baja?"), or asked about news and offers
 * when the recognizer reads the message as about them. Never a withdrawal.
 */
export function asksAboutOptOut(text: string, intents: readonly string[]): boolean {
  text = spellOptOut(text);
  // readConsentWish asks 'question' only of an opt-out in so many words or with news and offers named: every other
  // message (nearly all the router sees) is answered here without reading its clauses, as withdrawsConsent does.
  const w = words(text);
  const optOut = explicitOptOut(w);
  if (!optOut && !namesNews(w, ` ${w.join(' ')} `)) return false;
  if (readConsentWish(text) !== 'question') return false;
  return optOut || intents.some((i) => i === 'consent.change' || i === 'newsletter.subscribe');
}

/**
 * Receiving (or keeping) news and offers asked for in so many words, in place of a yes: "please keep sending me offers",
 * "send them to me", "I want to receive them", "seguid enviándomelas", "quiero recibirlas". Only as the answer to the
 * consent dialog's own question, which named purpose and channel; a condition or a hedge ("keep sending them, but
 * less") makes it unclear, never a grant.
 */
const RECEIVE_RE = new RegExp(
  [
    `(?:keep|continue|carry on|go on)(?: on)? (?:sending|emailing|e-mailing|mailing|messaging)`,
    `(?:please |pls )?(?:send|email|e-mail|mail) (?:me|us|them|it)`,
    `(?:(?:i|we)(?: do| really| still)? (?:want|wanna|would like|would love)|(?:i'd|we'd) (?:like|love)) (?:to (?:receive|get|keep (?:receiving|getting)|have)|them|it|the (?:offers|news|newsletter|deals|promotions))`,
    `(?:sigue|seguid|siga|sigan|contin[uú]a|continuad|continuen|contin[uú]en) (?:envi|mand)`,
    `(?:env[ií][aá]|mand[aá])(?:me|dme|nos|dnos)(?:las|los)?`,
    `quiero (?:recibir|seguir recibi|las ofertas|las novedades|el bolet)`,
  ].join('|'),
  'u',
);

/** 'yes' when the message asks to receive in so many words, 'unclear' when it does with a hedge; else undefined. */
export function readReceiveWish(text: string): 'yes' | 'unclear' | undefined {
  const w = words(text);
  if (!RECEIVE_RE.test(` ${w.join(' ')} `)) return undefined;
  const wish = readConsentWish(text);
  // At the question that named them, "enviádmelas" needs no word for news and offers of its own.
  if (wish === 'grant' || wish === undefined) return isHedged(text) ? 'unclear' : 'yes';
  // "keep sending me offers, but not so many": its "not" once read as a refusal of them; no opt-out in it, no change.
  return wish === 'withdraw' && isHedged(text) && !explicitOptOut(w) ? 'unclear' : undefined;
}
