// Starts the official Web Chat against this service's own Direct Line–compatible endpoint.
(async function () {
  const KEY = 'crm-webchat-session';
  let session = JSON.parse(localStorage.getItem(KEY) || 'null');
  if (!session) {
    const res = await fetch('/chat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: navigator.language }) });
    session = await res.json();
    session.startedAt = new Date().toISOString();
    localStorage.setItem(KEY, JSON.stringify(session));
  }
  const es = (navigator.language || '').toLowerCase().startsWith('es');
  // The page greets with what the bot can do; the buttons send their words as the customer's message.
  // Shown by this page only (not stored), stamped with the session's start so it stays first after a reload.
  const greeting = {
    type: 'message',
    id: 'greeting-' + session.conversationId,
    timestamp: session.startedAt || new Date().toISOString(),
    from: { id: 'bot', name: 'Support', role: 'bot' },
    text: es
      ? '¡Hola! Soy el asistente de soporte. Puedo seguir tu pedido, gestionar reembolsos y devoluciones, ayudarte con tu cuenta o pasarte con una persona. ¿Qué necesitas?'
      : 'Hi! I am the support assistant. I can track your order, handle refunds and returns, help with your account, or get you a person. What do you need?',
    suggestedActions: {
      actions: (es ? ['Seguir mi pedido', 'Quiero un reembolso', 'Hablar con una persona'] : ['Track my order', 'I want a refund', 'Talk to a person']).map((title) => ({ type: 'imBack', title, value: title })),
    },
  };
  const store = window.WebChat.createStore({}, ({ dispatch }) => (next) => (action) => {
    const result = next(action);
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') dispatch({ type: 'DIRECT_LINE/QUEUE_INCOMING_ACTIVITY', payload: { activity: greeting } });
    return result;
  });
  const directLine = window.WebChat.createDirectLine({ token: session.token, domain: location.origin + '/v3/directline', webSocket: false, pollingInterval: 500 });
  window.WebChat.renderWebChat(
    { directLine, store, userID: session.userId, locale: navigator.language || 'en-US', sendTypingIndicator: true, styleOptions: { suggestedActionLayout: 'flow' } },
    document.getElementById('webchat'),
  );
})();
