/**
 * An answer that gives an order number and nothing else: "12345", "#12345", "es el 12345", "el pedido 12345, gracias",
 * "it's 55555", "my order number is 55555". Typed at a question that did not ask for one ("¿te refieres a…?", or after
 * the bot explained how cancelling works), it still names the order the customer means (outside test 26, M6 and M10:
 * "es el 12345" was not understood). A sentence that asks something ("where is 12345", "cancel 12345") is no such
 * answer: the router reads it. English and Spanish; a plain function of the text.
 */

const NUMBER = /#?(?<![\p{L}\p{N}])(\d{5,10})(?![\p{L}\p{N}])/gu;

/** Words that may stand around the number without asking anything. */
const FILLER = new Set(
  [
    // English
    "it's its it is that's thats this that the my our one order order's number no nº n° num is was it ok okay sure yes yeah yep right here you go please pls thanks thank",
    'i think believe guess mean meant',
    // Spanish
    'es el la lo mi mis pedido número numero nro núm num de del sería seria era este esta ese esa ok vale sí si claro pues bueno aquí aqui tienes tiene por favor gracias creo que digo me refiero al',
  ]
    .join(' ')
    .split(/\s+/),
);

/** The order number when it is all the message gives (with filler words at most); undefined otherwise. */
export function orderNumberAnswer(text: string): string | undefined {
  const s = text.toLowerCase().replace(/[’`´]/g, "'");
  const numbers = [...s.matchAll(NUMBER)].map((m) => m[1]);
  if (numbers.length !== 1) return undefined;
  const words = s
    .replace(NUMBER, ' ')
    .split(/[^\p{L}'ºª°]+/u)
    .filter(Boolean);
  return words.every((w) => FILLER.has(w)) ? numbers[0] : undefined;
}
