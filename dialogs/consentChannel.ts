/**
 * The channel a customer names for news and offers: "send me offers by email", "quiero recibir ofertas por correo",
 * "by SMS", "por WhatsApp", "here". Consent is asked about and granted on that channel, never on the chat's own when
 * the customer chose another (a "por correo" was once granted on the web chat). 'here' is the chat itself.
 */
export type NamedChannel = 'email' | 'sms' | 'whatsapp' | 'telegram' | 'here';

/**
 * WhatsApp as customers write it in chat (outside tester 32, H3): "whats", "wasap", "wasa", "wpp", "guasap", "whatsap",
 * "watsapp". A bare "whats" is also "what's", so only after a word that makes it a place ("del whats", "on whats").
 * Shared with consentScope.ts, so a withdrawal and a grant read the same names.
 */
export const WHATSAPP_WORDS =
  'whats ?app?|wh?ats?h?app?|was+ap+|was+a|guas+ap+|wsp|wpp|(?<=(?:del|el|al|por|de|en|on|by|via|from|the|my|mi|your|tu|vuestro) )whats';

const L = '\\p{L}\\p{N}';
const CHANNEL_WORDS: readonly [NamedChannel, RegExp][] = [
  ['email', new RegExp(`(?<![${L}])(?:e-?mails?|mails?|correos?(?: electr[oó]nicos?)?|email address)(?![${L}])`, 'u')],
  ['sms', new RegExp(`(?<![${L}])(?:sms|texts?|text messages?|mensajes? de texto|sms's)(?![${L}])|(?<![${L}])text me(?![${L}])`, 'u')],
  ['whatsapp', new RegExp(`(?<![${L}])(?:${WHATSAPP_WORDS})(?![${L}])`, 'u')],
  ['telegram', new RegExp(`(?<![${L}])telegram(?![${L}])`, 'u')],
  ['here', new RegExp(`(?<![${L}])(?:here|this chat|in the chat|in chat|aqu[ií]|por aqu[ií]|este chat|el chat|en el chat)(?![${L}])`, 'u')],
];

/**
 * The one channel a message names, or undefined when it names none or several ("by email or SMS": the dialog asks
 * about the chat's own channel as before, and the customer can name one in the answer).
 */
export function readNamedChannel(text: string): NamedChannel | undefined {
  const t = text.toLowerCase().replace(/[’`´]/g, "'");
  const found = CHANNEL_WORDS.filter(([, re]) => re.test(t)).map(([c]) => c);
  return found.length === 1 ? found[0] : undefined;
}

/** The channel id consent is recorded for: the one named, else the chat's own. */
export function consentChannelId(named: NamedChannel | undefined, chatChannelId: string): string {
  return named === undefined || named === 'here' ? chatChannelId : named;
}
