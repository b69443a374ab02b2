const STRINGS = {
  consoleTitle: { en: 'Agent console', es: 'Consola de agentes' },
  email: { en: 'Email', es: 'Correo' },
  password: { en: 'Password', es: 'Contraseña' },
  signIn: { en: 'Sign in', es: 'Entrar' },
  signOut: { en: 'Sign out', es: 'Salir' },
  signInFailed: { en: 'Sign-in failed', es: 'No se pudo entrar' },
  sessionEnded: { en: 'Your session ended. Please sign in again.', es: 'Tu sesión terminó. Vuelve a entrar.' },
  presence: { en: 'Presence', es: 'Estado' },
  online: { en: 'Online', es: 'Conectado' },
  away: { en: 'Away', es: 'Ausente' },
  offline: { en: 'Offline', es: 'Desconectado' },
  queue: { en: 'Queue', es: 'Cola' },
  queueEmpty: { en: 'Nobody is waiting', es: 'No hay nadie esperando' },
  myChats: { en: 'My chats', es: 'Mis chats' },
  agents: { en: 'Agents', es: 'Agentes' },
  customer: { en: 'Customer', es: 'Cliente' },
  agent: { en: 'Agent', es: 'Agente' },
  system: { en: 'System', es: 'Sistema' },
  note: { en: 'Internal note', es: 'Nota interna' },
  whisper: { en: 'Whisper', es: 'Susurro' },
  priority: { en: 'priority', es: 'prioridad' },
  pickChat: { en: 'Pick a chat from the queue or your chats.', es: 'Elige un chat de la cola o de tus chats.' },
  accept: { en: 'Accept', es: 'Aceptar' },
  takeover: { en: 'Take over', es: 'Tomar el chat' },
  transfer: { en: 'Transfer', es: 'Transferir' },
  transferTo: { en: 'Transfer to…', es: 'Transferir a…' },
  transferNote: { en: 'Note for the next agent', es: 'Nota para el siguiente agente' },
  skill: { en: 'Group', es: 'Grupo' },
  returnToBot: { en: 'Return to bot', es: 'Devolver al bot' },
  close: { en: 'Close', es: 'Cerrar' },
  canned: { en: 'Canned responses', es: 'Respuestas rápidas' },
  searchCanned: { en: 'Search responses', es: 'Buscar respuestas' },
  internalNote: { en: 'Internal note', es: 'Nota interna' },
  send: { en: 'Send', es: 'Enviar' },
  message: { en: 'Message', es: 'Mensaje' },
  typeMessage: { en: 'Type a reply…', es: 'Escribe una respuesta…' },
  noteOnly: { en: 'Internal note (the customer does not see it)…', es: 'Nota interna (el cliente no la ve)…' },
  customerTyping: { en: 'The customer is typing…', es: 'El cliente está escribiendo…' },
  pastConversation: { en: 'Past conversation', es: 'Conversación anterior' },
  pastConversations: { en: 'Past conversations', es: 'Conversaciones anteriores' },
  profile: { en: 'Customer', es: 'Cliente' },
  noProfile: { en: 'No customer selected', es: 'Ningún cliente seleccionado' },
  name: { en: 'Name', es: 'Nombre' },
  language: { en: 'Language', es: 'Idioma' },
  identities: { en: 'Channels', es: 'Canales' },
  contacts: { en: 'Contacts', es: 'Contactos' },
  unverified: { en: 'unverified', es: 'sin verificar' },
  consent: { en: 'Consent', es: 'Consentimiento' },
  segments: { en: 'Segments', es: 'Segmentos' },
  tags: { en: 'Tags', es: 'Etiquetas' },
  notes: { en: 'Notes', es: 'Notas' },
  addNote: { en: 'Add note', es: 'Añadir nota' },
  save: { en: 'Save', es: 'Guardar' },
  grant: { en: 'Grant', es: 'Conceder' },
  samePerson: { en: 'Possibly the same person', es: 'Posiblemente la misma persona' },
  merge: { en: 'Merge', es: 'Fusionar' },
  notSame: { en: 'Not the same', es: 'No es la misma' },
  withdraw: { en: 'Withdraw', es: 'Retirar' },
  engagement: { en: 'Engagement', es: 'Actividad' },
  conversations: { en: 'conversations', es: 'conversaciones' },
  messages: { en: 'messages', es: 'mensajes' },
  reach: { en: 'Reach', es: 'Alcance' },
  followers: { en: 'followers', es: 'seguidores' },
  sentiment: { en: 'sentiment', es: 'sentimiento' },
  sentimentTrend: { en: 'Sentiment trend', es: 'Evolución del sentimiento' },
  rating: { en: 'Rating', es: 'Valoración' },
  newChat: { en: 'New chat waiting', es: 'Nuevo chat en espera' },
  reason_customer_asked: { en: 'asked for a person', es: 'pidió una persona' },
  reason_not_understood: { en: 'bot did not understand', es: 'el bot no entendió' },
  reason_negative_sentiment: { en: 'unhappy customer', es: 'cliente descontento' },
  reason_important_customer: { en: 'important customer', es: 'cliente importante' },
  reason_policy_intent: { en: 'handled by people', es: 'lo atienden personas' },
  reason_dialog_decided: { en: 'transferred', es: 'transferido' },
  reason_social_mention: { en: 'social mention', es: 'mención social' },
  reason_none: { en: '—', es: '—' },
} as const;

export type Key = keyof typeof STRINGS;
let current: 'en' | 'es' = (localStorage.getItem('console-locale') as 'en' | 'es') ?? (navigator.language.startsWith('es') ? 'es' : 'en');

export function locale(): 'en' | 'es' {
  return current;
}

export function setLocale(l: string): void {
  current = l === 'es' ? 'es' : 'en';
  localStorage.setItem('console-locale', current);
  document.documentElement.lang = current;
}

export function tr(key: Key): string {
  return STRINGS[key]?.[current] ?? String(key);
}
