// Starts the official Web Chat against this service's own Direct Line–compatible endpoint.
(async function () {
  const KEY = 'crm-webchat-session';
  let session = JSON.parse(localStorage.getItem(KEY) || 'null');
  if (!session) {
    const res = await fetch('/chat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: navigator.language }) });
    session = await res.json();
    localStorage.setItem(KEY, JSON.stringify(session));
  }
  const directLine = window.WebChat.createDirectLine({ token: session.token, domain: location.origin + '/v3/directline', webSocket: false, pollingInterval: 500 });
  window.WebChat.renderWebChat({ directLine, userID: session.userId, locale: navigator.language || 'en-US' }, document.getElementById('webchat'));
})();
