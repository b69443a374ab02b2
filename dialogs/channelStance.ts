import { readNamedChannel, type NamedChannel } from './consentChannel';

/**
 * Channels a message names for news and offers, with the stance each part of it takes (outside tester): "yes please
 * but not by email" at the question about this chat was asked again about e-mail (a negated channel taken as the one
 * requested), and "ya no quiero que me manden promociones por correo pero sí por sms" withdrew everywhere and never
 * answered its "yes by SMS". A negated channel is never the one asked about; a "but yes on X" after a withdrawal is
 * offered back in so many words.
 */
const L = '\\p{L}';
/** Where a message turns: ", but", "pero", "sino", "except", "aunque"; commas and sentence ends too. */
const TURN = new RegExp(`[,;.!?]+|(?<![${L}])(?:but|pero|sino|except|excepto|aunque|although|though|however)(?![${L}])`, 'giu');
const NEGATION = new RegExp(
  `(?<![${L}])(?:not|no|never|don'?t|dont|do not|doesn'?t|nor|stop|without|ni|nunca|sin|menos|dejad|dejen|deja)(?![${L}])|n't(?![${L}])`,
  'iu',
);
const YES = new RegExp(`(?<![${L}])(?:yes|yeah|ok|okay|fine|still|do|s[ií]|vale|bien|claro|todav[ií]a|mejor)(?![${L}])`, 'iu');

const parts = (text: string) =>
  text
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .split(TURN)
    .map((p) => p.trim())
    .filter(Boolean);

/** The one channel a message names and does not deny: "yes please but not by email" names none, "not here, by SMS" SMS. */
export function readWantedChannel(text: string): NamedChannel | undefined {
  const named = parts(text)
    .filter((p) => !NEGATION.test(p))
    .map((p) => readNamedChannel(p))
    .filter((c): c is NamedChannel => c !== undefined);
  return new Set(named).size === 1 ? named[0] : undefined;
}

/**
 * The channel a withdrawal keeps wanting: "no more promotions by e-mail but yes by SMS", "ya no quiero promociones por
 * correo pero sí por sms". A part after the withdrawal that names one channel, says yes to it and denies nothing.
 */
export function keptChannelAfterStop(text: string): Exclude<NamedChannel, 'here'> | undefined {
  const [first, ...rest] = parts(text);
  if (!first || !NEGATION.test(first)) return undefined;
  for (const p of rest) {
    const c = readNamedChannel(p);
    if (c && c !== 'here' && !NEGATION.test(p) && YES.test(p)) return c;
  }
  return undefined;
}
