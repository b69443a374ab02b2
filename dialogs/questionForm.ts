/**
 * A message shaped as a question: a question mark, an opening question word ("how long…", "do you…", "¿cuánto…"), or
 * a request to be told ("tell me the refund policy", "dime…"). English and Spanish; a plain function of the text.
 */
const QUESTION =
  /\?\s*$|^\s*¿|^(?:how|what|what's|whats|when|where|why|which|who|is|are|do|does|can|could|will|would|may|c[oó]mo|qu[eé]|cu[aá]nto|cu[aá]ntos|cu[aá]ntas|cu[aá]ndo|d[oó]nde|por qu[eé]|puedo|se puede|hay|ten[eé]is|tienen|hac[eé]is|env[ií]ais)(?![\p{L}'])/iu;
const TELL_ME = /(?<![\p{L}])(?:tell me|let me know|explain|dime|expl[ií]ca(?:me)?|quiero saber|i want to know|i'd like to know)(?![\p{L}])/iu;

export function isQuestion(text: string): boolean {
  return QUESTION.test(text.trim()) || TELL_ME.test(text);
}
