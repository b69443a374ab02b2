// Starts the official Web Chat against this service's own Direct Line–compatible endpoint.
(async function () {
  const KEY = 'crm-webchat-session';
  const newSession = async () => {
    const res = await fetch('/chat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: navigator.language }) });
    return res.json();
  };
  let session = JSON.parse(localStorage.getItem(KEY) || 'null');
  if (session) {
    // A session has an absolute lifetime: refresh the stored token, or start over once the session is over.
    const res = await fetch('/v3/directline/tokens/refresh', { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    session = res.ok ? { ...session, token: (await res.json()).token } : null;
  }
  if (!session) session = await newSession();
  localStorage.setItem(KEY, JSON.stringify(session));
  const directLine = window.WebChat.createDirectLine({ token: session.token, domain: location.origin + '/v3/directline', webSocket: false, pollingInterval: 500 });
  window.WebChat.renderWebChat({ directLine, userID: session.userId, locale: navigator.language || 'en-US' }, document.getElementById('webchat'));
})();
