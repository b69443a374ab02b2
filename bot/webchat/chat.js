// Starts the official Web Chat against this service's own Direct Line–compatible endpoint.
(async function () {
  const KEY = 'crm-webchat-session';
  // The page is served the same to everyone: its language, title and header follow the customer's locale, like the
  // bot's replies (a Spanish page once said "Customer support").
  const pageEs = (navigator.language || '').toLowerCase().startsWith('es');
  document.documentElement.lang = pageEs ? 'es' : 'en';
  document.title = pageEs ? 'Chat de atención al cliente' : 'Support chat';
  document.querySelector('body > header').textContent = pageEs ? 'Atención al cliente' : 'Customer support';
  document.getElementById('webchat').setAttribute('aria-label', pageEs ? 'Chat con atención al cliente' : 'Chat with support');
  const newSession = async () => {
    const res = await fetch('/chat/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locale: navigator.language }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || typeof body.token !== 'string') throw Object.assign(new Error('no session'), { status: res.status, response: body });
    return { ...body, startedAt: new Date().toISOString() };
  };
  let session = JSON.parse(localStorage.getItem(KEY) || 'null');
  if (session) {
    // A session has an absolute lifetime: refresh the stored token, or start over once the session is over.
    const res = await fetch('/v3/directline/tokens/refresh', { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    const refreshed = res.ok ? await res.json() : null;
    // The settings (longest message, refusal sentences) are the server's current ones, not those of the first visit.
    // Refused as already refreshed: another tab of this session may have stored the token that refresh answered.
    const stored = refreshed ? null : JSON.parse(localStorage.getItem(KEY) || 'null');
    session = refreshed
      ? { ...session, token: refreshed.token, settings: refreshed.settings || session.settings }
      : stored && stored.token !== session.token
        ? stored
        : null;
  }
  const es = (navigator.language || '').toLowerCase().startsWith('es');
  if (!session) {
    try {
      session = await newSession();
    } catch (err) {
      return cannotStart(err, es);
    }
  }
  localStorage.setItem(KEY, JSON.stringify(session));
  const settings = session.settings || {};
  // The page greets with what the bot can do; the buttons send their words as the customer's message. The server
  // gives the words (settings.greetings, per language) and stores the same message, buttons and all, as the
  // conversation's first once the customer writes (so transcripts show it); it never sends it back to this page.
  // Stamped with the session's start so it stays first after a reload.
  const words = (settings.greetings || {})[es ? 'es' : 'en'];
  const greeting = words && {
    type: 'message',
    id: 'greeting-' + session.conversationId,
    timestamp: session.startedAt || new Date().toISOString(),
    from: { id: 'bot', name: 'Support', role: 'bot' },
    text: words.text,
    suggestedActions: { actions: words.choices.map((title) => ({ type: 'imBack', title, value: title })) },
  };
  const say = settings.say || {};
  // A notice from this page (not stored): a refused send, said as a sentence in the customer's language. Text only:
  // Web Chat renders a message's text as text, never as markup.
  const notice = (dispatch, text, code) =>
    dispatch({
      type: 'DIRECT_LINE/QUEUE_INCOMING_ACTIVITY',
      payload: {
        activity: {
          type: 'message',
          id: 'notice-' + Date.now() + '-' + Math.random().toString(36).slice(2),
          timestamp: new Date().toISOString(),
          from: { id: 'bot', name: 'Support', role: 'bot' },
          text,
          channelData: { refused: code },
        },
      },
    });
  // What each pending post was: a refused typing signal says nothing to the customer.
  const posted = new Map();
  const UNSENT = 'unsent-';
  const isUnsent = (activity) => !!activity && typeof activity.id === 'string' && activity.id.startsWith(UNSENT);
  const store = window.WebChat.createStore({}, ({ dispatch, getState }) => (next) => (action) => {
    // Longer than the server takes: refused here, before anything is sent, and the text stays in the box to shorten.
    if (action.type === 'WEB_CHAT/SUBMIT_SEND_BOX' && settings.maxMessageChars) {
      const text = String(getState().sendBoxValue || '').trim();
      // Characters (code points) as the server counts them (core/visibleText.ts textLength): an emoji is one.
      if ([...text].length > settings.maxMessageChars) {
        notice(dispatch, say.messageTooLong, 'MESSAGE_TOO_LONG');
        return undefined;
      }
    }
    // Retry (Web Chat's button on a failed message) posts a copy under a new clientActivityID and would leave the
    // failed one on the page: the failed one goes, so the message shows once, as sent or failed again.
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY' && isUnsent(action.payload && action.payload.activity)) {
      const { id, ...activity } = action.payload.activity;
      dispatch({ type: 'DIRECT_LINE/DELETE_ACTIVITY', payload: { activityID: id } });
      return next({ ...action, payload: { ...action.payload, activity } });
    }
    // A message being sent gets a local id (the server's replaces it once echoed), by which a retry can remove it.
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY_PENDING' && action.meta && action.payload.activity.type === 'message') {
      const activity = { ...action.payload.activity, id: UNSENT + action.meta.clientActivityID };
      return after(next({ ...action, payload: { ...action.payload, activity } }), action, dispatch);
    }
    return after(next(action), action, dispatch);
  });
  /** What the page does once an action reached Web Chat's store. */
  function after(result, action, dispatch) {
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && greeting) dispatch({ type: 'DIRECT_LINE/QUEUE_INCOMING_ACTIVITY', payload: { activity: greeting } });
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY_PENDING' && action.meta) posted.set(action.meta.clientActivityID, action.payload.activity.type);
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY_FULFILLED' && action.meta) posted.delete(action.meta.clientActivityID);
    // A refused send (too long, too fast, a refused file): the server's coded answer, said as a sentence. Its own
    // sentence when it gave one (in the customer's language), else this page's for the code.
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY_REJECTED') {
      const kind = action.meta && posted.get(action.meta.clientActivityID);
      if (action.meta) posted.delete(action.meta.clientActivityID);
      const error = action.payload && action.payload.response && action.payload.response.error;
      if (kind === 'message' && error && typeof error.code === 'string') {
        const own = error.details && error.details.customerMessage;
        const text =
          typeof own === 'string'
            ? own
            : error.code === 'MESSAGE_TOO_LONG'
              ? say.messageTooLong
              : error.code === 'RATE_LIMITED'
                ? say.rateLimited
                : say.sendRefused;
        if (typeof text === 'string') notice(dispatch, text, error.code);
      }
    }
    return result;
  }
  // A picture's message can reach the page a moment before its file is stored (the file is kept once the message
  // is): an image of ours that failed to load is tried again a few times. Only the service's own signed links.
  const tries = new WeakMap();
  document.addEventListener(
    'error',
    (event) => {
      const img = event.target;
      if (!(img instanceof HTMLImageElement) || !img.src.startsWith(location.origin + '/attachments/')) return;
      const n = (tries.get(img) || 0) + 1;
      if (n > 5) return;
      tries.set(img, n);
      setTimeout(() => {
        const src = img.src;
        img.src = src;
      }, 300 * n);
    },
    true,
  );
  const directLine = window.WebChat.createDirectLine(await directLineOptions(session.token, location.origin + '/v3/directline'));
  sendOurselves(directLine, location.origin + '/v3/directline');
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
 * No session could be started: the page says why, in the customer's language, instead of Web Chat's bare "Unable to
 * connect". Too many new chats from this network (the per-address limit, a 429 with when to retry) says how long to
 * wait, and the page tries again by itself once that time is over; anything else offers a retry. Text only.
 */
function cannotStart(err, es) {
  const root = document.getElementById('webchat');
  const error = (err && err.response && err.response.error) || {};
  const seconds = error.details && typeof error.details.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : undefined;
  const limited = err && err.status === 429;
  const minutes = Math.max(1, Math.ceil((seconds || 60) / 60));
  const unit = es ? (minutes === 1 ? 'minuto' : 'minutos') : minutes === 1 ? 'minute' : 'minutes';
  const text = limited
    ? es
      ? `Se han abierto demasiados chats nuevos desde esta red. Vuelve a intentarlo en ${minutes} ${unit}.`
      : `Too many new chats have been started from this network. Please try again in ${minutes} ${unit}.`
    : es
      ? 'No se pudo iniciar el chat. Comprueba tu conexión y vuelve a intentarlo.'
      : 'The chat could not be started. Check your connection and try again.';
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.className = 'cannot-start';
  const p = document.createElement('p');
  p.textContent = text;
  const again = document.createElement('button');
  again.type = 'button';
  again.textContent = es ? 'Reintentar' : 'Try again';
  again.addEventListener('click', () => location.reload());
  box.append(p, again);
  root.replaceChildren(box);
  if (limited && seconds) setTimeout(() => location.reload(), seconds * 1000 + 1000);
}

/**
 * Direct Line 3.0 streaming (the server pushes activity sets over a WebSocket) when the browser and the network
 * allow one; polling otherwise (no WebSocket, streaming turned off on the server, or a proxy that refuses the
 * upgrade). The stream is tried once here, because Direct Line's client retries a failing stream forever instead
 * of falling back; the started conversation is handed over, so it is not started twice.
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
    // A streamUrl opens one stream only: the client asks for its own (GET /conversations/:id?watermark=, Direct
    // Line's reconnect), and again after every drop.
    return opens ? { token: started.token, domain, webSocket: true, conversationId: started.conversationId } : polling;
  } catch {
    return polling;
  }
}

/**
 * Posts the page's activities itself instead of through Direct Line's client, which on a 429 never reports the
 * refusal (the message stays at "Sending" until Web Chat gives up, minutes later, and the reason is lost). Here every
 * answer settles at once: a refusal rejects with the server's coded body, so Web Chat marks the message "Send failed"
 * with its Retry (the text stays in the transcript, nothing is lost) and the store's middleware above says why.
 * Files go as Direct Line's upload does: the activity and each picked file (read back from its blob: URL) in one
 * multipart body. Until the client has its conversation (it is still connecting), its own post is used.
 */
function sendOurselves(directLine, domain) {
  const original = directLine.postActivity.bind(directLine);
  const refusal = async (res) => {
    const body = await res.json().catch(() => ({}));
    return Object.assign(new Error('refused with ' + res.status), { status: res.status, response: body });
  };
  const send = async (activity) => {
    const url = domain + '/conversations/' + encodeURIComponent(directLine.conversationId);
    const headers = { authorization: 'Bearer ' + directLine.token };
    const files = activity.type === 'message' && Array.isArray(activity.attachments) ? activity.attachments : [];
    let res;
    if (files.length) {
      const form = new FormData();
      const described = files.map(({ contentUrl: _url, ...rest }) => rest);
      form.append('activity', new Blob([JSON.stringify({ ...activity, attachments: described })], { type: 'application/vnd.microsoft.activity' }));
      for (const f of files) form.append('file', new Blob([await (await fetch(f.contentUrl)).arrayBuffer()], { type: f.contentType }), f.name || 'file');
      res = await fetch(url + '/upload?userId=' + encodeURIComponent((activity.from && activity.from.id) || ''), { method: 'POST', headers, body: form });
    } else {
      res = await fetch(url + '/activities', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    }
    if (!res.ok) throw await refusal(res);
    return (await res.json()).id;
  };
  directLine.postActivity = (activity) => {
    if (!directLine.conversationId || !directLine.token) return original(activity);
    // The one thing Web Chat needs of the answer: an observable of the new activity's id, or its error.
    return {
      subscribe(observer) {
        let open = true;
        send(activity).then(
          (id) => open && (observer.next(id), observer.complete && observer.complete()),
          // A network failure (no answer at all) has no body: the page says its general sentence.
          (err) => open && observer.error(err.status ? err : Object.assign(err, { status: 0, response: { error: { code: 'NETWORK' } } })),
        );
        return { unsubscribe: () => (open = false) };
      },
    };
  };
}
