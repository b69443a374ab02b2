// Over 400 lines: one table of every sentence customers read, kept whole so each language sits beside the other.
/** Every sentence customers read from us (bot and handoff notices), per language. Placeholders are {name}. No imports: any layer may use it. */
const REPLIES = {
  welcome: {
    en: 'Hi! I am the support assistant. I can track orders, handle refunds and returns, help with your account, or get you a person.',
    es: '¡Hola! Soy el asistente de soporte. Puedo seguir pedidos, gestionar reembolsos y devoluciones, ayudarte con tu cuenta o pasarte con una persona.',
  },
  welcomeKnown: { en: 'Hi {name}! How can I help you today?', es: '¡Hola, {name}! ¿En qué te puedo ayudar hoy?' },
  welcomeOpenOrder: {
    en: 'Hi {name}! I see your order {order} is {status}. How can I help?',
    es: '¡Hola, {name}! Veo que tu pedido {order} está {status}. ¿En qué te ayudo?',
  },
  goodbye: { en: 'Goodbye! Write any time.', es: '¡Adiós! Escríbenos cuando quieras.' },
  thanks: { en: 'You are welcome! Anything else?', es: '¡De nada! ¿Algo más?' },
  help: {
    en: 'I can: track an order, cancel or change it, refunds and returns, invoices and payments, account and password help, newsletter and privacy settings. Or type "agent" to talk to a person.',
    es: 'Puedo: seguir un pedido, cancelarlo o cambiarlo, reembolsos y devoluciones, facturas y pagos, ayuda con la cuenta y la contraseña, boletín y privacidad. O escribe "agente" para hablar con una persona.',
  },
  askOrderNumber: { en: 'What is your order number? (5 to 10 digits)', es: '¿Cuál es tu número de pedido? (de 5 a 10 cifras)' },
  orderNumberDeclined: {
    en: 'All right, I will leave it. Without the order number I cannot look the order up; it is in your order confirmation e-mail, so just type it here if you find it.',
    es: 'De acuerdo, lo dejamos. Sin el número de pedido no puedo buscar el pedido; está en el correo de confirmación del pedido, escríbelo aquí si lo encuentras.',
  },
  orderNumberMissing: {
    en: 'No problem. The order number (5 to 10 digits) is in the order confirmation e-mail we sent you; type it here if you find it. If you cannot, a person from our team can look the order up with you.',
    es: 'No pasa nada. El número de pedido (de 5 a 10 cifras) está en el correo de confirmación del pedido; escríbelo aquí si lo encuentras. Si no, una persona de nuestro equipo puede buscar el pedido contigo.',
  },
  orderNumberFromList: {
    en: 'No problem. These are your open orders: {orders}. Pick one, or type another number.',
    es: 'No pasa nada. Estos son tus pedidos abiertos: {orders}. Elige uno o escribe otro número.',
  },
  retryOrderNumber: {
    en: 'That does not look like an order number. Please type the 5 to 10 digits of your order number.',
    es: 'Eso no parece un número de pedido. Escribe las 5 a 10 cifras de tu número de pedido.',
  },
  orderNotFound: {
    en: 'I could not find order {order}. Please check the number in your confirmation email.',
    es: 'No encuentro el pedido {order}. Revisa el número en tu correo de confirmación.',
  },
  orderStatus_processing: {
    en: 'Order {order} is being prepared. Expected delivery: {eta}.',
    es: 'El pedido {order} se está preparando. Entrega prevista: {eta}.',
  },
  orderStatus_shipped: {
    en: 'Order {order} has shipped with {carrier} (tracking {tracking}). Expected delivery: {eta}.',
    es: 'El pedido {order} ha sido enviado con {carrier} (seguimiento {tracking}). Entrega prevista: {eta}.',
  },
  orderLate_processing: {
    en: 'Order {order} is being prepared and is running late: it was due by {eta}. Sorry for the delay; type "agent" if you want a person to look into it.',
    es: 'El pedido {order} se está preparando y va con retraso: debía llegar el {eta}. Perdona el retraso; escribe "agente" si quieres que una persona lo revise.',
  },
  orderLate_shipped: {
    en: 'Order {order} has shipped with {carrier} (tracking {tracking}) and is running late: it was due by {eta}. Sorry for the delay; type "agent" if you want a person to look into it.',
    es: 'El pedido {order} ha sido enviado con {carrier} (seguimiento {tracking}) y va con retraso: debía llegar el {eta}. Perdona el retraso; escribe "agente" si quieres que una persona lo revise.',
  },
  orderStatus_delivered: { en: 'Order {order} was delivered.', es: 'El pedido {order} fue entregado.' },
  orderStatus_cancelled: { en: 'Order {order} was cancelled.', es: 'El pedido {order} fue cancelado.' },
  status_processing: { en: 'being prepared', es: 'en preparación' },
  status_shipped: { en: 'on its way', es: 'en camino' },
  confirmCancel: { en: 'Cancel order {order} ({items})?', es: '¿Cancelo el pedido {order} ({items})?' },
  cancelled: {
    en: 'Order {order} is cancelled. Your refund will follow automatically.',
    es: 'El pedido {order} está cancelado. El reembolso se hará automáticamente.',
  },
  cancelKept: { en: 'OK, I did not cancel order {order}.', es: 'De acuerdo, no he cancelado el pedido {order}.' },
  cancelWholeOnly: {
    en: 'I can only cancel a whole order. To keep some of its items, keep the order and return the rest once it arrives, or type "agent" and a person will help you.',
    es: 'Solo puedo cancelar un pedido entero. Para quedarte con parte de los artículos, mantén el pedido y devuelve el resto cuando llegue, o escribe "agente" y una persona te ayudará.',
  },
  cancelAlreadyShipped: {
    en: 'Order {order} has already shipped, so it cannot be cancelled. You can return it once it arrives.',
    es: 'El pedido {order} ya se ha enviado y no se puede cancelar. Puedes devolverlo cuando llegue.',
  },
  cancelAlreadyCancelled: { en: 'Order {order} was already cancelled.', es: 'El pedido {order} ya estaba cancelado.' },
  askRefundReason: { en: 'Briefly, why do you want a refund?', es: 'Brevemente, ¿por qué quieres el reembolso?' },
  retryRefundReason: {
    en: 'Please tell me in a few words why you want a refund (for example: it arrived damaged, or it is the wrong size).',
    es: 'Cuéntame en pocas palabras por qué quieres el reembolso (por ejemplo: llegó dañado, o no es la talla).',
  },
  refundNeedsReason: {
    en: 'I need a short reason to request a refund, so I have not requested one for order {order}. Ask again whenever you like.',
    es: 'Necesito un motivo breve para pedir el reembolso, así que no lo he pedido para el pedido {order}. Vuelve a pedirlo cuando quieras.',
  },
  refundRequested: {
    en: 'Refund {refund} of {amount} {currency} for order {order} is requested. You will get an email when it is approved.',
    es: 'El reembolso {refund} de {amount} {currency} del pedido {order} está solicitado. Te llegará un correo cuando se apruebe.',
  },
  // One sentence per status: a status word spliced into a sentence once left "requested" untranslated in Spanish.
  refundStatus_requested: {
    en: 'Refund {refund} for order {order} is requested and waiting for approval.',
    es: 'El reembolso {refund} del pedido {order} está solicitado y pendiente de aprobación.',
  },
  refundStatus_approved: {
    en: 'Refund {refund} for order {order} is approved: the money is on its way.',
    es: 'El reembolso {refund} del pedido {order} está aprobado: el dinero está en camino.',
  },
  refundStatus_paid: { en: 'Refund {refund} for order {order} is paid.', es: 'El reembolso {refund} del pedido {order} ya está pagado.' },
  refundStatus_rejected: {
    en: 'Refund {refund} for order {order} was rejected. Type "agent" if you want a person to look into it.',
    es: 'El reembolso {refund} del pedido {order} fue rechazado. Escribe "agente" si quieres que una persona lo revise.',
  },
  noRefund: {
    en: 'There is no refund for order {order} yet. Say "I want a refund" to request one.',
    es: 'Aún no hay reembolso para el pedido {order}. Di "quiero un reembolso" para pedirlo.',
  },
  returnStarted: { en: 'Return {ret} is open. Print your label here: {label}', es: 'La devolución {ret} está abierta. Imprime tu etiqueta aquí: {label}' },
  // A change the order's state does not allow (commerce/orderRules.ts): why, and what the customer can do instead.
  cancelDelivered: {
    en: 'Order {order} was delivered, so it cannot be cancelled. You can return it instead: returns are free within 30 days of delivery.',
    es: 'El pedido {order} ya se entregó y no se puede cancelar. Puedes devolverlo: las devoluciones son gratis durante 30 días desde la entrega.',
  },
  cancelReturnOpen: {
    en: 'Order {order} has a return open, so it cannot be cancelled. Type "agent" if you want a person to look into it.',
    es: 'El pedido {order} tiene una devolución abierta y no se puede cancelar. Escribe "agente" si quieres que una persona lo revise.',
  },
  returnNotShipped: {
    en: 'Order {order} has not shipped yet, so there is nothing to return. You can cancel it instead, and the refund follows automatically.',
    es: 'El pedido {order} aún no se ha enviado, así que no hay nada que devolver. Puedes cancelarlo, y el reembolso se hará automáticamente.',
  },
  returnNotDelivered: {
    en: 'Order {order} is on its way, so it cannot be returned yet. You can return it once it arrives: returns are free within 30 days of delivery.',
    es: 'El pedido {order} está en camino y aún no se puede devolver. Podrás devolverlo cuando llegue: las devoluciones son gratis durante 30 días desde la entrega.',
  },
  returnCancelled: {
    en: 'Order {order} was cancelled, so there is nothing to return: a cancelled order is refunded automatically.',
    es: 'El pedido {order} fue cancelado, así que no hay nada que devolver: un pedido cancelado se reembolsa automáticamente.',
  },
  refundNotShipped: {
    en: 'Order {order} has not shipped yet, so there is no refund to request: you can cancel it instead, and the refund follows automatically.',
    es: 'El pedido {order} aún no se ha enviado, así que no hay reembolso que pedir: puedes cancelarlo, y el reembolso se hará automáticamente.',
  },
  refundCancelled: {
    en: 'Order {order} was cancelled, so there is no refund to request: a cancelled order is refunded automatically.',
    es: 'El pedido {order} fue cancelado, así que no hay reembolso que pedir: un pedido cancelado se reembolsa automáticamente.',
  },
  // Asked again while one is under way: the one open, by status, and no second one.
  refundOpenRequested: {
    en: 'You already asked for a refund for order {order}: refund {refund} of {amount} {currency} is requested and waiting for approval.',
    es: 'Ya pediste un reembolso del pedido {order}: el reembolso {refund} de {amount} {currency} está solicitado, pendiente de aprobación.',
  },
  refundOpenApproved: {
    en: 'You already asked for a refund for order {order}: refund {refund} of {amount} {currency} is approved and will be paid soon.',
    es: 'Ya pediste un reembolso del pedido {order}: el reembolso {refund} de {amount} {currency} está aprobado y se pagará pronto.',
  },
  returnOpenAwaitingItem: {
    en: 'A return for order {order} is already open: return {ret} is waiting for your parcel. Your label: {label}',
    es: 'Ya hay una devolución abierta del pedido {order}: la devolución {ret} está esperando tu paquete. Tu etiqueta: {label}',
  },
  returnOpenReceived: {
    en: 'A return for order {order} is already open: we received the parcel of return {ret} and are checking it.',
    es: 'Ya hay una devolución abierta del pedido {order}: hemos recibido el paquete de la devolución {ret} y lo estamos revisando.',
  },
  askEmail: { en: 'What is the email address of your account?', es: '¿Cuál es el correo electrónico de tu cuenta?' },
  retryEmail: { en: 'Please type a valid email address.', es: 'Escribe un correo electrónico válido.' },
  passwordResetSent: {
    en: 'I sent a password reset link to {email}. It is valid for 1 hour.',
    es: 'He enviado un enlace para restablecer la contraseña a {email}. Vale durante 1 hora.',
  },
  askRating: { en: 'How would you rate your experience, from 1 (bad) to 5 (great)?', es: '¿Cómo valorarías tu experiencia, de 1 (mal) a 5 (genial)?' },
  retryRating: { en: 'Please answer with a number from 1 to 5.', es: 'Responde con un número del 1 al 5.' },
  surveyCommentAskScore: {
    en: 'Thank you! And how would you rate the chat, from 1 (bad) to 5 (great)?',
    es: '¡Gracias! ¿Y cómo valorarías el chat, de 1 (mal) a 5 (genial)?',
  },
  askComment: { en: 'Anything you want to add? (or "no")', es: '¿Quieres añadir algo? (o "no")' },
  thanksFeedback: { en: 'Thank you for your feedback!', es: '¡Gracias por tu opinión!' },
  feedbackWhileWaiting: {
    en: 'Thank you, the team will read it. You can rate the chat once a person has helped you.',
    es: 'Gracias, el equipo lo leerá. Podrás valorar la conversación cuando te haya atendido una persona.',
  },
  webChatGreeting: {
    en: 'Hi! I am the support assistant. I can track your order, handle refunds and returns, help with your account, or get you a person. What do you need?',
    es: '¡Hola! Soy el asistente de soporte. Puedo seguir tu pedido, gestionar reembolsos y devoluciones, ayudarte con tu cuenta o pasarte con una persona. ¿Qué necesitas?',
  },
  askNewContact: { en: 'Please type your new email address or phone number.', es: 'Escribe tu nuevo correo electrónico o número de teléfono.' },
  askPhoneCountryCode: {
    en: 'Which country is {number} in? Please type it with its country code, like +44 7700 900123.',
    es: '¿De qué país es el {number}? Escríbelo con su prefijo, como +34 600 123 456.',
  },
  retryContact: {
    en: 'I need an email address or a phone number with country code, like +34 600 000 000.',
    es: 'Necesito un correo electrónico o un teléfono con prefijo, como +34 600 000 000.',
  },
  erasureDone: {
    en: 'As you asked, we have erased your personal data. This chat has ended; if you write again, a new chat starts.',
    es: 'Como pediste, hemos borrado tus datos personales. Este chat ha terminado; si vuelves a escribir, empezará un chat nuevo.',
  },
  contactSaved: { en: 'Saved {contact} (not confirmed yet).', es: 'He guardado {contact} (aún sin confirmar).' },
  // A contact typed in chat is confirmed by a one-time code sent to it (dialogs/contactDetailsDialog.ts).
  contactSavedCode: {
    en: 'Saved {contact}, not confirmed yet: I have sent a {digits}-digit code to it. Type the code here to confirm it (it is valid for {minutes} minutes), or say "later" to confirm it another time.',
    es: 'He guardado {contact}, aún sin confirmar: le he enviado un código de {digits} cifras. Escríbelo aquí para confirmarlo (vale {minutes} minutos), o di "luego" para confirmarlo en otro momento.',
  },
  askContactCode: {
    en: 'Please type the {digits}-digit code I sent to {contact}, or say "later" to confirm it another time.',
    es: 'Escribe el código de {digits} cifras que envié a {contact}, o di "luego" para confirmarlo en otro momento.',
  },
  contactConfirmed: { en: 'Thank you: {contact} is confirmed.', es: 'Gracias: {contact} queda confirmado.' },
  // A change confirmed: the old contact of its kind is no longer used (profile/profileService.ts confirmContact).
  contactConfirmedReplaced: {
    en: 'Thank you: {contact} is confirmed and is now your {kind}; the previous one is no longer used.',
    es: 'Gracias: {contact} queda confirmado y ahora es tu {kind}; el anterior ya no se usa.',
  },
  contactConfirmAbsent: {
    en: 'That code is right, but {contact} is no longer on your profile, so nothing was confirmed. You can add it again whenever you like.',
    es: 'El código es correcto, pero {contact} ya no está en tu perfil, así que no se confirmó nada. Puedes volver a añadirlo cuando quieras.',
  },
  contactConfirmHeld: {
    en: 'That code is right. {contact} is already confirmed on another customer profile with us, so I have asked our team to check whether both are yours and join them; until then it stays unconfirmed here.',
    es: 'El código es correcto. {contact} ya está confirmado en otro perfil de cliente, así que he pedido a nuestro equipo que compruebe si ambos son tuyos y los una; mientras tanto aquí sigue sin confirmar.',
  },
  contactCodeLater: {
    en: 'OK: {contact} is saved but not confirmed, and we will not use it until it is. To confirm it, tell me your new {kind} again and I will send a new code.',
    es: 'De acuerdo: {contact} queda guardado pero sin confirmar, y no lo usaremos hasta que lo esté. Para confirmarlo, dime otra vez tu nuevo {kind} y te enviaré un código nuevo.',
  },
  contactCodeLeft: {
    en: 'Your new contact details stay unconfirmed for now: tell me them again when you want a new code.',
    es: 'Tus nuevos datos de contacto quedan sin confirmar por ahora: dímelos otra vez cuando quieras un código nuevo.',
  },
  contactCodeExpired: {
    en: 'That code has expired: {contact} is saved but not confirmed. Tell me your new {kind} again and I will send a new code.',
    es: 'Ese código ha caducado: {contact} queda guardado pero sin confirmar. Dime otra vez tu nuevo {kind} y te enviaré un código nuevo.',
  },
  contactCodeTooMany: {
    en: 'Too many wrong codes: {contact} stays unconfirmed, and for your security I cannot send or check codes in this chat for the next {lockMinutes} minutes. Type "agent" and a person will help you.',
    es: 'Demasiados códigos incorrectos: {contact} queda sin confirmar y, por tu seguridad, no puedo enviar ni comprobar códigos en este chat durante los próximos {lockMinutes} minutos. Escribe "agente" y una persona te ayudará.',
  },
  contactCodeLimit: {
    en: 'Saved {contact}, not confirmed yet: I cannot send a code to it right now, and we will not use it until it is confirmed. Tell me your new {kind} again in an hour and I will send one.',
    es: 'He guardado {contact}, aún sin confirmar: ahora no puedo enviarle un código, y no lo usaremos hasta que esté confirmado. Dime otra vez tu nuevo {kind} dentro de una hora y te enviaré uno.',
  },
  contactCodeLocked: {
    en: 'Saved {contact}, not confirmed yet: after too many wrong codes I cannot send codes in this chat for {lockMinutes} more minutes, so it stays unconfirmed. Type "agent" and a person will help you.',
    es: 'He guardado {contact}, aún sin confirmar: tras demasiados códigos incorrectos no puedo enviar códigos en este chat durante {lockMinutes} minutos más, así que queda sin confirmar. Escribe "agente" y una persona te ayudará.',
  },
  unaskedContact: {
    en: 'Thanks! Shall I save {contact} as your contact e-mail address? And what can I help you with?',
    es: '¡Gracias! ¿Guardo {contact} como tu correo electrónico de contacto? ¿Y en qué te puedo ayudar?',
  },
  unaskedContactKnown: {
    en: 'Thanks, {contact} is already the address we have for you. What can I help you with?',
    es: 'Gracias, {contact} ya es el correo que tenemos de ti. ¿En qué te puedo ayudar?',
  },
  unaskedContactKept: { en: 'OK, I did not save it. What can I help you with?', es: 'De acuerdo, no lo he guardado. ¿En qué te puedo ayudar?' },
  howCanIHelp: { en: 'What can I help you with?', es: '¿En qué te puedo ayudar?' },
  nameSet: { en: 'Nice to meet you, {name}! I will call you that from now on.', es: '¡Encantado, {name}! Te llamaré así a partir de ahora.' },
  nameReserved: {
    en: 'Sorry, I cannot use that name: it could be mistaken for our team. Tell me another one ("call me …"), or just carry on.',
    es: 'Lo siento, no puedo usar ese nombre: podría confundirse con nuestro equipo. Dime otro ("llámame …") o sigue sin más.',
  },
  languageSet: { en: 'From now on I will answer in English.', es: 'A partir de ahora te responderé en español.' },
  marketingWithdrawn: {
    en: 'Done: you will not receive offers from us any more. Service messages about your orders continue.',
    es: 'Hecho: ya no recibirás ofertas. Seguirás recibiendo los mensajes de servicio sobre tus pedidos.',
  },
  marketingStillWanted: {
    en: 'You said you would still like them by {channel}: I only send them there after a clear yes.',
    es: 'Dices que por {channel} sí las quieres: solo te las envío por ahí con un sí claro.',
  },
  // A withdrawal that named channels applies to those only (dialogs/consentScope.ts).
  marketingWithdrawnOn: {
    en: 'Done: you will not receive offers from us on {channels} any more. Everything else stays as it was, and service messages about your orders continue.',
    es: 'Hecho: ya no recibirás ofertas por {channels}. Todo lo demás sigue como estaba, y seguirás recibiendo los mensajes de servicio sobre tus pedidos.',
  },
  // A named channel that had no grant: said so, and only about that channel (dialogs/consentWithdrawal.ts).
  marketingAlreadyOffOn: {
    en: 'Done: you will not receive offers from us on {channels} any more. You were not receiving them there, and I have noted that you do not want them. Everything else stays as it was.',
    es: 'Hecho: ya no recibirás ofertas por {channels}. No las recibías por ahí, y he anotado que no las quieres. Todo lo demás sigue como estaba.',
  },
  marketingAlsoOffOn: {
    en: 'You were not receiving them on {channels}; I have noted that you do not want them there either.',
    es: 'Por {channels} no las recibías; he anotado que tampoco las quieres por ahí.',
  },
  marketingAlreadyOff: {
    en: 'Done: you will not receive offers from us any more. You were not on our list for news and offers, and I have noted that you do not want them.',
    es: 'Hecho: ya no recibirás ofertas. No estabas en nuestra lista de novedades y ofertas, y he anotado que no las quieres.',
  },
  marketingWithdrawnHeld: {
    en: 'Noted: you will not receive news and offers from us any more. The person helping you has your message too.',
    es: 'Anotado: ya no recibirás novedades ni ofertas. La persona que te atiende también ha recibido tu mensaje.',
  },
  marketingWithdrawnHeldOn: {
    en: 'Noted: you will not receive news and offers from us on {channels} any more; everything else stays as it was. The person helping you has your message too.',
    es: 'Anotado: ya no recibirás novedades ni ofertas por {channels}; todo lo demás sigue como estaba. La persona que te atiende también ha recibido tu mensaje.',
  },
  whatToStop: {
    en: 'What would you like me to stop? For example: "stop sending me offers", "cancel my order" or "never mind my request".',
    es: '¿Qué quieres que pare? Por ejemplo: "deja de enviarme ofertas", "cancela mi pedido" o "retira mi solicitud".',
  },
  optOutHowTo: {
    en: 'You can stop our news and offers at any time: tap the button below or say "stop sending me offers", and it applies at once on every channel. Service messages about your orders (confirmations, delivery, refunds) keep coming either way. I have changed nothing.',
    es: 'Puedes dejar de recibir nuestras novedades y ofertas cuando quieras: pulsa el botón de abajo o di "deja de enviarme ofertas", y se aplica al momento en todos los canales. Los mensajes de servicio sobre tus pedidos (confirmaciones, envíos, reembolsos) siguen llegando igualmente. No he cambiado nada.',
  },
  optOutHowToNotReceiving: {
    en: 'You do not receive our news and offers at the moment, so there is nothing to stop. Service messages about your orders (confirmations, delivery, refunds) keep coming. Should you ever receive them, say "stop sending me offers" at any time.',
    es: 'Ahora no recibes nuestras novedades y ofertas, así que no hay nada que parar. Los mensajes de servicio sobre tus pedidos (confirmaciones, envíos, reembolsos) siguen llegando. Si algún día las recibes, di "deja de enviarme ofertas" cuando quieras.',
  },
  stopOffersButton: { en: 'Stop sending me offers', es: 'Deja de enviarme ofertas' },
  cancelOrderButton: { en: 'Cancel my order', es: 'Cancela mi pedido' },
  // "what offers am I signed up for?": every channel, from the consent history (dialogs/consentState.ts).
  marketingStateSome: {
    en: 'You receive our news and offers on {on}. You do not receive them on {off}. Say "stop sending me offers" at any time, or ask me for them on another channel.',
    es: 'Recibes nuestras novedades y ofertas por {on}. No las recibes por {off}. Di "deja de enviarme ofertas" cuando quieras, o pídemelas por otro canal.',
  },
  marketingStateAll: {
    en: 'You receive our news and offers on {on}. Say "stop sending me offers" at any time.',
    es: 'Recibes nuestras novedades y ofertas por {on}. Di "deja de enviarme ofertas" cuando quieras.',
  },
  marketingStateNone: {
    en: 'You do not receive our news and offers on any channel ({off}). If you would like them, ask me, for example "send me offers by e-mail".',
    es: 'No recibes nuestras novedades y ofertas por ningún canal ({off}). Si las quieres, pídemelas, por ejemplo "quiero recibir ofertas por correo".',
  },
  // Asked for on channels already receiving them (dialogs/changeConsentDialog.ts askMany).
  marketingAlreadyOn: {
    en: 'You already receive our news and offers on {channel}.',
    es: 'Ya recibes nuestras novedades y ofertas por {channel}.',
  },
  marketingGranted: {
    en: 'Done: you will receive our news and offers on {channel}. Say "stop sending me offers" at any time.',
    es: 'Hecho: recibirás nuestras novedades y ofertas por {channel}. Di "deja de enviarme ofertas" cuando quieras.',
  },
  // PCI: a card number a customer typed was masked before it was stored (models/paymentCards.ts).
  cardNumberHidden: {
    en: 'For your safety I hid the card number in your message: we never need card numbers in this chat, and nobody here will ask you for one.',
    es: 'Por tu seguridad he ocultado el número de tarjeta de tu mensaje: nunca necesitamos números de tarjeta en este chat y nadie aquí te lo pedirá.',
  },
  // A grant on a channel the profile has no address for records nothing (profile/consentAddress.ts).
  consentNoEmail: {
    en: "I don't have an e-mail address for you yet, so I haven't signed you up. To add one, type your e-mail address here; once it is saved, ask me again for offers by e-mail.",
    es: 'Todavía no tengo ningún correo electrónico tuyo, así que no te he apuntado. Para añadirlo, escríbelo aquí; cuando esté guardado, vuelve a pedirme las ofertas por correo.',
  },
  consentNoPhone: {
    en: "I don't have a phone number for you yet, so I haven't signed you up on {channel}. To add one, type your number with its country code (for example +34 600 123 456); once it is saved, ask me again.",
    es: 'Todavía no tengo ningún teléfono tuyo, así que no te he apuntado por {channel}. Para añadirlo, escribe tu número con el prefijo del país (por ejemplo +34 600 123 456); cuando esté guardado, vuelve a pedírmelo.',
  },
  // Only unconfirmed contact points of that kind (typed in chat, perhaps someone else's): double opt-in, nothing
  // recorded until one is confirmed by the code sent to it (dialogs/contactDetailsDialog.ts).
  consentUnconfirmedEmail: {
    en: 'Your e-mail address is not confirmed yet, so I haven\'t signed you up: we only send offers to an address confirmed as yours. To confirm it, type "my email is" and your address, and I will send a code to it; once you have typed the code here, ask me again for offers by e-mail.',
    es: 'Tu correo electrónico aún no está confirmado, así que no te he apuntado: solo enviamos ofertas a una dirección confirmada como tuya. Para confirmarlo, escribe "mi correo es" y tu dirección, y te enviaré un código; cuando lo hayas escrito aquí, vuelve a pedirme las ofertas por correo.',
  },
  consentUnconfirmedPhone: {
    en: 'Your phone number is not confirmed yet, so I haven\'t signed you up on {channel}: we only send offers to a number confirmed as yours. To confirm it, type "my phone number is" and your number with its country code, and I will send a code to it; once you have typed the code here, ask me again.',
    es: 'Tu número de teléfono aún no está confirmado, así que no te he apuntado por {channel}: solo enviamos ofertas a un número confirmado como tuyo. Para confirmarlo, escribe "mi número de teléfono es" y tu número con el prefijo del país, y te enviaré un código; cuando lo hayas escrito aquí, vuelve a pedírmelo.',
  },
  consentNoChannel: {
    en: "I can't reach you on {channel} yet, so I haven't signed you up there. If you like, I can send you our news and offers here in this chat instead: just ask.",
    es: 'Todavía no puedo escribirte por {channel}, así que no te he apuntado ahí. Si quieres, puedo enviarte nuestras novedades y ofertas aquí en este chat: solo pídemelo.',
  },
  notUnderstood: {
    en: 'Sorry, I did not understand. You can ask about orders, refunds, returns, your account, or type "agent".',
    es: 'Perdona, no te he entendido. Puedes preguntar por pedidos, reembolsos, devoluciones, tu cuenta, o escribir "agente".',
  },
  emptyMessage: { en: 'I received an empty message. What can I do for you?', es: 'He recibido un mensaje vacío. ¿Qué puedo hacer por ti?' },
  attachmentReceived: {
    en: 'Thanks, I received your file ({name}); it stays with this chat. I cannot look inside files myself: tell me what it is about (a return, a refund, a damaged item…) or a person can look at it.',
    es: 'Gracias, he recibido tu archivo ({name}); queda guardado en este chat. Yo no puedo ver el contenido de los archivos: dime de qué se trata (una devolución, un reembolso, un artículo dañado…) o una persona puede revisarlo.',
  },
  attachmentMissing: {
    en: 'Your message mentions a file, but no file arrived with it. Please attach it again (pictures, PDF or plain text), or tell me what it is about.',
    es: 'Tu mensaje menciona un archivo, pero no ha llegado ningún archivo con él. Adjúntalo de nuevo (imágenes, PDF o texto plano) o dime de qué se trata.',
  },
  attachmentReceivedQueued: {
    en: 'Thanks, I received your file ({name}). The person who takes your chat will see it.',
    es: 'Gracias, he recibido tu archivo ({name}). La persona que atienda tu chat lo verá.',
  },
  attachmentTooLarge: {
    en: 'Sorry, that file is too large: files can be up to {max}. Nothing was sent.',
    es: 'Lo siento, ese archivo es demasiado grande: los archivos pueden ocupar hasta {max}. No se ha enviado nada.',
  },
  attachmentTypeRefused: {
    en: 'Sorry, I cannot accept that kind of file. You can send pictures (PNG, JPEG, GIF, WebP), PDF documents or plain text. Nothing was sent.',
    es: 'Lo siento, no puedo aceptar ese tipo de archivo. Puedes enviar imágenes (PNG, JPEG, GIF, WebP), documentos PDF o texto plano. No se ha enviado nada.',
  },
  attachmentTooMany: {
    en: 'Sorry, you can send up to {max} files in one message. Nothing was sent; please send fewer at a time.',
    es: 'Lo siento, puedes enviar hasta {max} archivos en un mensaje. No se ha enviado nada; envía menos cada vez.',
  },
  attachmentInvalid: {
    en: 'Sorry, that file did not arrive whole. Please try sending it again.',
    es: 'Lo siento, ese archivo no llegó completo. Intenta enviarlo de nuevo.',
  },
  messageTooLong: {
    en: 'Sorry, that message is too long: messages can be up to {max} characters. Please shorten it and send it again.',
    es: 'Lo siento, ese mensaje es demasiado largo: los mensajes pueden tener hasta {max} caracteres. Acórtalo y envíalo de nuevo.',
  },
  sendRateLimited: {
    en: 'You are sending messages faster than I can take them. Please wait a moment and send that one again.',
    es: 'Estás enviando mensajes más rápido de lo que puedo recibirlos. Espera un momento y vuelve a enviar ese.',
  },
  sendRefused: {
    en: 'Sorry, that message could not be sent. Please try again.',
    es: 'Lo siento, no se ha podido enviar ese mensaje. Inténtalo de nuevo.',
  },
  longMessage: { en: 'Your message is long; I read the beginning.', es: 'Tu mensaje es largo; he leído el principio.' },
  escalating: { en: 'I am connecting you with a person. {reasonText}', es: 'Te paso con una persona. {reasonText}' },
  agentJoined: { en: '{name} from our team has joined the chat.', es: '{name}, de nuestro equipo, se ha unido al chat.' },
  transferred: { en: 'I am passing you to a colleague who can help better.', es: 'Te paso con un compañero que te puede ayudar mejor.' },
  takenOver: {
    en: 'My colleague {name} continues this chat with you from here.',
    es: 'Mi compañero {name} continúa este chat contigo a partir de ahora.',
  },
  agentLeftRequeued: {
    en: 'The person who was helping you is no longer available. You are waiting for another agent: number {position} in the queue, estimated wait {wait}.',
    es: 'La persona que te atendía ya no está disponible. Esperas a otro agente: eres el número {position} en la cola, espera estimada {wait}.',
  },
  agentLeftNobody: {
    en: 'The person who was helping you is no longer available, and no other agent is online right now. Leave your message here and we will answer as soon as someone is back, or keep chatting with me.',
    es: 'La persona que te atendía ya no está disponible y ahora no hay otros agentes conectados. Deja tu mensaje aquí y te responderemos en cuanto vuelvan, o sigue hablando conmigo.',
  },
  agentStillThere: {
    en: 'Your message has reached {name}, who will answer as soon as they can. Thanks for waiting.',
    es: 'Tu mensaje le ha llegado a {name}, que te responderá en cuanto pueda. Gracias por esperar.',
  },
  returnedToBot: { en: 'You are back with the assistant. Anything else I can do?', es: 'Vuelves a estar con el asistente. ¿Algo más en que te pueda ayudar?' },
  survey: {
    en: 'The chat is closed. How would you rate it from 1 (bad) to 5 (great)? You can add a comment after the number.',
    es: 'El chat ha terminado. ¿Cómo lo valorarías del 1 (mal) al 5 (genial)? Puedes añadir un comentario tras el número.',
  },
  queuePosition: {
    en: 'You are number {position} in the queue. Estimated wait: {wait}.',
    es: 'Eres el número {position} en la cola. Espera estimada: {wait}.',
  },
  queueAgentsBack: {
    // "available now" beside a 20-minute wait read as a contradiction (outside32 M3): the news is that someone is back.
    en: 'Someone from our team is back online. You are number {position} in the queue. Estimated wait: {wait}.',
    es: 'Vuelve a haber alguien de nuestro equipo conectado. Eres el número {position} en la cola. Espera estimada: {wait}.',
  },
  queueOverdue: {
    en: 'Sorry, this is taking longer than I said. You are number {position} in the queue; estimated wait now: {wait}. You can keep waiting here, or leave your message and we will answer it in this chat as soon as someone is free.',
    es: 'Perdona, está tardando más de lo que te dije. Eres el número {position} en la cola; espera estimada ahora: {wait}. Puedes seguir esperando aquí, o dejar tu mensaje y te responderemos en este chat en cuanto alguien esté libre.',
  },
  noAgentOnline: {
    en: 'No agent is online right now. Leave your message here and we will answer as soon as someone is back, or keep chatting with me.',
    es: 'Ahora no hay agentes conectados. Deja tu mensaje aquí y te responderemos en cuanto vuelvan, o sigue hablando conmigo.',
  },
  outsideHours: {
    en: 'Our team is away now (outside business hours). Leave your message here and we will answer when we are back, or keep chatting with me.',
    es: 'Nuestro equipo no está ahora (fuera del horario de atención). Deja tu mensaje y te responderemos al volver, o sigue hablando conmigo.',
  },
  // A connection that only carries answers to the customer's own messages (expectReplies from a service URL we do
  // not trust): a person's reply could never arrive, so nobody is queued.
  noPersonOnThisConnection: {
    en: 'A person cannot reach you on this connection: their replies could not be delivered here. I will keep helping you as best I can; to talk to a person, please write to us through our website chat or another of our channels.',
    es: 'Una persona no puede contactarte por esta conexión: sus respuestas no llegarían aquí. Seguiré ayudándote en lo que pueda; para hablar con una persona, escríbenos desde el chat de nuestra web o por otro de nuestros canales.',
  },
  yes: { en: 'yes', es: 'sí' },
  no: { en: 'no', es: 'no' },
  yesButton: { en: 'Yes', es: 'Sí' },
  noButton: { en: 'No', es: 'No' },
  and: { en: 'and', es: 'y' },
  askOrderEmail: {
    en: 'To show you order {order}, please tell me the e-mail address the order was placed with.',
    es: 'Para mostrarte el pedido {order}, dime el correo electrónico con el que se hizo.',
  },
  askOrderEmailVerified: {
    en: 'I could not find order {order} among your orders. If you placed it with another e-mail address, tell me that address.',
    es: 'No encuentro el pedido {order} entre tus pedidos. Si lo hiciste con otro correo electrónico, dime cuál.',
  },
  orderProofFailed: {
    en: 'I could not find an order {order} with that e-mail address, so I cannot show or change it. Please check both in your order confirmation e-mail.',
    es: 'No encuentro un pedido {order} con ese correo, así que no puedo mostrarlo ni cambiarlo. Revisa ambos en el correo de confirmación del pedido.',
  },
  retryOrderEmail: {
    en: 'That does not look like an e-mail address. Please type the e-mail address order {order} was placed with.',
    es: 'Eso no parece un correo electrónico. Escribe el correo con el que se hizo el pedido {order}.',
  },
  orderNeedsEmail: {
    en: 'Without the e-mail address on order {order} I cannot show or change it.',
    es: 'Sin el correo electrónico del pedido {order} no puedo mostrarlo ni cambiarlo.',
  },
  orderProofLimit: {
    en: 'For your security I cannot check more orders in this chat. Type "agent" and a person will help you.',
    es: 'Por tu seguridad no puedo comprobar más pedidos en este chat. Escribe "agente" y una persona te ayudará.',
  },
  askVerifyCode: {
    en: 'Before I change anything on order {order} I need to know it is you: I have sent a {digits}-digit code to {to}. Please type it here (it is valid for {minutes} minutes).',
    es: 'Antes de cambiar nada del pedido {order} necesito saber que eres tú: he enviado un código de {digits} cifras a {to}. Escríbelo aquí (vale {minutes} minutos).',
  },
  askVerifyCodeAgain: {
    en: 'Please type the {digits}-digit code I sent to {to}.',
    es: 'Escribe el código de {digits} cifras que envié a {to}.',
  },
  askOrderNumberInWindow: {
    en: 'Bought {said}: that is within our window, as returns and refunds are possible for 30 days from delivery. What is your order number? (5 to 10 digits)',
    es: 'Comprado {said}: estás dentro del plazo, porque las devoluciones y los reembolsos son posibles durante 30 días desde la entrega. ¿Cuál es tu número de pedido? (de 5 a 10 cifras)',
  },
  askOrderNumberPastWindow: {
    en: 'Returns and refunds are possible for 30 days from delivery, so an item bought {said} is most likely past that window. If it is faulty, our 2-year warranty covers it: we repair, replace or refund it. If it was delivered less than 30 days ago, or it is faulty, tell me the order number (5 to 10 digits) and I will check it.',
    es: 'Las devoluciones y los reembolsos son posibles durante 30 días desde la entrega, así que un artículo comprado {said} seguramente está fuera de ese plazo. Si es defectuoso, lo cubre nuestra garantía de 2 años: lo reparamos, cambiamos o reembolsamos. Si se entregó hace menos de 30 días, o es defectuoso, dime el número de pedido (de 5 a 10 cifras) y lo compruebo.',
  },
  askVerifyCodeStill: {
    en: 'I am still waiting for the {digits}-digit code I sent to {to} to go ahead with order {order}: type it here when you have it, or say "never mind" to stop.',
    es: 'Sigo esperando el código de {digits} cifras que envié a {to} para seguir con el pedido {order}: escríbelo aquí cuando lo tengas, o di "déjalo" para no seguir.',
  },
  askVerifyCodeStillPlain: {
    en: 'I am still waiting for the {digits}-digit code I sent you: type it here when you have it, or say "never mind" to stop.',
    es: 'Sigo esperando el código de {digits} cifras que te envié: escríbelo aquí cuando lo tengas, o di "déjalo" para no seguir.',
  },
  retryVerifyCode: {
    en: 'Please type the {digits}-digit code from the e-mail, or "no" to stop.',
    es: 'Escribe el código de {digits} cifras del correo, o "no" para dejarlo.',
  },
  verifyCodeWhere: {
    en: 'I sent the {digits}-digit code to {to}. E-mails can take a few minutes, and sometimes land in the spam folder. Shall I send a new code?',
    es: 'Envié el código de {digits} cifras a {to}. Los correos pueden tardar unos minutos y a veces llegan a la carpeta de spam. ¿Te envío un código nuevo?',
  },
  verifyCodeResent: {
    en: 'I have sent a new {digits}-digit code to {to}: please type it here (it is valid for {minutes} minutes; the one before no longer works).',
    es: 'He enviado un código nuevo de {digits} cifras a {to}: escríbelo aquí (vale {minutes} minutos; el anterior ya no sirve).',
  },
  verifyCodeNoNew: {
    en: 'I cannot send another code to that address right now, but the one I sent to {to} still works: please type it here.',
    es: 'Ahora no puedo enviar otro código a esa dirección, pero el que envié a {to} sigue valiendo: escríbelo aquí.',
  },
  verifyCodeWrong: {
    en: 'That code is not right (tries left: {left}).',
    es: 'Ese código no es correcto (intentos restantes: {left}).',
  },
  verifyCodeExpired: {
    en: 'That code has expired, so I have not changed order {order}. Ask again and I will send you a new one.',
    es: 'Ese código ha caducado, así que no he cambiado el pedido {order}. Vuelve a pedirlo y te enviaré uno nuevo.',
  },
  verifyCodeTooMany: {
    en: 'Too many wrong codes: I have not changed order {order}, and for your security I cannot send or check codes in this chat for the next {minutes} minutes. Type "agent" and a person will help you.',
    es: 'Demasiados códigos incorrectos: no he cambiado el pedido {order} y, por tu seguridad, no puedo enviar ni comprobar códigos en este chat durante los próximos {minutes} minutos. Escribe "agente" y una persona te ayudará.',
  },
  verifyCodeStopped: {
    en: 'OK, without the code I have not changed order {order}.',
    es: 'De acuerdo, sin el código no he cambiado el pedido {order}.',
  },
  verifyCodeLimit: {
    en: 'I cannot send another code to that address right now, so I have not changed order {order}. Please try again later, or type "agent" and a person will help you.',
    es: 'Ahora no puedo enviar otro código a esa dirección, así que no he cambiado el pedido {order}. Inténtalo más tarde o escribe "agente" y una persona te ayudará.',
  },
  codeLockedOut: {
    en: 'For your security I did not check that code: after too many wrong codes, codes are locked in this chat for {minutes} more minutes. Type "agent" and a person will help you now.',
    es: 'Por tu seguridad no he comprobado ese código: tras demasiados códigos incorrectos, los códigos quedan bloqueados en este chat durante {minutes} minutos más. Escribe "agente" y una persona te ayudará ahora.',
  },
  codeNothingToResend: {
    en: 'There is no code waiting to be resent: I send a code only to check it is you before changing an order (cancelling it, a return or a refund). Tell me what you would like to do, and I will send a new code if it needs one.',
    es: 'No hay ningún código pendiente de reenviar: solo envío un código para comprobar que eres tú antes de cambiar un pedido (cancelarlo, una devolución o un reembolso). Dime qué quieres hacer y te enviaré un código nuevo si hace falta.',
  },
  confirmExplicitYes: {
    en: 'To go ahead, please answer "yes" ({action}), or "no" to leave order {order} as it is.',
    es: 'Para seguir, responde "sí" ({action}), o "no" para dejar el pedido {order} como está.',
  },
  actionCancel: { en: 'cancel it', es: 'cancelarlo' },
  actionRefund: { en: 'request the refund', es: 'solicitar el reembolso' },
  actionReturn: { en: 'open the return', es: 'abrir la devolución' },
  confirmRefund: {
    en: 'Request a refund of {amount} {currency} for order {order} ({items})?',
    es: '¿Solicito el reembolso de {amount} {currency} del pedido {order} ({items})?',
  },
  refundKept: { en: 'OK, I did not request a refund for order {order}.', es: 'De acuerdo, no he solicitado el reembolso del pedido {order}.' },
  confirmReturn: {
    en: 'Open a return for order {order} ({items})? You will get a return label.',
    es: '¿Abro una devolución del pedido {order} ({items})? Recibirás una etiqueta de devolución.',
  },
  returnKept: { en: 'OK, I did not open a return for order {order}.', es: 'De acuerdo, no he abierto la devolución del pedido {order}.' },
  dataCopyRequested: {
    en: 'You can have a copy of all the personal data we hold about you: your profile, your contact details and consents, and every conversation with us, as one file. Our team prepares it and sends it to you once they have checked it is you. I have passed your request to them as a data access request; nothing is deleted.',
    es: 'Puedes tener una copia de todos los datos personales que guardamos sobre ti: tu perfil, tus datos de contacto y consentimientos, y todas tus conversaciones con nosotros, en un solo archivo. Nuestro equipo la prepara y te la envía cuando haya comprobado que eres tú. Les he pasado tu petición como solicitud de acceso a tus datos; no se borra nada.',
  },
  refundReasonGiven: {
    en: 'You told me: {reason}.',
    es: 'Me has dicho: {reason}.',
  },
  laterRequestNoted: {
    en: 'I have noted that ("{request}") and will take it up as soon as this is done.',
    es: 'Lo he anotado ("{request}") y me ocupo en cuanto terminemos con esto.',
  },
  laterRequestKept: {
    en: 'That one is noted already: I will take it up as soon as this is done.',
    es: 'Eso ya lo tengo anotado: me ocupo en cuanto terminemos con esto.',
  },
  laterRequestFirst: {
    en: 'I have also noted your other request ("{request}"): I will take it up right after this.',
    es: 'También he anotado tu otra petición ("{request}"): me ocupo justo después de esto.',
  },
  laterRequestNow: { en: 'Now your other request: "{request}".', es: 'Ahora tu otra petición: "{request}".' },
  cancelPolicy: {
    en: 'An order can be cancelled until it ships; once it has shipped, you can return it when it arrives (returns are free within 30 days).',
    es: 'Un pedido se puede cancelar hasta que se envía; una vez enviado, puedes devolverlo cuando llegue (las devoluciones son gratis durante 30 días).',
  },
  returnPolicyOrder: {
    en: 'Returns are free within 30 days of delivery; I can open one for order {order} and send you a label.',
    es: 'Las devoluciones son gratis durante 30 días desde la entrega; puedo abrir una del pedido {order} y enviarte una etiqueta.',
  },
  startCancelButton: { en: 'Cancel order {order}', es: 'Cancelar el pedido {order}' },
  startReturnButton: { en: 'Return order {order}', es: 'Devolver el pedido {order}' },
  startRefundButton: { en: 'Refund order {order}', es: 'Quiero el reembolso del pedido {order}' },
  startReturnAnyButton: { en: 'I want to return an order', es: 'Quiero devolver un pedido' },
  startRefundAnyButton: { en: 'I want a refund', es: 'Quiero un reembolso' },
  startChangeOffer: {
    en: 'I have not changed anything on order {order}. To go ahead, tap or write "{button}".',
    es: 'No he cambiado nada en el pedido {order}. Para hacerlo, pulsa o escribe "{button}".',
  },
  startChangeOfferAny: {
    en: 'I have not changed anything. To go ahead, tap or write "{button}".',
    es: 'No he cambiado nada. Para hacerlo, pulsa o escribe "{button}".',
  },
  cancelNotAsked: { en: 'OK, I will not cancel anything. What can I help you with?', es: 'De acuerdo, no cancelo nada. ¿En qué te puedo ayudar?' },
  returnNotAsked: { en: 'OK, I will not open a return. What can I help you with?', es: 'De acuerdo, no abro ninguna devolución. ¿En qué te puedo ayudar?' },
  refundNotAsked: {
    en: 'OK, I will not request a refund. What can I help you with?',
    es: 'De acuerdo, no solicito ningún reembolso. ¿En qué te puedo ayudar?',
  },
  confirmContactStrict: {
    en: 'To be sure: shall I save {contact} as your new {kind}? Please answer yes or no.',
    es: 'Para estar seguros: ¿guardo {contact} como tu nuevo {kind}? Responde sí o no.',
  },
  contactKindEmail: { en: 'e-mail address', es: 'correo electrónico' },
  contactKindPhone: { en: 'phone number', es: 'número de teléfono' },
  confirmContact: { en: 'Save {contact} as your new {kind}?', es: '¿Guardo {contact} como tu nuevo {kind}?' },
  contactKept: { en: 'OK, I did not change your contact details.', es: 'De acuerdo, no he cambiado tus datos de contacto.' },
  // A question at "Save …?" (dialogs/contactSaveAside.ts): answered, then the save question again.
  contactWhyAsked: {
    en: 'We use it only to reach you about your orders and requests, once you have confirmed it with a code we send to it. News and offers go to it only if you say yes to them, and you can remove it whenever you like.',
    es: 'Solo lo usamos para contactarte sobre tus pedidos y consultas, cuando lo hayas confirmado con un código que le enviamos. Solo recibirá novedades y ofertas si dices que sí, y puedes quitarlo cuando quieras.',
  },
  contactQuestionAside: {
    en: 'I cannot answer that here, sorry; ask me again once this is settled, or type "agent" for a person.',
    es: 'Eso no te lo puedo responder aquí, lo siento; pregúntamelo cuando terminemos con esto, o escribe "agente" para hablar con una persona.',
  },
  confirmContactThenMore: {
    en: 'I will take your new {more} right after. First: save {contact} as your new {kind}?',
    es: 'Enseguida te pido el nuevo {more}. Primero: ¿guardo {contact} como tu nuevo {kind}?',
  },
  askMoreContact: { en: 'Now please type your new {more}.', es: 'Ahora escribe tu nuevo {more}.' },
  confirmDeleteAccount: {
    en: 'Do you want to delete your account and your data? A person from our team will do it with you.',
    es: '¿Quieres borrar tu cuenta y tus datos? Una persona de nuestro equipo lo hará contigo.',
  },
  deleteAccountKept: {
    en: 'OK, your account stays as it is. Anything else I can help with?',
    es: 'De acuerdo, tu cuenta se queda como está. ¿Te ayudo con algo más?',
  },
  confirmMarketingGrant: {
    en: 'Do you want to receive news and offers (marketing messages) from us on {channel}?',
    es: '¿Quieres recibir nuestras novedades y ofertas (mensajes de marketing) por {channel}?',
  },
  confirmMarketingGrantStrict: {
    en: 'To be sure: shall I send you news and offers on {channel}? Please answer yes or no.',
    es: 'Para estar seguros: ¿te envío novedades y ofertas por {channel}? Responde sí o no.',
  },
  confirmMarketingRegrant: {
    en: 'You do not receive our news and offers at the moment, and I changed nothing. Do you want to receive them (marketing messages) on {channel}?',
    es: 'Ahora no recibes nuestras novedades y ofertas, y no he cambiado nada. ¿Quieres recibirlas (mensajes de marketing) por {channel}?',
  },
  confirmMarketingStop: {
    en: 'You currently receive our news and offers. Do you want to stop them?',
    es: 'Ahora recibes nuestras novedades y ofertas. ¿Quieres dejar de recibirlas?',
  },
  confirmMarketingKeep: {
    en: 'You already receive our news and offers (marketing messages) on {channel}. Do you want to keep receiving them?',
    es: 'Ya recibes nuestras novedades y ofertas (mensajes de marketing) por {channel}. ¿Quieres seguir recibiéndolas?',
  },
  confirmMarketingKeepStrict: {
    en: 'To be sure: shall I keep sending you news and offers on {channel}? Please answer yes or no.',
    es: 'Para estar seguros: ¿sigo enviándote novedades y ofertas por {channel}? Responde sí o no.',
  },
  confirmMarketingStopStrict: {
    en: 'To be sure: shall I stop sending you news and offers? Please answer yes or no.',
    es: 'Para estar seguros: ¿dejo de enviarte novedades y ofertas? Responde sí o no.',
  },
  marketingKept: {
    en: 'OK, you keep receiving our news and offers on {channel}. Say "stop sending me offers" at any time.',
    es: 'De acuerdo, sigues recibiendo nuestras novedades y ofertas por {channel}. Di "deja de enviarme ofertas" cuando quieras.',
  },
  staffAsksConsent: {
    en: 'Our team would like to ask: do you want to receive {purpose} from us on {channel}? Please answer yes or no.',
    es: 'Nuestro equipo quiere preguntarte: ¿quieres recibir {purpose} por {channel}? Responde sí o no.',
  },
  purpose_marketing: { en: 'news and offers (marketing messages)', es: 'nuestras novedades y ofertas (mensajes de marketing)' },
  purpose_service: { en: 'service messages about your orders', es: 'mensajes de servicio sobre tus pedidos' },
  purpose_proactive: { en: 'updates we send first (proactive messages)', es: 'avisos que te enviamos por iniciativa nuestra (mensajes proactivos)' },
  staffAsksConsentAgain: {
    en: 'I need a clear answer to change anything: do you want to receive {purpose} from us on {channel}? Please answer "yes" or "no".',
    es: 'Necesito una respuesta clara para cambiar algo: ¿quieres recibir {purpose} por {channel}? Responde "sí" o "no".',
  },
  staffConsentGranted: {
    en: 'Done: you will receive {purpose} on {channel}. Say "stop" at any time.',
    es: 'Hecho: recibirás {purpose} por {channel}. Di "para" cuando quieras.',
  },
  consentStopped: { en: 'Done: you will no longer receive {purpose}.', es: 'Hecho: ya no recibirás {purpose}.' },
  consentUnchanged: { en: 'OK, I changed nothing about news and offers.', es: 'De acuerdo, no he cambiado nada sobre novedades y ofertas.' },
  clarify: { en: 'I want to be sure I understood. Did you mean:', es: 'Quiero asegurarme de entenderte. ¿Te refieres a:' },
  clarifyWhich: { en: 'Which one do you mean?', es: '¿Cuál de ellas?' },
  noneOfThese: { en: 'None of these', es: 'Ninguna de estas' },
  faqDidItAnswer: { en: 'Did this answer your question?', es: '¿Responde esto a tu pregunta?' },
  faqGlad: { en: 'Glad it helped! Anything else?', es: '¡Me alegro de que te sirva! ¿Algo más?' },
  bareNo: { en: 'OK. If you need anything, just write.', es: 'De acuerdo. Si necesitas algo, escríbeme.' },
  bareYes: { en: 'Great! What can I do for you?', es: '¡Genial! ¿Qué puedo hacer por ti?' },
  requestWithdrawn: { en: 'OK, I have left it there. If you need anything, just write.', es: 'De acuerdo, lo dejamos. Si necesitas algo, escríbeme.' },
  serviceMessagesContinue: {
    en: 'Yes: updates about your orders (confirmation, shipping, delivery), refunds and security codes are service messages and keep coming whatever you chose for marketing. Only news and offers depend on your consent. I have changed nothing.',
    es: 'Sí: los avisos de tus pedidos (confirmación, envío, entrega), los reembolsos y los códigos de seguridad son mensajes de servicio y siguen llegando, elijas lo que elijas sobre publicidad. Solo las novedades y ofertas dependen de tu consentimiento. No he cambiado nada.',
  },
  doubleCharge: {
    en: 'Sorry you were charged twice. A second charge is usually a payment held by your bank that is released within 5 days without you doing anything; if it is still there after that, tell me "agent" and we will refund it.',
    es: 'Siento que te hayan cobrado dos veces. Un segundo cargo suele ser un pago retenido por tu banco que se libera en 5 días sin que hagas nada; si sigue ahí después, escribe "agente" y te lo devolvemos.',
  },
  doubleChargeOrder: {
    en: 'Sorry you were charged twice for order {order}. A second charge is usually a payment held by your bank that is released within 5 days without you doing anything; if it is still there after that, tell me "agent" and we will refund it.',
    es: 'Siento que te hayan cobrado dos veces el pedido {order}. Un segundo cargo suele ser un pago retenido por tu banco que se libera en 5 días sin que hagas nada; si sigue ahí después, escribe "agente" y te lo devolvemos.',
  },
  emptyAtQuestion: { en: 'I received an empty message.', es: 'He recibido un mensaje vacío.' },
  anythingElseNo: { en: 'All right. Thank you for chatting with us, have a nice day!', es: 'De acuerdo. Gracias por escribirnos, ¡que tengas un buen día!' },
  anythingElseYes: { en: 'Sure, what can I do for you?', es: 'Claro, ¿qué puedo hacer por ti?' },
  queuedApology: {
    en: 'I am sorry for the wait and the trouble, and I understand this is frustrating.',
    es: 'Siento la espera y las molestias, y entiendo que es frustrante.',
  },
  queuedReminder: {
    en: 'Your request for a person stands: you are number {position} in the queue (estimated wait: {wait}).',
    es: 'Tu solicitud de hablar con una persona sigue en pie: eres el número {position} en la cola (espera estimada: {wait}).',
  },
  offlineReminder: {
    en: 'Your request for a person stands: nobody from our team is online right now, so your messages are saved and we will answer as soon as someone is back.',
    es: 'Tu solicitud de hablar con una persona sigue en pie: ahora no hay nadie del equipo conectado, así que tus mensajes quedan guardados y te responderemos en cuanto vuelvan.',
  },
  outsideHoursReminder: {
    en: 'Your request for a person stands: our team is away (outside business hours), so your messages are saved and we will answer when we are back.',
    es: 'Tu solicitud de hablar con una persona sigue en pie: el equipo no está (fuera del horario de atención), así que tus mensajes quedan guardados y te responderemos al volver.',
  },
  waitingNotUnderstood: {
    en: 'I cannot answer that myself, but a person will read your message.',
    es: 'Eso no lo puedo responder yo, pero una persona leerá tu mensaje.',
  },
  withdrawButton: { en: 'Withdraw my request', es: 'Retirar mi solicitud' },
  withdrawn: {
    en: 'Done: I withdrew your request for a person. I am still here if you need me.',
    es: 'Hecho: he retirado tu solicitud de hablar con una persona. Sigo aquí si me necesitas.',
  },
  askEmailForReply: {
    en: 'This chat cannot reach you later. What e-mail address should we answer to?',
    es: 'Este chat no puede contactarte más tarde. ¿A qué correo electrónico te respondemos?',
  },
  askEmailAfterOrderNoted: {
    en: 'Thanks, I have noted order {order} for the team. What e-mail address should we answer to?',
    es: 'Gracias, he anotado el pedido {order} para el equipo. ¿A qué correo electrónico te respondemos?',
  },
  emailForReplySaved: { en: 'Thanks, we will answer to {email}.', es: 'Gracias, te responderemos a {email}.' },
  replyEmailRefused: {
    en: 'No problem: no e-mail needed. Your messages are kept, and the team will answer here in this chat.',
    es: 'Sin problema: no hace falta el correo. Tus mensajes quedan guardados y el equipo te responderá aquí, en este chat.',
  },
  contactRefused: {
    en: 'No problem: I have not stored anything, and your contact details stay as they are. What else can I do for you?',
    es: 'Sin problema: no he guardado nada y tus datos de contacto siguen como estaban. ¿En qué más te puedo ayudar?',
  },
  orderEmailRefused: {
    en: 'No problem, I will not ask for it again. Without that e-mail address I cannot show order {order} here; a person from our team can help you instead (type "agent").',
    es: 'Sin problema, no te lo volveré a pedir. Sin ese correo no puedo mostrarte aquí el pedido {order}; una persona de nuestro equipo puede ayudarte (escribe "agente").',
  },
  marketingFrequency: {
    en: 'Our news and offers come at most once a week, and you can stop them at any time by saying "stop sending me offers".',
    es: 'Nuestras novedades y ofertas llegan como mucho una vez por semana, y puedes dejar de recibirlas cuando quieras diciendo "no quiero más ofertas".',
  },
  marketingChannelExplain: {
    en: 'Yes: we can send our news and offers on {channel}, only to customers who said yes to them, at most once a week, and you can stop them at any time by saying "stop sending me offers". Nothing changes unless you say yes.',
    es: 'Sí: podemos enviarte nuestras novedades y ofertas por {channel}, solo si dices que sí, como mucho una vez por semana, y puedes dejar de recibirlas cuando quieras diciendo "no quiero más ofertas". No cambia nada si no dices que sí.',
  },
  privacyDataUse: {
    en: 'We use your e-mail address and your other details only to handle your orders and support chats (order updates, replies, one-time codes) and, only if you said yes, to send news and offers. We never sell them or share them for others\' marketing. You can ask for a copy of your data or have it erased at any time: a person from our team does it for you (say "delete my account" to erase it). Details: example.com/privacy. I have changed nothing.',
    es: 'Usamos tu correo electrónico y tus demás datos solo para gestionar tus pedidos y chats de soporte (avisos de pedidos, respuestas, códigos de un solo uso) y, solo si dijiste que sí, para enviarte novedades y ofertas. Nunca los vendemos ni los cedemos para publicidad de otros. Puedes pedir una copia de tus datos o su borrado cuando quieras: lo hace una persona de nuestro equipo (di "borrar mi cuenta" para borrarlos). Detalles: example.com/privacy. No he cambiado nada.',
  },
  marketingOnlyWithYes: {
    en: 'No. We send news and offers only to customers who said yes to them, at most once a week, and you can stop them at any time by saying "stop sending me offers". E-mails about your orders are not marketing.',
    es: 'No. Solo enviamos novedades y ofertas a quien ha dicho que sí, como mucho una vez por semana, y puedes dejar de recibirlas cuando quieras diciendo "no quiero más ofertas". Los correos sobre tus pedidos no son publicidad.',
  },
  accountMisuseReported: {
    en: 'I am sorry. An order or a login you did not make is a security matter, so a person from our team will look into it with you. To be safe, please change your password now (type "reset my password").',
    es: 'Lo siento. Un pedido o un acceso que no has hecho tú es un asunto de seguridad, así que una persona de nuestro equipo lo revisará contigo. Por seguridad, cambia ya tu contraseña (escribe "restablecer mi contraseña").',
  },
  missingParcel: {
    en: 'I am sorry your parcel has not reached you although it shows as delivered. That is a missing parcel, so a person from our team will open a claim with the carrier for you.',
    es: 'Siento que tu paquete no te haya llegado aunque figure como entregado. Es un paquete perdido, así que una persona de nuestro equipo abrirá una reclamación con el transportista.',
  },
  missingParcelOrder: {
    en: 'I am sorry order {order} has not reached you although it shows as delivered. That is a missing parcel, so a person from our team will open a claim with the carrier for you.',
    es: 'Siento que el pedido {order} no te haya llegado aunque figure como entregado. Es un paquete perdido, así que una persona de nuestro equipo abrirá una reclamación con el transportista.',
  },
  markedUrgent: {
    en: 'I have marked your request as urgent and left a note for the team about what you reported. Your request for a person stands, and urgent requests are served as early as the places already promised to others allow.',
    es: 'He marcado tu solicitud como urgente y he dejado una nota al equipo sobre lo que nos cuentas. Tu solicitud de hablar con una persona sigue en pie, y las solicitudes urgentes se atienden tan pronto como lo permiten los puestos ya prometidos a otras personas.',
  },
  requestWithOrder: { en: '{label}, order {order}', es: '{label}, pedido {order}' },
  attachmentForRequest: {
    en: 'Thanks, I received your file ({name}) and keep it with your request ({request}); the person who handles it will see it.',
    es: 'Gracias, he recibido tu archivo ({name}) y lo guardo con tu solicitud ({request}); la persona que la gestione lo verá.',
  },
  offerPerson: { en: 'Would you like to talk to a person from our team as well?', es: '¿Quieres hablar también con una persona de nuestro equipo?' },
  talkToPerson: { en: 'Talk to a person', es: 'Hablar con una persona' },
  surveyDeclined: { en: 'No problem. Thank you for contacting us!', es: 'No pasa nada. ¡Gracias por contactarnos!' },
  help_track: { en: 'Track my order', es: 'Seguir mi pedido' },
  help_cancel: { en: 'Cancel an order', es: 'Cancelar un pedido' },
  help_refund: { en: 'Request a refund', es: 'Pedir un reembolso' },
  help_return: { en: 'Return an item', es: 'Devolver un artículo' },
  help_password: { en: 'Reset my password', es: 'Restablecer mi contraseña' },
  help_invoice: { en: 'Get an invoice', es: 'Obtener una factura' },
  // bot25: calls, names without letters, the contact on file, messages with two parts while queued.
  callBackNone: {
    en: 'I cannot phone you, and our team does not call back from this chat. A person from our team can go on with you right here in the chat, or you can write to us.',
    es: 'No puedo llamarte por teléfono, y nuestro equipo no devuelve llamadas desde este chat. Una persona de nuestro equipo puede seguir contigo aquí mismo, en el chat, o puedes escribirnos.',
  },
  nameNoLetters: {
    en: 'Sorry, I cannot use "{name}" as your name: a name needs letters. Tell me another one ("call me …"), or just carry on.',
    es: 'Lo siento, no puedo usar "{name}" como tu nombre: un nombre necesita letras. Dime otro ("llámame …") o sigue sin más.',
  },
  contactOnFileShown: {
    en: 'The {kind} we have for you: {contacts}. To change it, tap "Change my e-mail or phone".',
    es: 'El {kind} que tenemos para ti: {contacts}. Para cambiarlo, pulsa "Cambiar mi correo o teléfono".',
  },
  contactOnFileHidden: {
    en: 'For your privacy I do not show the contact details on file in a chat where your identity is not verified. I changed nothing. I can save a new e-mail or phone for you (after you confirm it), or a person from our team can check it with you.',
    es: 'Por tu privacidad no muestro los datos de contacto guardados en un chat en el que tu identidad no está verificada. No he cambiado nada. Puedo guardar un correo o teléfono nuevo (cuando lo confirmes), o una persona de nuestro equipo puede comprobarlo contigo.',
  },
  contactKindAny: { en: 'contact details', es: 'dato de contacto' },
  withdrawnAndMore: {
    en: 'Done: I withdrew your request for a person, as you said you do not need one.',
    es: 'Hecho: he retirado tu solicitud de hablar con una persona, ya que dices que no la necesitas.',
  },
  refusedPersonKept: {
    en: 'I kept your place in the queue in case you still want a person; tap "Withdraw my request" if you do not.',
    es: 'He mantenido tu lugar en la cola por si aún quieres hablar con una persona; pulsa "Retirar mi solicitud" si no es así.',
  },
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

/** Every sentence of one language as written, placeholders included (tests check which language a reply is in). */
export function templates(language: ReplyLanguage): string[] {
  return Object.values(REPLIES).map((r) => r[language]);
}

/**
 * Sentences with which the bot asks the customer for something in their own words (an e-mail, an order number, a
 * rating, a comment, a reason): what the customer writes next answers it, so it is no request of their own (the
 * not-understood list). Yes/no questions are not here: a reply that is no yes or no to them is a request.
 */
export function promptTemplates(): string[] {
  const keys = (Object.keys(REPLIES) as ReplyKey[]).filter((k) => /^(ask|retry)[A-Z]/.test(k) || k === 'survey');
  return keys.flatMap((k) => REPLY_LANGUAGES.map((l) => REPLIES[k][l]));
}

/**
 * The bot's yes/no questions ("Cancel order {order}?", "Did this answer your question?", "Anything else?"): a short
 * reply to one ("👍", "fine", "yes I mean no") answers it, and is no request of the customer's own.
 */
export function yesNoQuestionTemplates(): string[] {
  const keys = (Object.keys(REPLIES) as ReplyKey[]).filter((k) => /^confirm[A-Z]/.test(k) || YES_NO_QUESTIONS.has(k));
  return keys.flatMap((k) => REPLY_LANGUAGES.map((l) => REPLIES[k][l]));
}
/**
 * Replies that show the bot understood a message by its own readers, whatever the intent model made of it ("my name
 * is Rosalind" → "Nice to meet you, Rosalind!"): such a message is no "not understood" line on the dashboard.
 */
export function understoodTemplates(): string[] {
  const keys: ReplyKey[] = [
    'nameSet',
    'nameReserved',
    'nameNoLetters',
    'callBackNone',
    'contactOnFileShown',
    'contactOnFileHidden',
    'languageSet',
    'marketingWithdrawn',
    'marketingAlreadyOff',
    'marketingWithdrawnOn',
    'marketingAlreadyOffOn',
    'marketingStateSome',
    'marketingStateAll',
    'marketingStateNone',
    'optOutHowTo',
    'optOutHowToNotReceiving',
    'consentStopped',
    'attachmentMissing',
    'attachmentReceived',
    'attachmentReceivedQueued',
    'attachmentForRequest',
    // Handled by their own readers, never "not understood" (outside tester): a copy of one's data, a new code.
    'dataCopyRequested',
    'codeNothingToResend',
    'verifyCodeResent',
    'verifyCodeNoNew',
    'verifyCodeLimit',
    'verifyCodeTooMany',
  ];
  return keys.flatMap((k) => REPLY_LANGUAGES.map((l) => REPLIES[k][l]));
}
const YES_NO_QUESTIONS = new Set<string>(['faqDidItAnswer', 'thanks', 'offerPerson', 'returnedToBot', 'faqGlad']);
