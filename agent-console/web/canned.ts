/** Canned replies; {firstName} and {agentName} are filled in from the open chat. */
export const CANNED = [
  {
    id: 'greet',
    en: 'Hi {firstName}, I am {agentName}. I am looking at your case now.',
    es: 'Hola {firstName}, soy {agentName}. Estoy revisando tu caso ahora.',
  },
  { id: 'wait', en: 'Thanks for your patience, {firstName}. One moment please.', es: 'Gracias por tu paciencia, {firstName}. Un momento, por favor.' },
  {
    id: 'refund',
    en: 'I have started your refund; you will get an email confirmation within 24 hours.',
    es: 'He iniciado tu reembolso; recibirás un correo de confirmación en 24 horas.',
  },
  { id: 'bye', en: 'Is there anything else I can help you with, {firstName}?', es: '¿Te puedo ayudar en algo más, {firstName}?' },
] as const;

export type Canned = (typeof CANNED)[number];
