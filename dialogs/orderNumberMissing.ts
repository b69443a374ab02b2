/**
 * "I don't have the order number", at the order number question: an answer (the customer has none at hand), not a
 * typo to ask again about. It once got "That does not look like an order number…" until the prompt gave up
 * (outside test 26); the order dialog offers what can be done instead (OrderDialog.checkOwnership).
 */
const L = '\\p{L}';
const phrase = (alternatives: string[]) => new RegExp(`(?<![${L}])(?:${alternatives.join('|')})(?![${L}])`, 'iu');

const MISSING = phrase([
  // "I don't have the order number", "can't find it", "I don't remember my order no."
  "(?:i )?(?:don't|do not|dont|didn't|did not|can't|cannot|can not|cant|couldn't|could not|haven't|have not|havent) (?:have|know|remember|find|see|got|get|recall|keep|kept)(?: it| the| my| an| any| that| one| this)?(?: order)?(?: number| no| nr| #| confirmation| e-?mail)?",
  'no (?:order )?number',
  '(?:lost|deleted|misplaced|threw away|binned) (?:the|my|it|that)(?: order)?(?: number| confirmation| e-?mail| receipt)?',
  'where (?:do|can|would) i find (?:it|that|the (?:order )?number|my (?:order )?number)',
  // "forgot the number", "no clue", "dunno" (typed without apostrophes as often as with).
  '(?:no idea|not sure|i forgot|forgot(?:ten)?(?: it| the| my| what)?|no clue|not a clue|dunno|idk)',
  // Spanish, folded without accents.
  'no (?:lo |la )?(?:tengo|se|recuerdo|encuentro|veo|me acuerdo|guarde|he guardado)(?: el| mi| ese| ningun)?(?: numero)?(?: de pedido)?',
  'no tengo (?:el |ningun |mi )?(?:numero|n[ºo]|pedido a mano)',
  '(?:he )?(?:perdido|borrado|tirado) (?:el|mi|ese|la)(?: numero| correo| confirmacion| factura)?',
  'donde (?:lo |la )?(?:encuentro|veo|miro|busco)',
  '(?:ni idea|no estoy segur[oa]|se me ha olvidado|se me olvido|lo he olvidado|me olvide|olvide (?:el|mi)|no me acuerdo|no lo recuerdo)',
]);

export function lacksOrderNumber(text: string): boolean {
  const t = text
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
  return MISSING.test(t);
}
