/**
 * T06: nothing is acknowledged that is not durably stored. With a store that cannot make writes durable (every
 * commit's sync fails) or cannot write at all, every intake path answers an error, never a 2xx: Bot Framework,
 * web chat, mentions, and an agent's console message.
 */
import { AppError } from '../../core/errors';
import type { ConversationExpectation, NewMessage } from '../../models/records';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { request, startSecurityApp, webChatVisitor } from './helpers';

const KEY = 'listening-tool-key-0123456789';

/** A store that works until told, then refuses every message write and every sync (a full or failing disk). */
class FailingStore extends SqliteStore {
  failing = false;
  override appendMessage(m: NewMessage, o?: { deferSync?: boolean }) {
    if (this.failing) return Promise.reject(new AppError('STORE_UNAVAILABLE', 'disk full'));
    return super.appendMessage(m, o);
  }
  // An agent's message is written by the conditional append (stored only while they hold the chat).
  override appendMessageIf(m: NewMessage, e: ConversationExpectation, o?: { deferSync?: boolean }) {
    if (this.failing) return Promise.reject(new AppError('STORE_UNAVAILABLE', 'disk full'));
    return super.appendMessageIf(m, e, o);
  }
  override sync() {
    if (this.failing) return Promise.reject(new AppError('STORE_UNAVAILABLE', 'fsync failed'));
    return super.sync();
  }
}

test('T06 with writes failing, no intake path answers 2xx', async () => {
  const store = new FailingStore(':memory:');
  const s = await startSecurityApp({ MENTIONS_API_KEY: KEY }, { store });
  try {
    // Set up while the store works: a visitor, a claimed chat.
    const visitor = await webChatVisitor(s.url);
    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent);
    await post(s.url, messageActivity({ conversation: { id: 't06-chat' }, from: { id: 't06-user' }, text: 'talk to a human' }));
    const conv = (await s.app.store.findConversationByChannel('test', 't06-chat'))!;
    expect((await ask(socket, 'conversation:claim', { conversationId: conv.id })).ok).toBe(true);

    store.failing = true;
    const bf = await post(s.url, messageActivity({ conversation: { id: 't06-bf' }, text: 'where is my order 12345' }));
    expect(bf.status).toBe(503);
    const web = await visitor.say('hello');
    expect(web.status).toBe(503);
    const mention = await request(`${s.url}/api/mentions`, { headers: { 'x-api-key': KEY }, body: { network: 'x', handle: '@t06', text: 'hello' } });
    expect(mention.status).toBe(503);
    const agentMessage = await ask(socket, 'message:send', { conversationId: conv.id, text: 'are you there?', clientMessageId: 't06' });
    expect(agentMessage.ok).toBe(false);
    expect(agentMessage.error?.code).toBe('STORE_UNAVAILABLE');
    for (const r of [bf, web, mention]) expect(r.body.error?.code).toBe('STORE_UNAVAILABLE');
    socket.disconnect();
  } finally {
    store.failing = false;
    await s.stop();
  }
});
