/**
 * An explicit request for a person, found by its words wherever it stands in a message ("I need a human please, my
 * card was charged twice"): the classifier gives such mixed messages to their other half. Negated requests ("I
 * don't need an agent") are not requests.
 */
const WHO_EN =
  '(?:a |an |the |some |one of (?:your|the) |your |real |live |actual )*(?:human(?: being)?|person|people|agent|representative|rep|operator|someone|somebody|staff|manager|supervisor|employee|customer (?:service|support)(?: agent| person)?)';
const WHO_ES =
  '(?:con )?(?:un |una |algún |algun |alguna |el |la |tu |vuestro |vuestra |algún |real |de verdad )*(?:persona(?: real| de verdad)?|humano|humana|agente|operador|operadora|asesor|asesora|representante|alguien(?: real| de verdad)?|encargado|encargada|supervisor|supervisora|empleado|empleada|responsable)';
const REQUEST = [
  new RegExp(`\\b(?:talk|speak|chat|connect|transfer|put|pass)(?: me)?(?: through)? (?:to|with) ${WHO_EN}\\b`, 'i'),
  new RegExp(
    `\\b(?:need|want|get me|give me|can i (?:get|have)|i'?d like|i would like|let me talk to|is there)(?: to (?:talk|speak) (?:to|with))? ${WHO_EN}\\b`,
    'i',
  ),
  /\b(?:human|agent|person|operator|representative) please\b/i,
  /\blive (?:agent|chat|person|support)\b|\breal (?:human|person)\b/i,
  new RegExp(`\\b(?:hablar|habla|chatear|comunicarme|contactar)(?: con)? ${WHO_ES}\\b`, 'iu'),
  new RegExp(`\\b(?:quiero|necesito|pásame|pasame|ponme|páseme|paseme|comunícame|comunicame|deseo|me pasas|me pones)(?: con)? ${WHO_ES}\\b`, 'iu'),
  /\b(?:persona|humano|agente|operador) por favor\b/iu,
];
/** The whole message is just the word: "agent", "human!", "una persona". */
const BARE = /^\s*(?:an? |una? )?(?:human|agent|person|operator|representative|real person|live agent|humano|agente|persona|operador|asesor)\s*[!.?]*\s*$/iu;
const NEGATION = /\b(?:don'?t|do not|doesn'?t|no need|not|never|without|no quiero|no necesito|no hace falta|sin|nunca|no)\b[^,.;!?]{0,25}$/iu;

export interface HumanRequest {
  /** The rest of the message, without the request, trimmed (empty when the message was only the request). */
  rest: string;
}

function clauses(text: string): string[] {
  return text
    .split(/(?<=[,.;!?])\s+|\s+(?:but|and also|pero|y además)\s+/iu)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function findHumanRequest(text: string): HumanRequest | undefined {
  if (BARE.test(text)) return { rest: '' };
  const parts = clauses(text);
  for (let i = 0; i < parts.length; i++) {
    for (const re of REQUEST) {
      const m = parts[i].match(re);
      if (!m || NEGATION.test(parts[i].slice(0, m.index ?? 0))) continue;
      const rest = parts
        .filter((_, j) => j !== i)
        .join(' ')
        .trim();
      return { rest };
    }
  }
  return undefined;
}

/** Who a customer may refuse to be passed to, in either language ("nadie", "anyone": the refusal names nobody). */
const ANY_PERSON =
  /(?<![\p{L}])(?:humans?|persons?|people|agents?|representatives?|reps?|operators?|someone|somebody|anyone|anybody|staff|managers?|supervisors?|personas?|humanos?|humanas?|agentes?|operador(?:a|es|as)?|asesor(?:a|es|as)?|representantes?|alguien|nadie|encargad[oa]s?|supervisor(?:a|es|as)?|emplead[oa]s?)(?![\p{L}])/iu;
/** Clauses of a message, also at an opening "¿" and at "just", "only", "solo": "no quiero un agente, solo dime el horario". */
function refusalClauses(text: string): string[] {
  return text
    .split(/(?<=[,.;!?])\s+|\s*[¿¡]\s*|\s+(?:but|and also|just|only|pero|y además|solo|sólo)\s+/iu)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A person named only to be refused ("no quiero un agente, solo dime el horario", "no quiero hablar con nadie", "I
 * don't need an agent"): the classifier reads "agente" and "hablar con" as a request for one, and such messages were
 * queued. `rest`: what the message asks besides (empty when it only refuses). Undefined when it asks for a person
 * (findHumanRequest) or names none in a negated clause.
 */
export function refusesPerson(text: string): HumanRequest | undefined {
  if (findHumanRequest(text)) return undefined;
  const parts = refusalClauses(text);
  const refused = parts.filter((p) => {
    const m = ANY_PERSON.exec(p);
    return m !== null && NEGATION.test(p.slice(0, m.index));
  });
  if (refused.length === 0) return undefined;
  return {
    rest: parts
      .filter((p) => !refused.includes(p))
      .join(' ')
      .trim(),
  };
}

/** Withdrawing a request for a person while still queued: "never mind", "cancel my request", "ya no hace falta". */
const WITHDRAW = [
  /\b(?:withdraw|cancel|drop|forget)(?: my| the)? (?:request|ticket|place in the queue)\b/i,
  /\b(?:don'?t|do not|no longer) need (?:a |an |the )?(?:human|person|agent|anyone)\b/i,
  /\bnever ?mind(?: the (?:agent|person|human))?\b/i,
  /\b(?:retirar|cancelar|anular|retira|cancela|anula)(?: mi| la)? solicitud\b/iu,
  /\bya no (?:necesito|hace falta|quiero)(?: (?:hablar con )?(?:una |un )?(?:persona|agente|humano))?\b/iu,
  /\b(?:olvídalo|olvidalo|déjalo|dejalo)\b/iu,
  // Said right after asking for a person, "cancel that" and "forget it" take the request back (outside test 26:
  // "actually cancel that, I found the answer" started an order cancellation); "cancel it, order 12345" names an order.
  /^(?:(?:no|actually|wait|ok|okay|oh|sorry)[\s,.!]+)*(?:cancel|forget) (?:that|this|it)\b(?![^.!?]*\d{5})/i,
  /\b(?:i )?(?:found|got|have) (?:the|my|an) answer\b|\bfigured it out\b/i,
  // Only as the whole answer (after "no", "wait", "forget it"…): "I hope you can help me" still wants the person.
  /^(?:(?:no|wait|actually|ok|okay|never mind|forget it)[\s,.!]+)*you can help me(?: instead)?\s*[.!]*$/i,
  /^(?:(?:no|oye|espera|bueno|vale|perdona)[\s,.!]+)*(?:cancela|cancelad|olvida|olvidad) (?:eso|esto)\b/iu,
  /\bya (?:encontré|encontre|he encontrado|tengo) (?:la|mi) respuesta\b|\bya lo (?:encontré|encontre|he encontrado|resolví|resolvi)\b|\bme puedes ayudar tú\s*[.!]*$|\bpuedes ayudarme tú\s*[.!]*$/iu,
];

export function isWithdrawRequest(text: string): boolean {
  return WITHDRAW.some((re) => re.test(text));
}
