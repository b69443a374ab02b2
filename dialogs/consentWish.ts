import { words } from './yesNo';

/**
 * What a message about news and offers asks for, read from its words, not from the intent model (which took
 * "I want to cancel my newsletter subscription" for a subscription). Any sign of stopping, refusing or negation
 * reads as a withdrawal, which is honoured at once; a wish to receive is only ever a question back to the customer
 * (ChangeConsentDialog asks for an explicit yes naming purpose and channel).
 */
export type ConsentWish = 'grant' | 'withdraw';

const WITHDRAW_WORDS = new Set([
  'unsubscribe',
  'unsubscribed',
  'unsub',
  'unsubscribing',
  'cancel',
  'cancelling',
  'canceling',
  'stop',
  'stopping',
  'quit',
  'remove',
  'delete',
  'opt',
  'optout',
  'withdraw',
  'revoke',
  'leave',
  'end',
  'off',
  'no',
  'not',
  "don't",
  'dont',
  'never',
  "doesn't",
  "didn't",
  'without',
  'spam',
  'less',
  'fewer',
  'pause',
  'block',
  'annoying',
  'baja',
  'cancelar',
  'cancela',
  'cancelo',
  'cancélame',
  'desuscribir',
  'desuscribirme',
  'desapuntar',
  'desapúntame',
  'desapuntarme',
  'quitar',
  'quita',
  'quítame',
  'quitame',
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
  'nunca',
  'ninguna',
  'ningún',
  'ninguno',
  'basta',
  'revocar',
  'retirar',
]);
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

/**
 * 'withdraw' when the message stops, refuses or negates anything; 'grant' when it only asks to receive; undefined when
 * it says neither (the dialog then asks which).
 */
export function readConsentWish(text: string): ConsentWish | undefined {
  const w = words(text);
  const joined = ` ${w.join(' ')} `;
  // "opt out", "no more", "ya no", "no más": stopping, whatever else the message says.
  if (w.some((x) => WITHDRAW_WORDS.has(x)) || /\b(opt out|no more|any more|anymore|ya no|no más|no mas|de baja)\b/.test(joined)) return 'withdraw';
  if (w.some((x) => GRANT_WORDS.has(x))) return 'grant';
  return undefined;
}
