/**
 * "are you going to spam me?", "do you send marketing emails?": a question about whether we send marketing at all,
 * answered with the consent rule (nothing without a yes, stop at any time). Once read as the sign-up article ("check
 * your spam folder for the confirmation e-mail"), a confident wrong answer on consent (outside test 26).
 * An opt-out or a refusal ("stop spamming me", "don't spam me") is a wish, read earlier by the consent readers.
 */
const L = '\\p{L}';
const phrase = (alternatives: string[]) => new RegExp(`(?<![${L}])(?:${alternatives.join('|')})(?![${L}])`, 'iu');

const SPAM_QUESTION = phrase([
  '(?:are|will|would|r) (?:you|u|ya)(?: guys)? (?:going to |gonna |about to |start |going to start )?(?:spam|spamming|flood|flooding|bombard|bombarding|pester|pestering)(?:ing)? me',
  // "will you send me spam?", "are you going to send me junk mail?" (outside test 32)
  '(?:are|will|would|do|r) (?:you|u|ya)(?: guys)? (?:going to |gonna )?(?:send|sending|e-?mail|e-?mailing|text|texting) me (?:any |a lot of |lots of |loads of |tons of )?(?:spam|junk(?: mail| e-?mails)?|ads|adverts|advertising)',
  '(?:will|am|do|would|should) i (?:get|be getting|receive|start getting|end up getting|be) (?:any |a lot of |lots of |loads of |tons of |a ton of )?(?:spam|spammed|junk mail|junk e-?mails)',
  '(?:is|will) (?:this|that|it|the newsletter) (?:going to )?be (?:spam|spammy)',
  'do (?:you|u)(?: guys)? (?:send|spam)(?: out)?(?: any)? (?:spam|marketing|promotional|advertising|ads|promo)(?: e-?mails| mails| messages| texts| offers)?\\?',
  // Spanish, folded without accents: "¿me vais a llenar de spam?", "¿recibiré publicidad?", "¿enviáis publicidad?"
  '(?:me )?(?:vais|vas|van|va) a (?:mandar |enviar |llenar (?:el correo |el buzon )?de |inundar (?:el correo )?de )?(?:spam|publicidad|correo basura)',
  '(?:me )?(?:vais|vas|van|va) a (?:spamear|bombardear|acosar)(?:me)?',
  '(?:recibire|voy a recibir|me llegara|me llegaran) (?:mucho |mucha |muchos |algo de )?(?:spam|publicidad|correo basura|correos de publicidad)',
  '(?:enviais|mandais|envian|mandan|envias|mandas) (?:spam|publicidad|correos de publicidad|correos publicitarios|ofertas)\\?',
]);
/** "don't spam me", "no me mandéis spam": a wish, not a question. */
const REFUSES = phrase(["don't|do not|dont|never|stop|no me|no quiero|dejad|deja de|dejen de"]);

export function asksAboutSpam(text: string): boolean {
  const t = text
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
  return SPAM_QUESTION.test(t) && !REFUSES.test(t);
}
