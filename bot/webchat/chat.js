// Starts the official Web Chat against this service's own Direct Line–compatible endpoint.
(async function () {
  const KEY = 'crm-webchat-session';
  const newSession = async () => {
    const res = await fetch('/chat/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locale: navigator.language }),
    });
    return { ...(await res.json()), startedAt: new Date().toISOString() };
  };
  let session = JSON.parse(localStorage.getItem(KEY) || 'null');
  if (session) {
    // A session has an absolute lifetime: refresh the stored token, or start over once the session is over.
    const res = await fetch('/v3/directline/tokens/refresh', { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    session = res.ok ? { ...session, token: (await res.json()).token } : null;
  }
  if (!session) session = await newSession();
  localStorage.setItem(KEY, JSON.stringify(session));
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
      actions: (es ? ['Seguir mi pedido', 'Quiero un reembolso', 'Hablar con una persona'] : ['Track my order', 'I want a refund', 'Talk to a person']).map(
        (title) => ({ type: 'imBack', title, value: title }),
      ),
    },
  };
  const store = window.WebChat.createStore({}, ({ dispatch }) => (next) => (action) => {
    const result = next(action);
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') dispatch({ type: 'DIRECT_LINE/QUEUE_INCOMING_ACTIVITY', payload: { activity: greeting } });
    // A refused file (type, size): the server's answer carries a sentence in the customer's language; show it.
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY_REJECTED') {
      const error = action.payload && action.payload.response && action.payload.response.error;
      const said = error && error.details && error.details.customerMessage;
      if (typeof said === 'string')
        dispatch({
          type: 'DIRECT_LINE/QUEUE_INCOMING_ACTIVITY',
          payload: {
            activity: {
              type: 'message',
              id: 'notice-' + Date.now(),
              timestamp: new Date().toISOString(),
              from: { id: 'bot', name: 'Support', role: 'bot' },
              text: said,
              channelData: { refused: error.code },
            },
          },
        });
    }
    return result;
  });
  const directLine = window.WebChat.createDirectLine(await directLineOptions(session.token, location.origin + '/v3/directline'));
  window.WebChat.renderWebChat(
    {
      directLine,
      store,
      userID: session.userId,
      locale: navigator.language || 'en-US',
      sendTypingIndicator: true,
      // Thumbnails of picked images are drawn in a worker made from a blob: script, which the page's CSP refuses
      // (script-src 'self'); the upload works without them and the CSP stays as strict.
      styleOptions: { suggestedActionLayout: 'flow', enableUploadThumbnail: false },
    },
    document.getElementById('webchat'),
  );
})();

/**
 * Direct Line 3.0 streaming (the server pushes activity sets over a WebSocket) when the browser and the network
 * allow one; polling otherwise (no WebSocket, streaming turned off on the server, or a proxy that refuses the
 * upgrade). The stream is tried once here, because Direct Line's client retries a failing stream forever instead
 * of falling back; the started conversation and its streamUrl (valid a minute) are handed over, so it is not
 * started twice.
 */
async function directLineOptions(token, domain) {
  const polling = { token, domain, webSocket: false, pollingInterval: 500 };
  if (typeof WebSocket === 'undefined') return polling;
  try {
    const res = await fetch(domain + '/conversations', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
    const started = res.ok ? await res.json() : {};
    if (!started.streamUrl) return polling;
    const opens = await new Promise((resolve) => {
      const ws = new WebSocket(started.streamUrl);
      const timer = setTimeout(() => (ws.close(), resolve(false)), 5000);
      ws.onopen = () => (clearTimeout(timer), ws.close(), resolve(true));
      ws.onerror = () => (clearTimeout(timer), resolve(false));
    });
    return opens ? { token: started.token, domain, webSocket: true, conversationId: started.conversationId, streamUrl: started.streamUrl } : polling;
  } catch {
    return polling;
  }
}
