/** Labelled sentences for the sentiment evaluation in `npm run bench` (all ours, written here; gold -1 / 0 / 1). */
export type Labelled = [text: string, language: 'en' | 'es', gold: -1 | 0 | 1];

/** The original 22 (issue #6), kept unchanged so that figures stay comparable. */
export const SENTIMENT_SET: Labelled[] = [
  ['this is terrible service', 'en', -1],
  ['I am not happy at all', 'en', -1],
  ['not good, very disappointed', 'en', -1],
  ['worst purchase ever', 'en', -1],
  ['I hate waiting this long', 'en', -1],
  ['the package never arrived and nobody answers', 'en', -1],
  ['great, thank you so much', 'en', 1],
  ['excellent, it works perfectly', 'en', 1],
  ['I love the new jacket', 'en', 1],
  ['not bad at all, happy with it', 'en', 1],
  ['where is my order', 'en', 0],
  ['I need an invoice', 'en', 0],
  ['change my address please', 'en', 0],
  ['el servicio es pésimo', 'es', -1],
  ['no estoy nada contento', 'es', -1],
  ['muy decepcionado con el pedido', 'es', -1],
  ['odio esperar tanto', 'es', -1],
  ['genial, muchas gracias', 'es', 1],
  ['excelente atención', 'es', 1],
  ['me encanta, perfecto', 'es', 1],
  ['dónde está mi pedido', 'es', 0],
  ['necesito una factura', 'es', 0],
];

/**
 * Review 21: the same feelings written by women and men, singular and plural (Spanish inflects them), and the
 * everyday complaints the first set missed. Each Spanish pair differs only in gender or number.
 */
export const SENTIMENT_GENDER_SET: Labelled[] = [
  ['estoy furioso con este pedido', 'es', -1],
  ['estoy furiosa con este pedido', 'es', -1],
  ['estoy muy decepcionado', 'es', -1],
  ['estoy muy decepcionada', 'es', -1],
  ['estamos decepcionadas con la tienda', 'es', -1],
  ['estoy contento con la compra', 'es', 1],
  ['estoy contenta con la compra', 'es', 1],
  ['estamos contentos, gracias', 'es', 1],
  ['estoy bastante molesto', 'es', -1],
  ['estoy bastante molesta', 'es', -1],
  ['ya estoy harto de esperar', 'es', -1],
  ['ya estoy harta de esperar', 'es', -1],
  ['estoy enfadada, nadie me contesta', 'es', -1],
  ['la caja llegó rota', 'es', -1],
  ['los zapatos llegaron rotos y nadie me responde', 'es', -1],
  ['el servicio fue fatal', 'es', -1],
  ['no estoy satisfecha', 'es', -1],
  ['quedé encantada, muy amables', 'es', 1],
  ['las camisetas son buenísimas', 'es', 1],
  ['buenas tardes, quiero cambiar la dirección', 'es', 0],
  ['mi hija necesita una factura', 'es', 0],
  ['I am so upset, nobody replies', 'en', -1],
  ['the jacket arrived broken', 'en', -1],
  ['I am fed up with this', 'en', -1],
  ['she was really helpful, I am pleased', 'en', 1],
  ['my wife needs the invoice', 'en', 0],
];

/**
 * An outside tester (session 22): everyday complaints that carry no word of feeling (rudeness, nothing delivered,
 * slowness), in both languages, typed with and without accents, and neutral look-alikes that ask about the same things.
 */
export const SENTIMENT_EVERYDAY_SET: Labelled[] = [
  ['la repartidora fue muy grosera', 'es', -1],
  ['el mensajero fue bastante maleducado', 'es', -1],
  ['al final no me llegó nada de lo que pedí', 'es', -1],
  ['pagué hace dos semanas y no me llego nada', 'es', -1],
  ['tardaron mucho en traerlo', 'es', -1],
  ['la tienda tarda mucho en contestar', 'es', -1],
  ['han tardado mucho con mi devolución', 'es', -1],
  ['¿cuánto tarda el envío a Sevilla?', 'es', 0],
  ['¿ha llegado ya mi paquete?', 'es', 0],
  ['the delivery guy was so rude to me', 'en', -1],
  ['your driver was really impolite', 'en', -1],
  ['I paid last week and nothing arrived', 'en', -1],
  ['the refund took ages', 'en', -1],
  ['support is taking forever to reply', 'en', -1],
  ['how long does delivery take to Leeds?', 'en', 0],
  ['has my parcel arrived yet?', 'en', 0],
];
