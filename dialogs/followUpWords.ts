/**
 * Four readings of a customer's own words (outside test 28), English and Spanish, plain functions of the text:
 * a question whether service messages continue, "when will it arrive?" about the order just shown, a request
 * withdrawn ("no, olvídalo"), and a double charge. Written from how customers type: typos, no accents, no "¿".
 */
import { isQuestion } from './questionForm';

const L = '\\p{L}';
const phrase = (alternatives: string) => new RegExp(`(?<![${L}])(?:${alternatives})(?![${L}])`, 'u');
const norm = (text: string) => text.toLowerCase().replace(/[’`´]/g, "'").trim();

/** Still getting, or stopping: "will I still get", "do I keep receiving", "¿seguiré recibiendo?", "¿me seguirán llegando?". */
const STILL = phrase(
  [
    `still|keep (?:getting|receiving)|continue (?:to (?:get|receive)|getting|receiving)|stop (?:getting|receiving)|(?:does|will|did) (?:that|this|it|opting out|unsubscribing) (?:stop|affect|include|cover|block)|(?:affect|include)s?`,
    `segu${L}* (?:recibiendo|llegando|mandando|enviando)|sigo (?:recibiendo)|continu${L}* (?:recibiendo|llegando)|todav[ií]a|a[uú]n|tambi[eé]n (?:se (?:cancela|quita|para)|dej${L}*)|(?:afecta|incluye|quita|para|corta)n?|dejar${L}* de (?:recibir|llegar)`,
  ].join('|'),
);
/** Service messages about the customer's orders: updates, notices, shipping e-mails, tracking, receipts. */
const SERVICE = phrase(
  [
    `(?:orders?|delivery|deliveries|shipping|shipment|tracking|dispatch|parcel|package)(?:'s)? (?:updates?|notifications?|notices?|e-?mails?|mails|messages?|texts?|sms|alerts?|info|confirmations?)|(?:updates?|notifications?|notices?|e-?mails?|mails|messages?|texts?|alerts?|info) (?:about|on|for|regarding) (?:my |the )?(?:orders?|deliver${L}*|shipping|parcels?|packages?|refunds?)|service (?:e-?mails?|messages?)|receipts?|invoices?|tracking`,
    `(?:avisos?|notificaciones?|correos?|e-?mails?|mensajes?|actualizaciones?|alertas?|sms|info(?:rmaci[oó]n)?|confirmaciones?) (?:de|del|sobre|de (?:mis|los|mi|el)|acerca de) ?(?:mis |los |mi |el |la |las )?(?:pedidos?|env[ií]os?|entregas?|paquetes?|compras?|seguimiento|reembolsos?)|seguimiento (?:de|del) (?:mis |mi )?(?:pedidos?|env[ií]os?)|mensajes de servicio|facturas?|recibos?`,
  ].join('|'),
);

const OPTING_OUT = phrase(`unsubscrib${L}*|opt(?:ing|ed)? out|opting-out|de baja|desuscrib${L}*`);

/**
 * "will I still get my order updates?", "¿seguiré recibiendo avisos de mi pedido?": whether service messages go on
 * (after an opt-out, most often). A question about them, never a request to track or to change consent.
 */
export function asksServiceMessages(text: string): boolean {
  const t = norm(text);
  // "if I unsubscribe, will I still get delivery updates?" asks about opting out: its how-to answers (consentWish.ts).
  if (OPTING_OUT.test(t)) return false;
  return isQuestion(t) || /\b(?:wondering|wonder|pregunto|saber si)\b/u.test(t) ? STILL.test(t) && SERVICE.test(t) : false;
}

/** When it comes: "when will it arrive", "when does it get here", "eta?", "¿y cuándo llega?", "para cuando me llega". */
const WHEN_ARRIVES = phrase(
  [
    `when (?:will|would|does|do|is|should|can|could) (?:it|they|that|this|my (?:order|parcel|package|stuff)|the (?:order|parcel|package)|i) (?:arrive|get (?:here|there|delivered|to me)|come|be (?:here|delivered|arriving|there|coming)|show up|reach me|land|get it|receive it|expect it)|wh?en(?:'s| is|s) it (?:arriving|ariving|coming|due|getting here|being delivered)|wh?en (?:will|does) it (?:arrive|arive|arrve|come)|how long (?:until|till|til|before) (?:it|they) (?:arrives?|gets? here|comes?)|(?:delivery|arrival) (?:date|day|time|estimate)|eta|estimated (?:delivery|arrival)|when can i expect it`,
    `cu[aá]ndo (?:me )?(?:llega|llegan|llegar[aá]n?|va a llegar|van a llegar|lo (?:recibo|recibir[eé]|entregan|traen|tendr[eé])|me lo (?:entregan|traen|dan)|entregan|estar[aá] aqu[ií]|lo voy a recibir)|para cu[aá]ndo(?: me)? (?:llega|est[aá]|lo tendr[eé])|fecha (?:de|estimada de) (?:entrega|llegada)|cu[aá]nto (?:falta|tarda(?:r[aá])?) (?:para que|en) (?:llegue|llegar)`,
  ].join('|'),
);

/** "and when will it arrive?": when the order comes, naming no order (the one just shown is meant). */
export function asksWhenItArrives(text: string): boolean {
  const t = norm(text);
  return WHEN_ARRIVES.test(t) && !/\d{5,}/u.test(t) && t.split(/\s+/).length <= 12;
}

/** Words that withdraw, and those that may come with them ("no, olvídalo", "ya no", "mejor no", "nah forget it"). */
const WITHDRAW = phrase(
  `olv[ií]d[ae]l[oa]|olvid[ae]|olvidalo|olvidala|d[eé]jal[oa]|dejal[oa]|d[eé]jalo as[ií]|ya no|mejor no|no importa|ya no hace falta|no hace falta|cancela eso|nel|never ?mind|forget (?:it|that|about it)|scratch that|don'?t bother|no need|not anymore|no longer`,
);
const FILLER = phrase(
  `no|nah|nope|ok|okay|oh|ah|bueno|pues|mejor|ya|eh|oye|sabes qu[eé]|gracias|thanks|thank you|please|por favor|de verdad|en serio|actually|quiero|lo|quiero nada|nada|i|just|it|eso|esto|that|this|the|request|solicitud|pedido|asi|as[ií]|vale|sorry|perd[oó]n|perdona|fine|good|est[aá] bien|all good|anymore|ya no quiero|no quiero|hacerlo|nothing|todo|all`,
);

/**
 * "no, olvídalo", "ya no", "mejor no, gracias", "never mind": the customer withdraws what they were asking, and names
 * nothing else. Never read as a request (the intent model once offered "Cancel an order" for it).
 */
export function withdrawsRequest(text: string): boolean {
  const t = norm(text).replace(/[¿?¡!.,;:…]+/gu, ' ');
  if (!WITHDRAW.test(t) || t.split(/\s+/).length > 8) return false;
  const rest = t.replace(new RegExp(WITHDRAW.source, 'gu'), ' ').replace(new RegExp(FILLER.source, 'gu'), ' ');
  return rest.trim() === '';
}

/** Charged twice: "charged twice", "double charged", "me cobraron dos veces", "cobro duplicado", "doble cargo". */
const DOUBLE_CHARGE = phrase(
  [
    `(?:charged|billed|debited|taken|paid|charge[ds]?|pa(?:id|yed)) (?:me )?(?:twice|two times|2 times|double|2x|x2)|double[- ]?(?:charged|charge|billed|billing|payment|paid)|(?:charged|billed) (?:me )?(?:for it )?twice|duplicate (?:charge|payment|transaction)s?|two (?:charges|payments) for`,
    `(?:cobr${L}*|carg${L}*|pag${L}*|factur${L}*|descont${L}*|quit${L}*) (?:\\S+ ){0,4}?(?:dos veces|2 veces|doble|por duplicado|x2)|doble (?:cobro|cargo|pago|cargo en (?:mi )?tarjeta)|(?:cobro|cargo|pago)s? (?:duplicados?|doble|repetidos?)|(?:dos|2) (?:cobros|cargos|pagos)`,
  ].join('|'),
);

/** A double charge reported ("I was charged twice for order 12345"): its own answer, never the declined-card text. */
export function reportsDoubleCharge(text: string): boolean {
  const t = norm(text);
  return DOUBLE_CHARGE.test(t) && !/\b(?:not|never|no me|no se)\b.{0,12}(?:charged|cobr)/u.test(t);
}
