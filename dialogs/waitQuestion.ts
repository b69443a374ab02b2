/**
 * A queued customer asking about their place or the wait ("what's my place in the queue?", "still waiting, how
 * long?", "¿cuánto falta?"). The intent model has no such intent (it read these as placing an order, a refund's status
 * or the delivery times), and while queued the answer is the queue's own figure, so they are read by their words.
 * Only asked while the chat waits for a person (bot/queuedTurn.ts).
 */

// Letters, as \b knows only ASCII ones: "cuánto", "posición" are words here.
const L = '\\p{L}';
const phrase = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'u');

/** The queue itself, or one's place in it: enough alone. */
const QUEUE = phrase(
  [
    'queue|in line|the line|line up|my turn|(?:my|what|which) (?:place|position|spot)|position am i|place am i|ahead of me|in front of me|before me',
    'cola|fila|mi turno|(?:qu[eé]|mi) (?:posici[oó]n|lugar|puesto)|delante de m[ií]|antes que yo|por delante',
    // "are you still there?", "is anyone there?" while waiting: the queue's status is the answer (outside test 29, LOW 4).
    '(?:are|is) (?:you|anyone|anybody|someone|somebody|an agent|the agent) (?:still )?(?:there|here|around)|(?:anyone|anybody|someone|somebody) (?:still )?there|hay alguien|(?:sigue|sigues|est[aá]s?) (?:alguien )?ah[ií]',
  ].join('|'),
);

/** Asking how long, or when someone comes: about the wait unless the message names something else that takes time. */
const WAIT = phrase(
  [
    "how long|how much longer|how much more time|take (?:long|much longer|ages)|long wait|wait(?:ing)? time|still waiting|been waiting|keep waiting|when (?:will|does|do|can|is) (?:someone|somebody|anyone|an agent|the agent|a person|a human|you|they|it be my turn)|when(?:'s| is) (?:someone|somebody|an agent|a person)",
    'cu[aá]nto (?:falta|queda|me queda|m[aá]s|tiempo|tarda|tardar[aá]|tardan|tardar[aá]n|hay que esperar)|falta mucho|queda mucho|tarda mucho|tardar[aá] mucho|sigo esperando|llevo esperando|tiempo de espera|de espera|cu[aá]ndo (?:me )?(?:atiende|atienden|atender[aá]|atender[aá]n|responde|responden|contesta|contestan|toca)|cu[aá]ndo (?:me )?(?:va|van) a (?:atender|responder|contestar)',
  ].join('|'),
);

/** Something else a customer waits for: "how long does shipping take", "I'm still waiting for my order". */
const OTHER_WAIT = phrase(
  [
    'orders?|parcels?|packages?|deliver(?:y|ies|ed)?|ship(?:ping|ment|ped)?|refunds?|returns?|invoices?|codes?|e-?mails?|arrive|arriving|warranty|reply to my email|money',
    // "still waiting for my grey armchair": waiting for a thing, not for a person.
    'waiting (?:for|on) (?:my|our|the (?!agent|person|human|reply|answer|next))|esperando (?:a )?(?:mi|mis|el|la|los|las|un|una) (?!agente|persona|respuesta|turno)',
    'pedidos?|paquetes?|env[ií]os?|entregas?|reembolsos?|devoluci[oó]n|devoluciones|facturas?|c[oó]digos?|correos?|llegar|llegue|llega|garant[ií]a|dinero',
  ].join('|'),
);

export function asksAboutWait(text: string): boolean {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  // An order number is a request about that order ("still waiting for 12345").
  if (/\d{5,}/.test(t)) return false;
  if (QUEUE.test(t)) return true;
  return WAIT.test(t) && !OTHER_WAIT.test(t);
}
