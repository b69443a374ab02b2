/**
 * What the customer reads for an intent on a clarifying question's buttons, per language: short, in the customer's
 * words. An intent without a label here (a new one in the corpus) is shown by its id, so add one with the intent.
 */
const LABELS: Record<string, { en: string; es: string }> = {
  'account.create': { en: 'Create an account', es: 'Crear una cuenta' },
  'account.delete': { en: 'Delete my account', es: 'Borrar mi cuenta' },
  'account.edit': { en: 'Change my account details', es: 'Cambiar los datos de mi cuenta' },
  'account.switch': { en: 'Switch accounts', es: 'Cambiar de cuenta' },
  complaint: { en: 'Make a complaint', es: 'Poner una reclamación' },
  'consent.change': { en: 'News and offers settings', es: 'Preferencias de novedades y ofertas' },
  'contact.change': { en: 'Change my e-mail or phone', es: 'Cambiar mi correo o teléfono' },
  'delivery.options': { en: 'Delivery times and costs', es: 'Plazos y costes de envío' },
  'feedback.review': { en: 'Leave feedback', es: 'Dejar una opinión' },
  goodbye: { en: 'Say goodbye', es: 'Despedirme' },
  greeting: { en: 'Just saying hello', es: 'Solo saludar' },
  help: { en: 'What can you do?', es: '¿Qué puedes hacer?' },
  'human.request': { en: 'Talk to a person', es: 'Hablar con una persona' },
  'invoice.get': { en: 'Get an invoice', es: 'Obtener una factura' },
  'language.change': { en: 'Change the language', es: 'Cambiar el idioma' },
  'newsletter.subscribe': { en: 'Subscribe to the newsletter', es: 'Suscribirme al boletín' },
  'order.cancel': { en: 'Cancel an order', es: 'Cancelar un pedido' },
  'order.change': { en: 'Change an order', es: 'Cambiar un pedido' },
  'order.track': { en: 'Track my order', es: 'Seguir mi pedido' },
  'password.recover': { en: 'Reset my password', es: 'Restablecer mi contraseña' },
  'payment.methods': { en: 'Ways to pay', es: 'Formas de pago' },
  'payment.problem': { en: 'A problem with a payment', es: 'Un problema con un pago' },
  'refund.policy': { en: 'Refund policy', es: 'Política de reembolsos' },
  'refund.request': { en: 'Request a refund', es: 'Pedir un reembolso' },
  'refund.status': { en: 'Status of my refund', es: 'Estado de mi reembolso' },
  'return.request': { en: 'Return an item', es: 'Devolver un artículo' },
  'return.policy': { en: 'Return policy', es: 'Política de devoluciones' },
  'shipping.address': { en: 'Change the delivery address', es: 'Cambiar la dirección de entrega' },
  'signup.problem': { en: 'A problem signing up', es: 'Un problema al registrarme' },
  thanks: { en: 'Just saying thanks', es: 'Solo dar las gracias' },
};

export function intentLabel(intent: string, language: string | undefined): string {
  const l = LABELS[intent];
  if (l) return language === 'es' ? l.es : l.en;
  return intent.replace(/[._-]+/g, ' ');
}

/** Every label of an intent, in both languages (a typed answer to a clarifying question may use either). */
export function intentLabels(intent: string): string[] {
  const l = LABELS[intent];
  return l ? [l.en, l.es] : [intent.replace(/[._-]+/g, ' ')];
}

const CHANNELS: Record<string, { en: string; es: string }> = {
  webchat: { en: 'this web chat', es: 'este chat web' },
  directline: { en: 'this chat', es: 'este chat' },
  msteams: { en: 'Microsoft Teams', es: 'Microsoft Teams' },
  facebook: { en: 'Facebook Messenger', es: 'Facebook Messenger' },
  instagram: { en: 'Instagram', es: 'Instagram' },
  whatsapp: { en: 'WhatsApp', es: 'WhatsApp' },
  telegram: { en: 'Telegram', es: 'Telegram' },
  slack: { en: 'Slack', es: 'Slack' },
  sms: { en: 'SMS', es: 'SMS' },
  email: { en: 'e-mail', es: 'correo electrónico' },
};

/** The channel as the customer knows it, for confirmations that name where something applies. */
export function channelName(channelId: string, language: string | undefined): string {
  const c = CHANNELS[channelId];
  if (c) return language === 'es' ? c.es : c.en;
  return language === 'es' ? `este canal (${channelId})` : `this channel (${channelId})`;
}
