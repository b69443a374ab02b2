/** Every sentence customers read from us (bot and handoff notices), per language. Placeholders are {name}. No imports: any layer may use it. */
const REPLIES = {
  welcome: { en: 'Hi! I am the support assistant. I can track orders, handle refunds and returns, help with your account, or get you a person.', es: '¡Hola! Soy el asistente de soporte. Puedo seguir pedidos, gestionar reembolsos y devoluciones, ayudarte con tu cuenta o pasarte con una persona.' },
  welcomeKnown: { en: 'Hi {name}! How can I help you today?', es: '¡Hola, {name}! ¿En qué te puedo ayudar hoy?' },
  welcomeOpenOrder: { en: 'Hi {name}! I see your order {order} is {status}. How can I help?', es: '¡Hola, {name}! Veo que tu pedido {order} está {status}. ¿En qué te ayudo?' },
  goodbye: { en: 'Goodbye! Write any time.', es: '¡Adiós! Escríbenos cuando quieras.' },
  thanks: { en: 'You are welcome! Anything else?', es: '¡De nada! ¿Algo más?' },
  help: { en: 'I can: track an order, cancel or change it, refunds and returns, invoices and payments, account and password help, newsletter and privacy settings. Or type "agent" to talk to a person.', es: 'Puedo: seguir un pedido, cancelarlo o cambiarlo, reembolsos y devoluciones, facturas y pagos, ayuda con la cuenta y la contraseña, boletín y privacidad. O escribe "agente" para hablar con una persona.' },
  askOrderNumber: { en: 'What is your order number? (5 to 10 digits)', es: '¿Cuál es tu número de pedido? (de 5 a 10 cifras)' },
  retryOrderNumber: { en: 'That does not look like an order number. Please type the 5 to 10 digits of your order number.', es: 'Eso no parece un número de pedido. Escribe las 5 a 10 cifras de tu número de pedido.' },
  orderNotFound: { en: 'I could not find order {order}. Please check the number in your confirmation email.', es: 'No encuentro el pedido {order}. Revisa el número en tu correo de confirmación.' },
  orderStatus_processing: { en: 'Order {order} is being prepared. Expected delivery: {eta}.', es: 'El pedido {order} se está preparando. Entrega prevista: {eta}.' },
  orderStatus_shipped: { en: 'Order {order} has shipped with {carrier} (tracking {tracking}). Expected delivery: {eta}.', es: 'El pedido {order} ha sido enviado con {carrier} (seguimiento {tracking}). Entrega prevista: {eta}.' },
  orderStatus_delivered: { en: 'Order {order} was delivered.', es: 'El pedido {order} fue entregado.' },
  orderStatus_cancelled: { en: 'Order {order} was cancelled.', es: 'El pedido {order} fue cancelado.' },
  status_processing: { en: 'being prepared', es: 'en preparación' },
  status_shipped: { en: 'on its way', es: 'en camino' },
  confirmCancel: { en: 'Do you want to cancel order {order}?', es: '¿Quieres cancelar el pedido {order}?' },
  cancelled: { en: 'Order {order} is cancelled. Your refund will follow automatically.', es: 'El pedido {order} está cancelado. El reembolso se hará automáticamente.' },
  cancelKept: { en: 'OK, I did not cancel it.', es: 'De acuerdo, no lo he cancelado.' },
  cancelAlreadyShipped: { en: 'Order {order} has already shipped, so it cannot be cancelled. You can return it once it arrives.', es: 'El pedido {order} ya se ha enviado y no se puede cancelar. Puedes devolverlo cuando llegue.' },
  cancelAlreadyCancelled: { en: 'Order {order} was already cancelled.', es: 'El pedido {order} ya estaba cancelado.' },
  askRefundReason: { en: 'Briefly, why do you want a refund?', es: 'Brevemente, ¿por qué quieres el reembolso?' },
  refundRequested: { en: 'Refund {refund} of {amount} {currency} for order {order} is requested. You will get an email when it is approved.', es: 'El reembolso {refund} de {amount} {currency} del pedido {order} está solicitado. Te llegará un correo cuando se apruebe.' },
  refundStatus: { en: 'Refund {refund} for order {order} is {status}.', es: 'El reembolso {refund} del pedido {order} está {status}.' },
  noRefund: { en: 'There is no refund for order {order} yet. Say "I want a refund" to request one.', es: 'Aún no hay reembolso para el pedido {order}. Di "quiero un reembolso" para pedirlo.' },
  returnStarted: { en: 'Return {ret} is open. Print your label here: {label}', es: 'La devolución {ret} está abierta. Imprime tu etiqueta aquí: {label}' },
  returnImpossible: { en: 'Order {order} cannot be returned.', es: 'El pedido {order} no se puede devolver.' },
  askEmail: { en: 'What is the email address of your account?', es: '¿Cuál es el correo electrónico de tu cuenta?' },
  retryEmail: { en: 'Please type a valid email address.', es: 'Escribe un correo electrónico válido.' },
  passwordResetSent: { en: 'I sent a password reset link to {email}. It is valid for 1 hour.', es: 'He enviado un enlace para restablecer la contraseña a {email}. Vale durante 1 hora.' },
  askRating: { en: 'How would you rate your experience, from 1 (bad) to 5 (great)?', es: '¿Cómo valorarías tu experiencia, de 1 (mal) a 5 (genial)?' },
  retryRating: { en: 'Please answer with a number from 1 to 5.', es: 'Responde con un número del 1 al 5.' },
  askComment: { en: 'Anything you want to add? (or "no")', es: '¿Quieres añadir algo? (o "no")' },
  thanksFeedback: { en: 'Thank you for your feedback!', es: '¡Gracias por tu opinión!' },
  askNewContact: { en: 'Please type your new email address or phone number.', es: 'Escribe tu nuevo correo electrónico o número de teléfono.' },
  retryContact: { en: 'I need an email address or a phone number with country code, like +34 600 000 000.', es: 'Necesito un correo electrónico o un teléfono con prefijo, como +34 600 000 000.' },
  contactSaved: { en: 'Saved {contact}. We will confirm it before using it.', es: 'He guardado {contact}. Lo confirmaremos antes de usarlo.' },
  nameSet: { en: 'Nice to meet you, {name}! I will call you that from now on.', es: '¡Encantado, {name}! Te llamaré así a partir de ahora.' },
  languageSet: { en: 'From now on I will answer in English.', es: 'A partir de ahora te responderé en español.' },
  marketingWithdrawn: { en: 'Done: you will not receive offers from us any more. Service messages about your orders continue.', es: 'Hecho: ya no recibirás ofertas. Seguirás recibiendo los mensajes de servicio sobre tus pedidos.' },
  marketingGranted: { en: 'Done: you will receive our news and offers. Say "stop sending me offers" at any time.', es: 'Hecho: recibirás nuestras novedades y ofertas. Di "deja de enviarme ofertas" cuando quieras.' },
  notUnderstood: { en: 'Sorry, I did not understand. You can ask about orders, refunds, returns, your account, or type "agent".', es: 'Perdona, no te he entendido. Puedes preguntar por pedidos, reembolsos, devoluciones, tu cuenta, o escribir "agente".' },
  emptyMessage: { en: 'I received an empty message. What can I do for you?', es: 'He recibido un mensaje vacío. ¿Qué puedo hacer por ti?' },
  attachmentReceived: { en: 'Thanks, I received your file ({name}). An agent can look at it; what is it about?', es: 'Gracias, he recibido tu archivo ({name}). Un agente puede revisarlo; ¿de qué se trata?' },
  longMessage: { en: 'Your message is long; I read the beginning.', es: 'Tu mensaje es largo; he leído el principio.' },
  escalating: { en: 'I am connecting you with a person. {reasonText}', es: 'Te paso con una persona. {reasonText}' },
  agentJoined: { en: '{name} from our team has joined the chat.', es: '{name}, de nuestro equipo, se ha unido al chat.' },
  transferred: { en: 'I am passing you to a colleague who can help better.', es: 'Te paso con un compañero que te puede ayudar mejor.' },
  returnedToBot: { en: 'You are back with the assistant. Anything else I can do?', es: 'Vuelves a estar con el asistente. ¿Algo más en que te pueda ayudar?' },
  survey: { en: 'The chat is closed. How would you rate it from 1 (bad) to 5 (great)? You can add a comment after the number.', es: 'El chat ha terminado. ¿Cómo lo valorarías del 1 (mal) al 5 (genial)? Puedes añadir un comentario tras el número.' },
  queuePosition: { en: 'You are number {position} in the queue. Estimated wait: {wait}.', es: 'Eres el número {position} en la cola. Espera estimada: {wait}.' },
  noAgentOnline: { en: 'No agent is online right now. Leave your message here and we will answer as soon as someone is back, or keep chatting with me.', es: 'Ahora no hay agentes conectados. Deja tu mensaje aquí y te responderemos en cuanto vuelvan, o sigue hablando conmigo.' },
  outsideHours: { en: 'Our team is away now (outside business hours). Leave your message here and we will answer when we are back, or keep chatting with me.', es: 'Nuestro equipo no está ahora (fuera del horario de atención). Deja tu mensaje y te responderemos al volver, o sigue hablando conmigo.' },
  yes: { en: 'yes', es: 'sí' },
  no: { en: 'no', es: 'no' },
} as const satisfies Record<string, { en: string; es: string }>;

export type ReplyKey = keyof typeof REPLIES;
export const REPLY_LANGUAGES = ['en', 'es'] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];

export function lang(code: string | undefined): ReplyLanguage {
  return code === 'es' ? 'es' : 'en';
}

export function t(language: string | undefined, key: ReplyKey, vars: Record<string, string | number | undefined> = {}): string {
  const template: string = REPLIES[key][lang(language)];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] === undefined ? '' : String(vars[k])));
}
