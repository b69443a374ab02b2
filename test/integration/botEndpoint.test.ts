import { AppError } from '../../core/errors';
import type { NewMessage } from '../../models/records';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity, post, say } from '../helpers/activities';
import { failFsync, tempStoreFile } from '../helpers/storeFiles';
import { startTestApp, type RunningApp } from '../helpers/testApp';

describe('POST /api/messages with real activities', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(async () => running.stop());

  test('"where is my order 12345" ends in the order status from the demo backend, once the visitor gives the e-mail on the order', async () => {
    const r = await say(running.url, 'track-1', 'where is my order 12345');
    expect(r.status).toBe(200);
    expect(r.replies.join('\n')).toMatch(/e-mail address the order was placed with/);
    const proved = await say(running.url, 'track-1', 'ana@example.com');
    expect(proved.replies.join('\n')).toMatch(/12345.*shipped.*DHL/);
  });

  test('a Spanish question is answered in Spanish, asking for the missing order number', async () => {
    const first = await say(running.url, 'es-1', '¿dónde está mi pedido?', { locale: 'es-ES', from: { id: 'user-es' } });
    expect(first.replies.join('\n')).toContain('¿Cuál es tu número de pedido?');
    const second = await say(running.url, 'es-1', '12345', { locale: 'es-ES', from: { id: 'user-es' } });
    expect(second.replies.join('\n')).toMatch(/dime el correo electrónico con el que se hizo/);
    const third = await say(running.url, 'es-1', 'ana@example.com', { locale: 'es-ES', from: { id: 'user-es' } });
    expect(third.replies.join('\n')).toMatch(/El pedido 12345 ha sido enviado/);
  });

  test('the same activity posted 20 times concurrently: one stored customer message, one bot reply', async () => {
    const activity = messageActivity({ conversation: { id: 'dup-1' }, text: 'where is my order 12345' });
    const results = await Promise.all(Array.from({ length: 20 }, () => post(running.url, activity)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.replies.length, 0)).toBe(1);
    const conv = await running.app.store.findConversationByChannel('test', 'dup-1');
    const msgs = await running.app.store.listMessages(conv!.id);
    expect(msgs.filter((m) => m.role === 'customer')).toHaveLength(1);
    expect(msgs.filter((m) => m.role === 'bot')).toHaveLength(1);
    expect(msgs.map((m) => m.seq)).toEqual([1, 2]);
  });

  test('every customer and bot message is stored with intent and sentiment', async () => {
    await say(running.url, 'stored-1', 'I want a refund for order 12345');
    const conv = await running.app.store.findConversationByChannel('test', 'stored-1');
    const msgs = await running.app.store.listMessages(conv!.id);
    expect(msgs[0]).toMatchObject({ role: 'customer', intent: 'refund.request', text: 'I want a refund for order 12345' });
    expect(typeof msgs[0].sentiment).toBe('number');
    expect(msgs[1]).toMatchObject({ role: 'bot', text: expect.stringContaining('e-mail address the order was placed with') as unknown });
  });

  test.each([
    ['an empty text', { text: '' }, /empty message/],
    [
      'an attachment-only activity',
      { text: undefined, attachments: [{ contentType: 'image/png', name: 'receipt.png', contentUrl: 'https://x/receipt.png' }] },
      /receipt\.png/,
    ],
    // Longer than the recognizer reads (NLU_MAX_CHARS), within the message limit (MAX_MESSAGE_CHARS; T24 tests past it).
    ['a 9,000-character text', { text: `where is my order 12345 ${'a'.repeat(9_000)}` }, /long/],
  ])('%s gets a clear, bounded answer', async (_name, over, expected) => {
    const r = await post(running.url, messageActivity({ conversation: { id: `edge-${Math.random()}` }, ...over }));
    expect(r.status).toBe(200);
    expect(r.replies.join('\n')).toMatch(expected);
  });

  test.each([
    ['no conversation', { conversation: undefined }],
    ['no from', { from: undefined }],
    ['a non-string type', { type: 42 }],
    ['an object as text', { text: { $ne: null } }],
  ])('a malformed activity (%s) gets 400 BOT_ACTIVITY_INVALID and nothing is stored', async (_name, over) => {
    const r = await post(running.url, messageActivity({ conversation: { id: 'malformed' }, ...over }));
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('BOT_ACTIVITY_INVALID');
    expect(await running.app.store.findConversationByChannel('test', 'malformed')).toBeNull();
  });

  test('invalid JSON gets 400 and a body over 256 KB gets 413', async () => {
    expect((await post(running.url, '{"type":')).status).toBe(400);
    const big = await post(running.url, messageActivity({ text: 'x'.repeat(300_000) }));
    expect(big.status).toBe(413);
  });

  test('an unknown activity type is acknowledged and ignored', async () => {
    const r = await post(running.url, messageActivity({ type: 'somethingNew', conversation: { id: 'unknown-type' } }));
    expect(r.status).toBe(200);
    expect(r.replies).toEqual([]);
  });

  test('repeated misunderstanding escalates to a person after the configured number of turns', async () => {
    const first = await say(running.url, 'fail-1', 'blorp zzzt');
    expect(first.replies.join('\n')).toMatch(/did not understand/);
    const second = await say(running.url, 'fail-1', 'qwfp arst');
    expect(second.replies.join('\n')).toMatch(/No agent is online|queue/);
    const conv = await running.app.store.findConversationByChannel('test', 'fail-1');
    expect(conv).toMatchObject({ state: 'queued', handoffReason: 'not_understood' });
  });
});

describe('durable before acknowledged', () => {
  test('with the store failing to write, /api/messages answers 5xx, never 200', async () => {
    class FailingStore extends SqliteStore {
      override appendMessage(_m: NewMessage): never {
        throw new AppError('STORE_UNAVAILABLE', 'disk full');
      }
    }
    const running = await startTestApp({}, { store: new FailingStore(':memory:') });
    try {
      const r = await say(running.url, 'fail-store', 'where is my order 12345');
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(r.body.error?.code).toBe('STORE_UNAVAILABLE');
    } finally {
      await running.stop();
    }
  });
  test('a turn whose writes cannot be made durable (fsync fails) answers 503, never 200', async () => {
    const running = await startTestApp({}, { store: new SqliteStore(tempStoreFile('turn-fsync')) });
    // The customer and the conversation exist: this turn's own writes are all deferSync, made durable by its end.
    expect((await say(running.url, 'fsync-fails', 'hello')).status).toBe(200);
    const fsync = failFsync();
    try {
      const r = await say(running.url, 'fsync-fails', 'what payment methods do you accept');
      expect(fsync).toHaveBeenCalled();
      expect(r.status).toBe(503);
      expect(r.body.error?.code).toBe('STORE_UNAVAILABLE');
    } finally {
      fsync.mockRestore();
      await running.stop();
    }
  });

  test('a first contact (new customer and conversation, also written deferSync) whose fsync fails answers 503, never 200', async () => {
    const running = await startTestApp({}, { store: new SqliteStore(tempStoreFile('first-fsync')) });
    const fsync = failFsync();
    try {
      const r = await say(running.url, 'first-contact-fsync', 'hello');
      expect(r.status).toBe(503);
      expect(r.body.error?.code).toBe('STORE_UNAVAILABLE');
      expect(fsync).toHaveBeenCalled();
    } finally {
      fsync.mockRestore();
      await running.stop();
    }
  });
});

describe('Bot Framework authentication', () => {
  test('with app credentials, a missing or bad token gets 401, nothing stored, no bot logic', async () => {
    const running = await startTestApp({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'secret',
      PUBLIC_URL: 'https://bot.example',
    });
    try {
      const none = await post(running.url, messageActivity({ conversation: { id: 'auth-1' } }));
      expect(none.status).toBe(401);
      expect(none.body.error?.code).toBe('AUTH_INVALID');
      const bad = await post(running.url, messageActivity({ conversation: { id: 'auth-1' } }), { authorization: 'Bearer not.a.jwt' });
      expect(bad.status).toBe(401);
      expect(await running.app.store.findConversationByChannel('test', 'auth-1')).toBeNull();
    } finally {
      await running.stop();
    }
  });
});
