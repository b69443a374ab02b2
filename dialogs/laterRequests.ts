import type { Decision } from '../nlu/confidencePolicy';
import type { Recognition } from '../nlu/recognizer';
import { extractOrderNumber } from './orderDialog';

/**
 * Several requests in one conversation, one at a time (outside tester, H4): "my order 67890 arrived broken and i want
 * my money back. also can you change my email to …" ran the refund and dropped the e-mail change, and "what about my
 * email change?" typed at "why do you want a refund?" became the refund's reason. A second request is kept (the
 * router's memory, RouterMemory.later) and taken up when the first is done; a question at a free-text prompt is no
 * answer to it.
 */

/** The intents a message's first request may be for a split to apply: the order dialogs (one order each). */
const FIRST = new Set(['order.track', 'order.cancel', 'refund.request', 'refund.status', 'return.request']);
/** What a kept second request may be: a flow the bot runs itself (news and offers have their own reading). */
const SECOND = new Set([...FIRST, 'contact.change', 'password.recover', 'account.delete', 'feedback.review']);

/** "also", "and also", "plus", "además", "y también": the start of another request. */
const CUE = /(?:[.!?;,]+\s*|\s+)(?:and\s+also|and\s+then|also|plus|additionally|besides|y\s+también|y\s+además|además|también)[,:]?\s+/giu;
/** A pattern's words as whole words. */
const bounded = (source: string) => String.raw`(?<![\p{L}])(?:${source})(?![\p{L}])`;

/** A plain sentence end or "and"/"y": another request only when it names another order. */
const WEAK = /[.!?;]+\s+|\s+(?:and|y|e)\s+/giu;

export interface SplitRequest {
  /** The first request, recognized on its own words. */
  head: Recognition;
  intent: string;
  /** The rest, kept to be taken up when the first is done. */
  tail: string;
}

/**
 * The first request of a message that makes two, and the words of the second: a cue ("also…") or another order named,
 * each part one the bot is sure of, and not the same request twice (the same intent and order).
 */
export async function splitRequests(
  text: string,
  recognize: (text: string) => Promise<Recognition>,
  decide: (r: Recognition) => Decision,
): Promise<SplitRequest | undefined> {
  const points: { at: number; end: number; weak: boolean }[] = [];
  for (const m of text.matchAll(CUE)) points.push({ at: m.index, end: m.index + m[0].length, weak: false });
  for (const m of text.matchAll(WEAK))
    if (!points.some((p) => p.at <= m.index && m.index < p.end)) points.push({ at: m.index, end: m.index + m[0].length, weak: true });
  points.sort((a, b) => a.at - b.at);
  for (const p of points.slice(0, 4)) {
    const headText = text.slice(0, p.at).trim();
    const tail = text.slice(p.end).trim();
    if (headText.split(/\s+/).length < 2 || tail.split(/\s+/).length < 2) continue;
    const headOrder = extractOrderNumber(headText);
    const tailOrder = extractOrderNumber(tail);
    if (p.weak && !(headOrder && tailOrder && headOrder !== tailOrder)) continue;
    const [head, rest] = await Promise.all([recognize(headText), recognize(tail)]);
    const a = decide(head);
    const b = decide(rest);
    if (a.kind !== 'answer' || !FIRST.has(a.intent)) continue;
    const second = b.kind === 'answer' ? b.intent : b.kind === 'clarify' && tailOrder ? b.options[0] : undefined;
    if (!second || !SECOND.has(second)) continue;
    if (second === a.intent && (!tailOrder || tailOrder === headOrder)) continue;
    return { head, intent: a.intent, tail };
  }
  return undefined;
}

/** Reasons customers give for a refund or a return, with the words that name them (English and Spanish). */
const REASONS: { en: string; es: string; words: RegExp }[] = [
  {
    en: 'it arrived damaged',
    es: 'llegó dañado',
    words:
      /(?:broken|broke|damaged|smashed|cracked|shattered|crushed|torn|ripped|dented|scratched|destroyed|roto|rota|rotos|rotas|da[ñn]ad[oa]s?|estropead[oa]s?|rajad[oa]s?|aplastad[oa]s?)/,
  },
  {
    en: 'it is faulty',
    es: 'es defectuoso',
    words:
      /(?:faulty|defective|does ?n[o']?t work|doesnt work|stopped working|not working|won'?t (?:turn on|work)|defectuos[oa]s?|no funciona|dej[oó] de funcionar|averiad[oa]s?)/,
  },
  {
    en: 'wrong size',
    es: 'la talla no es la correcta',
    words:
      /(?:wrong size|too (?:small|big|large|tight|short|long)|does ?n[o']?t fit|doesnt fit|talla (?:equivocada|incorrecta)|no me (?:queda|vale)|(?:muy|demasiado) (?:peque[ñn]|grande|ajustad))/,
  },
  {
    en: 'wrong item',
    es: 'no es el artículo que pedí',
    words: /(?:wrong (?:item|product|colou?r|model|one)|not what i ordered|(?:art[ií]culo|producto|color|modelo) equivocado|no es lo que ped[ií])/,
  },
  {
    en: 'it never arrived',
    es: 'no llegó',
    words:
      /(?:never (?:arrived|came|got it|received)|did ?n[o']?t (?:arrive|come)|not (?:arrived|received)|nunca (?:lleg[oó]|me lleg[oó])|no (?:me )?(?:ha )?llega(?:do|[oó]))/,
  },
  {
    en: 'it arrived late',
    es: 'llegó tarde',
    words: /(?:arrived (?:too )?late|came (?:too )?late|lleg[oó] (?:muy |demasiado )?tarde)/,
  },
  {
    en: 'something is missing',
    es: 'falta algo',
    words:
      /(?:(?:item|part|piece|something)s? (?:is |are |was |were )?missing|missing (?:item|part|piece)s?|falta(?:n|ba)? (?:una?|algo|piezas?|art[ií]culos?))/,
  },
  {
    en: 'changed my mind',
    es: 'he cambiado de opinión',
    words:
      /(?:changed my mind|no longer (?:need|want) it|do ?n[o']?t (?:need|want) it anymore|cambi[eé] de opini[oó]n|he cambiado de opini[oó]n|ya no lo (?:necesito|quiero))/,
  },
];

const QUESTION_START =
  /^(?:what|where|when|why|how|who|which|can|could|would|will|is|are|do|does|did|have|has|should|may|qu[eé]|d[oó]nde|cu[aá]ndo|c[oó]mo|por\s?qu[eé]|qui[eé]n|cu[aá]l|puedes|podr[ií]as|pod[eé]is|hay)\b/iu;
const ANOTHER_REQUEST =
  /(?<![\p{L}])(?:can you also|could you also|also (?:can|could) you|and also|what about|how about|and my|i also (?:want|need)|another (?:order|request|question)|my other order|y (?:lo de|qu[eé] pasa con|mi)|tambi[eé]n (?:quiero|necesito)|mi otro pedido|otra (?:petici[oó]n|pregunta))(?![\p{L}])/iu;
/** What names a reason for a refund or a return, even phrased as a question ("it arrived broken, can I get my money?"). */
const NAMES_REASON = new RegExp(bounded(REASONS.map((r) => r.words.source).join('|')), 'iu');

/**
 * An answer at a free-text prompt (a refund's reason) that is no answer to it: a question ("what about my email
 * change?", "where is my other order?") or another request ("can you also…"). A reason phrased with a question mark
 * that names a reason still is one.
 */
export function asksSomethingElse(text: string): boolean {
  const plain = text.trim();
  if (NAMES_REASON.test(plain)) return false;
  return plain.endsWith('?') || plain.startsWith('¿') || QUESTION_START.test(plain) || ANOTHER_REQUEST.test(plain);
}

/** The reason a refund or return request names ("arrived broken", "wrong size", "llegó roto"), in the reply language. */
export function reasonIn(text: string, language: string): string | undefined {
  const plain = text.toLowerCase();
  const r = REASONS.find((x) => new RegExp(bounded(x.words.source), 'iu').test(plain));
  if (!r) return undefined;
  // A denied reason ("it is not broken, I just want a refund") is none.
  const at = plain.search(new RegExp(bounded(r.words.source), 'iu'));
  if (/(?:\bnot|\bisn'?t|\bno|\bwasn'?t|\bnada)\s+(?:\w+\s+)?$/u.test(plain.slice(Math.max(0, at - 16), at))) return undefined;
  return language === 'es' ? r.es : r.en;
}
